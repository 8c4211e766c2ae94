package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// WebhookPolicy says which addresses webhooks may be sent to. The zero value allows
// public addresses only: a contact's URL is chosen by a production's people, and
// must not let them reach the server's own host, the studio's internal network or a
// cloud metadata service.
type WebhookPolicy struct {
	// Allow lists address ranges beyond the public ones, such as 10.0.0.0/8 for a
	// chat server inside the studio's network.
	Allow []netip.Prefix
}

// ParseWebhookAllow reads a comma-separated list of address ranges (10.0.0.0/8,
// fd00::/8) or single addresses (192.168.1.20).
func ParseWebhookAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not an address range like 10.0.0.0/8 or an address: %w", f, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			// Addresses are compared unmapped, so a mapped range would never match.
			return nil, fmt.Errorf("%q: write IPv4 ranges as IPv4, like 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Permits reports whether a webhook may be sent to ip.
func (p WebhookPolicy) Permits(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if Public(ip) {
		return true
	}
	for _, r := range p.Allow {
		if r.Contains(ip) {
			return true
		}
	}
	return false
}

// nonPublic are the ranges the netip predicates do not cover that no public server
// has an address in (IANA's special-purpose registries).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relays
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments, Teredo
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: an IPv4 address inside
	netip.MustParsePrefix("3fff::/20"),       // documentation
}

// globalIPv6 is where every public IPv6 address is; outside it are loopback,
// unspecified, NAT64 and IPv4-compatible forms, unique-local, link-local, multicast.
var globalIPv6 = netip.MustParsePrefix("2000::/3")

// Public reports whether ip is an address on the public internet, IPv4-mapped
// IPv6 forms judged as their IPv4 address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	if ip.Is6() && !globalIPv6.Contains(ip) {
		return false
	}
	for _, r := range nonPublic {
		if r.Contains(ip) {
			return false
		}
	}
	return true
}

// errNotPermitted is a connection refused before it was made: the address is not
// one the policy allows.
var errNotPermitted = errors.New("the address is not a public one")

// client returns the HTTP client webhooks are sent with. Every address a host name
// resolves to is checked as the connection is made, so a name that resolves to a
// public address when the contact is saved and to an internal one later is still
// refused. It follows no redirects, and ignores HTTP_PROXY and the like: a proxy
// would resolve the name itself, where the check cannot see.
func (p WebhookPolicy) client() *http.Client {
	dialer := &net.Dialer{
		Timeout:   sendTimeout,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook dial %s: %w", address, err)
			}
			if !p.Permits(ap.Addr()) {
				return fmt.Errorf("%w: %s", errNotPermitted, ap.Addr())
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        20,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       sendTimeout,
	}
}

// failedAttempt is a failed webhook attempt as people are told of it. Its Error is
// plain words and never holds bytes the receiver sent: a receiver may be a service
// that was not meant to be reachable, and its answer is not for the crew to read.
type failedAttempt struct {
	reason string
	err    error // the cause, for errors.Is; not shown
}

func (f *failedAttempt) Error() string { return f.reason }
func (f *failedAttempt) Unwrap() error { return f.err }

// postWebhook POSTs the row's body to its URL. Any 2xx answer is a delivery; anything
// else, a redirect included, or no answer, is a failed attempt.
func postWebhook(ctx context.Context, c *http.Client, d Delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Address, bytes.NewReader(d.Body))
	if err != nil {
		return &failedAttempt{reason: "the webhook address is not a usable URL", err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "coldset")
	req.Header.Set(SignatureHeader, Sign(d.Secret, d.Body))
	req.Header.Set(DeliveryHeader, d.Key())
	resp, err := c.Do(req)
	if err != nil {
		return &failedAttempt{reason: unreachable(err), err: err}
	}
	defer resp.Body.Close()
	// Read a little so the connection can be used again; none of it is kept.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return nil
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		return &failedAttempt{reason: fmt.Sprintf("the address answered %d, sending it elsewhere; redirects are not followed, so give the address it sends to", resp.StatusCode)}
	default:
		return &failedAttempt{reason: fmt.Sprintf("the address answered %d", resp.StatusCode)}
	}
}

// unreachable says in plain words why a request got no answer.
func unreachable(err error) string {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
	)
	switch {
	case errors.Is(err, errNotPermitted):
		return "the address is not a public one; ask the studio admin to allow it"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("no answer within %d s", int(sendTimeout/time.Second))
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "the address's host name was not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the address refused the connection"
	case errors.As(err, &certErr):
		return "the address's HTTPS certificate is not valid"
	default:
		return "the address could not be reached"
	}
}

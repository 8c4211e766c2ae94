package notify

import (
	"net/netip"
	"slices"
	"testing"
)

func TestWebhookPolicyPermits(t *testing.T) {
	internal := WebhookPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}
	for _, tc := range []struct {
		name   string
		addr   string
		policy WebhookPolicy
		want   bool
	}{
		{"public IPv4", "93.184.215.14", WebhookPolicy{}, true},
		{"public IPv6", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", WebhookPolicy{}, true},
		{"IPv4-mapped public", "::ffff:93.184.215.14", WebhookPolicy{}, true},
		{"loopback", "127.0.0.1", WebhookPolicy{}, false},
		{"loopback elsewhere in 127/8", "127.53.0.1", WebhookPolicy{}, false},
		{"IPv6 loopback", "::1", WebhookPolicy{}, false},
		{"IPv4-mapped loopback", "::ffff:127.0.0.1", WebhookPolicy{}, false},
		{"unspecified", "0.0.0.0", WebhookPolicy{}, false},
		{"IPv6 unspecified", "::", WebhookPolicy{}, false},
		{"this network", "0.1.2.3", WebhookPolicy{}, false},
		{"private 10/8", "10.9.8.7", WebhookPolicy{}, false},
		{"private 172.16/12", "172.31.255.1", WebhookPolicy{}, false},
		{"private 192.168/16", "192.168.1.1", WebhookPolicy{}, false},
		{"IPv4-mapped private", "::ffff:192.168.1.1", WebhookPolicy{}, false},
		{"unique-local IPv6", "fd12:3456::1", WebhookPolicy{}, false},
		{"cloud metadata service", "169.254.169.254", WebhookPolicy{}, false},
		{"IPv4-mapped metadata service", "::ffff:169.254.169.254", WebhookPolicy{}, false},
		{"link-local IPv6", "fe80::1", WebhookPolicy{}, false},
		{"link-local IPv6 with a zone", "fe80::1%eth0", WebhookPolicy{}, false},
		{"carrier-grade NAT", "100.64.0.1", WebhookPolicy{}, false},
		{"multicast", "224.0.0.1", WebhookPolicy{}, false},
		{"IPv6 multicast", "ff02::1", WebhookPolicy{}, false},
		{"broadcast", "255.255.255.255", WebhookPolicy{}, false},
		{"reserved 240/4", "240.0.0.1", WebhookPolicy{}, false},
		{"benchmarking", "198.18.0.1", WebhookPolicy{}, false},
		{"documentation", "192.0.2.1", WebhookPolicy{}, false},
		{"NAT64 of loopback", "64:ff9b::7f00:1", WebhookPolicy{}, false},
		{"IPv4-compatible loopback", "::127.0.0.1", WebhookPolicy{}, false},
		{"6to4 of a private address", "2002:c0a8:101::1", WebhookPolicy{}, false},
		{"Teredo", "2001:0:4136:e378::1", WebhookPolicy{}, false},
		{"private range the deployment allows", "10.9.8.7", internal, true},
		{"IPv4-mapped form of an allowed range", "::ffff:10.9.8.7", internal, true},
		{"unique-local range the deployment allows", "fd12:3456::1", internal, true},
		{"private range the deployment does not allow", "192.168.1.1", internal, false},
		{"loopback the deployment does not allow", "127.0.0.1", internal, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.policy.Permits(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Fatalf("Permits(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}

func TestParseWebhookAllow(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // nil with ok false: refused
		ok   bool
	}{
		{"nothing", "", nil, true},
		{"one range", "10.0.0.0/8", []string{"10.0.0.0/8"}, true},
		{"several, with spaces", "10.0.0.0/8, fd00::/8 ,127.0.0.1", []string{"10.0.0.0/8", "fd00::/8", "127.0.0.1/32"}, true},
		{"a range written from a host in it", "192.168.1.20/24", []string{"192.168.1.0/24"}, true},
		{"one IPv6 address", "::1", []string{"::1/128"}, true},
		{"a host name", "chat.studio.test", nil, false},
		{"a bad length", "10.0.0.0/33", nil, false},
		{"an IPv4-mapped range", "::ffff:10.0.0.0/104", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := ParseWebhookAllow(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("ranges %v, want %v", got, tc.want)
			}
		})
	}
}

package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"regexp"
)

// TLSConfig returns the configuration for serving HTTPS with the PEM certificate
// (chain) in certFile and its private key in keyFile, for http.Server.ServeTLS: TLS
// 1.2 at least, with Go's default cipher suites. Both files are read now; a renewed
// certificate takes effect at the next start.
//
// Over TLS the server adds Strict-Transport-Security to every answer and marks its
// cookies Secure, both judged per request (r.TLS, or behind a trusted proxy its
// X-Forwarded-Proto: proxy.go), so nothing else needs to be told.
func TLSConfig(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("tls: both a certificate and its key are needed")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: load %s and %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
	}, nil
}

// ErrorLog returns the logger to give http.Server.ErrorLog. net/http's own messages
// name the client's address ("TLS handshake error from ADDR", "panic serving ADDR"),
// and coldset keeps no client address anywhere, an anonymous reporter's least of
// all: this logger writes the messages to w with every address withheld.
func ErrorLog(w io.Writer) *log.Logger {
	return log.New(addressFilter{w}, "", log.LstdFlags)
}

// clientAddress matches an address net/http names its client by.
var clientAddress = regexp.MustCompile(`\b(from|serving) (\[[^\]]*\]|[^\s\[\]]+):\d+`)

type addressFilter struct{ w io.Writer }

func (f addressFilter) Write(p []byte) (int, error) {
	if _, err := f.w.Write(clientAddress.ReplaceAll(p, []byte("$1 (address withheld)"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

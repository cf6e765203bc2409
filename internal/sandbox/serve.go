package sandbox

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// ServeOptions configure a network-facing emulator (`teamsctl sandbox serve`).
type ServeOptions struct {
	Addr string
	// TLSCertFile and TLSKeyFile serve a certificate the caller provides
	// (for example one valid for graph.microsoft.com, so that unmodified
	// clients can be pointed at the emulator). Without them a throwaway CA
	// and a certificate for the listen address and localhost are made.
	TLSCertFile string
	TLSKeyFile  string
	// StateFile, when set, is loaded at start (if present) and rewritten
	// after every write, so a restarted server continues where it stopped.
	StateFile string
	SeedFile  string
	// Large grows the built-in tenant to emulator.ScaleTestSize (100,000
	// users, 20,000 enterprise apps, ...) for rehearsing at scale.
	Large  bool
	Faults emulator.FaultOptions
	Now    func() time.Time
	// Log receives errors that happen after a response was sent (saving
	// the state file); nil discards them.
	Log io.Writer
	// RequestLogLimit bounds the emulator's request log (the latest this
	// many requests); zero keeps DefaultRequestLogLimit.
	RequestLogLimit int
	// AllowRemote lets Addr be something other than a loopback address.
	// The control API then requires Served.ControlToken.
	AllowRemote bool
}

// DefaultRequestLogLimit is how many requests a served emulator keeps in
// its request log (/_emulator/requests) unless told otherwise.
const DefaultRequestLogLimit = 10000

// NotLoopbackError refuses to listen beyond loopback without AllowRemote.
type NotLoopbackError struct{ Addr string }

func (e *NotLoopbackError) Error() string {
	return fmt.Sprintf("%s is reachable from other machines; the sandbox listens on loopback (127.0.0.1, ::1 or localhost) unless told otherwise", e.Addr)
}

// IsLoopbackAddr reports whether host:port names a loopback address: an
// IP literal in 127.0.0.0/8 or ::1, or localhost. Any other host name
// might resolve beyond loopback, and an empty host is every interface.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Served is a running emulator server.
type Served struct {
	Server *emulator.Server
	// URL is https://host:port; the login endpoints live under it and
	// Graph under URL+"/v1.0".
	URL string
	// CAPEM is the CA to trust; empty when the caller provided the certificate.
	CAPEM []byte
	// ControlToken is the bearer token the control API requires (set when
	// ServeOptions.AllowRemote); empty when the control API is open.
	ControlToken string
	http         *http.Server
	listener     net.Listener
}

// Serve starts the emulator on opts.Addr and returns once it accepts
// connections; call Shutdown to stop it.
func Serve(opts ServeOptions) (*Served, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if !opts.AllowRemote && !IsLoopbackAddr(opts.Addr) {
		return nil, &NotLoopbackError{Addr: opts.Addr}
	}
	emu := emulator.Options{Now: now, Faults: opts.Faults, RequestLogLimit: cmp.Or(opts.RequestLogLimit, DefaultRequestLogLimit)}
	if opts.AllowRemote {
		emu.ControlToken = rand.Text()
	}
	srv, err := openServerState(opts, emu)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	// localhost is resolved by the system: check what was bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !opts.AllowRemote && !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, &NotLoopbackError{Addr: ln.Addr().String()}
	}
	cert, caPEM, err := serverCertificate(opts, ln.Addr(), now())
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	handler := http.Handler(srv)
	if opts.StateFile != "" {
		handler = persisting(srv, opts.StateFile, opts.Log)
	}
	s := &Served{
		Server:       srv,
		URL:          "https://" + ln.Addr().String(),
		CAPEM:        caPEM,
		ControlToken: emu.ControlToken,
		listener:     ln,
		http: &http.Server{
			Handler:           handler,
			TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
			ReadHeaderTimeout: 10 * time.Second,
			// A body (at most emulator.MaxRequestBodyBytes) trickled in
			// slowly must not hold a connection forever.
			ReadTimeout: time.Minute,
		},
	}
	go func() { _ = s.http.ServeTLS(ln, "", "") }() // ends with Shutdown
	return s, nil
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Served) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// openServerState builds the emulator from the state file, the large
// tenant or the seed; emu carries the other options.
func openServerState(opts ServeOptions, emu emulator.Options) (*emulator.Server, error) {
	if opts.StateFile != "" {
		raw, err := os.ReadFile(opts.StateFile)
		switch {
		case err == nil:
			var st emulator.State
			if err := json.Unmarshal(raw, &st); err != nil {
				return nil, fmt.Errorf("state file %s is not emulator state: %w", opts.StateFile, err)
			}
			emu.State = &st
			return emulator.New(emu)
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	if opts.Large {
		st, err := emulator.GenerateLargeTenant(emu.Now(), emulator.ScaleTestSize)
		if err != nil {
			return nil, err
		}
		emu.State = st
		return emulator.New(emu)
	}
	if opts.SeedFile != "" {
		var err error
		if emu.Seed, err = emulator.LoadSeed(opts.SeedFile); err != nil {
			return nil, err
		}
	}
	return emulator.New(emu)
}

func serverCertificate(opts ServeOptions, addr net.Addr, now time.Time) (tls.Certificate, []byte, error) {
	if opts.TLSCertFile != "" || opts.TLSKeyFile != "" {
		cert, err := tls.LoadX509KeyPair(opts.TLSCertFile, opts.TLSKeyFile)
		if err != nil {
			return tls.Certificate{}, nil, fmt.Errorf("load --tls-cert/--tls-key: %w", err)
		}
		return cert, nil, nil
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certs, err := NewCertificates(now, append([]string{host, "localhost", "127.0.0.1"}, MicrosoftHosts...))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return certs.ServerCert, certs.CAPEM, nil
}

// persisting saves the state file after every request that may write.
func persisting(srv *emulator.Server, path string, log io.Writer) http.Handler {
	if log == nil {
		log = io.Discard
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return
		}
		raw, err := srv.MarshalState()
		if err == nil {
			err = fsutil.WriteFileAtomic(path, raw, 0o600)
		}
		if err != nil {
			// The response is already sent; tell the operator instead.
			fmt.Fprintf(log, "sandbox: saving state to %s: %v\n", path, err)
		}
	})
}

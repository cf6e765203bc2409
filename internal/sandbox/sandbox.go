// Package sandbox runs the emulated tenant in-process for `teamsctl
// --sandbox`: requests to the sandbox hosts are served by the emulator's
// handler directly (no sockets, no certificates), and the tenant's state
// persists between invocations in the config directory.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// The sandbox hosts end in .invalid (RFC 2606), so nothing addressed to
// them can ever reach a real network by mistake.
const (
	LoginHost = "login.sandbox.teamsctl.invalid"
	GraphHost = "graph.sandbox.teamsctl.invalid"
)

// LoginURL is the sandbox's Entra login endpoint.
func LoginURL() string { return "https://" + LoginHost }

// GraphURL is the sandbox's Microsoft Graph v1.0 endpoint.
func GraphURL() string { return "https://" + GraphHost + "/v1.0" }

// File names inside the sandbox directory.
const (
	stateFile = "sandbox.json"
	lockFile  = "sandbox.lock"
)

// Options configure Open.
type Options struct {
	// SeedFile replaces the built-in Contoso fixture when the sandbox is
	// created (it has no effect on an existing sandbox).
	SeedFile string
	// Now is the emulator's clock.
	Now func() time.Time
}

// Sandbox is an open, locked sandbox tenant.
type Sandbox struct {
	Server *emulator.Server
	path   string
	lock   *fsutil.Lock
}

// persisted is the sandbox state file: the tenant plus the fault settings
// made with `teamsctl sandbox fault`.
type persisted struct {
	Faults emulator.FaultOptions `json:"faults"`
	State  json.RawMessage       `json:"state"`
}

// Open locks the sandbox in dir (waiting for another teamsctl process to
// finish with it) and loads its state, creating it from the seed on first
// use.
func Open(ctx context.Context, dir string, opts Options) (*Sandbox, error) {
	lock, err := fsutil.LockFile(ctx, filepath.Join(dir, lockFile))
	if err != nil {
		return nil, err
	}
	sb := &Sandbox{path: filepath.Join(dir, stateFile), lock: lock}
	if sb.Server, err = load(sb.path, opts); err != nil {
		_ = lock.Unlock()
		return nil, err
	}
	return sb, nil
}

func load(path string, opts Options) (*emulator.Server, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fresh(opts)
	}
	if err != nil {
		return nil, err
	}
	var p persisted
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("sandbox state %s is corrupt (%v); run `teamsctl sandbox reset` to start over", path, err)
	}
	var st emulator.State
	if err := json.Unmarshal(p.State, &st); err != nil {
		return nil, fmt.Errorf("sandbox state %s is corrupt (%v); run `teamsctl sandbox reset` to start over", path, err)
	}
	return emulator.New(emulator.Options{State: &st, Now: opts.Now, Faults: p.Faults})
}

func fresh(opts Options) (*emulator.Server, error) {
	var seed *emulator.Seed
	if opts.SeedFile != "" {
		var err error
		if seed, err = emulator.LoadSeed(opts.SeedFile); err != nil {
			return nil, err
		}
	}
	return emulator.New(emulator.Options{Seed: seed, Now: opts.Now})
}

// Save writes the state file atomically with mode 0600 (it holds client
// secrets and the token signing key of the sandbox tenant).
func (sb *Sandbox) Save() error {
	state, err := sb.Server.MarshalState()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(persisted{Faults: sb.Server.Faults(), State: state})
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(sb.path, raw, 0o600)
}

// Close saves the state and releases the lock.
func (sb *Sandbox) Close() error {
	saveErr := sb.Save()
	if err := sb.lock.Unlock(); err != nil && saveErr == nil {
		return err
	}
	return saveErr
}

// Reset deletes the sandbox state so the next Open starts from the seed.
func Reset(ctx context.Context, dir string) error {
	lock, err := fsutil.LockFile(ctx, filepath.Join(dir, lockFile))
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := os.Remove(filepath.Join(dir, stateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Transport serves requests for the sandbox hosts with the emulator's
// handler and refuses every other host. Writes are saved as they happen, so
// an interrupted command leaves the tenant as a real one would be.
func (sb *Sandbox) Transport() http.RoundTripper { return transport{sb} }

type transport struct{ sb *Sandbox }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Hostname())
	if host != LoginHost && host != GraphHost {
		return nil, fmt.Errorf("sandbox: refusing a request to %s: only the sandbox hosts are reachable in --sandbox mode", req.URL.Host)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	inner := req.Clone(req.Context())
	inner.RequestURI = req.URL.RequestURI()
	inner.Host = req.URL.Host
	if inner.Body == nil {
		inner.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.sb.Server.ServeHTTP(rec, inner)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		if err := t.sb.Save(); err != nil {
			return nil, fmt.Errorf("sandbox: saving state: %w", err)
		}
	}
	resp := rec.Result()
	resp.Request = req
	if resp.Body == nil {
		resp.Body = io.NopCloser(strings.NewReader(""))
	}
	return resp, nil
}

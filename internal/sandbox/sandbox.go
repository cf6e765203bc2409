// Package sandbox runs the emulated tenant in-process for `teamsctl
// --sandbox`: requests to the sandbox hosts are served by the emulator's
// handler directly (no sockets, no certificates), and the tenant's state
// persists between invocations in the config directory.
//
// Several teamsctl processes may use one sandbox at once (a device-code
// sign-in waiting in one terminal while `teamsctl sandbox
// approve-device-code` runs in another), so the state file is locked per
// request, not per process: each request reloads the state if another
// process changed it, and saves it after a write.
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
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// The sandbox hosts end in .invalid (RFC 2606), so nothing addressed to
// them can ever reach a real network by mistake.
const (
	LoginHost = "login.sandbox.teamsctl.invalid"
	GraphHost = "graph.sandbox.teamsctl.invalid"
	// ManagementHost serves the emulator's Azure Resource Manager reads
	// (GET /tenants, GET /subscriptions) that Azure sign-in clients make.
	ManagementHost = "management.sandbox.teamsctl.invalid"
)

// MicrosoftHosts are the real service hosts a generated `sandbox serve`
// certificate also covers, so that unmodified clients can be pointed at
// the emulator with hosts-file entries (and the CA trusted): the login
// endpoints, Graph and Azure Resource Manager under both its names.
var MicrosoftHosts = []string{"login.microsoftonline.com", "graph.microsoft.com", "management.azure.com", "management.core.windows.net"}

// LoginURL is the sandbox's Entra login endpoint.
func LoginURL() string { return "https://" + LoginHost }

// GraphURL is the sandbox's Microsoft Graph v1.0 endpoint.
func GraphURL() string { return "https://" + GraphHost + "/v1.0" }

// ManagementURL is the sandbox's Azure Resource Manager endpoint.
func ManagementURL() string { return "https://" + ManagementHost }

// Dir is where the sandbox lives inside teamsctl's config directory.
func Dir(configDir string) string { return filepath.Join(configDir, "sandbox") }

// File names inside the sandbox directory.
const (
	stateFile = "sandbox.json"
	lockFile  = "sandbox.lock"
	// genFile holds a random token rewritten on every save; a token other
	// than the one this process wrote or read means another process saved.
	// (File modification times are too coarse on some file systems.)
	genFile = "sandbox.gen"
	// seedFile holds a random token written whenever the tenant is built
	// from a seed (created or reset): caches of what the tenant holds (the
	// permission catalog with Microsoft Graph's object id) are keyed by it.
	seedGenFile = "sandbox.seed"
)

// SeedGeneration identifies the build of the sandbox tenant in dir: it
// changes when the tenant is created or reset from a seed, and not when
// the tenant is merely changed. "" when there is no sandbox yet.
func SeedGeneration(dir string) string {
	raw, err := os.ReadFile(filepath.Join(dir, seedGenFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(raw))
}

// newSeedGeneration records that the tenant was built from a seed.
func (sb *Sandbox) newSeedGeneration() error {
	return fsutil.WriteFileAtomic(filepath.Join(sb.dir, seedGenFile), []byte(emulator.NewSecret(16)), 0o600)
}

// Options configure Open.
type Options struct {
	// SeedFile replaces the built-in Contoso fixture when the sandbox is
	// created (it has no effect on an existing sandbox).
	SeedFile string
	// Now is the emulator's clock.
	Now func() time.Time
}

// Sandbox is an opened sandbox tenant.
type Sandbox struct {
	Server *emulator.Server
	dir    string
	// mu serialises this process's requests; the file lock serialises
	// processes.
	mu sync.Mutex
	// generation is the genFile token of the state this process holds.
	generation string
}

// persisted is the sandbox state file: the tenant plus the fault settings
// made with `teamsctl sandbox fault`.
type persisted struct {
	Faults emulator.FaultOptions `json:"faults"`
	State  json.RawMessage       `json:"state"`
}

// Open loads the sandbox in dir, creating and saving it from the seed on
// first use.
func Open(ctx context.Context, dir string, opts Options) (*Sandbox, error) {
	sb := &Sandbox{dir: dir}
	err := sb.withFileLock(ctx, func() error {
		p, err := sb.read()
		if errors.Is(err, os.ErrNotExist) {
			if sb.Server, err = fresh(opts); err != nil {
				return err
			}
			if err := sb.newSeedGeneration(); err != nil {
				return err
			}
			return sb.save()
		}
		if err != nil {
			return err
		}
		st, err := p.decodeState(sb.path())
		if err != nil {
			return err
		}
		sb.Server, err = emulator.New(emulator.Options{State: st, Now: opts.Now, Faults: p.Faults})
		return err
	})
	if err != nil {
		return nil, err
	}
	return sb, nil
}

func (sb *Sandbox) path() string { return filepath.Join(sb.dir, stateFile) }

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

// Do runs fn on the up-to-date state and saves what it changed, holding
// the cross-process lock; sandbox commands use it for direct edits.
func (sb *Sandbox) Do(ctx context.Context, fn func(*emulator.Server) error) error {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.withFileLock(ctx, func() error {
		if err := sb.reloadIfChanged(); err != nil {
			return err
		}
		if err := fn(sb.Server); err != nil {
			return err
		}
		return sb.save()
	})
}

func (sb *Sandbox) withFileLock(ctx context.Context, fn func() error) error {
	lock, err := fsutil.LockFile(ctx, filepath.Join(sb.dir, lockFile))
	if err != nil {
		return err
	}
	fnErr := fn()
	if err := lock.Unlock(); err != nil && fnErr == nil {
		return err
	}
	return fnErr
}

func (sb *Sandbox) read() (*persisted, error) {
	raw, err := os.ReadFile(sb.path())
	if err != nil {
		return nil, err
	}
	sb.generation = sb.currentGeneration()
	var p persisted
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, corrupt(sb.path(), err)
	}
	return &p, nil
}

func (p *persisted) decodeState(path string) (*emulator.State, error) {
	var st emulator.State
	if err := json.Unmarshal(p.State, &st); err != nil {
		return nil, corrupt(path, err)
	}
	return &st, nil
}

func corrupt(path string, err error) error {
	return fmt.Errorf("sandbox state %s is corrupt (%v); run `teamsctl sandbox reset` to start over", path, err)
}

// reloadIfChanged picks up what another process saved since we last looked.
func (sb *Sandbox) reloadIfChanged() error {
	if sb.currentGeneration() == sb.generation {
		return nil
	}
	p, err := sb.read()
	if errors.Is(err, os.ErrNotExist) {
		return nil // reset by another process: keep serving what we have
	}
	if err != nil {
		return err
	}
	st, err := p.decodeState(sb.path())
	if err != nil {
		return err
	}
	sb.Server.SetFaults(p.Faults)
	return sb.Server.ReplaceState(st)
}

// save writes the state file atomically with mode 0600 (it holds client
// secrets and the token signing key of the sandbox tenant).
func (sb *Sandbox) save() error {
	state, err := sb.Server.MarshalState()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(persisted{Faults: sb.Server.Faults(), State: state})
	if err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(sb.path(), raw, 0o600); err != nil {
		return err
	}
	sb.generation = emulator.NewSecret(16)
	return fsutil.WriteFileAtomic(filepath.Join(sb.dir, genFile), []byte(sb.generation), 0o600)
}

// currentGeneration reads the token of the last save by any process.
func (sb *Sandbox) currentGeneration() string {
	raw, err := os.ReadFile(filepath.Join(sb.dir, genFile))
	if err != nil {
		return "" // no save yet, or reset: the state file read decides
	}
	return string(raw)
}

// Reset starts the sandbox over from the built-in tenant or seedFile. The
// token signing key survives, so sign-ins cached by teamsctl stay valid
// (the seed's users keep their deterministic ids).
func Reset(ctx context.Context, dir, seedFile string) error {
	var seed *emulator.Seed
	if seedFile != "" {
		var err error
		if seed, err = emulator.LoadSeed(seedFile); err != nil {
			return err
		}
	}
	sb, err := Open(ctx, dir, Options{SeedFile: seedFile})
	if err != nil {
		// A corrupt state file cannot give its key back: start afresh.
		if err := removeState(ctx, dir); err != nil {
			return err
		}
		_, err = Open(ctx, dir, Options{SeedFile: seedFile})
		return err
	}
	return sb.Do(ctx, func(s *emulator.Server) error {
		s.SetFaults(emulator.FaultOptions{})
		if err := s.ResetTo(seed); err != nil {
			return err
		}
		return sb.newSeedGeneration()
	})
}

func removeState(ctx context.Context, dir string) error {
	sb := &Sandbox{dir: dir}
	return sb.withFileLock(ctx, func() error {
		for _, name := range []string{stateFile, genFile} {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	})
}

// Transport serves requests for the sandbox hosts with the emulator's
// handler and refuses every other host. Each request sees what other
// processes saved, and writes are saved as they happen, so an interrupted
// command leaves the tenant as a real one would be.
func (sb *Sandbox) Transport() http.RoundTripper { return transport{sb} }

type transport struct{ sb *Sandbox }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Hostname())
	if host != LoginHost && host != GraphHost && host != ManagementHost {
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
	writes := req.Method != http.MethodGet && req.Method != http.MethodHead
	err := t.sb.serve(req.Context(), rec, inner, writes)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	// A request cancelled while it was served gets no answer, as over a
	// network: the emulator stops without writing one, which the recorder
	// would turn into an empty 200 that the client reads as Graph's.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	if resp.Body == nil {
		resp.Body = io.NopCloser(strings.NewReader(""))
	}
	return resp, nil
}

func (sb *Sandbox) serve(ctx context.Context, w http.ResponseWriter, r *http.Request, writes bool) error {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.withFileLock(ctx, func() error {
		if err := sb.reloadIfChanged(); err != nil {
			return err
		}
		sb.Server.ServeHTTP(w, r)
		if !writes {
			return nil
		}
		return sb.save()
	})
}

// OpenForConfig opens the sandbox of a teamsctl config directory.
func OpenForConfig(ctx context.Context, configDir string) (*Sandbox, error) {
	return Open(ctx, Dir(configDir), Options{})
}

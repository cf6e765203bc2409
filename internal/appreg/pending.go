package appreg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// PendingDir is the directory, inside the configuration directory, of the
// pending-secret journal (issue 10, point 5).
const PendingDir = "pending-secrets"

// Pending journals the client secrets a run creates until their value has
// been delivered (printed, or written to a file). A secret is recorded
// before addPassword is sent, its key id added when Graph answers, and
// the record removed once the value is delivered. A run interrupted in
// between (Ctrl-C, a killed process) leaves the record behind; the next
// run on the same app removes the recorded secrets, whose value nobody
// has, before deciding whether a new secret is needed.
//
// Graph cannot rename a password credential, and addPassword chooses the
// key id, so a secret whose key id never reached the journal (the process
// died while addPassword was in flight) is recognised by its name, its
// end date (sent by teamsctl, to the second) and its absence from the
// secrets the app had before (Known).
type Pending struct {
	// Dir is the journal's directory; "" disables the journal.
	Dir string
	// Tenant keys the records with the app's object id.
	Tenant string
	mu     sync.Mutex
}

// PendingSecret is one journal record.
type PendingSecret struct {
	Tenant   string    `json:"tenantId"`
	ObjectID string    `json:"objectId"`
	Name     string    `json:"name"`
	End      time.Time `json:"endDateTime"`
	Created  time.Time `json:"created"`
	// Known are the key ids of the app's secrets of that name before the
	// secret was added: never this run's.
	Known []string `json:"known"`
	// KeyID is set once addPassword answered.
	KeyID string `json:"keyId,omitempty"`
}

// NewPending returns the journal of a tenant in the configuration
// directory dir ("" disables it).
func NewPending(dir, tenant string) *Pending {
	if dir == "" {
		return &Pending{}
	}
	return &Pending{Dir: filepath.Join(dir, PendingDir), Tenant: tenant}
}

var unsafeChars = lazyregexp.New(`[^A-Za-z0-9._-]`)

func (p *Pending) path(objectID string) string {
	return filepath.Join(p.Dir, unsafeChars.ReplaceAllString(p.Tenant+"_"+objectID, "_")+".json")
}

func (p *Pending) enabled() bool { return p != nil && p.Dir != "" }

// Load returns the records of an app.
func (p *Pending) Load(objectID string) ([]PendingSecret, error) {
	if !p.enabled() || objectID == "" {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.load(objectID)
}

func (p *Pending) load(objectID string) ([]PendingSecret, error) {
	data, err := os.ReadFile(p.path(objectID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var recs []PendingSecret
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("reading the pending-secret journal %s: %w", p.path(objectID), err)
	}
	return recs, nil
}

func (p *Pending) save(objectID string, recs []PendingSecret) error {
	if len(recs) == 0 {
		return fsutil.RemoveFile(p.path(objectID))
	}
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(p.path(objectID), data, 0o600)
}

// update changes an app's records under the lock.
func (p *Pending) update(objectID string, f func([]PendingSecret) []PendingSecret) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	recs, err := p.load(objectID)
	if err != nil {
		return err
	}
	return p.save(objectID, f(recs))
}

// Begin records a secret about to be added; it returns the record.
func (p *Pending) Begin(app *graph.Application, name string, end, now time.Time) (*PendingSecret, error) {
	if !p.enabled() || app.ID == "" {
		return nil, nil
	}
	rec := PendingSecret{Tenant: p.Tenant, ObjectID: app.ID, Name: name, End: end.UTC(), Created: now.UTC(), Known: []string{}}
	for _, c := range app.PasswordCredentials {
		rec.Known = append(rec.Known, c.KeyID)
	}
	err := p.update(app.ID, func(recs []PendingSecret) []PendingSecret { return append(recs, rec) })
	if err != nil {
		return nil, fmt.Errorf("recording the new secret in %s: %w", p.Dir, err)
	}
	return &rec, nil
}

// Added records the key id Graph gave the secret.
func (p *Pending) Added(rec *PendingSecret, keyID string) error {
	if rec == nil || !p.enabled() {
		return nil
	}
	rec.KeyID = keyID
	return p.update(rec.ObjectID, func(recs []PendingSecret) []PendingSecret {
		for i := range recs {
			if recs[i].KeyID == "" && recs[i].Name == rec.Name && recs[i].End.Equal(rec.End) && recs[i].Created.Equal(rec.Created) {
				recs[i].KeyID = keyID
			}
		}
		return recs
	})
}

// Delivered removes the record of a secret whose value was shown or
// written: it is the user's now.
func (p *Pending) Delivered(objectID, keyID string) error {
	if !p.enabled() || objectID == "" || keyID == "" {
		return nil
	}
	return p.update(objectID, func(recs []PendingSecret) []PendingSecret {
		return slices.DeleteFunc(recs, func(r PendingSecret) bool { return strings.EqualFold(r.KeyID, keyID) })
	})
}

// Orphans are the app's secrets recorded by an earlier run and never
// delivered.
func (p *Pending) Orphans(app *graph.Application) ([]graph.PasswordCredential, error) {
	recs, err := p.Load(app.ID)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var out []graph.PasswordCredential
	for _, c := range app.PasswordCredentials {
		for _, r := range recs {
			if matchesPending(c, r) {
				out = append(out, c)
				break
			}
		}
	}
	return out, nil
}

func matchesPending(c graph.PasswordCredential, r PendingSecret) bool {
	if r.KeyID != "" {
		return strings.EqualFold(c.KeyID, r.KeyID)
	}
	if c.DisplayName != r.Name || slices.ContainsFunc(r.Known, func(k string) bool { return strings.EqualFold(k, c.KeyID) }) {
		return false
	}
	d := c.EndDateTime.Sub(r.End)
	return d > -time.Second && d < time.Second
}

// removeOrphans deletes the secrets an interrupted run left without
// delivering their value, drops them from app, and clears the journal.
func (r *Registrar) removeOrphans(ctx context.Context, app *graph.Application) error {
	if !r.Pending.enabled() || app == nil || app.ID == "" || r.DryRun {
		return nil
	}
	orphans, err := r.Pending.Orphans(app)
	if err != nil {
		return err
	}
	for _, o := range orphans {
		if err := r.Graph.RemovePassword(ctx, app.ID, o.KeyID); err != nil && !graph.IsNotFound(err) {
			return fmt.Errorf("removing the secret %q (%s) an interrupted run created and never showed: %w", o.DisplayName, o.KeyID, err)
		}
		app.PasswordCredentials = slices.DeleteFunc(app.PasswordCredentials, func(c graph.PasswordCredential) bool { return c.KeyID == o.KeyID })
		if r.Warn != nil {
			r.Warn(fmt.Sprintf("removed the secret %q (%s...) an interrupted run created but never showed", o.DisplayName, o.Hint))
		}
	}
	// Every record is settled: its secret is gone, or it never came to be.
	return r.Pending.update(app.ID, func([]PendingSecret) []PendingSecret { return nil })
}

package appreg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// PendingDir is the directory, inside the configuration directory, of the
// pending-secret journal.
const PendingDir = "pending-secrets"

// Pending journals the client secrets a run creates until their value has
// been delivered (printed, or written to a file). A secret is recorded
// before addPassword is sent, its key id added when Graph answers, and
// the record removed once the value is delivered. A run that died in
// between (a killed process, a power loss) leaves its record behind; a
// later run removes the recorded secrets, whose value nobody has, before
// deciding whether a new secret is needed.
//
// A record is only ever settled by another run once its writer is
// provably gone: each run holds a lock on a file of its own for as long as
// it lives (the operating system releases it however the process ends),
// and writes its records to files of its own. A run beside it, in this
// process or another, leaves a live run's records and secrets alone.
//
// Graph cannot rename a password credential, and addPassword chooses the
// key id, so a secret whose key id never reached the journal (the process
// died while addPassword was in flight) is recognised by its name, its end
// date (sent by teamsctl, to the second) and its absence from the secrets
// the app had before (Known). For Known to be complete, secrets are added
// under a lock all runs share (Lock), and the app is read again under it
// when another run added a secret since this run's first read (the lock's
// generation counter says so) or when a dead run's record has no key id.
//
// The value's delivery is marked in the record first (Deliver): a record
// of a run that died while delivering stands for a secret somebody may
// have, which is kept.
type Pending struct {
	// Dir is the journal's directory; "" disables the journal.
	Dir string
	// Tenant keys the records with the app's object id.
	Tenant string

	mu      sync.Mutex
	run     string                     // this run's id, in its file names
	live    *fsutil.Lock               // held while this run has records
	gen     int64                      // the generation when the run started
	records map[string][]PendingSecret // this run's, by object id
}

// PendingSecret is one journal record.
type PendingSecret struct {
	Tenant   string    `json:"tenantId"`
	ObjectID string    `json:"objectId"`
	Name     string    `json:"name"`
	End      time.Time `json:"endDateTime"`
	Created  time.Time `json:"created"`
	// Known are the key ids of the app's secrets before the secret was
	// added: never this run's.
	Known []string `json:"known"`
	// KeyID is set once addPassword answered.
	KeyID string `json:"keyId,omitempty"`
	// Delivering is set just before the value is printed or written.
	Delivering bool `json:"delivering,omitempty"`
}

// NewPending returns the journal of a tenant in the configuration
// directory dir ("" disables it). Create it before the run's first read of
// the apps: it notes the generation of the secrets added so far.
func NewPending(dir, tenant string) *Pending {
	if dir == "" {
		return &Pending{}
	}
	p := &Pending{Dir: filepath.Join(dir, PendingDir), Tenant: tenant, run: newRunID(), records: map[string][]PendingSecret{}}
	p.gen = p.generation()
	return p
}

func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	unsafeChars = lazyregexp.New(`[^A-Za-z0-9._-]`)
	runIDRE     = lazyregexp.New(`^[0-9a-f]{16}$`)
)

func (p *Pending) enabled() bool { return p != nil && p.Dir != "" }

// appPrefix starts the names of every run's record files of an app.
func (p *Pending) appPrefix(objectID string) string {
	return unsafeChars.ReplaceAllString(p.Tenant+"_"+objectID, "_") + "."
}

// path is this run's record file of an app.
func (p *Pending) path(objectID string) string {
	return filepath.Join(p.Dir, p.appPrefix(objectID)+p.run+".json")
}

func (p *Pending) runLockPath(run string) string {
	return filepath.Join(p.Dir, "run-"+run+".lock")
}

func (p *Pending) generationPath() string { return filepath.Join(p.Dir, "generation") }

// generation is the number of secrets runs have added under Lock.
func (p *Pending) generation() int64 {
	data, err := os.ReadFile(p.generationPath())
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n
}

// Lock takes the lock under which runs settle dead runs' records and add
// secrets, waiting while another run holds it; unlock releases it.
func (p *Pending) Lock(ctx context.Context) (unlock func(), err error) {
	if !p.enabled() {
		return func() {}, nil
	}
	l, err := fsutil.LockFile(ctx, filepath.Join(p.Dir, "secrets.lock"))
	if err != nil {
		return nil, err
	}
	return func() { _ = l.Unlock() }, nil
}

// Stale reports, under Lock, whether another run added a secret since this
// run started: what this run read of the apps' secrets may lack it.
func (p *Pending) Stale() bool {
	return p.enabled() && p.generation() != p.gen
}

// bump counts a secret this run added, under Lock.
func (p *Pending) bump() error {
	if !p.enabled() {
		return nil
	}
	n := p.generation() + 1
	if err := fsutil.WriteFileAtomic(p.generationPath(), []byte(strconv.FormatInt(n, 10)+"\n"), 0o600); err != nil {
		return err
	}
	p.mu.Lock()
	p.gen = n
	p.mu.Unlock()
	return nil
}

// save writes this run's records of an app; the caller holds p.mu.
func (p *Pending) save(objectID string) error {
	recs := p.records[objectID]
	if len(recs) == 0 {
		delete(p.records, objectID)
		return fsutil.RemoveFile(p.path(objectID))
	}
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(p.path(objectID), data, 0o600)
}

// Begin records a secret about to be added, under Lock; it returns the
// record. The run's liveness lock is taken with its first record.
func (p *Pending) Begin(app *graph.Application, name string, end, now time.Time) (*PendingSecret, error) {
	if !p.enabled() || app.ID == "" {
		return nil, nil
	}
	rec := PendingSecret{Tenant: p.Tenant, ObjectID: app.ID, Name: name, End: end.UTC(), Created: now.UTC(), Known: []string{}}
	for _, c := range app.PasswordCredentials {
		rec.Known = append(rec.Known, c.KeyID)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live == nil {
		l, ok, err := fsutil.TryLockFile(p.runLockPath(p.run))
		if err != nil || !ok {
			return nil, fmt.Errorf("recording the new secret in %s: %w", p.Dir, cmpErr(err, "run lock taken"))
		}
		p.live = l
	}
	p.records[app.ID] = append(p.records[app.ID], rec)
	if err := p.save(app.ID); err != nil {
		return nil, fmt.Errorf("recording the new secret in %s: %w", p.Dir, err)
	}
	return &rec, nil
}

func cmpErr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}

// Added records the key id Graph gave the secret.
func (p *Pending) Added(rec *PendingSecret, keyID string) error {
	if rec == nil || !p.enabled() {
		return nil
	}
	rec.KeyID = keyID
	return p.change(rec.ObjectID, func(r *PendingSecret) bool {
		if r.KeyID == "" && r.Name == rec.Name && r.End.Equal(rec.End) && r.Created.Equal(rec.Created) {
			r.KeyID = keyID
		}
		return true
	})
}

// change applies f to this run's records of an app (dropping those it
// returns false for) and saves them.
func (p *Pending) change(objectID string, f func(*PendingSecret) bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	recs := p.records[objectID]
	kept := recs[:0]
	for i := range recs {
		if f(&recs[i]) {
			kept = append(kept, recs[i])
		}
	}
	p.records[objectID] = kept
	return p.save(objectID)
}

// Deliver hands a new secret's value over: it marks the record, runs
// deliver (which prints the value or writes it to a file) and removes the
// record when deliver succeeded; when deliver failed the mark is taken
// back, so that a later run removes the secret nobody got. A run killed
// while delivering leaves the mark, and its secret is kept; so does a
// record that cannot be removed after the delivery (warn says so).
func (p *Pending) Deliver(objectID, keyID string, deliver func() error, warn func(string)) error {
	if !p.enabled() || objectID == "" || keyID == "" {
		return deliver()
	}
	mark := func(on bool) error {
		return p.change(objectID, func(r *PendingSecret) bool {
			if strings.EqualFold(r.KeyID, keyID) {
				r.Delivering = on
			}
			return true
		})
	}
	if err := mark(true); err != nil {
		return fmt.Errorf("recording the secret's delivery in %s: %w", p.Dir, err)
	}
	if err := deliver(); err != nil {
		_ = mark(false) // best effort: the delivery error is what matters
		return err
	}
	err := p.change(objectID, func(r *PendingSecret) bool { return !strings.EqualFold(r.KeyID, keyID) })
	if err != nil && warn != nil {
		warn("clearing the pending-secret journal: " + err.Error())
	}
	return nil
}

// Close releases the run's liveness lock: its records that are left (a
// failed run's) are then for a later run to settle. Call it when the
// command ends; a process that dies releases it too.
func (p *Pending) Close() {
	if !p.enabled() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live != nil {
		if len(p.records) == 0 {
			_ = os.Remove(p.runLockPath(p.run)) // still held: nobody can take it meanwhile
		}
		_ = p.live.Unlock()
		p.live = nil
	}
}

// deadRun is the records another run left on an app, proven dead: its
// liveness lock is held here until settle releases it.
type deadRun struct {
	path    string
	run     string
	records []PendingSecret
	lock    *fsutil.Lock
}

// otherRunsFiles returns the record files other runs keep on an app,
// file name to run id, in the order of the directory listing (sorted).
func (p *Pending) otherRunsFiles(objectID string) (iter.Seq2[string, string], error) {
	if !p.enabled() || objectID == "" {
		return func(func(string, string) bool) {}, nil
	}
	entries, err := os.ReadDir(p.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return func(func(string, string) bool) {}, nil
	}
	if err != nil {
		return nil, err
	}
	prefix := p.appPrefix(objectID)
	return func(yield func(string, string) bool) {
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".json") {
				continue
			}
			run := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".json")
			if run == p.run || !runIDRE.MatchString(run) {
				continue // this run's, or not a run's record file
			}
			if !yield(name, run) {
				return
			}
		}
	}, nil
}

// dead returns, under Lock, the records of runs that are gone, on an app.
// A record file that cannot be read is reported, not guessed at.
func (p *Pending) dead(objectID string) ([]deadRun, error) {
	files, err := p.otherRunsFiles(objectID)
	if err != nil {
		return nil, err
	}
	var out []deadRun
	for name, run := range files {
		lock, ok, err := fsutil.TryLockFile(p.runLockPath(run))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // alive
		}
		path := filepath.Join(p.Dir, name)
		data, err := os.ReadFile(path)
		var recs []PendingSecret
		if err == nil {
			err = json.Unmarshal(data, &recs)
		}
		if err != nil {
			_ = lock.Unlock()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading the pending-secret journal %s: %w", path, err)
		}
		out = append(out, deadRun{path: path, run: run, records: recs, lock: lock})
	}
	return out, nil
}

// settled removes a dead run's record file, and its lock file once it has
// no records left anywhere.
func (p *Pending) settled(d deadRun) error {
	err := fsutil.RemoveFile(d.path)
	if err == nil {
		if left, _ := filepath.Glob(filepath.Join(p.Dir, "*."+d.run+".json")); len(left) == 0 {
			_ = os.Remove(p.runLockPath(d.run))
		}
	}
	_ = d.lock.Unlock()
	return err
}

// sweep removes, under Lock, what dead runs left besides records: the
// lock file of a run without records, and a record file a run was writing
// when it died.
func (p *Pending) sweep() {
	entries, err := os.ReadDir(p.Dir)
	if err != nil {
		return
	}
	hasRecords := map[string]bool{}
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".json") && !strings.HasPrefix(name, ".") {
			if i := strings.LastIndexByte(strings.TrimSuffix(name, ".json"), '.'); i >= 0 {
				hasRecords[strings.TrimSuffix(name, ".json")[i+1:]] = true
			}
		}
	}
	dead := func(run string) (release func(), ok bool) {
		if run == p.run || !runIDRE.MatchString(run) {
			return nil, false
		}
		l, ok, err := fsutil.TryLockFile(p.runLockPath(run))
		if err != nil || !ok {
			return nil, false
		}
		return func() { _ = l.Unlock() }, true
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "run-") && strings.HasSuffix(name, ".lock"):
			run := strings.TrimSuffix(strings.TrimPrefix(name, "run-"), ".lock")
			if hasRecords[run] {
				continue
			}
			if release, ok := dead(run); ok {
				_ = os.Remove(filepath.Join(p.Dir, name)) // held: nobody takes it meanwhile
				release()
			}
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".json.tmp-"):
			base := strings.TrimPrefix(name[:strings.Index(name, ".json.tmp-")], ".")
			i := strings.LastIndexByte(base, '.')
			if i < 0 {
				continue
			}
			run := base[i+1:]
			if release, ok := dead(run); ok {
				_ = os.Remove(filepath.Join(p.Dir, name))
				if !hasRecords[run] {
					_ = os.Remove(p.runLockPath(run))
				}
				release()
			}
		}
	}
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

// removeOrphans settles what dead runs left on app, under the journal's
// lock.
func (r *Registrar) removeOrphans(ctx context.Context, app *graph.Application) error {
	if !r.Pending.enabled() || app == nil || app.ID == "" || r.DryRun {
		return nil
	}
	unlock, err := r.Pending.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return r.settle(ctx, app, false)
}

// settle removes, under the journal's lock, the secrets that dead runs
// created on app and never delivered, drops them from app, and clears
// their records. app's secrets are read again first when refresh is set or
// a dead run's record has no key id. A secret a dead run was delivering
// is kept.
func (r *Registrar) settle(ctx context.Context, app *graph.Application, refresh bool) error {
	r.Pending.sweep()
	dead, err := r.Pending.dead(app.ID)
	if err != nil {
		return err
	}
	defer func() {
		for _, d := range dead {
			if d.lock != nil {
				_ = d.lock.Unlock()
			}
		}
	}()
	for _, d := range dead {
		for _, rec := range d.records {
			refresh = refresh || (rec.KeyID == "" && !rec.Delivering)
		}
	}
	if refresh {
		err := r.Wait.Do(ctx, "reading the secrets of "+app.DisplayName, func(ctx context.Context) error {
			fresh, err := r.Graph.Application(ctx, app.ID)
			if err == nil {
				app.PasswordCredentials = fresh.PasswordCredentials
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	for i, d := range dead {
		for _, rec := range d.records {
			if err := r.settleRecord(ctx, app, rec); err != nil {
				return err
			}
		}
		err := r.Pending.settled(d)
		dead[i].lock = nil
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *Registrar) settleRecord(ctx context.Context, app *graph.Application, rec PendingSecret) error {
	var found []graph.PasswordCredential
	for _, c := range app.PasswordCredentials {
		if matchesPending(c, rec) {
			found = append(found, c)
		}
	}
	if rec.Delivering {
		for _, c := range found {
			if r.Warn != nil {
				r.Warn(fmt.Sprintf("kept the secret %q (%s...) of %s: an interrupted run was handing it over; if nobody has its value, remove it with 'teamsctl app secret remove %s %s'",
					c.DisplayName, c.Hint, app.DisplayName, app.AppID, c.KeyID))
			}
		}
		return nil
	}
	if rec.KeyID != "" && len(found) == 0 {
		// Not in what was read: removed already, or the read predates it.
		// Removing it by key id settles both.
		found = append(found, graph.PasswordCredential{KeyID: rec.KeyID, DisplayName: rec.Name})
	}
	for _, c := range found {
		err := r.Graph.RemovePassword(ctx, app.ID, c.KeyID)
		if graph.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("removing the secret %q (%s) an interrupted run created and never showed: %w", c.DisplayName, c.KeyID, err)
		}
		app.PasswordCredentials = slices.DeleteFunc(app.PasswordCredentials, func(x graph.PasswordCredential) bool { return strings.EqualFold(x.KeyID, c.KeyID) })
		if r.Warn != nil {
			r.Warn(fmt.Sprintf("removed the secret %q (%s...) an interrupted run created but never showed", c.DisplayName, cmpOr(c.Hint, c.KeyID[:min(3, len(c.KeyID))])))
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Live returns, under Lock, the records other runs that are still alive
// hold on an app: secrets they are adding or handing out right now, which
// nobody may remove.
func (p *Pending) Live(objectID string) ([]PendingSecret, error) {
	files, err := p.otherRunsFiles(objectID)
	if err != nil {
		return nil, err
	}
	var out []PendingSecret
	for name, run := range files {
		lock, ok, err := fsutil.TryLockFile(p.runLockPath(run))
		if err != nil {
			return nil, err
		}
		if ok {
			_ = lock.Unlock() // dead: settle handles its records
			continue
		}
		data, err := os.ReadFile(filepath.Join(p.Dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // the run delivered its last secret meanwhile
		}
		var recs []PendingSecret
		if err == nil {
			err = json.Unmarshal(data, &recs)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the pending-secret journal %s: %w", name, err)
		}
		out = append(out, recs...)
	}
	return out, nil
}

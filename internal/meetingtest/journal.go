package meetingtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/fsutil"
)

// RedirectJournalDir is the directory, inside the configuration directory,
// of the temporary-redirect journal.
const RedirectJournalDir = "pending-redirects"

// RedirectJournal records the temporary redirect URIs tests add until they
// are removed again. A record is written before the request that adds the
// URI and removed once Restore removed it. A run that never got to Restore
// (a killed process, a power loss) leaves the record behind, and the next
// meeting test or setup on the tenant removes the URI first (Recover).
//
// A record is written only when the app lacked the URI, so it never
// stands for a URI the app had. A run holds a lock on each of its records
// until it settled them; the operating system releases the lock however
// the process ends, so a run beside it leaves a live test's URI alone.
type RedirectJournal struct {
	// Dir is the journal's directory; "" disables the journal.
	Dir string
	// Tenant keys the records with the app's object id.
	Tenant string

	mu   sync.Mutex
	held map[string]*fsutil.Lock // this run's records, by object id
}

// PendingRedirect is one journal record.
type PendingRedirect struct {
	Tenant   string `json:"tenantId"`
	ObjectID string `json:"objectId"`
	AppName  string `json:"appName"`
	Platform string `json:"platform"`
	URI      string `json:"uri"`
}

// NewRedirectJournal returns the journal of a tenant (its id) in the
// configuration directory dir; "" for either disables it.
func NewRedirectJournal(dir, tenant string) *RedirectJournal {
	if dir == "" || tenant == "" {
		return &RedirectJournal{}
	}
	return &RedirectJournal{Dir: filepath.Join(dir, RedirectJournalDir), Tenant: tenant}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

func (j *RedirectJournal) enabled() bool { return j != nil && j.Dir != "" }

func (j *RedirectJournal) path(objectID string) string {
	return filepath.Join(j.Dir, safeName(j.Tenant+"_"+objectID)+".json")
}

// lockPath is the lock file of the record at path.
func lockPath(path string) string { return strings.TrimSuffix(path, ".json") + ".lock" }

// begin locks and writes the record of a URI about to be added.
func (j *RedirectJournal) begin(rec PendingRedirect) error {
	if !j.enabled() {
		return nil
	}
	rec.Tenant = j.Tenant
	path := j.path(rec.ObjectID)
	lock, ok, err := fsutil.TryLockFile(lockPath(path))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("another teamsctl run is adding a temporary redirect URI to %s; try again when it has finished", rec.AppName)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err == nil {
		err = fsutil.WriteFileAtomic(path, append(data, '\n'), 0o600)
	}
	if err != nil {
		_ = lock.Unlock()
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.held == nil {
		j.held = map[string]*fsutil.Lock{}
	}
	j.held[rec.ObjectID] = lock
	return nil
}

// done removes the record of a URI that is gone again (or never landed).
func (j *RedirectJournal) done(objectID string) error {
	if !j.enabled() {
		return nil
	}
	err := fsutil.RemoveFile(j.path(objectID))
	j.release(objectID, err == nil)
	return err
}

// release lets go of the lock on a record this run wrote; the record
// stays (for the next run to settle) unless removeLock says it is gone.
func (j *RedirectJournal) release(objectID string, removeLock bool) {
	if !j.enabled() {
		return
	}
	j.mu.Lock()
	lock := j.held[objectID]
	delete(j.held, objectID)
	j.mu.Unlock()
	if lock == nil {
		return
	}
	if removeLock {
		// Still held: a run that opened the old file finds no record.
		// Windows keeps an open file; the empty lock file then stays.
		_ = os.Remove(lockPath(j.path(objectID)))
	}
	_ = lock.Unlock()
}

// Recover removes the temporary redirect URIs that interrupted tests on
// the tenant added and never removed, and clears their records: the URI
// alone goes, the app's other redirect URIs stay in their order, and log
// gets one line per app. A record whose app is gone, or whose URI is not
// on the app (the run died before its request landed, or someone removed
// it), is just cleared; one a running test holds is left alone. A record
// that could not be settled stays for the next run; the errors are
// returned together. Without records Recover sends no request.
func (j *RedirectJournal) Recover(ctx context.Context, g AppEditor, log io.Writer) error {
	if !j.enabled() {
		return nil
	}
	entries, err := os.ReadDir(j.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the temporary-redirect journal: %w", err)
	}
	prefix := safeName(j.Tenant + "_")
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".json") {
			continue
		}
		if err := j.recoverOne(ctx, g, log, filepath.Join(j.Dir, name)); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

func (j *RedirectJournal) recoverOne(ctx context.Context, g AppEditor, log io.Writer, path string) error {
	lock, ok, err := fsutil.TryLockFile(lockPath(path))
	if err != nil || !ok {
		return err // !ok: a running test's
	}
	settled := false
	defer func() {
		if settled {
			_ = os.Remove(lockPath(path))
		}
		_ = lock.Unlock()
	}()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		settled = true // settled by its run just now
		return nil
	}
	if err != nil {
		return err
	}
	var rec PendingRedirect
	if err := json.Unmarshal(data, &rec); err != nil || rec.ObjectID == "" || rec.URI == "" ||
		!strings.EqualFold(rec.Tenant, j.Tenant) || !slices.Contains(appreg.Platforms, rec.Platform) {
		return fmt.Errorf("%s is not a temporary-redirect record; delete it", path)
	}
	if err := removeLeftover(ctx, g, log, rec); err != nil {
		return fmt.Errorf("removing the temporary redirect URI %s that an interrupted test left on %s: %w", rec.URI, rec.AppName, err)
	}
	if err := fsutil.RemoveFile(path); err != nil {
		return err
	}
	settled = true
	return nil
}

// removeLeftover removes rec's URI from its app, if both are there.
func removeLeftover(ctx context.Context, g AppEditor, log io.Writer, rec PendingRedirect) error {
	app, removed, err := removeRedirect(ctx, g, rec.ObjectID, rec.Platform, rec.URI)
	if err != nil || !removed {
		return err
	}
	name := app.DisplayName
	if name == "" {
		name = rec.AppName
	}
	fmt.Fprintf(log, "Removed the temporary redirect URI %s that an interrupted test left on %s.\n", rec.URI, name)
	return nil
}

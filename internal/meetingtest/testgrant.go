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
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// A vendor's app cannot be signed in as, so the test of a vendor-hosted
// delegated integration signs the test user in with teamsctl's own client.
// A recruiter cannot consent to that client's permissions, so the test
// needs a delegated grant for teamsctl's client: the narrowest one is a
// per-user grant (consentType Principal) for the test user only, of the
// scopes the test asks for. TestGrant makes it before the test and takes
// back exactly what it added afterwards, leaving a grant that existed
// before, and scopes it had, as they were.
//
// Per-user grants: https://learn.microsoft.com/graph/api/oauth2permissiongrant-post
// ("consentType Principal ... on behalf of a single user").

// GrantJournalDir is the directory, inside the configuration directory,
// of the temporary-grant journal.
const GrantJournalDir = "pending-grants"

// GrantEditor reads and writes the delegated grants of teamsctl's client.
type GrantEditor interface {
	ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error)
	DelegatedGrants(ctx context.Context, clientID, resourceID string) ([]graph.DelegatedGrant, error)
	CreateDelegatedGrant(ctx context.Context, g graph.DelegatedGrant) (*graph.DelegatedGrant, error)
	UpdateDelegatedGrantScope(ctx context.Context, id, scope string) error
	DeleteDelegatedGrant(ctx context.Context, id string) error
}

// PendingGrant is one journal record: the scopes a test added to the test
// user's grant of teamsctl's client, written before the request that adds
// them and removed once they are gone again.
type PendingGrant struct {
	Tenant      string `json:"tenantId"`
	ClientSPID  string `json:"clientId"`
	ClientName  string `json:"clientName"`
	ResourceID  string `json:"resourceId"`
	PrincipalID string `json:"principalId"`
	User        string `json:"user"`
	// Created: the grant did not exist; it is deleted once no scope is
	// left.
	Created bool `json:"created"`
	// Added are the scopes the test added; only they are removed, with
	// SignIn, the OpenID Connect scopes the user's grant lacked, which
	// Entra adds to it when the test signs in.
	Added  []string `json:"added"`
	SignIn []string `json:"signIn,omitempty"`
}

// TestGrant is the temporary per-user grant of one test.
type TestGrant struct {
	Graph GrantEditor
	// Tenant and Dir locate the journal ("" for either: no journal).
	Tenant, Dir string
	// ClientAppID is teamsctl's own client; ClientName names it.
	ClientAppID, ClientName string
	// UserID and User are the test user's object id and UPN.
	UserID, User string
	Scopes       []string
	// Log receives a line when the grant is made and when it is removed.
	Log io.Writer

	rec  *PendingGrant
	lock *fsutil.Lock
	sent bool
}

// Grant is what a TestGrant did, for the summary.
type Grant struct {
	Client  string   `json:"client"`
	User    string   `json:"user"`
	Scopes  []string `json:"scopes"`
	Created bool     `json:"created"`
	Removed bool     `json:"removed"`
	Kept    bool     `json:"kept,omitempty"`
}

func (t *TestGrant) journal() bool { return t.Dir != "" && t.Tenant != "" }

func (t *TestGrant) path() string {
	return filepath.Join(t.Dir, GrantJournalDir, safeName(t.Tenant+"_"+t.ClientAppID+"_"+t.UserID)+".json")
}

// Missing reads the grants of teamsctl's client and returns the scopes
// the test user lacks, from both the tenant-wide grant and their own.
func (t *TestGrant) Missing(ctx context.Context) ([]string, error) {
	rec, err := t.read(ctx)
	if err != nil {
		return nil, err
	}
	return rec.Added, nil
}

// read finds the service principals and works out what the grant lacks:
// the record to write, with Added empty when nothing is missing.
func (t *TestGrant) read(ctx context.Context) (*PendingGrant, error) {
	client, err := t.Graph.ServicePrincipalByAppID(ctx, t.ClientAppID)
	if graph.IsNotFound(err) {
		return nil, fmt.Errorf("%s (%s), the client teamsctl signs in with, has no enterprise app in this tenant: sign in once with 'teamsctl login' as an administrator, or use --skip-test", t.ClientName, t.ClientAppID)
	}
	if err != nil {
		return nil, err
	}
	if t.ClientName == "" {
		t.ClientName = client.DisplayName
	}
	resource, err := t.Graph.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return nil, err
	}
	grants, err := t.Graph.DelegatedGrants(ctx, client.ID, resource.ID)
	if err != nil {
		return nil, err
	}
	rec := &PendingGrant{Tenant: t.Tenant, ClientSPID: client.ID, ClientName: t.ClientName, ResourceID: resource.ID,
		PrincipalID: t.UserID, User: t.User, Created: true, Added: []string{}}
	var have, own []string
	for _, g := range grants {
		switch {
		case g.ConsentType == graph.ConsentAllPrincipals:
		case strings.EqualFold(g.PrincipalID, t.UserID):
			rec.Created = false
			own = strings.Fields(g.Scope)
		default:
			continue
		}
		have = append(have, strings.Fields(g.Scope)...)
	}
	for _, s := range oidcScopes {
		if !containsFold(own, s) {
			rec.SignIn = append(rec.SignIn, s)
		}
	}
	for _, s := range t.Scopes {
		if !containsFold(have, s) && !containsFold(rec.Added, s) {
			rec.Added = append(rec.Added, s)
		}
	}
	return rec, nil
}

// Ensure makes the grant the test needs. It returns nil, nil when the
// user has every scope already (nothing to do, nothing to undo). Before
// anything is written, confirm is asked with the scopes to add; its error
// stops Ensure. A record is journaled, and locked, before the grant is
// written, so that a run killed before Restore leaves it for the next
// setup to take back (RecoverGrants), and a run beside this one leaves a
// live test's grant alone.
func (t *TestGrant) Ensure(ctx context.Context, confirm func(add []string) error) (*Grant, error) {
	if t.journal() {
		path := t.path()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		lock, ok, err := fsutil.TryLockFile(lockPath(path))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("another teamsctl run is testing as %s with a temporary grant; try again when it has finished", t.User)
		}
		t.lock = lock
		// A record under a lock nobody held: a run that died; settle it.
		if err := settleGrant(ctx, t.Graph, t.Log, path); err != nil {
			t.release(false)
			return nil, err
		}
	}
	rec, err := t.read(ctx)
	if err == nil && len(rec.Added) == 0 {
		t.release(true)
		return nil, nil
	}
	if err == nil && confirm != nil {
		err = confirm(rec.Added)
	}
	if err == nil && t.journal() {
		err = writeRecord(t.path(), rec)
	}
	if err != nil {
		t.release(true)
		return nil, err
	}
	t.rec, t.sent = rec, true
	if rec.Created {
		_, err = t.Graph.CreateDelegatedGrant(ctx, graph.DelegatedGrant{ClientID: rec.ClientSPID, ConsentType: graph.ConsentPrincipal,
			PrincipalID: rec.PrincipalID, ResourceID: rec.ResourceID, Scope: strings.Join(rec.Added, " ")})
	} else {
		err = addScopes(ctx, t.Graph, rec)
	}
	if err != nil {
		return nil, fmt.Errorf("granting %s to %s for %s: %w", strings.Join(rec.Added, " "), t.ClientName, t.User, err)
	}
	fmt.Fprintf(t.Log, "Granted %s %s for %s only, for the test; it is removed when the test ends.\n", t.ClientName, strings.Join(rec.Added, " "), t.User)
	return &Grant{Client: t.ClientName, User: t.User, Scopes: rec.Added, Created: rec.Created}, nil
}

// Restore takes back what Ensure added, with a context of its own (the
// command's may be cancelled by Ctrl-C). When Ensure's request failed it
// may still have landed, so Restore looks. It reports whether the scopes
// are gone; when they could not be removed the record stays for the next
// setup. A TestGrant that added nothing does nothing.
func (t *TestGrant) Restore(ctx context.Context) (bool, error) {
	if t == nil || !t.sent {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := removeScopes(ctx, t.Graph, t.rec); err != nil {
		t.release(false)
		return false, fmt.Errorf("could not remove the temporary grant of %s for %s (%s): %w; the next 'teamsctl setup' on this tenant removes it, or run: teamsctl consent revoke %s --delegated %s --user %s --yes",
			t.ClientName, t.User, strings.Join(t.rec.Added, " "), err, t.ClientAppID, strings.Join(t.rec.Added, ","), t.User)
	}
	t.sent = false
	if t.journal() {
		if err := fsutil.RemoveFile(t.path()); err != nil {
			t.release(false)
			return true, err
		}
	}
	t.release(true)
	fmt.Fprintf(t.Log, "Removed the temporary grant of %s for %s.\n", t.ClientName, t.User)
	return true, nil
}

// Keep lets the grant stay (--keep-test-grant): the record is cleared so
// that no later run takes it back.
func (t *TestGrant) Keep() error {
	if t == nil || !t.sent {
		return nil
	}
	t.sent = false
	if t.journal() {
		if err := fsutil.RemoveFile(t.path()); err != nil {
			t.release(false)
			return err
		}
	}
	t.release(true)
	return nil
}

// release lets go of the record's lock; removeLock when no record is left.
func (t *TestGrant) release(removeLock bool) {
	if t.lock == nil {
		return
	}
	if removeLock {
		_ = os.Remove(lockPath(t.path()))
	}
	_ = t.lock.Unlock()
	t.lock = nil
}

func writeRecord(path string, rec *PendingGrant) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, append(data, '\n'), 0o600)
}

// userGrant is the test user's own grant of the record's client, nil when
// there is none.
func userGrant(ctx context.Context, g GrantEditor, rec *PendingGrant) (*graph.DelegatedGrant, error) {
	grants, err := g.DelegatedGrants(ctx, rec.ClientSPID, rec.ResourceID)
	if graph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range grants {
		if grants[i].ConsentType == graph.ConsentPrincipal && strings.EqualFold(grants[i].PrincipalID, rec.PrincipalID) {
			return &grants[i], nil
		}
	}
	return nil, nil
}

func addScopes(ctx context.Context, g GrantEditor, rec *PendingGrant) error {
	cur, err := userGrant(ctx, g, rec)
	if err != nil {
		return err
	}
	if cur == nil {
		return errors.New("the user's grant is gone")
	}
	scopes := strings.Fields(cur.Scope)
	for _, s := range rec.Added {
		if !containsFold(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return g.UpdateDelegatedGrantScope(ctx, cur.ID, strings.Join(scopes, " "))
}

// removeScopes takes the record's scopes off the user's grant, and
// deletes a grant the test created once nothing else is left on it.
func removeScopes(ctx context.Context, g GrantEditor, rec *PendingGrant) error {
	cur, err := userGrant(ctx, g, rec)
	if err != nil || cur == nil {
		return err
	}
	have := strings.Fields(cur.Scope)
	kept := slices.DeleteFunc(slices.Clone(have), func(s string) bool { return containsFold(rec.Added, s) || containsFold(rec.SignIn, s) })
	switch {
	case len(kept) == len(have):
		return nil
	case len(kept) == 0 && rec.Created:
		err = g.DeleteDelegatedGrant(ctx, cur.ID)
	default:
		err = g.UpdateDelegatedGrantScope(ctx, cur.ID, strings.Join(kept, " "))
	}
	if graph.IsNotFound(err) {
		return nil
	}
	return err
}

// RecoverGrants takes back the temporary grants that tests on the tenant
// made and, killed before their end, never removed: only the scopes each
// record says the test added. A record a running test holds is left
// alone; one that cannot be settled now stays for the next run. Without
// records it sends no request.
func RecoverGrants(ctx context.Context, g GrantEditor, dir, tenant string, log io.Writer) error {
	if dir == "" || tenant == "" {
		return nil
	}
	jdir := filepath.Join(dir, GrantJournalDir)
	entries, err := os.ReadDir(jdir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the temporary-grant journal: %w", err)
	}
	prefix := safeName(tenant + "_")
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(jdir, name)
		lock, ok, err := fsutil.TryLockFile(lockPath(path))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue // a running test's
		}
		err = settleGrant(ctx, g, log, path)
		if err == nil {
			_ = os.Remove(lockPath(path))
		}
		_ = lock.Unlock()
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

// settleGrant takes back the grant of the record at path, whose lock the
// caller holds, and removes the record. No record: nothing to do.
func settleGrant(ctx context.Context, g GrantEditor, log io.Writer, path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var rec PendingGrant
	if err := json.Unmarshal(data, &rec); err != nil || rec.ClientSPID == "" || rec.PrincipalID == "" || rec.ResourceID == "" {
		return fmt.Errorf("%s is not a temporary-grant record; delete it", path)
	}
	if len(rec.Added) > 0 {
		if err := removeScopes(ctx, g, &rec); err != nil {
			return fmt.Errorf("removing the temporary grant of %s for %s that an interrupted test left: %w", rec.ClientName, rec.User, err)
		}
		fmt.Fprintf(log, "Removed the temporary grant of %s for %s (%s) that an interrupted test left.\n", rec.ClientName, rec.User, strings.Join(rec.Added, " "))
	}
	return fsutil.RemoveFile(path)
}

// oidcScopes are the OpenID Connect scopes every sign-in asks for.
var oidcScopes = []string{"openid", "profile", "offline_access", "email"}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

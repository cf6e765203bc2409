package meetingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/graph"
)

const journalTenant = "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13"

// tenantApps holds apps by object id; a missing one is a 404.
type tenantApps struct {
	apps    map[string]*graph.Application
	gets    int
	patches int
	// beforePatch runs before an update applies; patchErr, when set, is
	// returned after it applied (a request Ctrl-C cut off after it landed).
	beforePatch func()
	patchErr    error
	getErr      error
}

func newTenantApps(apps ...graph.Application) *tenantApps {
	t := &tenantApps{apps: map[string]*graph.Application{}}
	for _, a := range apps {
		t.apps[a.ID] = &a
	}
	return t
}

func notFound() error {
	return &graph.NotFound{APIError: &graph.APIError{Status: http.StatusNotFound, Code: "Request_ResourceNotFound"}}
}

func (f *tenantApps) Application(_ context.Context, id string) (*graph.Application, error) {
	f.gets++
	if f.getErr != nil {
		return nil, f.getErr
	}
	a, ok := f.apps[id]
	if !ok {
		return nil, notFound()
	}
	c := *a
	return &c, nil
}

func (f *tenantApps) UpdateApplication(_ context.Context, id string, u graph.ApplicationUpdate) error {
	f.patches++
	if f.beforePatch != nil {
		f.beforePatch()
	}
	a, ok := f.apps[id]
	if !ok {
		return notFound()
	}
	if u.Web != nil {
		a.Web = *u.Web
	}
	if u.PublicClientRedirectURIs != nil {
		a.PublicClientRedirectURIs = *u.PublicClientRedirectURIs
	}
	return f.patchErr
}

func webApp(id, name string, uris ...string) graph.Application {
	a := graph.Application{ID: id, DisplayName: name}
	a.Web.RedirectURIs = uris
	return a
}

// leftover writes the record a run killed after adding the URI left.
func leftover(t *testing.T, dir string, rec PendingRedirect) string {
	t.Helper()
	j := NewRedirectJournal(dir, rec.Tenant)
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	p := j.path(rec.ObjectID)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// journalFiles lists the journal's files: records, their temporary
// files and lock files (which Windows cannot remove while they are open).
func journalFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, RedirectJournalDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range m {
		if runtime.GOOS == "windows" && strings.HasSuffix(p, ".lock") {
			continue
		}
		names = append(names, filepath.Base(p))
	}
	return names
}

func TestJournalRecordsBeforeTheAddAndClearsAfterRestore(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://ats.example.invalid/oauth/microsoft"))
	j := NewRedirectJournal(dir, journalTenant)
	var log bytes.Buffer
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect, Log: &log, Journal: j}
	record := j.path("obj-1")
	apps.beforePatch = func() {
		apps.beforePatch = nil // only the add
		data, err := os.ReadFile(record)
		if err != nil {
			t.Fatalf("no record when the URI was added: %v", err)
		}
		var rec PendingRedirect
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatal(err)
		}
		want := PendingRedirect{Tenant: journalTenant, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect}
		if rec != want {
			t.Errorf("record = %+v, want %+v", rec, want)
		}
		if fi, err := os.Stat(record); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
			t.Errorf("record mode: %v %v", fi.Mode(), err)
		}
		if fi, err := os.Stat(filepath.Dir(record)); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700) {
			t.Errorf("journal directory mode: %v %v", fi.Mode(), err)
		}
	}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	if apps.beforePatch != nil {
		t.Fatal("Add sent no update")
	}
	r.Restore(context.Background())
	if got := apps.apps["obj-1"].Web.RedirectURIs; !slices.Equal(got, []string{"https://ats.example.invalid/oauth/microsoft"}) {
		t.Errorf("after Restore: %v", got)
	}
	if left := journalFiles(t, dir); len(left) != 0 {
		t.Errorf("journal files left after Restore: %v", left)
	}
	if !strings.Contains(log.String(), "Removed the temporary redirect URI http://localhost.") {
		t.Errorf("log = %q", log.String())
	}
}

func TestJournalIsNotWrittenWhenTheAppHasTheURI(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://ats.example.invalid/oauth/microsoft", LoopbackRedirect))
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
		Log: &bytes.Buffer{}, Journal: NewRedirectJournal(dir, journalTenant)}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.Restore(context.Background())
	if apps.patches != 0 || len(journalFiles(t, dir)) != 0 {
		t.Errorf("%d updates, journal %v: the app's own URI was journaled or touched", apps.patches, journalFiles(t, dir))
	}
	if got := apps.apps["obj-1"].Web.RedirectURIs; len(got) != 2 {
		t.Errorf("the app's own loopback URI was removed: %v", got)
	}
}

// A Ctrl-C while the add was in flight: the request landed but the
// client saw it fail. Restore still removes the URI and the record.
func TestRestoreRemovesAnAddThatLandedButFailed(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://ats.example.invalid/oauth/microsoft"))
	apps.patchErr = context.Canceled
	var log bytes.Buffer
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
		Log: &log, Journal: NewRedirectJournal(dir, journalTenant)}
	if err := r.Add(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Add = %v", err)
	}
	apps.patchErr = nil
	r.Restore(context.Background())
	if got := apps.apps["obj-1"].Web.RedirectURIs; !slices.Equal(got, []string{"https://ats.example.invalid/oauth/microsoft"}) {
		t.Errorf("after Restore: %v", got)
	}
	if left := journalFiles(t, dir); len(left) != 0 {
		t.Errorf("journal files left: %v", left)
	}
}

// A run killed after the add (no Restore): the next run's Recover removes
// the URI, and only it, with one line, and clears the record.
func TestRecoverRemovesAKilledRunsURIOnly(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb", "https://b.example/cb"),
		webApp("obj-2", "Other", "https://other.example/cb"))
	killed := NewRedirectJournal(dir, journalTenant)
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
		Log: &bytes.Buffer{}, Journal: killed}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The URI goes between the app's own in Entra's order, say.
	apps.apps["obj-1"].Web.RedirectURIs = []string{"https://a.example/cb", LoopbackRedirect, "https://b.example/cb"}
	killed.release("obj-1", false) // the process died: its lock is gone, its record stays

	apps.patches = 0
	var log bytes.Buffer
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &log); err != nil {
		t.Fatal(err)
	}
	if got := apps.apps["obj-1"].Web.RedirectURIs; !slices.Equal(got, []string{"https://a.example/cb", "https://b.example/cb"}) {
		t.Errorf("after Recover: %v", got)
	}
	if got := apps.apps["obj-2"].Web.RedirectURIs; !slices.Equal(got, []string{"https://other.example/cb"}) {
		t.Errorf("another app changed: %v", got)
	}
	if apps.patches != 1 {
		t.Errorf("%d updates, want 1", apps.patches)
	}
	if want := "Removed the temporary redirect URI http://localhost that an interrupted test left on Web Scheduler.\n"; log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
	if left := journalFiles(t, dir); len(left) != 0 {
		t.Errorf("journal files left: %v", left)
	}
}

func TestRecoverPublicClientPlatform(t *testing.T) {
	dir := t.TempDir()
	a := graph.Application{ID: "obj-1", DisplayName: "Desktop", PublicClientRedirectURIs: []string{LoopbackRedirect, "ms-app://x"}}
	a.Web.RedirectURIs = []string{LoopbackRedirect} // the web platform's own: untouched
	apps := newTenantApps(a)
	leftover(t, dir, PendingRedirect{Tenant: journalTenant, ObjectID: "obj-1", AppName: "Desktop", Platform: PlatformPublic, URI: LoopbackRedirect})
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	got := apps.apps["obj-1"]
	if !slices.Equal(got.PublicClientRedirectURIs, []string{"ms-app://x"}) || !slices.Equal(got.Web.RedirectURIs, []string{LoopbackRedirect}) {
		t.Errorf("public %v, web %v", got.PublicClientRedirectURIs, got.Web.RedirectURIs)
	}
}

// The run died after writing the record, before its add landed: the URI
// is not there, so the record is cleared without an update.
func TestRecoverClearsARecordWhoseURINeverLanded(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb"))
	leftover(t, dir, PendingRedirect{Tenant: journalTenant, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect})
	var log bytes.Buffer
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &log); err != nil {
		t.Fatal(err)
	}
	if apps.patches != 0 || log.Len() != 0 {
		t.Errorf("%d updates, log %q", apps.patches, log.String())
	}
	if left := journalFiles(t, dir); len(left) != 0 {
		t.Errorf("journal files left: %v", left)
	}
}

func TestRecoverClearsTheRecordOfADeletedApp(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps()
	leftover(t, dir, PendingRedirect{Tenant: journalTenant, ObjectID: "gone", AppName: "Deleted", Platform: PlatformWeb, URI: LoopbackRedirect})
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if apps.gets != 1 || apps.patches != 0 {
		t.Errorf("%d reads, %d updates", apps.gets, apps.patches)
	}
	if left := journalFiles(t, dir); len(left) != 0 {
		t.Errorf("journal files left: %v", left)
	}
}

// A failed recovery keeps the record for the next run and says why.
func TestRecoverKeepsTheRecordOnFailure(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb", LoopbackRedirect))
	apps.getErr = errors.New("connection reset")
	rec := leftover(t, dir, PendingRedirect{Tenant: journalTenant, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect})
	j := NewRedirectJournal(dir, journalTenant)
	err := j.Recover(context.Background(), apps, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "left on Web Scheduler: connection reset") {
		t.Fatalf("Recover = %v", err)
	}
	if _, err := os.Stat(rec); err != nil {
		t.Fatalf("record gone after a failed recovery: %v", err)
	}
	apps.getErr = nil
	if err := j.Recover(context.Background(), apps, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if got := apps.apps["obj-1"].Web.RedirectURIs; !slices.Equal(got, []string{"https://a.example/cb"}) {
		t.Errorf("after the second Recover: %v", got)
	}
}

// A test still running (its lock held) and another tenant's records are
// left alone, without a request.
func TestRecoverLeavesLiveTestsAndOtherTenants(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb"), webApp("obj-2", "Other tenant's"))
	live := NewRedirectJournal(dir, journalTenant)
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
		Log: &bytes.Buffer{}, Journal: live}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := leftover(t, dir, PendingRedirect{Tenant: "0d9f0000-0000-4000-8000-000000000000", ObjectID: "obj-2", AppName: "Other tenant's",
		Platform: PlatformWeb, URI: LoopbackRedirect})
	apps.gets, apps.patches = 0, 0
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if apps.gets != 0 || apps.patches != 0 {
		t.Errorf("%d reads, %d updates: a live test's or another tenant's record was touched", apps.gets, apps.patches)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the other tenant's record: %v", err)
	}
	if !slices.Contains(apps.apps["obj-1"].Web.RedirectURIs, LoopbackRedirect) {
		t.Error("the live test's URI was removed")
	}
	r.Restore(context.Background())
	if slices.Contains(apps.apps["obj-1"].Web.RedirectURIs, LoopbackRedirect) {
		t.Error("Restore left the URI")
	}
}

// Restore failing keeps the record, and the message names the next run.
func TestFailedRestoreLeavesTheRecordForTheNextRun(t *testing.T) {
	dir := t.TempDir()
	apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb"))
	var log bytes.Buffer
	r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
		Log: &log, Journal: NewRedirectJournal(dir, journalTenant)}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	apps.getErr = errors.New("connection reset")
	r.Restore(context.Background())
	if !strings.Contains(log.String(), "The next 'teamsctl meeting test' or 'teamsctl setup' on this tenant removes it") {
		t.Errorf("log = %q", log.String())
	}
	apps.getErr = nil
	var next bytes.Buffer
	if err := NewRedirectJournal(dir, journalTenant).Recover(context.Background(), apps, &next); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(apps.apps["obj-1"].Web.RedirectURIs, LoopbackRedirect) || !strings.Contains(next.String(), "left on Web Scheduler") {
		t.Errorf("after Recover: %v, log %q", apps.apps["obj-1"].Web.RedirectURIs, next.String())
	}
}

func TestJournalWithoutADirectoryIsDisabled(t *testing.T) {
	for _, j := range []*RedirectJournal{NewRedirectJournal("", journalTenant), NewRedirectJournal(t.TempDir(), ""), nil} {
		apps := newTenantApps(webApp("obj-1", "Web Scheduler", "https://a.example/cb"))
		r := &TempRedirect{Graph: apps, ObjectID: "obj-1", AppName: "Web Scheduler", Platform: PlatformWeb, URI: LoopbackRedirect,
			Log: &bytes.Buffer{}, Journal: j}
		if err := r.Add(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.Restore(context.Background())
		if err := j.Recover(context.Background(), apps, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if got := apps.apps["obj-1"].Web.RedirectURIs; !slices.Equal(got, []string{"https://a.example/cb"}) || apps.patches != 2 {
			t.Errorf("%v after %d updates", got, apps.patches)
		}
	}
}

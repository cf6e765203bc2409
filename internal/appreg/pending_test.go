package appreg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// secretsFake is the app's secrets as Graph holds them: settle reads them
// and removes some.
type secretsFake struct {
	Client
	app     graph.Application
	reads   int
	removed []string
}

func (f *secretsFake) Application(context.Context, string) (*graph.Application, error) {
	f.reads++
	cp := f.app
	cp.PasswordCredentials = slices.Clone(f.app.PasswordCredentials)
	return &cp, nil
}

func (f *secretsFake) RemovePassword(_ context.Context, _, keyID string) error {
	n := len(f.app.PasswordCredentials)
	f.app.PasswordCredentials = slices.DeleteFunc(f.app.PasswordCredentials, func(c graph.PasswordCredential) bool { return c.KeyID == keyID })
	if len(f.app.PasswordCredentials) == n {
		return &graph.NotFound{APIError: &graph.APIError{Status: 404}}
	}
	f.removed = append(f.removed, keyID)
	return nil
}

// add is a secret a run's addPassword created.
func (f *secretsFake) add(keyID, name string, end time.Time) {
	f.app.PasswordCredentials = append(f.app.PasswordCredentials, graph.PasswordCredential{KeyID: keyID, DisplayName: name, EndDateTime: end, Hint: keyID[:3]})
}

var (
	journalEnd = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	journalNow = journalEnd.Add(-180 * 24 * time.Hour)
)

// recover is what a run on the app does first: settle under the lock.
func recoverWith(t *testing.T, p *Pending, f *secretsFake) []string {
	t.Helper()
	var warned []string
	r := &Registrar{Graph: f, Pending: p, Warn: func(s string) { warned = append(warned, s) }}
	app, _ := f.Application(t.Context(), f.app.ID)
	f.reads = 0
	if err := r.removeOrphans(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	return warned
}

// begin records and adds a secret as Registrar.secret does, under the lock.
func begin(t *testing.T, p *Pending, f *secretsFake, keyID string, withKey bool) *PendingSecret {
	t.Helper()
	unlock, err := p.Lock(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	app, _ := f.Application(t.Context(), f.app.ID)
	rec, err := p.Begin(app, "teamsctl", journalEnd, journalNow)
	if err != nil {
		t.Fatal(err)
	}
	f.add(keyID, "teamsctl", journalEnd)
	if withKey {
		if err := p.Added(rec, keyID); err != nil {
			t.Fatal(err)
		}
		if err := p.bump(); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

// TestPendingJournalLeavesLiveRunsAlone: a run's undelivered secret is
// never taken for an interrupted run's while that run lives, in this
// process or another; once it is gone (Close, or the process died), the
// next run removes it. A delivered secret is never removed.
func TestPendingJournalLeavesLiveRunsAlone(t *testing.T) {
	dir := t.TempDir()
	f := &secretsFake{app: graph.Application{ID: "obj-1", DisplayName: "App"}}
	f.add("old", "teamsctl", journalEnd) // delivered by an earlier run, same name and end

	a := NewPending(dir, "tenant-1")
	begin(t, a, f, "aaa-live", true)
	b := NewPending(dir, "tenant-1")
	if w := recoverWith(t, b, f); len(f.removed) != 0 || len(w) != 0 {
		t.Fatalf("a live run's secret was removed: %v %v", f.removed, w)
	}
	st, err := os.Stat(a.path("obj-1"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("record file: %v %v", st, err)
	}

	// b adds and delivers its own secret; a is interrupted (never
	// delivers) and ends.
	begin(t, b, f, "bbb-delivered", true)
	if err := b.Deliver("obj-1", "bbb-delivered", func() error { return nil }, nil); err != nil {
		t.Fatal(err)
	}
	b.Close()
	a.Close()
	c := NewPending(dir, "tenant-1")
	w := recoverWith(t, c, f)
	if !slices.Equal(f.removed, []string{"aaa-live"}) || len(w) != 1 || !strings.Contains(w[0], "never showed") {
		t.Fatalf("after the run ended: removed %v, warned %v", f.removed, w)
	}
	if f.reads != 0 {
		t.Errorf("a record with its key id needs no read; %d reads", f.reads)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, PendingDir, "*.json")); len(left) != 0 {
		t.Fatalf("records left: %v", left)
	}
	if locks, _ := filepath.Glob(filepath.Join(dir, PendingDir, "run-*.lock")); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
}

// TestPendingJournalKeylessRecord: a run killed while addPassword was in
// flight left no key id; its secret is found by name, end date and not
// having been there before, in a fresh read of the app, and only it.
func TestPendingJournalKeylessRecord(t *testing.T) {
	dir := t.TempDir()
	f := &secretsFake{app: graph.Application{ID: "obj-1", DisplayName: "App"}}
	f.add("old", "teamsctl", journalEnd)
	a := NewPending(dir, "tenant-1")
	begin(t, a, f, "new", false)
	f.add("other", "other", journalEnd)
	a.Close()
	recoverWith(t, NewPending(dir, "tenant-1"), f)
	if !slices.Equal(f.removed, []string{"new"}) || f.reads != 1 {
		t.Fatalf("removed %v after %d reads, want [new] after 1", f.removed, f.reads)
	}
}

// TestPendingJournalDelivery: a failed delivery is taken back (the secret
// goes with the next run); a run that died while delivering leaves a
// secret somebody may have, which is kept.
func TestPendingJournalDelivery(t *testing.T) {
	dir := t.TempDir()
	f := &secretsFake{app: graph.Application{ID: "obj-1", DisplayName: "App", AppID: "app-1"}}
	a := NewPending(dir, "tenant-1")
	begin(t, a, f, "failed", true)
	boom := errors.New("disk full")
	if err := a.Deliver("obj-1", "failed", func() error { return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("Deliver = %v", err)
	}
	begin(t, a, f, "dying", true)
	// Killed inside deliver: the mark stays.
	if err := a.change("obj-1", func(r *PendingSecret) bool {
		if r.KeyID == "dying" {
			r.Delivering = true
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	w := recoverWith(t, NewPending(dir, "tenant-1"), f)
	if !slices.Equal(f.removed, []string{"failed"}) {
		t.Fatalf("removed %v, want [failed]", f.removed)
	}
	if len(w) != 2 || !strings.Contains(strings.Join(w, "\n"), "kept the secret \"teamsctl\" (dyi...) of App") ||
		!strings.Contains(strings.Join(w, "\n"), "teamsctl app secret remove app-1 dying") {
		t.Errorf("warnings: %q", w)
	}
}

// TestPendingJournalStale: a secret another run added after this run
// started makes this run's first read stale.
func TestPendingJournalStale(t *testing.T) {
	dir := t.TempDir()
	f := &secretsFake{app: graph.Application{ID: "obj-1"}}
	a := NewPending(dir, "tenant-1")
	b := NewPending(dir, "tenant-1")
	if a.Stale() {
		t.Fatal("stale before anything was added")
	}
	begin(t, b, f, "bbb", true)
	if !a.Stale() || b.Stale() {
		t.Errorf("stale: a %v b %v, want true false", a.Stale(), b.Stale())
	}
	if NewPending(dir, "tenant-1").Stale() {
		t.Error("a run started afterwards is stale")
	}
	// Disabled journal: no-ops.
	var none *Pending
	if r, err := none.Begin(&f.app, "x", journalEnd, journalNow); r != nil || err != nil {
		t.Fatal(r, err)
	}
	delivered := false
	if err := NewPending("", "t").Deliver("obj-1", "k", func() error { delivered = true; return nil }, nil); err != nil || !delivered {
		t.Fatal(err, delivered)
	}
}

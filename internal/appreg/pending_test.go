package appreg

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

func TestPendingJournal(t *testing.T) {
	dir := t.TempDir()
	p := NewPending(dir, "tenant-1")
	end := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	app := &graph.Application{ID: "obj-1", PasswordCredentials: []graph.PasswordCredential{
		{KeyID: "old", DisplayName: "teamsctl", EndDateTime: end}, // delivered earlier, same name and end
	}}
	rec, err := p.Begin(app, "teamsctl", end, end.Add(-180*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p.path("obj-1"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("journal file: %v %v", st, err)
	}
	// Killed while addPassword was in flight: no key id in the journal;
	// the new secret is found by name, end and not being known before.
	app.PasswordCredentials = append(app.PasswordCredentials,
		graph.PasswordCredential{KeyID: "new", DisplayName: "teamsctl", EndDateTime: end},
		graph.PasswordCredential{KeyID: "other", DisplayName: "other", EndDateTime: end})
	got, err := p.Orphans(app)
	if err != nil || len(got) != 1 || got[0].KeyID != "new" {
		t.Fatalf("orphans without key id = %+v, %v", got, err)
	}
	// With the key id recorded, only that one.
	if err := p.Added(rec, "other"); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Orphans(app); len(got) != 1 || got[0].KeyID != "other" {
		t.Fatalf("orphans with key id = %+v", got)
	}
	// Delivered: the record goes, and so does the file.
	if err := p.Delivered("obj-1", "other"); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Orphans(app); len(got) != 0 {
		t.Fatalf("orphans after delivery = %+v", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, PendingDir, "*")); len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
	// Disabled journal: no-ops.
	var none *Pending
	if r, err := none.Begin(app, "x", end, end); r != nil || err != nil {
		t.Fatal(r, err)
	}
}

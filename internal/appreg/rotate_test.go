package appreg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

var errKilled = errors.New("killed")

// killFake is Graph's secrets of one app, where the run dies at its n-th
// request: before Graph acted on it, or after (Graph acted, the run never
// heard).
type killFake struct {
	secretsFake
	n, calls int
	before   bool
	clock    time.Time
	next     int
}

func (f *killFake) kill(apply func()) error {
	f.calls++
	if f.calls == f.n {
		if !f.before {
			apply()
		}
		return errKilled
	}
	apply()
	return nil
}

func (f *killFake) Application(ctx context.Context, id string) (*graph.Application, error) {
	var app *graph.Application
	err := f.kill(func() { app, _ = f.secretsFake.Application(ctx, id) })
	return app, err
}

func (f *killFake) AddPassword(_ context.Context, _ string, in graph.PasswordCreate) (*graph.PasswordCredential, error) {
	f.next++
	f.clock = f.clock.Add(time.Minute)
	if f.clock.Before(rotateNow) {
		f.clock = rotateNow
	}
	c := graph.PasswordCredential{KeyID: fmt.Sprintf("key-%02d", f.next), DisplayName: in.DisplayName, Hint: "k" + fmt.Sprint(f.next),
		StartDateTime: f.clock, EndDateTime: in.EndDateTime, SecretText: fmt.Sprintf("value-%02d", f.next)}
	err := f.kill(func() { f.app.PasswordCredentials = append(f.app.PasswordCredentials, c) })
	return &c, err
}

func (f *killFake) RemovePassword(ctx context.Context, id, keyID string) error {
	var rerr error
	if err := f.kill(func() { rerr = f.secretsFake.RemovePassword(ctx, id, keyID) }); err != nil {
		return err
	}
	return rerr
}

var rotateNow = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

func newKillFake() *killFake {
	f := &killFake{clock: rotateNow.Add(-200 * 24 * time.Hour)}
	f.app = graph.Application{ID: "obj-1", AppID: "app-1", DisplayName: "App"}
	f.app.PasswordCredentials = []graph.PasswordCredential{
		{KeyID: "old-1", DisplayName: "elevato", StartDateTime: f.clock, EndDateTime: rotateNow.Add(10 * 24 * time.Hour)},
		{KeyID: "old-2", DisplayName: "elevato-2026-05-19", StartDateTime: f.clock.Add(time.Hour), EndDateTime: rotateNow.Add(-time.Hour)},
	}
	return f
}

// rotateRun is a `rotate` run as the command makes it: read the app, add
// the day's secret under the journal, deliver it. A run killed leaves its
// journal as a dead process does (Close releases the liveness lock and
// keeps the records).
func rotateRun(dir string, f *killFake) (delivered string, err error) {
	ctx := context.Background()
	p := NewPending(dir, "tenant-1")
	defer p.Close()
	r := &Registrar{Graph: f, Pending: p, Now: func() time.Time { return rotateNow }}
	app, err := f.Application(ctx, "obj-1")
	if err != nil {
		return "", err
	}
	sec, _, err := r.AddSecret(ctx, app, Desired{SecretName: RotationName("elevato", rotateNow), SecretEnd: rotateNow.Add(180 * 24 * time.Hour)})
	if err != nil || sec.Existing {
		return "", err
	}
	err = p.Deliver(app.ID, sec.KeyID, func() error { delivered = sec.Value; return nil }, nil)
	return delivered, err
}

// finishRun is a `rotate --finish --yes` run.
func finishRun(dir string, f *killFake) error {
	ctx := context.Background()
	p := NewPending(dir, "tenant-1")
	defer p.Close()
	r := &Registrar{Graph: f, Pending: p, Now: func() time.Time { return rotateNow }}
	app, err := f.Application(ctx, "obj-1")
	if err != nil {
		return err
	}
	plan, err := r.PlanFinish(ctx, app, "elevato")
	if err != nil {
		return err
	}
	_, err = r.FinishRotation(ctx, app, plan)
	return err
}

func names(cs []graph.PasswordCredential) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.KeyID)
	}
	return out
}

// TestRotateInterruptedConverges kills a rotation at each of its requests,
// before and after Graph acted, and re-runs it: the app ends with its old
// secrets and exactly one new secret, whose value the re-run delivered.
func TestRotateInterruptedConverges(t *testing.T) {
	clean := newKillFake()
	if _, err := rotateRun(t.TempDir(), clean); err != nil {
		t.Fatal(err)
	}
	total := clean.calls
	if total < 2 {
		t.Fatalf("an uninterrupted rotation made %d requests", total)
	}
	for n := 1; n <= total; n++ {
		for _, before := range []bool{true, false} {
			t.Run(fmt.Sprintf("request %d before %v", n, before), func(t *testing.T) {
				dir := t.TempDir()
				f := newKillFake()
				f.n, f.before = n, before
				if _, err := rotateRun(dir, f); !errors.Is(err, errKilled) {
					t.Fatalf("first run: %v, want killed", err)
				}
				f.n = 0
				value, err := rotateRun(dir, f)
				if err != nil {
					t.Fatal(err)
				}
				var rotated []graph.PasswordCredential
				for _, c := range f.app.PasswordCredentials {
					if c.DisplayName == "elevato-2026-12-05" {
						rotated = append(rotated, c)
					}
				}
				if len(rotated) != 1 || value == "" || rotated[0].SecretText != value {
					t.Fatalf("after the re-run: secrets %v, delivered %q", names(f.app.PasswordCredentials), value)
				}
				if got := names(f.app.PasswordCredentials); !slices.Contains(got, "old-1") || !slices.Contains(got, "old-2") {
					t.Fatalf("old secrets not kept: %v", got)
				}
				// A third run finds the day's secret and adds nothing.
				if v, err := rotateRun(dir, f); err != nil || v != "" || len(f.app.PasswordCredentials) != 3 {
					t.Fatalf("third run: %q %v, secrets %v", v, err, names(f.app.PasswordCredentials))
				}
			})
		}
	}
}

// TestFinishInterruptedConverges kills the end of a rotation at each
// request: the re-run removes what is left, and the newest secret is never
// removed.
func TestFinishInterruptedConverges(t *testing.T) {
	setup := func(dir string) *killFake {
		f := newKillFake()
		if _, err := rotateRun(dir, f); err != nil {
			t.Fatal(err)
		}
		f.calls = 0
		return f
	}
	clean := setup(t.TempDir())
	if err := finishRun(t.TempDir(), clean); err != nil {
		t.Fatal(err)
	}
	if got := names(clean.app.PasswordCredentials); !slices.Equal(got, []string{"key-01"}) {
		t.Fatalf("after finish: %v", got)
	}
	total := clean.calls
	for n := 1; n <= total; n++ {
		for _, before := range []bool{true, false} {
			dir := t.TempDir()
			f := setup(dir)
			f.n, f.before = n, before
			if err := finishRun(dir, f); !errors.Is(err, errKilled) {
				t.Fatalf("request %d before %v: first run %v, want killed", n, before, err)
			}
			if !slices.Contains(names(f.app.PasswordCredentials), "key-01") {
				t.Fatalf("request %d before %v: the newest secret was removed", n, before)
			}
			f.n = 0
			if err := finishRun(dir, f); err != nil {
				t.Fatal(err)
			}
			if got := names(f.app.PasswordCredentials); !slices.Equal(got, []string{"key-01"}) {
				t.Fatalf("request %d before %v: after the re-run %v", n, before, got)
			}
		}
	}
}

// TestFinishSafety: finishing never leaves the app without a valid secret
// and never removes a secret a live run is handing out; a plan confirmed
// before another run added a secret is not carried out.
func TestFinishSafety(t *testing.T) {
	ctx := context.Background()
	t.Run("newest expired", func(t *testing.T) {
		f := newKillFake()
		f.app.PasswordCredentials[0].EndDateTime = rotateNow.Add(-time.Hour)
		f.app.PasswordCredentials[1].StartDateTime = f.clock.Add(time.Hour)
		err := finishRun(t.TempDir(), f)
		var nv *NoValidSecretError
		if !errors.As(err, &nv) || len(f.removed) != 0 {
			t.Fatalf("err %v, removed %v", err, f.removed)
		}
	})
	t.Run("unrelated secret added after the rotation", func(t *testing.T) {
		dir := t.TempDir()
		f := newKillFake()
		if _, err := rotateRun(dir, f); err != nil {
			t.Fatal(err)
		}
		// Someone adds another tool's secret, short-lived, after the
		// rotation: it is the last created, yet not the rotation's.
		f.app.PasswordCredentials = append(f.app.PasswordCredentials, graph.PasswordCredential{KeyID: "other-tool",
			DisplayName: "other-tool", StartDateTime: rotateNow.Add(time.Hour), EndDateTime: rotateNow.Add(48 * time.Hour)})
		if err := finishRun(dir, f); err != nil {
			t.Fatal(err)
		}
		if got := names(f.app.PasswordCredentials); !slices.Equal(got, []string{"key-01", "other-tool"}) {
			t.Fatalf("left %v, want the rotation's new secret and the unrelated one", got)
		}
	})
	t.Run("kept secret expires soon", func(t *testing.T) {
		f := newKillFake()
		f.app.PasswordCredentials[0].StartDateTime = f.clock.Add(2 * time.Hour)
		f.app.PasswordCredentials[0].EndDateTime = rotateNow.Add(2 * 24 * time.Hour)
		err := finishRun(t.TempDir(), f)
		var nv *NoValidSecretError
		if !errors.As(err, &nv) || nv.Expired || nv.Newest == nil || len(f.removed) != 0 {
			t.Fatalf("err %v, removed %v", err, f.removed)
		}
	})
	t.Run("no secret of the rotation", func(t *testing.T) {
		f := newKillFake()
		for i := range f.app.PasswordCredentials {
			f.app.PasswordCredentials[i].DisplayName = fmt.Sprintf("other-%d", i)
		}
		err := finishRun(t.TempDir(), f)
		var nv *NoValidSecretError
		if !errors.As(err, &nv) || nv.Newest != nil || len(f.removed) != 0 {
			t.Fatalf("err %v, removed %v", err, f.removed)
		}
	})
	t.Run("live run", func(t *testing.T) {
		dir := t.TempDir()
		f := newKillFake()
		if _, err := rotateRun(dir, f); err != nil {
			t.Fatal(err)
		}
		// Another run, alive, has added a secret and not delivered it yet.
		other := NewPending(dir, "tenant-1")
		defer other.Close()
		begin(t, other, &f.secretsFake, "zzz-live", true)
		// It is of the rotation being finished, and the newest.
		live := &f.app.PasswordCredentials[len(f.app.PasswordCredentials)-1]
		live.StartDateTime, live.DisplayName = rotateNow.Add(time.Hour), "elevato"
		if err := finishRun(dir, f); err != nil {
			t.Fatal(err)
		}
		if got := names(f.app.PasswordCredentials); !slices.Equal(got, []string{"key-01", "zzz-live"}) {
			t.Fatalf("left %v, want the newest delivered secret and the live run's", got)
		}
	})
	t.Run("changed after confirmation", func(t *testing.T) {
		dir := t.TempDir()
		f := newKillFake()
		// old-1 is the newest valid secret.
		f.app.PasswordCredentials[0].StartDateTime = f.clock.Add(2 * time.Hour)
		p := NewPending(dir, "tenant-1")
		defer p.Close()
		r := &Registrar{Graph: f, Pending: p, Now: func() time.Time { return rotateNow }}
		app, _ := f.Application(ctx, "obj-1")
		plan, err := r.PlanFinish(ctx, app, "elevato")
		if err != nil || plan.Keep.KeyID != "old-1" || !slices.Equal(names(plan.Remove), []string{"old-2"}) {
			t.Fatalf("plan %+v %v", plan, err)
		}
		// Another run rotates while the user is asked.
		if _, err := rotateRun(dir, f); err != nil {
			t.Fatal(err)
		}
		var ch *ChangedError
		if _, err := r.FinishRotation(ctx, app, plan); !errors.As(err, &ch) || len(f.removed) != 0 {
			t.Fatalf("err %v, removed %v", err, f.removed)
		}
	})
}

// A secret a rotation made counts as the secret app create and setup
// add, so their re-run after a finished rotation adds none.
func TestRotatedSecretSatisfiesItsBase(t *testing.T) {
	app := &graph.Application{PasswordCredentials: []graph.PasswordCredential{
		{KeyID: "k1", DisplayName: "elevato-2026-12-05", EndDateTime: rotateNow.Add(time.Hour)},
		{KeyID: "k2", DisplayName: "elevato-extra", EndDateTime: rotateNow.Add(time.Hour)},
	}}
	if got := existingSecret(app, "elevato", rotateNow); got == nil || got.KeyID != "k1" {
		t.Fatalf("existingSecret(elevato) = %+v, want the rotated k1", got)
	}
	if got := existingSecret(app, "teamsctl", rotateNow); got != nil {
		t.Fatalf("existingSecret(teamsctl) = %+v, want none", got)
	}
	if got := existingSecret(app, "elevato-2026-12-05", rotateNow); got == nil || got.KeyID != "k1" {
		t.Fatalf("the rotation's own name: %+v", got)
	}
	if got := existingSecret(app, "elevato", rotateNow.Add(2*time.Hour)); got != nil {
		t.Fatalf("an expired rotation counts: %+v", got)
	}
}

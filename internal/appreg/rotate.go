package appreg

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/plan"
)

// RotationName is the name of the secret a rotation adds: base and the
// day (UTC) it was added. A re-run on the same day finds it instead of
// adding another.
func RotationName(base string, now time.Time) string {
	return base + "-" + now.UTC().Format("2006-01-02")
}

// isRotationOf reports whether secret is the name of a rotation of base.
func isRotationOf(secret, base string) bool {
	date, ok := strings.CutPrefix(secret, base+"-")
	if !ok {
		return false
	}
	_, err := time.Parse("2006-01-02", date)
	return err == nil
}

// AddSecret adds the secret d asks for to app as app create does: under
// the pending-secret journal's lock, after settling what interrupted runs
// left, and not at all when a valid secret of that name exists (Existing
// is then set, and the value cannot be shown). The caller delivers the
// value with Pending.Deliver.
func (r *Registrar) AddSecret(ctx context.Context, app *graph.Application, d Desired) (*Secret, plan.Steps, error) {
	var steps plan.Steps
	d.Secret = true
	if err := r.removeOrphans(ctx, app); err != nil {
		return nil, steps, err
	}
	sec, err := r.secret(ctx, app, d, &steps)
	return sec, steps, err
}

// FinishPlan is what finishing a rotation does: keep the newest secret
// (the one the vendor was given) and any secret another live run is
// handing out, remove every other.
type FinishPlan struct {
	Keep   graph.PasswordCredential   `json:"keep"`
	Live   []graph.PasswordCredential `json:"inFlight,omitempty"`
	Remove []graph.PasswordCredential `json:"remove"`
}

// NoValidSecretError is an app whose newest secret has expired (or that
// has none): finishing a rotation would leave it without a valid secret.
type NoValidSecretError struct {
	App    string
	Newest *graph.PasswordCredential
}

func (e *NoValidSecretError) Error() string {
	if e.Newest == nil {
		return fmt.Sprintf("%s has no client secret to keep; nothing was removed", e.App)
	}
	return fmt.Sprintf("the newest secret of %s, %q, expired on %s: removing the others would leave it without a valid secret; nothing was removed",
		e.App, e.Newest.DisplayName, e.Newest.EndDateTime.Format("2006-01-02"))
}

// Hint implements the hint convention.
func (e *NoValidSecretError) Hint() string {
	return "Run 'teamsctl app secret rotate APP' first, give the vendor the new secret, then finish."
}

// ChangedError is an app whose secrets changed between the confirmed plan
// and its execution: another run rotated meanwhile.
type ChangedError struct{ App string }

func (e *ChangedError) Error() string {
	return fmt.Sprintf("the secrets of %s changed while you were asked (another run added one); nothing was removed", e.App)
}

// Hint implements the hint convention.
func (e *ChangedError) Hint() string { return "Run the command again to see the new plan." }

// PlanFinish reads app's secrets under the journal's lock (settling what
// dead runs left) and plans the end of a rotation. The newest secret is
// the one created last among those no live run is still handing out; it
// must be valid.
func (r *Registrar) PlanFinish(ctx context.Context, app *graph.Application) (*FinishPlan, error) {
	unlock, err := r.Pending.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return r.planFinish(ctx, app)
}

// planFinish is PlanFinish under the lock.
func (r *Registrar) planFinish(ctx context.Context, app *graph.Application) (*FinishPlan, error) {
	// The secrets are read again under the lock: a run that added one
	// since the caller's read is then seen.
	if err := r.settle(ctx, app, true); err != nil {
		return nil, err
	}
	live, err := r.Pending.Live(app.ID)
	if err != nil {
		return nil, err
	}
	p := &FinishPlan{Remove: []graph.PasswordCredential{}}
	var rest []graph.PasswordCredential
	for _, c := range app.PasswordCredentials {
		if slices.ContainsFunc(live, func(rec PendingSecret) bool { return matchesPending(c, rec) }) {
			p.Live = append(p.Live, c)
			continue
		}
		rest = append(rest, c)
	}
	if len(rest) == 0 {
		return nil, &NoValidSecretError{App: app.DisplayName}
	}
	newest := slices.MaxFunc(rest, func(a, b graph.PasswordCredential) int {
		if c := a.StartDateTime.Compare(b.StartDateTime); c != 0 {
			return c
		}
		return a.EndDateTime.Compare(b.EndDateTime)
	})
	if !newest.EndDateTime.IsZero() && !newest.EndDateTime.After(r.Now()) {
		return nil, &NoValidSecretError{App: app.DisplayName, Newest: &newest}
	}
	p.Keep = newest
	for _, c := range rest {
		if !strings.EqualFold(c.KeyID, newest.KeyID) {
			p.Remove = append(p.Remove, c)
		}
	}
	return p, nil
}

// FinishRotation removes what confirmed (a plan from PlanFinish, shown to
// the user) removes, after planning again under the journal's lock: a
// secret is removed only when both plans remove it and both keep the same
// secret. A secret already gone counts as removed, so a re-run after an
// interruption converges. It returns the secrets removed.
func (r *Registrar) FinishRotation(ctx context.Context, app *graph.Application, confirmed *FinishPlan) ([]graph.PasswordCredential, error) {
	unlock, err := r.Pending.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	now, err := r.planFinish(ctx, app)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(now.Keep.KeyID, confirmed.Keep.KeyID) {
		return nil, &ChangedError{App: app.DisplayName}
	}
	removed := []graph.PasswordCredential{}
	for _, c := range now.Remove {
		if !slices.ContainsFunc(confirmed.Remove, func(x graph.PasswordCredential) bool { return strings.EqualFold(x.KeyID, c.KeyID) }) {
			continue
		}
		if err := r.Graph.RemovePassword(ctx, app.ID, c.KeyID); err != nil && !graph.IsNotFound(err) {
			return removed, fmt.Errorf("removing the secret %q (%s): %w", c.DisplayName, c.KeyID, err)
		}
		removed = append(removed, c)
	}
	return removed, nil
}

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

// FinishMinValidity is how long the secret a rotation keeps must still be
// valid: finishing with a secret about to expire would soon leave the app
// without one.
const FinishMinValidity = 7 * 24 * time.Hour

// ofRotation reports whether secret belongs to the rotation named base:
// the secret base itself or one a rotation added (base-YYYY-MM-DD).
func ofRotation(secret, base string) bool {
	return strings.EqualFold(secret, base) || isRotationOf(secret, base)
}

// FinishPlan is what finishing the rotation of one name does: keep the
// newest secret of that name (the one the rotation created and the vendor
// was given), remove the older secrets of that name, and leave alone every
// secret of another name and any secret another live run is handing out.
type FinishPlan struct {
	Name   string                     `json:"name"`
	Keep   graph.PasswordCredential   `json:"keep"`
	Live   []graph.PasswordCredential `json:"inFlight,omitempty"`
	Remove []graph.PasswordCredential `json:"remove"`
}

// NoValidSecretError is an app whose rotation of Name has no secret to
// keep, or whose newest secret of that name has expired or expires within
// FinishMinValidity: finishing would leave the app without a lasting
// secret.
type NoValidSecretError struct {
	App    string
	Name   string
	Newest *graph.PasswordCredential
	// Expired tells an expired secret from one that expires soon.
	Expired bool
}

func (e *NoValidSecretError) Error() string {
	switch {
	case e.Newest == nil:
		return fmt.Sprintf("%s has no secret of the rotation %q (%s or %s-YYYY-MM-DD) to keep; nothing was removed", e.App, e.Name, e.Name, e.Name)
	case e.Expired:
		return fmt.Sprintf("the newest secret of the rotation %q of %s, %q, expired on %s: removing the older ones would leave no valid secret; nothing was removed",
			e.Name, e.App, e.Newest.DisplayName, e.Newest.EndDateTime.Format("2006-01-02"))
	default:
		return fmt.Sprintf("the newest secret of the rotation %q of %s, %q, expires on %s (within %d days): removing the older ones would soon leave no valid secret; nothing was removed",
			e.Name, e.App, e.Newest.DisplayName, e.Newest.EndDateTime.Format("2006-01-02"), int(FinishMinValidity.Hours()/24))
	}
}

// Hint implements the hint convention.
func (e *NoValidSecretError) Hint() string {
	return fmt.Sprintf("Run 'teamsctl app secret rotate APP --name %s' first (or name the rotation with --name or --preset), give the vendor the new secret, then finish.", e.Name)
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
// dead runs left) and plans the end of the rotation named base. The kept
// secret is the one of that name created last among those no live run is
// still handing out; it must stay valid for FinishMinValidity.
func (r *Registrar) PlanFinish(ctx context.Context, app *graph.Application, base string) (*FinishPlan, error) {
	unlock, err := r.Pending.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return r.planFinish(ctx, app, base)
}

// planFinish is PlanFinish under the lock.
func (r *Registrar) planFinish(ctx context.Context, app *graph.Application, base string) (*FinishPlan, error) {
	// The secrets are read again under the lock: a run that added one
	// since the caller's read is then seen.
	if err := r.settle(ctx, app, true); err != nil {
		return nil, err
	}
	live, err := r.Pending.Live(app.ID)
	if err != nil {
		return nil, err
	}
	p := &FinishPlan{Name: base, Remove: []graph.PasswordCredential{}}
	var rest []graph.PasswordCredential
	for _, c := range app.PasswordCredentials {
		if !ofRotation(c.DisplayName, base) {
			continue
		}
		if slices.ContainsFunc(live, func(rec PendingSecret) bool { return matchesPending(c, rec) }) {
			p.Live = append(p.Live, c)
			continue
		}
		rest = append(rest, c)
	}
	if len(rest) == 0 {
		return nil, &NoValidSecretError{App: app.DisplayName, Name: base}
	}
	newest := slices.MaxFunc(rest, func(a, b graph.PasswordCredential) int {
		if c := a.StartDateTime.Compare(b.StartDateTime); c != 0 {
			return c
		}
		return a.EndDateTime.Compare(b.EndDateTime)
	})
	if !newest.EndDateTime.IsZero() && newest.EndDateTime.Before(r.Now().Add(FinishMinValidity)) {
		return nil, &NoValidSecretError{App: app.DisplayName, Name: base, Newest: &newest, Expired: !newest.EndDateTime.After(r.Now())}
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
	now, err := r.planFinish(ctx, app, confirmed.Name)
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

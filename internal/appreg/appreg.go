// Package appreg registers an application the way a vendor's integration
// needs it, idempotently: the desired state (name, redirect URIs,
// permissions, secret, consent) is compared with the tenant and turned
// into a plan of steps; Apply carries the steps out, waiting out Entra's
// replication where a step depends on an object created moments before.
// Nothing is removed unless Prune is set. The package is plain Go over
// small interfaces; commands render its results.
package appreg

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
	"github.com/teamsctl/teamsctl/internal/replicate"
)

// Platforms of redirect URIs.
const (
	PlatformWeb    = "web"
	PlatformSPA    = "spa"
	PlatformPublic = "public"
)

// Platforms lists the valid --platform values.
var Platforms = []string{PlatformWeb, PlatformSPA, PlatformPublic}

// Client is the part of Graph app registration uses.
type Client interface {
	graph.Applications
	graph.ServicePrincipals
	graph.Grants
	UserByID(ctx context.Context, idOrUPN string) (*graph.User, error)
}

// Desired is the app registration asked for.
type Desired struct {
	Name string
	// UniqueName identifies the integration's registration across runs
	// (see UniqueName): a registration found by neither name nor appId is
	// created by Graph's upsert on it, so concurrent runs make one.
	UniqueName string
	// Preset is the vendor preset the registration is made from ("" for
	// none); it is recorded as a tag (PresetTag).
	Preset string
	// AppID picks an existing registration when the name is ambiguous or
	// the registration was not made by teamsctl.
	AppID        string
	RedirectURIs []string
	Platform     string
	Delegated    []permissions.Permission
	Application  []permissions.Permission
	MultiTenant  bool
	Secret       bool
	SecretName   string
	// SecretEnd is the secret's end date; zero means DefaultSecretLifetime.
	SecretEnd time.Time
	// SecretEndExplicit is true when the user chose SecretEnd.
	SecretEndExplicit bool
	GrantConsent      bool
	Owner             string // UPN
	Prune             bool
}

// DefaultSecretLifetime is the lifetime of a secret when none is asked
// for: the CISA baseline's 180 days.
const DefaultSecretLifetime = 180 * 24 * time.Hour

// Result is the outcome of Apply: the hand-off bundle plus the steps.
type Result struct {
	DryRun           bool       `json:"dryRun"`
	Created          bool       `json:"created"`
	TenantID         string     `json:"tenantId"`
	PrimaryDomain    string     `json:"primaryDomain,omitempty"`
	DisplayName      string     `json:"displayName"`
	AppID            string     `json:"appId,omitempty"`
	ObjectID         string     `json:"objectId,omitempty"`
	ServicePrincipal string     `json:"servicePrincipalId,omitempty"`
	SignInAudience   string     `json:"signInAudience"`
	RedirectURIs     []string   `json:"redirectUris"`
	Delegated        []string   `json:"delegatedPermissions"`
	Application      []string   `json:"applicationPermissions"`
	Secret           *Secret    `json:"secret,omitempty"`
	ConsentStatus    string     `json:"consentStatus"`
	Plan             plan.Steps `json:"plan"`
}

// Secret is a client secret in a result. Value is set only right after
// creation, and only where it is to be shown.
type Secret struct {
	KeyID       string    `json:"keyId,omitempty"`
	Name        string    `json:"name"`
	Hint        string    `json:"hint,omitempty"`
	EndDateTime time.Time `json:"endDateTime"`
	Value       string    `json:"value,omitempty"`
	// WrittenTo is the file the value was written to instead of stdout.
	WrittenTo string `json:"writtenTo,omitempty"`
	// Existing is true when a secret of that name already existed, so no
	// new one was made (its value cannot be shown again).
	Existing bool `json:"existing,omitempty"`
}

// Registrar applies desired states.
type Registrar struct {
	Graph  Client
	Wait   *replicate.Waiter
	Now    func() time.Time
	DryRun bool
	// Roles, when set, is checked before consent is granted.
	Roles consent.RoleReader
	// ConsentURL builds the admin-consent link for an appId (for hints).
	ConsentURL func(appID string) string
	// Warn reports non-fatal notes on stderr.
	Warn func(string)
	// Pending, when set, journals new secrets until their value is
	// delivered, and removes the undelivered ones of interrupted runs.
	Pending *Pending
}

// Apply makes the tenant match d. It stops at the first failed step; a
// re-run continues from there, as every step is idempotent.
func (r *Registrar) Apply(ctx context.Context, d Desired) (*Result, error) {
	res := &Result{DryRun: r.DryRun, DisplayName: d.Name, RedirectURIs: []string{}, Delegated: []string{}, Application: []string{}}
	var steps plan.Steps
	defer func() { res.Plan = steps }()
	if d.UniqueName == "" {
		d.UniqueName = UniqueName("", "", d.Name)
	}

	app, err := r.existing(ctx, d)
	if err != nil {
		return res, err
	}
	// Every lookup that can fail runs before the first write, so a wrong
	// owner leaves no app behind.
	var owner *graph.User
	if d.Owner != "" {
		if owner, err = r.lookupOwner(ctx, d.Owner); err != nil {
			return res, err
		}
	}
	audience := graph.AudienceMyOrg
	if d.MultiTenant {
		audience = graph.AudienceMultipleOrgs
	}
	res.SignInAudience = audience
	if app == nil {
		if err := r.validateSecretPolicy(ctx, &d, nil); err != nil {
			return res, err
		}
		in := graph.ApplicationCreate{DisplayName: d.Name, SignInAudience: audience, Tags: d.tags(),
			RequiredResourceAccess: mergeAccess(nil, d.Delegated, d.Application, false)}
		switch d.Platform {
		case PlatformSPA:
			in.SPARedirectURIs = d.RedirectURIs
		case PlatformPublic:
			in.PublicClientRedirectURIs = d.RedirectURIs
			in.IsFallbackPublicClient = true
		default:
			in.WebRedirectURIs = d.RedirectURIs
		}
		detail := describeCreate(d, audience)
		if r.DryRun {
			steps.Add("create-application", d.Name, plan.Planned, detail...)
			app = &graph.Application{DisplayName: d.Name, SignInAudience: audience}
			res.RedirectURIs = nonNil(d.RedirectURIs)
		} else {
			created, isNew, err := r.create(ctx, d, in)
			if err != nil {
				steps = append(steps, plan.Step{Action: "create-application", Target: d.Name, Status: plan.Failed, Error: err.Error()})
				return res, consent.ExplainForbidden(err, consent.OpManageApps, "")
			}
			app = created
			if isNew {
				steps.Add("create-application", d.Name, plan.Done, append([]string{"appId " + created.AppID}, detail...)...)
				res.Created = true
			} else {
				// Another run registered it moments ago: complete it as a
				// re-run would.
				steps.Add("create-application", d.Name, plan.Unchanged, "registered by another run (uniqueName "+d.UniqueName+")")
				if err := r.completeExisting(ctx, app, &d, audience, &steps); err != nil {
					return res, err
				}
			}
		}
	} else {
		if err := r.completeExisting(ctx, app, &d, audience, &steps); err != nil {
			return res, err
		}
	}
	res.AppID, res.ObjectID, res.SignInAudience = app.AppID, app.ID, cmp.Or(app.SignInAudience, audience)
	if len(res.RedirectURIs) == 0 {
		res.RedirectURIs = redirectURIs(app, d.Platform)
	}
	res.Delegated, res.Application = permissions.Values(d.Delegated), permissions.Values(d.Application)

	if owner != nil {
		if err := r.addOwner(ctx, app, d.Owner, owner, &steps); err != nil {
			return res, err
		}
	}

	// The service principal and the secret depend only on the app: one
	// round trip for both.
	eng := &consent.Engine{Graph: r.Graph, Wait: r.Wait, DryRun: r.DryRun || app.ID == ""}
	var (
		secSteps plan.Steps
		sec      *Secret
		secErr   error
		wg       sync.WaitGroup
	)
	if d.Secret {
		wg.Go(func() { sec, secErr = r.secret(ctx, app, d, &secSteps) })
	}
	sp, _, err := eng.EnsureOwnServicePrincipal(ctx, app.AppID, d.Name)
	wg.Wait()
	steps = append(steps, eng.Steps...)
	eng.Steps = nil
	steps = append(steps, secSteps...)
	res.Secret = sec
	if err != nil {
		return res, err
	}
	res.ServicePrincipal = sp.ID
	if secErr != nil {
		return res, secErr
	}

	if d.GrantConsent {
		status, err := r.grant(ctx, eng, sp, d, &steps)
		if err != nil {
			return res, err
		}
		res.ConsentStatus = status
		return res, nil
	}
	// Without --grant-consent, say what is consented already (an earlier
	// run or the portal may have granted some), as app show says it.
	missing, err := r.missingConsent(ctx, sp, d)
	if err != nil {
		return res, err
	}
	requested := len(d.Delegated) + len(d.Application)
	if requested == 0 {
		// This run asked for no permissions; those the app already has
		// are app show's to report.
		res.ConsentStatus = "not checked (no permissions given): teamsctl app show " + cmp.Or(app.AppID, d.Name)
		return res, nil
	}
	res.ConsentStatus = ConsentStatus(requested, missing, sp.ID != "")
	if missing > 0 {
		res.ConsentStatus += ": run with --grant-consent, or teamsctl consent grant " + cmp.Or(app.AppID, d.Name)
	}
	return res, nil
}

// ConsentStatus words how far the requested permissions are consented
// for the organisation; app show and app create say it alike.
func ConsentStatus(requested, missing int, enterpriseApp bool) string {
	switch {
	case requested == 0:
		return "no permissions requested"
	case !enterpriseApp:
		return "not consented (no enterprise app)"
	case missing == 0:
		return "granted for all users"
	case missing == requested:
		return "not consented"
	}
	return fmt.Sprintf("partly consented (%d of %d missing)", missing, requested)
}

// missingConsent counts d's Microsoft Graph permissions the enterprise
// app sp does not hold: delegated ones not granted for all users, and
// application ones not assigned. A service principal not created yet (a
// dry run) holds none.
func (r *Registrar) missingConsent(ctx context.Context, sp *graph.ServicePrincipal, d Desired) (int, error) {
	requested := len(d.Delegated) + len(d.Application)
	if requested == 0 || sp.ID == "" {
		return requested, nil
	}
	resource, err := r.Graph.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return 0, err
	}
	missing := 0
	if len(d.Delegated) > 0 {
		grants, err := r.Graph.DelegatedGrants(ctx, sp.ID, resource.ID)
		if err != nil {
			return 0, err
		}
		granted := map[string]bool{}
		for _, g := range grants {
			if g.ConsentType == graph.ConsentAllPrincipals {
				for _, scope := range consent.SplitScopes(g.Scope) {
					granted[strings.ToLower(scope)] = true
				}
			}
		}
		for _, p := range d.Delegated {
			if !granted[strings.ToLower(p.Value)] {
				missing++
			}
		}
	}
	if len(d.Application) > 0 {
		held, err := r.Graph.AppRoleAssignmentsOf(ctx, sp.ID)
		if err != nil {
			return 0, err
		}
		roles := map[string]bool{}
		for _, a := range held {
			if strings.EqualFold(a.ResourceID, resource.ID) {
				roles[strings.ToLower(a.AppRoleID)] = true
			}
		}
		for _, p := range d.Application {
			if !roles[strings.ToLower(p.ID)] {
				missing++
			}
		}
	}
	return missing, nil
}

// create registers the application by upserting its uniqueName: isNew
// is false when another run registered it first (Graph updated that one
// with in, or, while it was replicating, refused a second one), and app is
// then read back, waiting for it to replicate.
func (r *Registrar) create(ctx context.Context, d Desired, in graph.ApplicationCreate) (app *graph.Application, isNew bool, err error) {
	app, isNew, err = r.Graph.UpsertApplication(ctx, d.UniqueName, in)
	if err == nil && isNew {
		return app, true, nil
	}
	if err != nil && !graph.IsAlreadyExists(err) {
		return nil, false, err
	}
	err = r.Wait.Do(ctx, "reading the app registration "+d.UniqueName, func(ctx context.Context) error {
		var err error
		app, err = r.Graph.ApplicationByUniqueName(ctx, d.UniqueName)
		return err
	})
	return app, false, err
}

// completeExisting brings an existing registration to the desired state.
func (r *Registrar) completeExisting(ctx context.Context, app *graph.Application, d *Desired, audience string, steps *plan.Steps) error {
	if err := r.removeOrphans(ctx, app); err != nil {
		return err
	}
	if err := r.validateSecretPolicy(ctx, d, app); err != nil {
		return err
	}
	return r.update(ctx, app, *d, audience, steps)
}

// existing finds the registration to update, or nil to create one.
func (r *Registrar) existing(ctx context.Context, d Desired) (*graph.Application, error) {
	if d.AppID != "" {
		a, err := Find(ctx, r.Graph, d.AppID)
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	apps, err := r.Graph.ApplicationsByName(ctx, d.Name)
	if err != nil {
		return nil, consent.ExplainForbidden(err, consent.OpManageApps, "")
	}
	var managed []graph.Application
	for _, a := range apps {
		if slices.Contains(a.Tags, Tag) {
			managed = append(managed, a)
		}
	}
	for i, a := range managed {
		if d.UniqueName != "" && strings.EqualFold(a.UniqueName, d.UniqueName) {
			return &managed[i], nil
		}
	}
	switch {
	case len(managed) == 1:
		return &managed[0], nil
	case len(managed) > 1:
		return nil, &AmbiguousError{Name: d.Name, Apps: managed, Flag: "--app-id"}
	case len(apps) > 0:
		return nil, &AmbiguousError{Name: d.Name, Apps: apps, Flag: "--app-id"}
	}
	return nil, nil
}

func (r *Registrar) update(ctx context.Context, app *graph.Application, d Desired, audience string, steps *plan.Steps) error {
	var u graph.ApplicationUpdate
	if app.UniqueName == "" && d.UniqueName != "" {
		// Made before teamsctl set uniqueName (or in the portal and
		// adopted): give it the key, so concurrent runs find it by key.
		u.UniqueName = &d.UniqueName
		steps.Add("set-unique-name", app.DisplayName, r.status(), d.UniqueName)
	}
	if !slices.Contains(app.Tags, Tag) {
		tags := append(slices.Clone(app.Tags), Tag)
		if d.Preset != "" && PresetOf(app.Tags) == "" {
			tags = append(tags, PresetTag(d.Preset))
		}
		u.Tags = &tags
		steps.Add("tag-application", app.DisplayName, r.status(), "managed by teamsctl")
	}
	if app.SignInAudience != audience && (d.MultiTenant || d.Prune) {
		u.SignInAudience = &audience
		steps.Add("set-sign-in-audience", app.DisplayName, r.status(), app.SignInAudience+" -> "+audience)
	}
	// Redirect URIs: add the missing ones; with Prune, also remove others.
	have := redirectURIs(app, d.Platform)
	want, added := unionExact(have, d.RedirectURIs)
	var removed []string
	if d.Prune {
		want = slices.Clone(d.RedirectURIs)
		for _, h := range have {
			if !slices.Contains(want, h) {
				removed = append(removed, h)
			}
		}
	}
	if len(added)+len(removed) > 0 {
		if err := redirecturi.ValidateAll(added, d.Platform, countURIs(app)); err != nil {
			return err
		}
		setRedirectURIs(&u, app, d.Platform, want)
		steps.Add("set-redirect-uris", app.DisplayName+" ("+d.Platform+")", r.status(), append(plan.Added(added), plan.Removed(removed)...)...)
	} else if len(d.RedirectURIs) > 0 {
		steps.Add("set-redirect-uris", app.DisplayName+" ("+d.Platform+")", plan.Unchanged, d.RedirectURIs...)
	}
	// Required permissions.
	rra := mergeAccess(app.RequiredResourceAccess, d.Delegated, d.Application, d.Prune)
	if !sameAccess(rra, app.RequiredResourceAccess) {
		u.RequiredResourceAccess = &rra
		steps.Add("set-required-permissions", app.DisplayName, r.status(), accessDiff(app.RequiredResourceAccess, rra, d)...)
	} else if len(d.Delegated)+len(d.Application) > 0 {
		steps.Add("set-required-permissions", app.DisplayName, plan.Unchanged, append(permissions.Values(d.Delegated), permissions.Values(d.Application)...)...)
	}
	if u == (graph.ApplicationUpdate{}) || r.DryRun {
		return nil
	}
	err := r.Wait.Do(ctx, "updating "+app.DisplayName, func(ctx context.Context) error {
		return r.Graph.UpdateApplication(ctx, app.ID, u)
	})
	if err != nil && u.UniqueName != nil && graph.IsAlreadyExists(err) {
		// Another registration holds the key: this one keeps working
		// without it, found by name.
		if r.Warn != nil {
			r.Warn(fmt.Sprintf("another app registration has the uniqueName %s; %s keeps none", d.UniqueName, app.DisplayName))
		}
		*steps = slices.DeleteFunc(*steps, func(s plan.Step) bool { return s.Action == "set-unique-name" })
		u.UniqueName = nil
		if u == (graph.ApplicationUpdate{}) {
			return nil
		}
		err = r.Wait.Do(ctx, "updating "+app.DisplayName, func(ctx context.Context) error {
			return r.Graph.UpdateApplication(ctx, app.ID, u)
		})
	}
	if err != nil {
		markFailed(*steps, err)
		return consent.ExplainForbidden(err, consent.OpManageApps, "")
	}
	markDone(*steps)
	if u.UniqueName != nil {
		app.UniqueName = *u.UniqueName
	}
	if u.Web != nil {
		app.Web = *u.Web
	}
	if u.SPARedirectURIs != nil {
		app.SPARedirectURIs = *u.SPARedirectURIs
	}
	if u.PublicClientRedirectURIs != nil {
		app.PublicClientRedirectURIs = *u.PublicClientRedirectURIs
	}
	return nil
}

// status is the status of an update step before it is written: Planned,
// turned into Done by markDone once the update succeeds.
func (r *Registrar) status() plan.Status { return plan.Planned }

func markDone(steps plan.Steps) {
	for i := range steps {
		if steps[i].Status == plan.Planned {
			steps[i].Status = plan.Done
		}
	}
}

func markFailed(steps plan.Steps, err error) {
	for i := range steps {
		if steps[i].Status == plan.Planned {
			steps[i].Status, steps[i].Error = plan.Failed, err.Error()
		}
	}
}

// lookupOwner finds the user --owner names.
func (r *Registrar) lookupOwner(ctx context.Context, upn string) (*graph.User, error) {
	u, err := r.Graph.UserByID(ctx, upn)
	if err != nil {
		if graph.IsNotFound(err) {
			return nil, fmt.Errorf("owner %s: no such user in this tenant; nothing was changed", upn)
		}
		return nil, err
	}
	return u, nil
}

func (r *Registrar) addOwner(ctx context.Context, app *graph.Application, upn string, u *graph.User, steps *plan.Steps) error {
	if r.DryRun || app.ID == "" {
		steps.Add("add-owner", upn, plan.Planned)
		return nil
	}
	err := r.Wait.Do(ctx, "adding the owner of "+app.DisplayName, func(ctx context.Context) error {
		return r.Graph.AddApplicationOwner(ctx, app.ID, u.ID)
	})
	if err != nil && graph.IsAlreadyExists(err) {
		steps.Add("add-owner", upn, plan.Unchanged)
		return nil
	}
	if err != nil {
		steps.Add("add-owner", upn, plan.Failed)
		return err
	}
	steps.Add("add-owner", upn, plan.Done)
	return nil
}

// validateSecretPolicy checks the secret against the tenant's app
// management policy before anything is written.
func (r *Registrar) validateSecretPolicy(ctx context.Context, d *Desired, app *graph.Application) error {
	if !d.Secret {
		return nil
	}
	now := r.Now()
	if d.SecretEnd.IsZero() {
		d.SecretEnd = now.Add(DefaultSecretLifetime).UTC().Truncate(time.Second)
	}
	if d.SecretName == "" {
		d.SecretName = "teamsctl"
	}
	if app != nil && existingSecret(app, d.SecretName, now) != nil {
		return nil // nothing will be added
	}
	p, err := r.Graph.DefaultAppManagementPolicy(ctx)
	if err != nil {
		return nil // policy unreadable (no Policy.Read.All): Graph still enforces it
	}
	return CheckSecretPolicy(p, d, now, r.Warn)
}

// CheckSecretPolicy applies an app management policy to a new secret:
// blocked secrets are an error naming the certificate alternative; a
// lifetime over the cap is an error when asked for explicitly and is
// capped (with a warning) when it was the default.
func CheckSecretPolicy(p *graph.AppManagementPolicy, d *Desired, now time.Time, warn func(string)) error {
	if p == nil || !p.IsEnabled {
		return nil
	}
	if p.PasswordAdditionBlocked {
		return &SecretsBlockedError{}
	}
	if p.MaxPasswordLifetime > 0 && d.SecretEnd.Sub(now) > p.MaxPasswordLifetime {
		capped := now.Add(p.MaxPasswordLifetime).UTC().Truncate(time.Second)
		if d.SecretEndExplicit {
			return fmt.Errorf("the tenant's app management policy allows secrets of at most %d days; %s is later (latest allowed: %s)",
				int(p.MaxPasswordLifetime.Hours()/24), d.SecretEnd.Format("2006-01-02"), capped.Format("2006-01-02"))
		}
		d.SecretEnd = capped
		if warn != nil {
			warn(fmt.Sprintf("the tenant's app management policy caps secrets at %d days; the secret expires %s",
				int(p.MaxPasswordLifetime.Hours()/24), capped.Format("2006-01-02")))
		}
	}
	return nil
}

// SecretsBlockedError is a tenant policy that forbids client secrets.
type SecretsBlockedError struct{}

func (e *SecretsBlockedError) Error() string {
	return "the tenant's app management policy blocks adding client secrets to applications"
}

// Hint implements the hint convention.
func (e *SecretsBlockedError) Hint() string {
	return "Use a certificate instead: create the app without --secret, then 'teamsctl app cert add APP --cert public.pem' and give the vendor the private key's certificate thumbprint."
}

// existingSecret is a valid secret of that name, or one a rotation made
// from it (RotationName): after 'app secret rotate --finish' removed the
// original, a re-run of app create or setup finds the rotated secret and
// adds none.
func existingSecret(app *graph.Application, name string, now time.Time) *graph.PasswordCredential {
	for i, p := range app.PasswordCredentials {
		if (p.DisplayName == name || isRotationOf(p.DisplayName, name)) && p.EndDateTime.After(now) {
			return &app.PasswordCredentials[i]
		}
	}
	return nil
}

func (r *Registrar) secret(ctx context.Context, app *graph.Application, d Desired, steps *plan.Steps) (*Secret, error) {
	if ex := existingSecret(app, d.SecretName, r.Now()); ex != nil {
		steps.Add("add-secret", d.SecretName, plan.Unchanged, "expires "+ex.EndDateTime.Format("2006-01-02"))
		return &Secret{KeyID: ex.KeyID, Name: ex.DisplayName, Hint: ex.Hint, EndDateTime: ex.EndDateTime, Existing: true}, nil
	}
	if r.DryRun || app.ID == "" {
		steps.Add("add-secret", d.SecretName, plan.Planned, "expires "+d.SecretEnd.Format("2006-01-02"))
		return &Secret{Name: d.SecretName, EndDateTime: d.SecretEnd}, nil
	}
	// Under the journal's lock: what dead runs left is settled, and the
	// secrets the app has are known, before this run's secret is recorded.
	unlock, err := r.Pending.Lock(ctx)
	if err != nil {
		*steps = append(*steps, plan.Step{Action: "add-secret", Target: d.SecretName, Status: plan.Failed, Error: err.Error()})
		return nil, err
	}
	defer unlock()
	if err := r.settle(ctx, app, r.Pending.Stale()); err != nil {
		*steps = append(*steps, plan.Step{Action: "add-secret", Target: d.SecretName, Status: plan.Failed, Error: err.Error()})
		return nil, err
	}
	if ex := existingSecret(app, d.SecretName, r.Now()); ex != nil {
		// Another run added it meanwhile.
		steps.Add("add-secret", d.SecretName, plan.Unchanged, "expires "+ex.EndDateTime.Format("2006-01-02"))
		return &Secret{KeyID: ex.KeyID, Name: ex.DisplayName, Hint: ex.Hint, EndDateTime: ex.EndDateTime, Existing: true}, nil
	}
	rec, err := r.Pending.Begin(app, d.SecretName, d.SecretEnd, r.Now())
	if err != nil {
		*steps = append(*steps, plan.Step{Action: "add-secret", Target: d.SecretName, Status: plan.Failed, Error: err.Error()})
		return nil, err
	}
	var cred *graph.PasswordCredential
	err = r.Wait.Do(ctx, "adding a secret to "+app.DisplayName, func(ctx context.Context) error {
		var err error
		cred, err = r.Graph.AddPassword(ctx, app.ID, graph.PasswordCreate{DisplayName: d.SecretName, EndDateTime: d.SecretEnd})
		return err
	})
	if err != nil {
		*steps = append(*steps, plan.Step{Action: "add-secret", Target: d.SecretName, Status: plan.Failed, Error: err.Error()})
		return nil, err
	}
	if err := r.Pending.Added(rec, cred.KeyID); err != nil && r.Warn != nil {
		r.Warn("recording the new secret's key id: " + err.Error())
	}
	if err := r.Pending.bump(); err != nil && r.Warn != nil {
		r.Warn("recording the new secret in the journal: " + err.Error())
	}
	steps.Add("add-secret", d.SecretName, plan.Done, "expires "+cred.EndDateTime.Format("2006-01-02"))
	return &Secret{KeyID: cred.KeyID, Name: cred.DisplayName, Hint: cred.Hint, EndDateTime: cred.EndDateTime, Value: cred.SecretText}, nil
}

func (r *Registrar) grant(ctx context.Context, eng *consent.Engine, sp *graph.ServicePrincipal, d Desired, steps *plan.Steps) (string, error) {
	if len(d.Delegated)+len(d.Application) == 0 {
		return "nothing to consent to", nil
	}
	url := ""
	if r.ConsentURL != nil && sp.AppID != "" {
		url = r.ConsentURL(sp.AppID)
	}
	if r.Roles != nil {
		var ops []consent.Operation
		if len(d.Delegated) > 0 {
			ops = append(ops, consent.OpDelegatedTenantWide)
		}
		if len(d.Application) > 0 {
			ops = append(ops, consent.OpGraphAppRoles)
		}
		if err := consent.CheckRoles(ctx, r.Roles, url, ops...); err != nil {
			return "", err
		}
	}
	resource, err := r.Graph.ServicePrincipalByAppID(ctx, graph.MicrosoftGraphAppID)
	if err != nil {
		return "", err
	}
	if len(d.Delegated) > 0 {
		_, err := eng.GrantDelegated(ctx, consent.DelegatedRequest{Client: sp, Resource: resource, Scopes: permissions.Values(d.Delegated)})
		*steps = append(*steps, eng.Steps...)
		eng.Steps = nil
		if err != nil {
			return "", consent.ExplainForbidden(err, consent.OpDelegatedTenantWide, url)
		}
	}
	if len(d.Application) > 0 {
		_, err := eng.AssignAppRoles(ctx, sp, resource, d.Application)
		*steps = append(*steps, eng.Steps...)
		eng.Steps = nil
		if err != nil {
			return "", consent.ExplainForbidden(err, consent.OpGraphAppRoles, url)
		}
	}
	if r.DryRun {
		return "to be granted", nil
	}
	return "granted for all users", nil
}

func describeCreate(d Desired, audience string) []string {
	out := []string{audience}
	for _, u := range d.RedirectURIs {
		out = append(out, d.Platform+" "+u)
	}
	for _, p := range d.Delegated {
		out = append(out, "delegated "+p.Value)
	}
	for _, p := range d.Application {
		out = append(out, "application "+p.Value)
	}
	return out
}

func redirectURIs(app *graph.Application, platform string) []string {
	switch platform {
	case PlatformSPA:
		return nonNil(app.SPARedirectURIs)
	case PlatformPublic:
		return nonNil(app.PublicClientRedirectURIs)
	default:
		return nonNil(app.Web.RedirectURIs)
	}
}

func countURIs(app *graph.Application) int {
	return len(app.Web.RedirectURIs) + len(app.SPARedirectURIs) + len(app.PublicClientRedirectURIs)
}

func setRedirectURIs(u *graph.ApplicationUpdate, app *graph.Application, platform string, uris []string) {
	uris = nonNil(uris)
	switch platform {
	case PlatformSPA:
		u.SPARedirectURIs = &uris
	case PlatformPublic:
		u.PublicClientRedirectURIs = &uris
	default:
		web := app.Web
		web.RedirectURIs = uris
		u.Web = &web
	}
}

// unionExact adds want to have, comparing exactly (Entra's path matching
// is case-sensitive).
func unionExact(have, want []string) (all, added []string) {
	all = slices.Clone(nonNil(have))
	for _, w := range want {
		if !slices.Contains(all, w) {
			all = append(all, w)
			added = append(added, w)
		}
	}
	return all, added
}

// mergeAccess adds the permissions to Microsoft Graph's entry of rra (with
// prune, Graph's entry becomes exactly the permissions). Other APIs'
// entries are kept.
func mergeAccess(rra []graph.RequiredResourceAccess, delegated, application []permissions.Permission, prune bool) []graph.RequiredResourceAccess {
	out := make([]graph.RequiredResourceAccess, 0, len(rra)+1)
	idx := -1
	for _, r := range rra {
		c := graph.RequiredResourceAccess{ResourceAppID: r.ResourceAppID, ResourceAccess: slices.Clone(r.ResourceAccess)}
		if strings.EqualFold(r.ResourceAppID, graph.MicrosoftGraphAppID) {
			idx = len(out)
			if prune {
				c.ResourceAccess = nil
			}
		}
		out = append(out, c)
	}
	if len(delegated)+len(application) == 0 && !prune {
		return out
	}
	if idx < 0 {
		out = append(out, graph.RequiredResourceAccess{ResourceAppID: graph.MicrosoftGraphAppID})
		idx = len(out) - 1
	}
	add := func(ps []permissions.Permission, typ string) {
		for _, p := range ps {
			if !slices.ContainsFunc(out[idx].ResourceAccess, func(a graph.ResourceAccess) bool {
				return strings.EqualFold(a.ID, p.ID) && a.Type == typ
			}) {
				out[idx].ResourceAccess = append(out[idx].ResourceAccess, graph.ResourceAccess{ID: p.ID, Type: typ})
			}
		}
	}
	add(delegated, graph.PermissionTypeScope)
	add(application, graph.PermissionTypeRole)
	if len(out[idx].ResourceAccess) == 0 {
		out = slices.Delete(out, idx, idx+1)
	}
	return out
}

func sameAccess(a, b []graph.RequiredResourceAccess) bool {
	key := func(rra []graph.RequiredResourceAccess) []string {
		var k []string
		for _, r := range rra {
			for _, x := range r.ResourceAccess {
				k = append(k, strings.ToLower(r.ResourceAppID+"/"+x.ID+"/"+x.Type))
			}
		}
		slices.Sort(k)
		return k
	}
	return slices.Equal(key(a), key(b))
}

func accessDiff(before, after []graph.RequiredResourceAccess, d Desired) []string {
	has := func(rra []graph.RequiredResourceAccess, id string) bool {
		for _, r := range rra {
			for _, x := range r.ResourceAccess {
				if strings.EqualFold(x.ID, id) {
					return true
				}
			}
		}
		return false
	}
	var out []string
	for _, p := range append(slices.Clone(d.Delegated), d.Application...) {
		if !has(before, p.ID) {
			out = append(out, "+"+string(p.Kind)+" "+p.Value)
		}
	}
	if d.Prune {
		n := 0
		for _, r := range before {
			for _, x := range r.ResourceAccess {
				if !has(after, x.ID) {
					n++
				}
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("-%d permission(s) not asked for", n))
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

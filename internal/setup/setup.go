// Package setup performs a vendor's whole help page in one pipeline:
// for a customer-registered integration it registers the app
// with its enterprise app, secret and consent; for a vendor-hosted one it
// creates the enterprise app of the vendor's appId, grants consent and
// enables sign-in. Then it asks doctor whether users can connect, runs a
// meeting test when a test user is given, and builds the hand-off bundle
// and one summary: what changed, what the vendor needs, what is still
// manual and how to undo it.
//
// The pipeline is plain Go over the Actions interface: the order of the
// stages, the preset's mapping onto them, the role check and its "ask an
// admin" ending, dry runs and the summary are decided here and tested over
// a fake; GraphActions carries the stages out against Microsoft Graph.
// Every stage is idempotent, so a second run changes nothing and a run
// after an interruption continues where the first one stopped.
package setup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// SchemaVersion is the version of the Result's JSON.
const SchemaVersion = 1

// Options are what the operator asked for.
type Options struct {
	Preset *presets.Preset
	// Instance fills {instance} in the preset's redirect URIs.
	Instance string
	// AppID is the vendor's appId (vendor-hosted; required when the preset
	// does not publish one) or an existing registration to complete
	// (customer-registered).
	AppID string
	// Name overrides the preset's app name (customer-registered).
	Name string
	// TestUser is checked by doctor and, unless SkipTest, creates a test
	// meeting.
	TestUser string
	// Group is assigned to the enterprise app (needed when the preset
	// requires assignment).
	Group    string
	DryRun   bool
	SkipTest bool
	// UserConsent leaves consent to each user (vendor-hosted, delegated
	// only): no tenant-wide grant; each recruiter consents for themselves
	// when connecting. The enterprise app is created only to assign
	// Group.
	UserConsent bool
	// SecretHandled: the secret value goes to the hand-off file, so the
	// summary must not carry it. The command sets it with --handoff.
	SecretHandled bool
}

// Tenant are the facts every stage needs, read once and concurrently.
type Tenant struct {
	ID            string
	PrimaryDomain string
	// Roles are the signed-in user's directory roles; RolesKnown is false
	// for an app-only sign-in (Graph then decides by the app's
	// permissions).
	Roles      []graph.DirectoryRole
	RolesKnown bool
	Catalog    *permissions.Catalog
	// VendorSP is the vendor app's enterprise app when it exists already
	// (vendor-hosted; read in the same wave).
	VendorSP *graph.ServicePrincipal
	// Group is the group --group names, found in the same wave so that a
	// wrong name stops the run before anything is written.
	Group *graph.Group
	// Premium says whether the tenant has Entra ID P1 or P2, read with the
	// group (a group assignment gives nobody access without it).
	Premium bool
}

// TenantRequest says what the first wave of reads looks up besides the
// tenant, the roles and the permission catalog.
type TenantRequest struct {
	// VendorAppID is the vendor's app (vendor-hosted), whose enterprise
	// app is read when set.
	VendorAppID string
	// Group is the display name of the group to assign, when set.
	Group string
}

// VendorRequest is the vendor-hosted stage's input.
type VendorRequest struct {
	AppID              string
	Name               string
	Known              *graph.ServicePrincipal // from Tenant.VendorSP, nil when missing
	Resource           *graph.ServicePrincipal // Microsoft Graph's service principal
	Delegated          []permissions.Permission
	Application        []permissions.Permission
	AssignmentRequired bool
	Group              *graph.Group // from Tenant.Group, nil for none
	DryRun             bool
}

// VendorResult is what the vendor-hosted stage did.
type VendorResult struct {
	ServicePrincipalID string
	DisplayName        string
	Plan               plan.Steps
}

// MeetingRequest asks for a test meeting the way the integration makes one.
type MeetingRequest struct {
	AppID       string
	User        string
	Kind        string // presets.MeetingOnline or presets.MeetingEvent
	Secret      string // the client secret made by this run, if any
	AppOnly     bool
	VendorApp   bool
	Application []string
	// AccessPolicy names the Teams application access policy of a
	// vendor-hosted app-only integration: its test is that the policy
	// lets the app create meetings for the user, not a sign-in.
	AccessPolicy string
}

// MeetingResult is the outcome of the meeting test.
type MeetingResult struct {
	Passed  bool
	Detail  string
	JoinURL string
	// Grants say what temporary access the test was given, and whether it
	// was removed again.
	Grants []string
	// Skipped: teamsctl could not test here; Detail says how to check.
	Skipped bool
}

// Actions are the stages as they touch the tenant. GraphActions
// implements them over Microsoft Graph.
type Actions interface {
	// Tenant reads the tenant, the operator's roles, the permission
	// catalog of Microsoft Graph and what req names (the vendor's
	// enterprise app, the group), concurrently.
	Tenant(ctx context.Context, req TenantRequest) (*Tenant, error)
	// Register is appreg's idempotent plan/apply.
	Register(ctx context.Context, d appreg.Desired, dryRun bool) (*appreg.Result, error)
	// EnableVendorApp ensures the vendor's enterprise app, consent,
	// sign-in and assignment.
	EnableVendorApp(ctx context.Context, r VendorRequest) (*VendorResult, error)
	// Doctor diagnoses the app against the expectations. With settle, the
	// run has just written the app's objects, so failures of the checks
	// those writes decide may only mean Entra has not replicated them yet:
	// they are checked again within the replication budget.
	Doctor(ctx context.Context, exp doctor.Expectations, users []string, settle bool) (*doctor.Report, error)
	// MeetingTest creates and deletes a test meeting; nil result and nil
	// error mean it cannot run here (the summary then names the command).
	MeetingTest(ctx context.Context, r MeetingRequest) (*MeetingResult, error)
	// ConsentURL is the admin-consent link for appID in the tenant.
	ConsentURL(tenant, appID string, scopes []string) string
}

// Stage ids, in order.
const (
	StageTenant  = "tenant"
	StageApp     = "app"
	StageVendor  = "enterprise-app"
	StageDoctor  = "doctor"
	StageMeeting = "meeting-test"
	StageHandoff = "handoff"
)

// Status of a stage.
type Status string

const (
	Running   Status = "running"
	OK        Status = "ok"        // read or checked, nothing to change
	Done      Status = "done"      // changed something
	Unchanged Status = "unchanged" // already as needed
	Planned   Status = "planned"   // dry run: would change something
	Skipped   Status = "skipped"
	Failed    Status = "failed"
	Warned    Status = "warnings" // doctor: passed with warnings
)

// Stage is one line of the step list.
type Stage struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Status  Status     `json:"status"`
	Detail  string     `json:"detail,omitempty"`
	Changes plan.Steps `json:"changes,omitempty"`
}

// Bundle is what the vendor needs back. The secret value is set only in
// the run that created it.
type Bundle struct {
	Vendor         string    `json:"vendor"`
	TenantID       string    `json:"tenantId"`
	PrimaryDomain  string    `json:"primaryDomain,omitempty"`
	ClientID       string    `json:"clientId,omitempty"`
	ClientSecret   string    `json:"clientSecret,omitempty"`
	SecretExpires  time.Time `json:"clientSecretExpires,omitzero"`
	RedirectURIs   []string  `json:"redirectUris,omitempty"`
	ConsentStatus  string    `json:"consentStatus"`
	ConsentURL     string    `json:"consentUrl,omitempty"`
	SecretNote     string    `json:"secretNote,omitempty"`
	Delegated      []string  `json:"delegatedPermissions,omitempty"`
	Application    []string  `json:"applicationPermissions,omitempty"`
	HandoffWritten string    `json:"handoffFile,omitempty"`
	// HandoffKept: the file from an earlier run, which holds the secret
	// made then, was kept as it was.
	HandoffKept bool `json:"handoffKept,omitempty"`
	// HandoffHasSecret: the hand-off file holds the client secret.
	HandoffHasSecret bool `json:"handoffHasSecret,omitempty"`
}

// Summary is the one summary at the end.
type Summary struct {
	// Changes counts what this run wrote (or would write, in a dry run).
	Changes int    `json:"changes"`
	Message string `json:"message"`
	// Bundle is what the vendor needs.
	Bundle Bundle `json:"bundle"`
	// Manual lists what teamsctl cannot do (Teams policies, the vendor's
	// own steps).
	Manual []string `json:"manual"`
	// Undo lists the commands that take it back.
	Undo []string `json:"undo"`
	// Notes are the vendor's caveats.
	Notes []string `json:"notes,omitempty"`
	// TestGrant says what the meeting test was granted (a vendor-hosted
	// app's test user, per user) and whether it was removed.
	TestGrant []string `json:"testGrant,omitempty"`
	// Doctor is doctor's result: ok, warnings or failed ("" when skipped).
	Doctor       string   `json:"doctor,omitempty"`
	DoctorFailed []string `json:"doctorFailed,omitempty"`
	// UserConsent, with --consent user, is what each user is asked to
	// consent to when connecting.
	UserConsent []string `json:"userConsent,omitempty"`
	// NeedsAdmin is set when the operator lacks a role: who to ask and the
	// link to give them.
	NeedsAdmin string `json:"needsAdmin,omitempty"`
	// NeedsAdminAction is NeedsAdmin's second half: what to ask an
	// administrator to do (the step list already names the missing role).
	NeedsAdminAction string `json:"needsAdminAction,omitempty"`
}

// Result is setup's outcome; its JSON is the -o json contract.
type Result struct {
	SchemaVersion int     `json:"schemaVersion"`
	Preset        string  `json:"preset"`
	Vendor        string  `json:"vendor"`
	Shape         string  `json:"shape"`
	DryRun        bool    `json:"dryRun"`
	AppID         string  `json:"appId,omitempty"`
	Stages        []Stage `json:"steps"`
	Summary       Summary `json:"summary"`

	secret string
}

// NewSecret is the client secret value this run created ("" when none
// was): for the hand-off file, when the summary leaves it out.
func (r *Result) NewSecret() string { return r.secret }

// Pipeline runs setup.
type Pipeline struct {
	Actions Actions
	Now     func() time.Time
	// Observe, when set, is told every stage change (live status).
	Observe func(Stage)
}

// NeedsAdminError ends a setup the operator's roles cannot finish: nothing
// was written; the summary names the roles and the link for an admin.
type NeedsAdminError struct {
	Missing    *consent.MissingRoleError
	ConsentURL string
	Command    string
}

func (e *NeedsAdminError) Error() string {
	return "an administrator must finish this setup: " + e.Missing.Error()
}

// Hint implements the hint convention.
func (e *NeedsAdminError) Hint() string {
	if e.ConsentURL != "" {
		return "Ask an administrator to open this admin-consent link, or to run '" + e.Command + "': " + e.ConsentURL
	}
	return "Ask an administrator to run '" + e.Command + "'."
}

// DoctorFailedError: setup ran, but doctor still finds a failure.
type DoctorFailedError struct{ Failed []string }

func (e *DoctorFailedError) Error() string {
	return "setup finished, but doctor still finds failures: " + strings.Join(e.Failed, ", ")
}

type run struct {
	p      *Pipeline
	o      Options
	pre    *presets.Preset
	res    *Result
	tenant *Tenant
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (r *run) stage(id, title string) *Stage {
	r.res.Stages = append(r.res.Stages, Stage{ID: id, Title: title, Status: Running})
	s := &r.res.Stages[len(r.res.Stages)-1]
	r.notify(s)
	return s
}

func (r *run) finish(s *Stage, st Status, detail string) {
	s.Status, s.Detail = st, detail
	r.notify(s)
}

func (r *run) notify(s *Stage) {
	if r.p.Observe != nil {
		r.p.Observe(*s)
	}
}

// Run performs the setup. It returns the result also on error, with the
// stages so far; a *NeedsAdminError means nothing was written.
func (p *Pipeline) Run(ctx context.Context, o Options) (*Result, error) {
	pre := o.Preset
	r := &run{p: p, o: o, pre: pre, res: &Result{SchemaVersion: SchemaVersion, Preset: pre.Name, Vendor: pre.Vendor, Shape: pre.Shape,
		DryRun: o.DryRun, Stages: []Stage{}, Summary: Summary{Manual: []string{}, Undo: []string{}}}}
	if err := Validate(o); err != nil {
		return r.res, err
	}
	appID := o.AppID
	if pre.Shape == presets.VendorHosted && appID == "" {
		appID = pre.AppID
	}
	r.res.AppID = appID

	s := r.stage(StageTenant, "Read the tenant and your roles")
	req := TenantRequest{}
	if pre.Shape == presets.VendorHosted {
		req = TenantRequest{VendorAppID: appID, Group: o.Group}
	}
	t, err := p.Actions.Tenant(ctx, req)
	if err != nil {
		r.finish(s, Failed, err.Error())
		return r.res, err
	}
	r.tenant = t
	if t.Group != nil {
		if ok, why := graph.GroupGrantsAccess(*t.Group, t.Premium); !ok {
			err := &UsageError{Msg: fmt.Sprintf("--group %s: assigning it would give nobody access: %s; nothing was changed", t.Group.DisplayName, why),
				Hint: fmt.Sprintf("Run setup without --group, then assign the group's direct members as users: teamsctl app assign %s --group %q --as-users", cmp.Or(appID, "APP"), t.Group.DisplayName)}
			r.finish(s, Failed, err.Error())
			return r.res, err
		}
	}
	del, app, err := resolve(pre, t.Catalog)
	if err != nil {
		r.finish(s, Failed, err.Error())
		return r.res, err
	}
	r.finish(s, OK, fmt.Sprintf("%s (%s)", t.PrimaryDomain, t.ID))
	b := &r.res.Summary.Bundle
	b.Vendor, b.TenantID, b.PrimaryDomain = pre.Vendor, t.ID, t.PrimaryDomain
	b.Delegated, b.Application = permissions.Values(del), permissions.Values(app)

	rolesFor := del
	if o.UserConsent {
		rolesFor = nil // nothing is granted tenant-wide
	}
	if err := r.checkRoles(appID, rolesFor, app); err != nil {
		return r.res, err
	}

	var secretValue string
	switch {
	case pre.Shape == presets.CustomerRegistered:
		secretValue, err = r.register(ctx, del, app)
	case o.UserConsent:
		err = r.userConsent(ctx, appID, del)
	default:
		err = r.vendor(ctx, appID, del, app)
	}
	if err != nil {
		if secretValue != "" {
			r.summarize(secretValue)
		}
		return r.res, err
	}
	r.res.AppID = cmp.Or(r.res.AppID, b.ClientID)

	var failed []string
	var merr error
	if !o.DryRun {
		failed, err = r.doctor(ctx, del, app)
		if err != nil {
			r.summarize(secretValue)
			return r.res, err
		}
		merr = r.meeting(ctx, secretValue)
	}
	r.summarize(secretValue)
	if merr != nil {
		return r.res, merr
	}
	if len(failed) > 0 {
		return r.res, &DoctorFailedError{Failed: failed}
	}
	return r.res, nil
}

// AppName is the display name of a customer-registered app: --name, else
// the preset's, else the vendor's name.
func (o Options) AppName() string { return cmp.Or(o.Name, cmp.Or(o.Preset.AppName, o.Preset.Vendor)) }

// Prefetch lists the reads of the first wave that later stages repeat:
// sending them together with the tenant reads, and answering the repeats
// from memory, saves a round trip each (the wave budget in docs/performance.md).
func (o Options) Prefetch() appreg.Prefetch {
	p := appreg.Prefetch{GraphSP: true, Roles: true}
	if o.Preset.Shape == presets.CustomerRegistered {
		p.Name = o.AppName()
		p.Policy = o.Preset.Secret != nil && o.Preset.Secret.Required && !o.DryRun
	}
	return p
}

// Validate checks what the options say without the tenant: the preset's
// shape against the flags, and --instance. The command runs it before
// signing in; Run runs it again.
func Validate(o Options) error {
	pre := o.Preset
	if pre == nil {
		return errors.New("no preset")
	}
	if pre.Shape == presets.VendorHosted {
		if o.AppID == "" && pre.AppID == "" {
			return &MissingAppIDError{Preset: pre.Name, Vendor: pre.Vendor}
		}
		if o.Instance != "" {
			return &UsageError{Msg: fmt.Sprintf("--instance: %s is vendor-hosted; its redirect URIs are the vendor's", pre.Name)}
		}
		if o.Name != "" {
			return &UsageError{Msg: fmt.Sprintf("--name: %s is vendor-hosted; the enterprise app takes the vendor's name", pre.Name)}
		}
		if o.UserConsent && len(pre.Application) > 0 {
			return &UsageError{Msg: fmt.Sprintf("--consent user: %s needs application permissions (%s), which only an administrator can consent to", pre.Name, strings.Join(pre.Application, ", "))}
		}
	}
	if o.UserConsent && pre.Shape == presets.CustomerRegistered {
		return &UsageError{Msg: fmt.Sprintf("--consent user: %s is registered in your tenant; its users consent through the admin consent setup grants (leave --consent out)", pre.Name)}
	}
	if pre.Shape == presets.CustomerRegistered {
		uris, err := pre.RedirectURIsFor(o.Instance)
		if err != nil {
			return &UsageError{Msg: err.Error()}
		}
		if err := redirecturi.ValidateAll(uris, cmp.Or(pre.Platform, appreg.PlatformWeb), 0); err != nil {
			return &UsageError{Msg: "--instance: " + err.Error()}
		}
	}
	return nil
}

// UsageError is a bad flag value (the command maps it to exit 2).
type UsageError struct {
	Msg string
	// Hint says what to run instead, when there is something.
	Hint string
}

func (e *UsageError) Error() string { return e.Msg }

// MissingAppIDError: the vendor does not publish its appId.
type MissingAppIDError struct{ Preset, Vendor string }

func (e *MissingAppIDError) Error() string {
	return fmt.Sprintf("%s does not publish the appId of its app: give it with --app-id", e.Vendor)
}

// Hint implements the hint convention.
func (e *MissingAppIDError) Hint() string {
	return fmt.Sprintf("The appId is the client_id in the admin-consent link %s sends, or ask its support: teamsctl setup %s --app-id APPID", e.Vendor, e.Preset)
}

// resolve checks the preset's permission names against Microsoft Graph;
// an unknown one is an error naming the preset's field (delegated[1]).
func resolve(pre *presets.Preset, cat *permissions.Catalog) (del, app []permissions.Permission, err error) {
	one := func(kind permissions.Kind, field string, names []string) ([]permissions.Permission, error) {
		out := make([]permissions.Permission, 0, len(names))
		for i, n := range names {
			ps, err := cat.Resolve(kind, []string{n})
			if err != nil {
				msg := err.Error()
				var h interface{ Hint() string }
				if errors.As(err, &h) && h.Hint() != "" {
					msg += " (" + strings.TrimSuffix(h.Hint(), ".") + ")"
				}
				return nil, pre.FieldErr(fmt.Sprintf("%s[%d]", field, i), msg)
			}
			out = append(out, ps...)
		}
		return out, nil
	}
	if del, err = one(permissions.Delegated, "delegated", pre.Delegated); err != nil {
		return nil, nil, err
	}
	if app, err = one(permissions.Application, "application", pre.Application); err != nil {
		return nil, nil, err
	}
	return del, app, nil
}

// staticRoles answers consent.CheckRoles from the roles read in the first
// wave.
type staticRoles []graph.DirectoryRole

func (s staticRoles) MyDirectoryRoles(context.Context) ([]graph.DirectoryRole, error) { return s, nil }

// checkRoles stops before anything is written when the operator lacks a
// role the setup needs: the "ask an admin" ending.
func (r *run) checkRoles(appID string, del, app []permissions.Permission) error {
	if !r.tenant.RolesKnown {
		return nil
	}
	ops := []consent.Operation{consent.OpManageApps}
	if len(del) > 0 {
		ops = append(ops, consent.OpDelegatedTenantWide)
	}
	if len(app) > 0 {
		ops = append(ops, consent.OpGraphAppRoles)
	}
	err := consent.CheckRoles(context.Background(), staticRoles(r.tenant.Roles), "", ops...)
	var missing *consent.MissingRoleError
	if !errors.As(err, &missing) {
		return err
	}
	url := ""
	if appID != "" {
		var scopes []string
		if len(app) == 0 {
			scopes = permissions.Values(del)
		}
		url = r.p.Actions.ConsentURL(r.tenant.ID, appID, scopes)
	}
	missing.ConsentURL = url
	cmd := "teamsctl setup " + r.pre.Name
	if r.o.AppID != "" {
		cmd += " --app-id " + r.o.AppID
	}
	if r.o.Instance != "" {
		cmd += " --instance " + r.o.Instance
	}
	s := r.stage(StageVendor, "Check your administrator roles")
	if r.pre.Shape == presets.CustomerRegistered {
		s.ID = StageApp
	}
	r.finish(s, Failed, missing.Error())
	b := &r.res.Summary.Bundle
	b.ConsentStatus, b.ConsentURL = "not granted: an administrator must consent", url
	r.res.Summary.Message = "Nothing was changed: your account cannot finish this setup. Ask an administrator."
	if url != "" {
		r.res.Summary.NeedsAdminAction = "someone with one of these roles can open the admin-consent link below, or run: " + cmd
	} else {
		r.res.Summary.NeedsAdminAction = "someone with one of these roles can run: " + cmd
	}
	r.res.Summary.NeedsAdmin = missing.Error() + ". " + strings.ToUpper(r.res.Summary.NeedsAdminAction[:1]) + r.res.Summary.NeedsAdminAction[1:]
	r.res.Summary.Manual = r.manual()
	r.res.Summary.Notes = notes(r.pre)
	return &NeedsAdminError{Missing: missing, ConsentURL: url, Command: cmd}
}

func (r *run) register(ctx context.Context, del, app []permissions.Permission) (string, error) {
	pre, o := r.pre, r.o
	s := r.stage(StageApp, "Register the app, its enterprise app, secret and consent")
	uris, _ := pre.RedirectURIsFor(o.Instance)
	d := appreg.Desired{Name: o.AppName(), UniqueName: appreg.UniqueName(pre.Name, o.Instance, ""), Preset: pre.Name, AppID: o.AppID, RedirectURIs: uris,
		Platform: cmp.Or(pre.Platform, appreg.PlatformWeb), Delegated: del, Application: app, GrantConsent: true}
	if pre.Secret != nil && pre.Secret.Required {
		d.Secret, d.SecretName = true, cmp.Or(pre.Secret.Name, "teamsctl")
		if pre.Secret.Expires != "" {
			life, _ := presets.ParseLifetime(pre.Secret.Expires)
			d.SecretEnd = r.p.now().Add(life).UTC().Truncate(time.Second)
		}
	}
	res, err := r.p.Actions.Register(ctx, d, o.DryRun)
	if res != nil {
		s.Changes = res.Plan
	}
	if err != nil {
		r.finish(s, Failed, err.Error())
		// A secret made before the failure is shown now or never.
		if res != nil && res.Secret != nil && res.Secret.Value != "" {
			b := &r.res.Summary.Bundle
			b.ClientID, b.SecretExpires = res.AppID, res.Secret.EndDateTime
			return res.Secret.Value, err
		}
		return "", err
	}
	b := &r.res.Summary.Bundle
	b.ClientID, b.RedirectURIs, b.ConsentStatus = res.AppID, res.RedirectURIs, res.ConsentStatus
	secretValue := ""
	if res.Secret != nil {
		b.SecretExpires = res.Secret.EndDateTime
		secretValue = res.Secret.Value
		switch {
		case secretValue != "":
		case res.Secret.Existing:
			b.SecretNote = fmt.Sprintf("the secret %q was made in an earlier run (%s...) and cannot be shown again; if %s lost it, make a new one (teamsctl app secret add %s --name %s --secret-file FILE), hand that over, then remove the old one (teamsctl app secret list %s)",
				res.Secret.Name, res.Secret.Hint, pre.Vendor, res.AppID, cmp.Or(res.Secret.Name, "secret")+"-"+r.p.now().UTC().Format("2006-01-02"), res.AppID)
		case o.DryRun:
			b.SecretNote = "a new secret will be shown once"
		}
	}
	r.finish(s, statusOf(res.Plan, o.DryRun), fmt.Sprintf("%s (%s)", res.DisplayName, cmp.Or(res.AppID, "to be created")))
	return secretValue, nil
}

// userConsent leaves consent to each user: nothing is granted for the
// tenant. The enterprise app exists only after a first consent, unless
// --group needs it now for the assignment (created without any grant).
// The summary lists what each user is asked to consent to.
func (r *run) userConsent(ctx context.Context, appID string, del []permissions.Permission) error {
	pre, o := r.pre, r.o
	b := &r.res.Summary.Bundle
	b.ClientID = appID
	b.ConsentStatus = "not granted for the tenant: each user consents for themselves when connecting"
	b.ConsentURL = r.p.Actions.ConsentURL(r.tenant.ID, appID, permissions.Values(del))
	r.res.Summary.UserConsent = r.consentPrompt(del)
	if r.tenant.Group == nil {
		s := r.stage(StageVendor, "Leave consent to each user (no tenant-wide consent)")
		detail := "nothing to change: the enterprise app appears with the first user's consent"
		if r.tenant.VendorSP != nil {
			detail = "nothing to change; enterprise app " + r.tenant.VendorSP.DisplayName + " exists"
		}
		r.finish(s, OK, detail)
		return nil
	}
	s := r.stage(StageVendor, "Enable the vendor's enterprise app and assign the group (no tenant-wide consent)")
	cat := r.tenant.Catalog
	req := VendorRequest{AppID: appID, Name: pre.Vendor, Known: r.tenant.VendorSP,
		Resource:           &graph.ServicePrincipal{ID: cat.ResourceSPID, AppID: cat.ResourceAppID, DisplayName: cat.DisplayName},
		AssignmentRequired: pre.AssignmentRequired, Group: r.tenant.Group, DryRun: o.DryRun}
	res, err := r.p.Actions.EnableVendorApp(ctx, req)
	if res != nil {
		s.Changes = res.Plan
	}
	if err != nil {
		r.finish(s, Failed, err.Error())
		return err
	}
	r.finish(s, statusOf(res.Plan, o.DryRun), fmt.Sprintf("%s (%s)", cmp.Or(res.DisplayName, pre.Vendor), appID))
	return nil
}

// consentPrompt says what Entra asks each user to consent to: the
// delegated permissions, by name and the description Microsoft Graph
// publishes for them.
func (r *run) consentPrompt(del []permissions.Permission) []string {
	out := make([]string, 0, len(del))
	for _, p := range del {
		line := p.Value
		for _, sc := range r.tenant.Catalog.Scopes {
			if sc.ID == p.ID && sc.AdminConsentDisplayName != "" {
				line += ": " + sc.AdminConsentDisplayName
			}
		}
		if p.AdminOnly {
			line += " (only an administrator can consent to this one)"
		}
		out = append(out, line)
	}
	return out
}

func (r *run) vendor(ctx context.Context, appID string, del, app []permissions.Permission) error {
	pre, o := r.pre, r.o
	s := r.stage(StageVendor, "Enable the vendor's enterprise app, consent and sign-in")
	cat := r.tenant.Catalog
	req := VendorRequest{AppID: appID, Name: pre.Vendor, Known: r.tenant.VendorSP, Delegated: del, Application: app,
		Resource:           &graph.ServicePrincipal{ID: cat.ResourceSPID, AppID: cat.ResourceAppID, DisplayName: cat.DisplayName},
		AssignmentRequired: pre.AssignmentRequired, Group: r.tenant.Group, DryRun: o.DryRun}
	res, err := r.p.Actions.EnableVendorApp(ctx, req)
	if res != nil {
		s.Changes = res.Plan
	}
	if err != nil {
		r.finish(s, Failed, err.Error())
		return err
	}
	b := &r.res.Summary.Bundle
	b.ClientID = appID
	b.ConsentStatus = "granted for all users"
	if o.DryRun {
		b.ConsentStatus = "to be granted"
	}
	var scopes []string
	if len(app) == 0 {
		scopes = permissions.Values(del)
	}
	b.ConsentURL = r.p.Actions.ConsentURL(r.tenant.ID, appID, scopes)
	r.finish(s, statusOf(res.Plan, o.DryRun), fmt.Sprintf("%s (%s)", cmp.Or(res.DisplayName, pre.Vendor), appID))
	return nil
}

func (r *run) doctor(ctx context.Context, del, app []permissions.Permission) ([]string, error) {
	pre, o := r.pre, r.o
	s := r.stage(StageDoctor, "Check that users can connect (doctor)")
	exp := Expectations(pre, o.Instance)
	exp.App = r.res.Summary.Bundle.ClientID
	exp.UserConsent = o.UserConsent
	var users []string
	if o.TestUser != "" {
		users = []string{o.TestUser}
	}
	rep, err := r.p.Actions.Doctor(ctx, exp, users, r.wrote())
	if err != nil {
		r.finish(s, Failed, err.Error())
		return nil, err
	}
	r.res.Summary.Doctor = rep.Summary.Result
	failed := rep.Failed(false)
	r.res.Summary.DoctorFailed = failed
	detail := fmt.Sprintf("%d passed, %s, %d failed", rep.Summary.Pass, ui.Count(rep.Summary.Warn, "warning"), rep.Summary.Fail)
	switch {
	case len(failed) > 0:
		r.finish(s, Failed, detail+": "+strings.Join(failed, ", "))
	case rep.Summary.Warn > 0:
		r.finish(s, Warned, detail+"; "+strings.Join(rep.Warnings(), "; "))
	default:
		r.finish(s, OK, detail)
	}
	return failed, nil
}

// createdSP reports whether the vendor's enterprise app was created by
// this run (or, in a dry run, would be).
func (r *run) createdSP() bool {
	for _, st := range r.res.Stages {
		for _, c := range st.Changes {
			if c.Action == "create-service-principal" && c.Status != plan.Unchanged {
				return true
			}
		}
	}
	return false
}

// wrote reports whether this run changed the tenant.
func (r *run) wrote() bool {
	for _, st := range r.res.Stages {
		if st.Changes.Changes() > 0 {
			return true
		}
	}
	return false
}

func (r *run) meeting(ctx context.Context, secret string) error {
	pre, o := r.pre, r.o
	if pre.Teams.Meeting == presets.MeetingNone {
		return nil
	}
	title := "Create and delete a test meeting"
	if pre.Shape == presets.VendorHosted && pre.Teams.ApplicationAccessPolicy {
		title = "Check the Teams application access policy " + pre.AccessPolicyName() + " for the test user"
	}
	s := r.stage(StageMeeting, title)
	if o.TestUser == "" || o.SkipTest {
		why := "no --test-user"
		if o.SkipTest {
			why = "--skip-test"
		}
		r.finish(s, Skipped, why)
		return nil
	}
	req := MeetingRequest{AppID: r.res.Summary.Bundle.ClientID, User: o.TestUser, Kind: pre.Teams.Meeting, Secret: secret,
		AppOnly: len(pre.Delegated) == 0, VendorApp: pre.Shape == presets.VendorHosted, Application: pre.Application}
	if req.VendorApp && pre.Teams.ApplicationAccessPolicy {
		req.AccessPolicy = pre.AccessPolicyName()
	}
	res, err := r.p.Actions.MeetingTest(ctx, req)
	if res != nil {
		r.res.Summary.TestGrant = res.Grants
	}
	switch {
	case err != nil:
		r.finish(s, Failed, err.Error())
		return err
	case res == nil:
		r.finish(s, Skipped, "run: "+meetingCommand(req))
	case res.Skipped:
		r.finish(s, Skipped, res.Detail)
	case !res.Passed:
		r.finish(s, Failed, res.Detail)
		return &DoctorFailedError{Failed: []string{"meeting test: " + res.Detail}}
	default:
		r.finish(s, OK, res.Detail)
	}
	return nil
}

func meetingCommand(r MeetingRequest) string {
	c := "teamsctl meeting test " + r.AppID + " --user " + r.User
	if r.Kind == presets.MeetingEvent {
		c += " --kind event"
	}
	return c
}

// Expectations are what doctor checks for a preset.
func Expectations(pre *presets.Preset, instance string) doctor.Expectations {
	exp := doctor.Expectations{App: pre.AppID, DelegatedScopes: pre.Delegated, ApplicationRoles: pre.Application, VerifiedPublisher: pre.VerifiedPublisher,
		VendorHosted: pre.Shape == presets.VendorHosted}
	if pre.Teams.ApplicationAccessPolicy {
		exp.AccessPolicy = pre.AccessPolicyName()
	}
	if pre.Shape == presets.CustomerRegistered {
		if instance == "" && pre.UsesInstance() {
			exp.InstanceRedirects = instanceRedirects(pre)
		} else {
			exp.RedirectURIs, _ = pre.RedirectURIsFor(instance)
		}
		need := pre.Secret != nil && pre.Secret.Required
		exp.NeedsSecret = &need
	}
	switch pre.Teams.Meeting {
	case presets.MeetingOnline:
		exp.MeetingKind = "onlineMeeting"
	case presets.MeetingEvent:
		exp.MeetingKind = "event"
	}
	teams, mailbox := pre.NeedsTeams(), pre.NeedsMailbox()
	exp.NeedsTeams, exp.NeedsMailbox = &teams, &mailbox
	if pre.Requires != nil {
		exp.NeedsRooms = pre.Requires.Rooms
		for _, l := range pre.Requires.Licences {
			exp.Licences = append(exp.Licences, doctor.LicenceRequirement{Name: l.Name, SKUs: l.SKUs})
		}
	}
	return exp
}

// instanceRedirects are the preset's redirect URIs on whichever
// instance the app's registered URIs show, for doctor without --instance.
func instanceRedirects(pre *presets.Preset) *doctor.InstanceRedirects {
	ir := &doctor.InstanceRedirects{Templates: pre.RedirectURIs,
		Match: func(registered []string) []string {
			var out []string
			for _, inst := range pre.InstancesIn(registered) {
				if uris, err := pre.RedirectURIsFor(inst); err == nil {
					out = append(out, uris...)
				}
			}
			return out
		}}
	if pre.Instance != nil && pre.Instance.Default != "" {
		ir.Default, _ = pre.RedirectURIsFor("")
	}
	if pre.Instance != nil && pre.Instance.Example != "" {
		ir.Example, _ = pre.RedirectURIsFor(pre.Instance.Example)
	}
	return ir
}

func (r *run) summarize(secretValue string) {
	sum := &r.res.Summary
	pre, o := r.pre, r.o
	for _, st := range r.res.Stages {
		sum.Changes += st.Changes.Changes()
	}
	b := &sum.Bundle
	r.res.secret = secretValue
	if secretValue != "" && !o.SecretHandled {
		b.ClientSecret = secretValue
	}
	switch {
	case o.DryRun && sum.Changes == 0:
		sum.Message = fmt.Sprintf("Dry run: nothing to change; %s is already set up.", pre.Vendor)
	case o.DryRun:
		sum.Message = fmt.Sprintf("Dry run: %d change(s) planned, nothing was changed.", sum.Changes)
	case sum.Changes == 0 && o.UserConsent:
		sum.Message = fmt.Sprintf("Nothing changed: %s is left to each user's own consent; nothing is granted for the organisation.", pre.Vendor)
	case sum.Changes == 0:
		sum.Message = fmt.Sprintf("Nothing changed: %s was already set up.", pre.Vendor)
	default:
		sum.Message = fmt.Sprintf("Set up %s: %d change(s).", pre.Vendor, sum.Changes)
	}
	sum.Manual = r.manual()
	groupID := ""
	if r.tenant != nil && r.tenant.Group != nil {
		groupID = r.tenant.Group.ID
	}
	sum.Undo = undo(pre, b.ClientID, o.Group, groupID, r.createdSP())
	if o.UserConsent && r.tenant != nil && r.tenant.Group == nil {
		sum.Undo = []string{} // nothing was written; users' own consents are theirs
	}
	sum.Notes = notes(pre)
}

func (r *run) manual() []string {
	pre := r.pre
	var out []string
	app := cmp.Or(r.res.Summary.Bundle.ClientID, cmp.Or(r.o.AppID, "APPID"))
	if pre.Teams.ApplicationAccessPolicy {
		out = append(out, "Teams application access policy (Teams PowerShell; takes up to 30 minutes): "+AccessPolicyPowerShell(pre, app, r.o.Group).Summary())
	}
	if pre.Teams.LobbyNotes != "" {
		out = append(out, "Teams meeting policy (Teams admin center > Meetings > Meeting policies): "+pre.Teams.LobbyNotes)
	}
	if pre.Shape == presets.CustomerRegistered {
		out = append(out, fmt.Sprintf("Send %s the hand-off bundle (tenant, client id, secret) over a secure channel.", pre.Vendor))
	} else if r.o.UserConsent {
		out = append(out, fmt.Sprintf("Turn the integration on in %s; each recruiter then connects their own Microsoft account and consents for themselves (to the permissions listed above). Where users may not consent to these permissions, they see \"Need admin approval\": consent for everyone with teamsctl setup %s (without --consent user).", pre.Vendor, pre.Name))
	} else {
		out = append(out, fmt.Sprintf("Turn the integration on in %s; each recruiter then connects their own Microsoft account.", pre.Vendor))
	}
	if pre.Requires != nil {
		for _, l := range pre.Requires.Licences {
			out = append(out, fmt.Sprintf("Licences: %s supports only %s; each recruiter needs one of %s (teamsctl doctor --user UPN checks it).",
				pre.Vendor, l.Name, strings.Join(l.SKUs, ", ")))
		}
	}
	if pre.AssignmentRequired && r.o.Group == "" {
		out = append(out, "Assign the recruiters: teamsctl setup "+pre.Name+" --group GROUP (assignment is required).")
	}
	return out
}

// AccessPolicy is the Teams PowerShell an app-only meeting integration
// needs: the policy naming the app, then its grant, least privilege first
// (the recruiters' group, or user by user), everyone as the alternative.
type AccessPolicy struct {
	Create, GrantGroup, GrantUser, GrantGlobal string
}

// AccessPolicyPowerShell is the policy of the preset for appID, granted
// to group (a display name; "" for a placeholder).
func AccessPolicyPowerShell(pre *presets.Preset, appID, group string) AccessPolicy {
	id := pre.AccessPolicyName()
	return AccessPolicy{
		Create:      fmt.Sprintf(`New-CsApplicationAccessPolicy -Identity %s -AppIds "%s" -Description "%s"`, id, appID, pre.Vendor+" online meetings"),
		GrantGroup:  fmt.Sprintf(`Grant-CsApplicationAccessPolicy -PolicyName %s -Group "%s"`, id, cmp.Or(group, "GROUP")),
		GrantUser:   fmt.Sprintf(`Grant-CsApplicationAccessPolicy -PolicyName %s -Identity UPN`, id),
		GrantGlobal: fmt.Sprintf(`Grant-CsApplicationAccessPolicy -PolicyName %s -Global`, id),
	}
}

// Summary is the policy's one line in setup's "Still manual".
func (p AccessPolicy) Summary() string {
	return p.Create + "; then grant it to the recruiters only (least privilege): " + p.GrantGroup + " (or " + p.GrantUser +
		", user by user); or, to let the app create meetings for every organizer: " + p.GrantGlobal
}

// AccessPolicyRemovePowerShell takes the policy back: its grant first (a
// granted policy cannot be removed), then the policy. groupID is the
// group's object id ("" for a placeholder).
func AccessPolicyRemovePowerShell(pre *presets.Preset, groupID string) string {
	id := pre.AccessPolicyName()
	return fmt.Sprintf(`Remove-CsGroupPolicyAssignment -GroupId "%s" -PolicyType ApplicationAccessPolicy (granted per user: Grant-CsApplicationAccessPolicy -PolicyName $null -Identity UPN; globally: -PolicyName $null -Global); then Remove-CsApplicationAccessPolicy -Identity %s`,
		cmp.Or(groupID, "GROUP-OBJECT-ID"), id)
}

// AccessPolicyVerifyPowerShell is how to see in Teams PowerShell that the
// policy lets the app create meetings for the organizer.
func AccessPolicyVerifyPowerShell(pre *presets.Preset, user string) string {
	return fmt.Sprintf(`Get-CsApplicationAccessPolicy -Identity %s (AppIds lists the app); Get-CsUserPolicyAssignment -Identity %s -PolicyType ApplicationAccessPolicy (PolicyName %s; none listed: Get-CsApplicationAccessPolicy -Identity Global must list the app)`,
		pre.AccessPolicyName(), cmp.Or(user, "UPN"), pre.AccessPolicyName())
}

func undo(pre *presets.Preset, appID, group, groupID string, createdSP bool) []string {
	app := cmp.Or(appID, "APPID")
	// --yes: the commands confirm on a terminal and refuse elsewhere; the
	// admin runs them deliberately, often from a script.
	if pre.Shape == presets.CustomerRegistered {
		return []string{
			"teamsctl consent revoke " + app + " --all --delete-enterprise-app --yes",
			"teamsctl app delete " + app + " --yes",
		}
	}
	var out []string
	if pre.Teams.ApplicationAccessPolicy {
		out = append(out, "Teams application access policy (Teams PowerShell): "+AccessPolicyRemovePowerShell(pre, groupID))
	}
	if createdSP {
		// The enterprise app was made for this integration: deleting it
		// takes its grants and assignments with it.
		return append(out, "teamsctl consent revoke "+app+" --all --delete-enterprise-app --yes")
	}
	// The enterprise app was there before (a first connection, an earlier
	// consent): take back what setup gave it, delegated and application
	// permissions, and keep the app.
	out = append(out, "teamsctl consent revoke "+app+" "+revokeAllFlags(pre)+" --yes")
	if group != "" {
		out = append(out, fmt.Sprintf("teamsctl app unassign %s --group %q", app, group))
	}
	return out
}

// revokeAllFlags are the consent revoke flags that take back every
// permission setup grants for pre: the delegated grant, and the app role
// assignments when the vendor takes application permissions.
func revokeAllFlags(pre *presets.Preset) string {
	if len(pre.Application) > 0 {
		return "--all --all-application"
	}
	return "--all"
}

func notes(pre *presets.Preset) []string {
	out := make([]string, 0, len(pre.Notes))
	for _, n := range pre.Notes {
		out = append(out, n.Text)
	}
	return out
}

func statusOf(steps plan.Steps, dryRun bool) Status {
	switch {
	case slices.ContainsFunc(steps, func(s plan.Step) bool { return s.Status == plan.Failed }):
		return Failed
	case steps.Changes() == 0:
		return Unchanged
	case dryRun:
		return Planned
	}
	return Done
}

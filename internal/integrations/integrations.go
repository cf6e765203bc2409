// Package integrations answers "what recruiting and meeting integrations
// are connected to this tenant, and what is about to break?": the
// enterprise apps of the vendors teamsctl has presets for, the app
// registrations teamsctl made, and every other app holding Microsoft
// Graph meeting, calendar, mail or rooms permissions; for each, its
// enterprise app, consent, credentials and their expiry, last sign-in and a
// one-word health from doctor's checks.
//
// It is plain Go over graph interfaces. Run reads the tenant with a fixed
// number of filtered queries plus two per integration (its assignments and
// its last sign-in), never a listing of every service principal, then
// runs doctor's checks for each integration from those reads.
package integrations

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
)

// SchemaVersion is the version of the Report's JSON (docs/integrations.md).
// Additive changes keep it; renaming or removing a field bumps it.
const SchemaVersion = 1

// Hosting says where an integration's app is registered.
const (
	// CustomerRegistered: the app registration is in this tenant (the
	// customer holds its secrets).
	CustomerRegistered = "customer-registered"
	// VendorHosted: the app is registered in the vendor's tenant; this
	// tenant has only its enterprise app.
	VendorHosted = "vendor-hosted"
)

// Why an integration is listed.
const (
	FoundByPreset      = "preset"            // a preset's appId or verified publisher
	FoundByTeamsctl    = "teamsctl"          // an app registration teamsctl tagged
	FoundByPermissions = "graph-permissions" // holds meeting, calendar, mail or rooms permissions
)

// Credential statuses.
const (
	CredentialValid    = "valid"
	CredentialExpiring = "expiring"
	CredentialExpired  = "expired"
)

// Health words: the worst of the integration's checks.
const (
	HealthOK      = "ok"
	HealthWarning = "warning"
	HealthFailing = "failing"
)

// Sign-in log availability.
const (
	SignInLogAvailable   = "available"
	SignInLogNoPremium   = "unavailable without Entra ID P1"
	SignInLogNoPermision = "needs AuditLog.Read.All"
)

// Report is the result of Run; its JSON is documented in
// docs/integrations.md.
type Report struct {
	SchemaVersion int    `json:"schemaVersion"`
	TenantID      string `json:"tenantId"`
	// GeneratedAt is when the tenant was read (UTC).
	GeneratedAt time.Time `json:"generatedAt"`
	// ExpiringWithin is the window credentials are checked against, in
	// days.
	ExpiringWithinDays int `json:"expiringWithinDays"`
	// SignInLog says whether last sign-ins could be read: "available",
	// "unavailable without Entra ID P1", "needs AuditLog.Read.All", or
	// the error Graph gave.
	SignInLog    string         `json:"signInLog"`
	Integrations []Integration  `json:"integrations"`
	TenantChecks []doctor.Check `json:"tenantChecks"`
	Summary      Summary        `json:"summary"`
}

// Summary counts the integrations and the credentials needing attention.
type Summary struct {
	Integrations int `json:"integrations"`
	Healthy      int `json:"healthy"`
	Warning      int `json:"warning"`
	Failing      int `json:"failing"`
	// ExpiringCredentials and ExpiredCredentials count credentials of
	// listed integrations ending within the window, or already ended.
	ExpiringCredentials int `json:"expiringCredentials"`
	ExpiredCredentials  int `json:"expiredCredentials"`
}

// Integration is one connected app.
type Integration struct {
	Name  string `json:"name"`
	AppID string `json:"appId"`
	// Vendor and Preset are set when a preset knows the app.
	Vendor  string   `json:"vendor,omitempty"`
	Preset  string   `json:"preset,omitempty"`
	Hosting string   `json:"hosting"`
	FoundBy []string `json:"foundBy"`
	// ManagedByTeamsctl: the app registration carries teamsctl's tag.
	ManagedByTeamsctl bool `json:"managedByTeamsctl"`
	// EnterpriseApp is nil when the tenant has no service principal for
	// the app (registered, never consented).
	EnterpriseApp *EnterpriseApp `json:"enterpriseApp"`
	Consent       Consent        `json:"consent"`
	// Credentials are the app registration's secrets and certificates
	// (customer-registered only: a vendor-hosted app's are the vendor's).
	Credentials []Credential `json:"credentials"`
	LastSignIn  *time.Time   `json:"lastSignIn,omitempty"`
	// LastSignInNote says why LastSignIn is empty: no sign-in in the log's
	// 30 days, or the log is unavailable.
	LastSignInNote string `json:"lastSignInNote,omitempty"`
	Health         string `json:"health"`
	// Problems name what makes the health not ok: the checks that failed
	// or warned, as "title: observed", and the credentials that expired or
	// expire within the window. Empty (never null) when healthy.
	Problems []string `json:"problems"`
	// Checks are doctor's app registration and enterprise app checks.
	Checks []doctor.Check `json:"checks"`
}

// EnterpriseApp is the integration's service principal.
type EnterpriseApp struct {
	ID                 string `json:"id"`
	Enabled            bool   `json:"enabled"`
	AssignmentRequired bool   `json:"assignmentRequired"`
	// Assigned counts users and groups assigned to the app.
	Assigned          int    `json:"assigned"`
	VerifiedPublisher string `json:"verifiedPublisher,omitempty"`
}

// Consent is what the app was granted on Microsoft Graph.
type Consent struct {
	// TenantWideScopes are the delegated permissions an admin granted for
	// every user.
	TenantWideScopes []string `json:"tenantWideScopes"`
	// PerUserGrants counts users who consented for themselves.
	PerUserGrants int `json:"perUserGrants"`
	// ApplicationPermissions are the app roles granted (app-only access).
	ApplicationPermissions []string `json:"applicationPermissions"`
}

// Credential is a client secret or certificate of the app registration.
type Credential struct {
	Type        string    `json:"type"` // secret or certificate
	KeyID       string    `json:"keyId"`
	DisplayName string    `json:"displayName,omitempty"`
	EndDateTime time.Time `json:"endDateTime"`
	// DaysLeft is whole days until EndDateTime (negative once expired).
	DaysLeft int    `json:"daysLeft"`
	Status   string `json:"status"`
}

// Graph is what Run reads.
type Graph interface {
	doctor.Graph
	graph.Inventory
	AppRoleAssignedTo(ctx context.Context, resourceID string) ([]graph.AppRoleAssignment, error)
}

// Options configure Run.
type Options struct {
	Graph Graph
	Token doctor.Token
	Now   func() time.Time
	// Presets are the vendor presets whose appIds and publishers identify
	// vendors' apps.
	Presets []*presets.Preset
	// ExpiringWithin is the credential window (default 30 days).
	ExpiringWithin time.Duration
	// Concurrency bounds parallel reads (default doctor.DefaultConcurrency).
	Concurrency int
}

// DefaultExpiringWithin is --expiring-within's default.
const DefaultExpiringWithin = 30 * 24 * time.Hour

// meetingPermissionPrefixes are the Microsoft Graph permissions (by the
// part before the first dot) that make an app a meeting, calendar, mail or
// rooms integration.
var meetingPermissionPrefixes = []string{"OnlineMeetings", "OnlineMeetingArtifact", "OnlineMeetingRecording",
	"OnlineMeetingTranscript", "Calendars", "Mail", "MailboxSettings", "Place"}

// IsMeetingPermission reports whether a Microsoft Graph permission value
// (Calendars.ReadWrite) is a meeting, calendar, mail or rooms permission.
func IsMeetingPermission(value string) bool {
	prefix, _, _ := strings.Cut(value, ".")
	return slices.ContainsFunc(meetingPermissionPrefixes, func(p string) bool { return strings.EqualFold(p, prefix) })
}

// candidate is an integration being assembled.
type candidate struct {
	appID   string
	sp      *graph.ServicePrincipal
	app     *graph.Application
	preset  *presets.Preset
	foundBy []string

	assigned    []graph.AppRoleAssignment
	assignedErr error
	signIn      *graph.SignIn
	signInErr   error
}

func (c *candidate) found(by string) {
	if !slices.Contains(c.foundBy, by) {
		c.foundBy = append(c.foundBy, by)
	}
}

// inventory holds what the reads found.
type inventory struct {
	o          Options
	graphSP    *graph.ServicePrincipal
	grants     []graph.DelegatedGrant
	roles      []graph.AppRoleAssignment
	skus       []graph.SubscribedSku
	skusErr    error
	byAppID    map[string]*candidate
	ownApps    map[string]*graph.Application // appId -> registration, for every candidate
	appsRead   bool
	signInNote string
}

// Run reads the tenant's integrations.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = doctor.DefaultConcurrency
	}
	if o.ExpiringWithin <= 0 {
		o.ExpiringWithin = DefaultExpiringWithin
	}
	inv := &inventory{o: o, byAppID: map[string]*candidate{}, ownApps: map[string]*graph.Application{}}
	if err := inv.read(ctx); err != nil {
		return nil, err
	}
	return inv.report(ctx)
}

func (inv *inventory) candidate(appID string) *candidate {
	key := strings.ToLower(appID)
	c, ok := inv.byAppID[key]
	if !ok {
		c = &candidate{appID: appID}
		inv.byAppID[key] = c
	}
	return c
}

// presetAppIDs are the appIds presets name (the sandbox's stand-ins too: a
// real tenant never has them, so asking for them costs nothing).
func presetAppIDs(ps []*presets.Preset) map[string]*presets.Preset {
	out := map[string]*presets.Preset{}
	for _, p := range ps {
		for _, id := range []string{p.AppID, p.SandboxAppID} {
			if id != "" {
				if _, dup := out[strings.ToLower(id)]; !dup {
					out[strings.ToLower(id)] = p
				}
			}
		}
	}
	return out
}

// fatal keeps the errors that make the whole run pointless: a rejected
// sign-in or cancellation.
func fatal(err error) bool {
	var authErr *auth.RequiredError
	return errors.As(err, &authErr) || errors.Is(err, context.Canceled)
}

// read makes the inventory's requests in three waves.
func (inv *inventory) read(ctx context.Context) error {
	g, o := inv.o.Graph, inv.o
	known := presetAppIDs(o.Presets)
	knownIDs := make([]string, 0, len(known))
	for id := range known {
		knownIDs = append(knownIDs, id)
	}
	slices.Sort(knownIDs)

	// Wave 1: Microsoft Graph's service principal, the presets' enterprise
	// apps, teamsctl's registrations and the licences.
	var vendorSPs []graph.ServicePrincipal
	var tagged []graph.Application
	w, wctx := errgroup.WithContext(ctx)
	w.Go(func() (err error) {
		inv.graphSP, err = g.ServicePrincipalByAppID(wctx, graph.MicrosoftGraphAppID)
		return err
	})
	if len(knownIDs) > 0 {
		w.Go(func() (err error) {
			vendorSPs, err = g.ServicePrincipalsByAppIDs(wctx, knownIDs)
			return err
		})
	}
	w.Go(func() (err error) {
		tagged, err = g.ApplicationsTagged(wctx, appreg.Tag)
		return err
	})
	w.Go(func() error {
		inv.skus, inv.skusErr = g.SubscribedSkus(wctx)
		if fatal(inv.skusErr) {
			return inv.skusErr
		}
		return nil
	})
	if err := w.Wait(); err != nil {
		return err
	}
	for i := range vendorSPs {
		sp := &vendorSPs[i]
		c := inv.candidate(sp.AppID)
		c.sp, c.preset = sp, known[strings.ToLower(sp.AppID)]
		c.found(FoundByPreset)
	}
	for i := range tagged {
		a := &tagged[i]
		c := inv.candidate(a.AppID)
		c.app = a
		c.found(FoundByTeamsctl)
		if c.preset == nil {
			c.preset = presetOfApp(a, o.Presets)
		}
	}

	// Wave 2: what was granted on Microsoft Graph, tenant-wide and per
	// user, and its app roles, filtered to Graph as the resource.
	w, wctx = errgroup.WithContext(ctx)
	w.Go(func() (err error) {
		inv.grants, err = g.GrantsToResource(wctx, inv.graphSP.ID)
		return err
	})
	w.Go(func() (err error) {
		inv.roles, err = g.AppRoleAssignedTo(wctx, inv.graphSP.ID)
		return err
	})
	if err := w.Wait(); err != nil {
		return err
	}
	roleValue := map[string]string{}
	for _, r := range inv.graphSP.AppRoles {
		roleValue[strings.ToLower(r.ID)] = r.Value
	}
	holders := map[string]bool{} // client service principal ids
	for _, gr := range inv.grants {
		if slices.ContainsFunc(strings.Fields(gr.Scope), IsMeetingPermission) {
			holders[strings.ToLower(gr.ClientID)] = true
		}
	}
	for _, a := range inv.roles {
		if a.PrincipalType == "ServicePrincipal" && IsMeetingPermission(roleValue[strings.ToLower(a.AppRoleID)]) {
			holders[strings.ToLower(a.PrincipalID)] = true
		}
	}

	// Wave 3: the enterprise apps of the permission holders and of
	// teamsctl's registrations not known yet, and the registrations of
	// every candidate not read yet (to tell customer-registered apps and
	// read their credentials).
	knownSP := map[string]bool{}
	for _, c := range inv.byAppID {
		if c.sp != nil {
			knownSP[strings.ToLower(c.sp.ID)] = true
		}
	}
	var spIDs, spAppIDs []string
	for id := range holders {
		if !knownSP[id] {
			spIDs = append(spIDs, id)
		}
	}
	for _, c := range inv.byAppID {
		if c.sp == nil {
			spAppIDs = append(spAppIDs, c.appID)
		}
	}
	slices.Sort(spIDs)
	slices.Sort(spAppIDs)
	var holderSPs, ownSPs []graph.ServicePrincipal
	w, wctx = errgroup.WithContext(ctx)
	if len(spIDs) > 0 {
		w.Go(func() (err error) {
			holderSPs, err = g.ServicePrincipalsByIDs(wctx, spIDs)
			return err
		})
	}
	if len(spAppIDs) > 0 {
		w.Go(func() (err error) {
			ownSPs, err = g.ServicePrincipalsByAppIDs(wctx, spAppIDs)
			return err
		})
	}
	if err := w.Wait(); err != nil {
		return err
	}
	for i := range holderSPs {
		sp := &holderSPs[i]
		c := inv.candidate(sp.AppID)
		c.sp = sp
		c.found(FoundByPermissions)
	}
	for i := range ownSPs {
		inv.candidate(ownSPs[i].AppID).sp = &ownSPs[i]
	}
	// Registrations: teamsctl's are read; the others' appIds may be this
	// tenant's (an app registered in the portal) or a vendor's.
	var unread []string
	for _, c := range inv.byAppID {
		if c.app == nil && c.sp != nil && !strings.EqualFold(c.sp.AppOwnerOrganizationID, inv.o.Token.TenantID) && c.sp.AppOwnerOrganizationID != "" {
			continue // registered in another tenant: a vendor's app
		}
		if c.app == nil {
			unread = append(unread, c.appID)
		}
	}
	slices.Sort(unread)
	if len(unread) > 0 {
		apps, err := g.ApplicationsByAppIDs(ctx, unread)
		if err != nil {
			return err
		}
		for i := range apps {
			inv.candidate(apps[i].AppID).app = &apps[i]
		}
	}
	for _, c := range inv.byAppID {
		if c.app != nil {
			inv.ownApps[strings.ToLower(c.appID)] = c.app
		}
		if c.preset == nil && c.sp != nil {
			c.preset = presetByPublisher(c.sp.VerifiedPublisher, o.Presets)
			if c.preset != nil {
				c.found(FoundByPreset)
			}
		}
	}
	inv.appsRead = true

	// Wave 4, per integration: who is assigned, and the last sign-in.
	inv.signInNote = inv.signInLog()
	sem, sctx := errgroup.WithContext(ctx)
	sem.SetLimit(o.Concurrency)
	for _, c := range inv.sorted() {
		if c.sp != nil {
			spID := c.sp.ID
			sem.Go(func() error {
				c.assigned, c.assignedErr = g.AppRoleAssignedTo(sctx, spID)
				if fatal(c.assignedErr) {
					return c.assignedErr
				}
				return nil
			})
		}
		if inv.signInNote == SignInLogAvailable {
			sem.Go(func() error {
				var ins []graph.SignIn
				ins, c.signInErr = g.SignIns(sctx, graph.SignInQuery{AppID: c.appID, Top: 1})
				if len(ins) > 0 {
					c.signIn = &ins[0]
				}
				if fatal(c.signInErr) {
					return c.signInErr
				}
				return nil
			})
		}
	}
	return sem.Wait()
}

// signInLog says whether the sign-in log can be read: it needs
// AuditLog.Read.All and a tenant with Entra ID P1 or P2 (Graph answers
// Authentication_RequestFromNonPremiumTenantOrB2CTenant otherwise).
func (inv *inventory) signInLog() string {
	if !inv.o.Token.AppOnly && !hasAny(inv.o.Token.Permissions, "AuditLog.Read.All") {
		return SignInLogNoPermision
	}
	if inv.skusErr == nil && graph.EntraIDPremium(inv.skus) == "" {
		return SignInLogNoPremium
	}
	return SignInLogAvailable
}

func hasAny(have []string, want ...string) bool {
	return slices.ContainsFunc(have, func(p string) bool {
		return slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(p, w) })
	})
}

// presetOfApp names the preset an app registration teamsctl made came
// from: its preset tag, else its uniqueName (teamsctl-<preset>-...).
func presetOfApp(a *graph.Application, ps []*presets.Preset) *presets.Preset {
	name := appreg.PresetOf(a.Tags)
	for _, p := range ps {
		if p.Shape != presets.CustomerRegistered {
			continue
		}
		if name != "" && strings.EqualFold(p.Name, name) {
			return p
		}
		if name == "" && a.UniqueName != "" && strings.HasPrefix(strings.ToLower(a.UniqueName), "teamsctl-"+strings.ToLower(p.Name)+"-") {
			return p
		}
	}
	return nil
}

// presetByPublisher is the vendor-hosted preset whose verified publisher
// an enterprise app shows, when exactly one preset has it.
func presetByPublisher(publisher string, ps []*presets.Preset) *presets.Preset {
	if publisher == "" {
		return nil
	}
	var match *presets.Preset
	for _, p := range ps {
		if p.VerifiedPublisher != "" && strings.EqualFold(p.VerifiedPublisher, publisher) {
			if match != nil {
				return nil
			}
			match = p
		}
	}
	return match
}

// sorted are the candidates by name, then appId.
func (inv *inventory) sorted() []*candidate {
	out := make([]*candidate, 0, len(inv.byAppID))
	for _, c := range inv.byAppID {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name()), strings.ToLower(b.name())), cmp.Compare(a.appID, b.appID))
	})
	return out
}

func (c *candidate) name() string {
	if c.sp != nil && c.sp.DisplayName != "" {
		return c.sp.DisplayName
	}
	if c.app != nil {
		return c.app.DisplayName
	}
	return c.appID
}

// report builds the report, running doctor's checks per integration over
// the reads already made (readsGraph answers them from memory).
func (inv *inventory) report(ctx context.Context) (*Report, error) {
	o := inv.o
	now := o.Now().UTC()
	r := &Report{SchemaVersion: SchemaVersion, TenantID: o.Token.TenantID, GeneratedAt: now,
		ExpiringWithinDays: int(o.ExpiringWithin / (24 * time.Hour)), SignInLog: inv.signInNote,
		Integrations: []Integration{}, TenantChecks: []doctor.Check{}}
	rg := newReadsGraph(inv)
	do := doctor.Options{Graph: rg, Token: o.Token, Now: o.Now, Concurrency: o.Concurrency}
	for i, c := range inv.sorted() {
		it := inv.integration(c, now)
		exp := doctor.Expectations{App: c.appID}
		if c.preset != nil {
			exp = setup.Expectations(c.preset, "")
			exp.App = c.appID
			// The vendor's instance is not known here: the app's own
			// redirect URIs are what it is compared with.
			exp.RedirectURIs = nil
		}
		rep, err := doctor.Run(ctx, do, exp)
		if err != nil {
			return nil, err
		}
		for _, ch := range rep.Checks {
			switch ch.Group {
			case doctor.GroupTenant:
				if i == 0 {
					r.TenantChecks = append(r.TenantChecks, ch)
				}
			case doctor.GroupApp, doctor.GroupEnterpriseApp:
				it.Checks = append(it.Checks, ch)
			}
		}
		it.judge(r.TenantChecks)
		r.Integrations = append(r.Integrations, it)
	}
	if len(r.Integrations) == 0 {
		rep, err := doctor.Run(ctx, do, doctor.Expectations{})
		if err != nil {
			return nil, err
		}
		for _, ch := range rep.Checks {
			if ch.Group == doctor.GroupTenant {
				r.TenantChecks = append(r.TenantChecks, ch)
			}
		}
	}
	r.summarize()
	return r, nil
}

func (inv *inventory) integration(c *candidate, now time.Time) Integration {
	it := Integration{Name: c.name(), AppID: c.appID, FoundBy: slices.Clone(c.foundBy), Hosting: VendorHosted,
		Credentials: []Credential{}, Consent: Consent{TenantWideScopes: []string{}, ApplicationPermissions: []string{}}}
	slices.Sort(it.FoundBy)
	if c.preset != nil {
		it.Vendor, it.Preset = c.preset.Vendor, c.preset.Name
	}
	if c.app != nil {
		it.Hosting = CustomerRegistered
		it.ManagedByTeamsctl = slices.Contains(c.app.Tags, appreg.Tag)
		window := inv.o.ExpiringWithin
		for _, p := range c.app.PasswordCredentials {
			it.Credentials = append(it.Credentials, credential("secret", p.KeyID, p.DisplayName, p.EndDateTime, now, window))
		}
		for _, k := range c.app.KeyCredentials {
			it.Credentials = append(it.Credentials, credential("certificate", k.KeyID, k.DisplayName, k.EndDateTime, now, window))
		}
		slices.SortFunc(it.Credentials, func(a, b Credential) int { return a.EndDateTime.Compare(b.EndDateTime) })
	}
	if c.sp != nil {
		ea := &EnterpriseApp{ID: c.sp.ID, Enabled: c.sp.AccountEnabled, AssignmentRequired: c.sp.AppRoleAssignmentRequired,
			Assigned: len(c.assigned), VerifiedPublisher: c.sp.VerifiedPublisher}
		it.EnterpriseApp = ea
		scopes := map[string]bool{}
		for _, g := range inv.grants {
			if !strings.EqualFold(g.ClientID, c.sp.ID) {
				continue
			}
			if g.ConsentType == graph.ConsentAllPrincipals {
				for _, s := range strings.Fields(g.Scope) {
					scopes[s] = true
				}
			} else {
				it.Consent.PerUserGrants++
			}
		}
		for s := range scopes {
			it.Consent.TenantWideScopes = append(it.Consent.TenantWideScopes, s)
		}
		slices.SortFunc(it.Consent.TenantWideScopes, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		values := map[string]string{}
		for _, r := range inv.graphSP.AppRoles {
			values[strings.ToLower(r.ID)] = r.Value
		}
		for _, a := range inv.roles {
			if strings.EqualFold(a.PrincipalID, c.sp.ID) {
				it.Consent.ApplicationPermissions = append(it.Consent.ApplicationPermissions, cmp.Or(values[strings.ToLower(a.AppRoleID)], a.AppRoleID))
			}
		}
		slices.Sort(it.Consent.ApplicationPermissions)
		it.Consent.ApplicationPermissions = slices.Compact(it.Consent.ApplicationPermissions)
	}
	switch {
	case inv.signInNote != SignInLogAvailable:
		it.LastSignInNote = inv.signInNote
	case c.signInErr != nil:
		it.LastSignInNote = "not read: " + c.signInErr.Error()
	case c.signIn != nil:
		t := c.signIn.CreatedDateTime.UTC()
		it.LastSignIn = &t
	default:
		it.LastSignInNote = "none in the sign-in log (30 days)"
	}
	return it
}

func credential(kind, keyID, name string, end, now time.Time, window time.Duration) Credential {
	c := Credential{Type: kind, KeyID: keyID, DisplayName: name, EndDateTime: end.UTC(), Status: CredentialValid}
	left := end.Sub(now)
	const day = 24 * time.Hour
	switch {
	case left <= 0:
		// Whole days since it ended, as a negative number.
		c.Status, c.DaysLeft = CredentialExpired, -int(-left/day)
	default:
		// Days still to go, counting a started day.
		c.DaysLeft = int((left + day - 1) / day)
		if left <= window {
			c.Status = CredentialExpiring
		}
	}
	return c
}

// judge sets the health word and problems from the checks, the failing
// tenant checks and the credentials.
func (it *Integration) judge(tenant []doctor.Check) {
	it.Health = HealthOK
	it.Problems = []string{}
	worse := func(h string) {
		if h == HealthFailing || (h == HealthWarning && it.Health == HealthOK) {
			it.Health = h
		}
	}
	note := func(c doctor.Check) {
		it.Problems = append(it.Problems, c.Title+": "+c.Observed)
	}
	for _, c := range tenant {
		if c.Status == doctor.Fail {
			worse(HealthFailing)
			note(c)
		}
	}
	for _, c := range it.Checks {
		switch c.Status {
		case doctor.Fail:
			worse(HealthFailing)
			note(c)
		case doctor.Warn:
			worse(HealthWarning)
			note(c)
		}
	}
	for _, c := range it.Credentials {
		switch c.Status {
		case CredentialExpired:
			worse(HealthFailing)
		case CredentialExpiring:
			worse(HealthWarning)
		default:
			continue
		}
		it.Problems = append(it.Problems, c.Type+" "+cmp.Or(c.DisplayName, c.KeyID)+" "+c.describe())
	}
}

func (r *Report) summarize() {
	s := Summary{Integrations: len(r.Integrations)}
	for _, it := range r.Integrations {
		switch it.Health {
		case HealthOK:
			s.Healthy++
		case HealthWarning:
			s.Warning++
		case HealthFailing:
			s.Failing++
		}
		for _, c := range it.Credentials {
			switch c.Status {
			case CredentialExpiring:
				s.ExpiringCredentials++
			case CredentialExpired:
				s.ExpiredCredentials++
			}
		}
	}
	r.Summary = s
}

// Expiring lists "name: secret KEYID ends DATE" for each credential that
// expires within the window or has expired.
func (r *Report) Expiring() []string {
	var out []string
	for _, it := range r.Integrations {
		for _, c := range it.Credentials {
			if c.Status == CredentialValid {
				continue
			}
			what := "expires " + c.EndDateTime.Format("2006-01-02")
			if c.Status == CredentialExpired {
				what = "expired " + c.EndDateTime.Format("2006-01-02")
			}
			out = append(out, it.Name+": "+c.Type+" "+cmp.Or(c.DisplayName, c.KeyID)+" "+what)
		}
	}
	return out
}

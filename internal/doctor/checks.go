package doctor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/aadsts"
	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// lowRiskScopes are the delegated permissions Microsoft classifies as low
// impact by default: the ones microsoft-user-default-low lets users
// consent to (for verified-publisher or in-tenant apps).
var lowRiskScopes = []string{"User.Read", "openid", "profile", "email", "offline_access"}

const expiringWithin = 30 * 24 * time.Hour

type evaluator struct {
	f      *facts
	checks []Check
	// scopes and roles are the Graph permissions the app needs, and where
	// that list came from.
	scopes, roles []string
	source        string
}

func evaluate(f *facts) []Check {
	e := &evaluator{f: f}
	e.scopes, e.roles, e.source = f.required()
	e.tenant()
	if !f.noApp {
		e.app()
		e.enterpriseApp()
	}
	for _, u := range f.users {
		e.user(u)
	}
	e.teams()
	sortChecks(e.checks, f.o.Users)
	return e.checks
}

func definition(id string) Definition {
	for _, d := range Catalog() {
		if d.ID == id {
			return d
		}
	}
	panic("doctor: unknown check " + id)
}

func (e *evaluator) add(id, subject string, status Status, observed, why string, fix *Fix) *Check {
	d := definition(id)
	e.checks = append(e.checks, Check{ID: id, Group: d.Group, Subject: subject, Title: d.Title, Status: status,
		Observed: observed, Why: why, Fix: fix})
	return &e.checks[len(e.checks)-1]
}

// skip adds a skipped check for an unknown fact.
func skipFor[T any](e *evaluator, id, subject string, r result[T]) {
	reason, missing := r.skipReason()
	c := e.add(id, subject, Skip, reason, "", nil)
	c.MissingPermissions = missing
}

// required returns the delegated scopes and app roles the integration
// needs: the expectations, else what the app registration asks of
// Microsoft Graph.
func (f *facts) required() (scopes, roles []string, source string) {
	scopes, roles = f.exp.DelegatedScopes, f.exp.ApplicationRoles
	if len(scopes) > 0 || len(roles) > 0 {
		return scopes, roles, "expected"
	}
	if !f.app.ok() || !f.graphSP.ok() {
		return nil, nil, ""
	}
	for _, rra := range f.app.v.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, graph.MicrosoftGraphAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if ra.Type == graph.PermissionTypeScope {
				if s, ok := f.scopeByID(ra.ID); ok {
					scopes = append(scopes, s.Value)
				}
			} else if r, ok := f.roleByID(ra.ID); ok {
				roles = append(roles, r.Value)
			}
		}
	}
	return scopes, roles, "app registration"
}

func (f *facts) scopeByID(id string) (graph.PermissionScope, bool) {
	for _, s := range f.graphSP.v.OAuth2PermissionScopes {
		if strings.EqualFold(s.ID, id) {
			return s, true
		}
	}
	return graph.PermissionScope{}, false
}

func (f *facts) scope(value string) (graph.PermissionScope, bool) {
	if !f.graphSP.ok() {
		return graph.PermissionScope{}, false
	}
	for _, s := range f.graphSP.v.OAuth2PermissionScopes {
		if strings.EqualFold(s.Value, value) {
			return s, true
		}
	}
	return graph.PermissionScope{}, false
}

func (f *facts) roleByID(id string) (graph.AppRole, bool) {
	for _, r := range f.graphSP.v.AppRoles {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return graph.AppRole{}, false
}

func (f *facts) role(value string) (graph.AppRole, bool) {
	if !f.graphSP.ok() {
		return graph.AppRole{}, false
	}
	for _, r := range f.graphSP.v.AppRoles {
		if strings.EqualFold(r.Value, value) {
			return r, true
		}
	}
	return graph.AppRole{}, false
}

// appLabel names the app in commands: its appId, else the argument.
func (f *facts) appLabel() string {
	if f.appID != "" {
		return f.appID
	}
	if f.exp.App != "" {
		return f.exp.App
	}
	return "<appId>"
}

func (f *facts) appName() string {
	switch {
	case f.app.ok():
		return f.app.v.DisplayName
	case f.sp.ok():
		return f.sp.v.DisplayName
	}
	return f.appLabel()
}

// covered returns the scopes of want that grants do not cover.
func uncovered(want []string, grants []graph.DelegatedGrant, resourceID string) []string {
	var have []string
	for _, g := range grants {
		if resourceID == "" || strings.EqualFold(g.ResourceID, resourceID) {
			have = append(have, strings.Fields(g.Scope)...)
		}
	}
	var missing []string
	for _, w := range want {
		if !containsFold(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func joinOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func (e *evaluator) consentCommand(scopes []string) string {
	return fmt.Sprintf("teamsctl consent grant %s --delegated %s", e.f.appLabel(), strings.Join(scopes, ","))
}

// ---- tenant ----

func (e *evaluator) tenant() {
	f := e.f
	// User consent.
	switch {
	case !f.authz.ok():
		skipFor(e, IDUserConsent, "", f.authz)
	default:
		policies := f.authz.v.UserConsentPolicies()
		setting := describeUserConsent(policies)
		var needAdmin []string
		for _, s := range e.scopes {
			if ok, _ := e.userMayConsent(s, nil); !ok {
				needAdmin = append(needAdmin, s)
			}
		}
		var notGranted []string
		if f.grants.ok() {
			notGranted = uncovered(needAdmin, f.grants.v, f.graphSPID())
		} else {
			notGranted = needAdmin
		}
		fix := &Fix{Command: e.consentCommand(needAdmin),
			Portal:   "Entra admin center > Enterprise applications > Consent and permissions > User consent settings",
			TradeOff: "Granting admin consent for this one app is the least-privilege fix. Turning user consent on for all apps lets any user grant any app access to their data; hardened baselines (CISA ScubaGear MS.AAD.5.2) deliberately keep it off, so doctor never changes it."}
		switch {
		case len(e.scopes) == 0:
			e.add(IDUserConsent, "", Info, "Users may consent to: "+setting+". The app's permissions are unknown: pass --scopes to compare.", "", nil)
		case len(needAdmin) == 0:
			e.add(IDUserConsent, "", Pass, "Users may consent to: "+setting+"; that covers "+strings.Join(e.scopes, ", ")+".", "", nil)
		case len(notGranted) == 0:
			e.add(IDUserConsent, "", Pass, fmt.Sprintf("Users may consent to: %s. They could not consent to %s themselves, but admin consent covers them.", setting, strings.Join(needAdmin, ", ")), "", nil)
		default:
			e.add(IDUserConsent, "", Fail, fmt.Sprintf("Users may consent to: %s. Nobody has granted %s for the organisation, and users cannot consent to them themselves.", setting, strings.Join(notGranted, ", ")),
				"When a recruiter connects, Entra asks for consent the user is not allowed to give: they see \"Need admin approval\" (AADSTS90094), or \"Approval required\" with the admin consent workflow on (AADSTS90095).",
				&Fix{Command: e.consentCommand(notGranted), Portal: fix.Portal, TradeOff: fix.TradeOff})
		}
	}

	// Admin consent workflow.
	if !f.consentPolicy.ok() {
		skipFor(e, IDConsentWorkflow, "", f.consentPolicy)
	} else {
		p := f.consentPolicy.v
		portal := "Entra admin center > Enterprise applications > Consent and permissions > Admin consent settings: Users can request admin consent = Yes, and choose reviewers"
		switch {
		case p.IsEnabled && len(p.Reviewers) > 0:
			e.add(IDConsentWorkflow, "", Pass, fmt.Sprintf("On, with %d reviewer(s): users who need consent can request it (\"Approval required\").", len(p.Reviewers)), "", nil)
		case p.IsEnabled:
			e.add(IDConsentWorkflow, "", Warn, "On, but no reviewers are set: requests go nowhere.",
				"Users can send a request, but nobody is notified to approve it.", &Fix{Portal: portal})
		default:
			e.add(IDConsentWorkflow, "", Warn, "Off: a user who needs admin consent sees \"Need admin approval\" and cannot ask for it from the sign-in page.",
				"Recruiters are stuck until they find an admin some other way; the vendors' help pages list this as a common cause.",
				&Fix{Portal: portal, TradeOff: "Turning the workflow on does not let users consent; it lets them ask named reviewers (CISA MS.AAD.5.3 recommends it). doctor does not change tenant settings."})
		}
	}

	// App registration by users.
	if !f.authz.ok() {
		skipFor(e, IDAppRegistration, "", f.authz)
	} else if f.authz.v.AllowedToCreateApps {
		e.add(IDAppRegistration, "", Info, "Any user may register applications.", "", nil)
	} else {
		e.add(IDAppRegistration, "", Info, "Only admins and Application Developers may register applications (User settings > App registrations = No).",
			"Customer-registered integrations (elevato-style) must be registered by an admin: teamsctl app create with an Application Administrator sign-in. This is deliberate policy in hardened tenants (CISA MS.AAD.5.1).", nil)
	}

	// App management policy vs the secret.
	needsSecret := e.needsSecret()
	switch {
	case !f.appPolicy.ok():
		skipFor(e, IDSecretPolicy, "", f.appPolicy)
	case !needsSecret:
		e.add(IDSecretPolicy, "", Pass, "The integration needs no client secret.", "", nil)
	case !f.appPolicy.v.IsEnabled:
		e.add(IDSecretPolicy, "", Pass, "No app management policy restricts client secrets.", "", nil)
	case f.appPolicy.v.PasswordAdditionBlocked:
		e.add(IDSecretPolicy, "", Fail, "The tenant's app management policy blocks new client secrets.",
			"The vendor needs a client secret, which cannot be created here. This is a deliberate hardening (CISA MS.AAD.5.5).",
			&Fix{Note: "Ask the vendor whether it accepts a certificate instead, or request an exemption for this app (an app-specific app management policy).",
				Portal:   "Entra admin center > Enterprise applications > App management policies",
				TradeOff: "Lifting the block tenant-wide lets every app get secrets again; an app-specific policy for this app is the narrow alternative."})
	case f.appPolicy.v.MaxPasswordLifetime > 0:
		e.add(IDSecretPolicy, "", Info, fmt.Sprintf("Client secrets may live at most %d days.", int(f.appPolicy.v.MaxPasswordLifetime.Hours()/24)),
			"Secrets must be rotated before they expire; plan the hand-over to the vendor accordingly.", nil)
	default:
		e.add(IDSecretPolicy, "", Pass, "The app management policy allows client secrets.", "", nil)
	}
}

func describeUserConsent(policies []string) string {
	if len(policies) == 0 {
		return "nothing (user consent is off)"
	}
	var parts []string
	for _, p := range policies {
		switch strings.ToLower(p) {
		case UserConsentLegacy:
			parts = append(parts, "any permission that does not need an admin, for any app")
		case UserConsentLow, UserConsentRecommended:
			parts = append(parts, "low-impact permissions of verified-publisher or in-tenant apps")
		default:
			parts = append(parts, "permissions allowed by policy "+p)
		}
	}
	return strings.Join(parts, "; ")
}

const (
	UserConsentLegacy      = graph.UserConsentLegacy
	UserConsentLow         = graph.UserConsentLow
	UserConsentRecommended = graph.UserConsentRecommended
)

// userMayConsent says whether a (non-admin) user may consent to scope for
// this app under the user consent policy; roles are the user's directory
// roles (admins may consent themselves).
func (e *evaluator) userMayConsent(scope string, roles []graph.DirectoryRole) (bool, string) {
	f := e.f
	for _, r := range roles {
		if slices.Contains([]string{graph.RoleGlobalAdministrator, graph.RolePrivilegedRoleAdministrator, graph.RoleCloudApplicationAdministrator, graph.RoleApplicationAdministrator}, strings.ToLower(r.RoleTemplateID)) {
			return true, "as " + r.DisplayName
		}
	}
	info, known := f.scope(scope)
	if known && strings.EqualFold(info.Type, "Admin") {
		return false, scope + " always needs an admin"
	}
	if f.sp.ok() && f.sp.v.AppRoleAssignmentRequired {
		return false, "the app requires assignment, so users cannot consent to it"
	}
	if !f.authz.ok() {
		return false, "user consent setting unknown"
	}
	for _, p := range f.authz.v.UserConsentPolicies() {
		switch strings.ToLower(p) {
		case UserConsentLegacy:
			return true, ""
		case UserConsentLow, UserConsentRecommended:
			verified := f.sp.ok() && (f.sp.v.VerifiedPublisher != "" || strings.EqualFold(f.sp.v.AppOwnerOrganizationID, f.o.Token.TenantID))
			if f.app.ok() {
				verified = true // registered in this tenant
			}
			if containsFold(lowRiskScopes, scope) && verified {
				return true, ""
			}
		}
	}
	return false, "the user consent setting does not cover " + scope
}

func (e *evaluator) needsSecret() bool {
	if e.f.exp.NeedsSecret != nil {
		return *e.f.exp.NeedsSecret
	}
	if !e.f.app.ok() {
		return false
	}
	a := e.f.app.v
	return len(a.PasswordCredentials) > 0 || len(a.Web.RedirectURIs) > 0
}

// ---- app registration ----

func (e *evaluator) app() {
	f := e.f
	switch {
	case f.appLookup != nil:
		e.add(IDAppExists, "", Fail, f.appLookup.Error(), "doctor needs the app to check it.",
			&Fix{Note: "Give the application (client) id: doctor finds vendor apps only by appId."})
		return
	case !f.app.done || (f.app.missing != "" || (f.app.err != nil && !f.app.notFound())):
		skipFor(e, IDAppExists, "", f.app)
		for _, id := range []string{IDAppAudience, IDAppRedirectURIs, IDAppPermissions, IDAppCredentials, IDAppPublicClient} {
			skipFor(e, id, "", f.app)
		}
		return
	case f.app.notFound():
		if f.sp.ok() {
			e.add(IDAppExists, "", Info, "Not registered in this tenant: a vendor-hosted (multi-tenant) app, registered in the vendor's own tenant.",
				"Its redirect URIs, permissions and secrets are the vendor's business; this tenant only consents.", nil)
		} else {
			e.add(IDAppExists, "", Fail, "No app registration or enterprise app with appId "+f.appID+" in this tenant.",
				"Either the id is wrong, or (for a vendor app) nobody has connected or consented yet.",
				&Fix{Command: "teamsctl app create --name NAME   # for an app you register yourself", Note: "For a vendor app, check the appId in the vendor's documentation, then: " + e.consentCommand(orDefault(e.scopes, "User.Read"))})
		}
		return
	}
	a := f.app.v
	e.add(IDAppExists, "", Pass, fmt.Sprintf("%s (appId %s).", a.DisplayName, a.AppID), "", nil)

	// Audience.
	if a.SignInAudience == graph.AudienceMyOrg {
		e.add(IDAppAudience, "", Pass, "Single tenant (this directory only), as customer-registered integrations should be.", "", nil)
	} else {
		e.add(IDAppAudience, "", Info, "Sign-in audience "+a.SignInAudience+": users of other organisations can sign in too.",
			"A customer-registered integration only needs this tenant's users.", nil)
	}

	// Redirect URIs.
	e.redirectURIs(a)

	// Permissions configured.
	var missingScopes, missingRoles []string
	for _, s := range e.f.exp.DelegatedScopes {
		if !appRequests(f, a, s, graph.PermissionTypeScope) {
			missingScopes = append(missingScopes, s)
		}
	}
	for _, r := range e.f.exp.ApplicationRoles {
		if !appRequests(f, a, r, graph.PermissionTypeRole) {
			missingRoles = append(missingRoles, r)
		}
	}
	switch {
	case len(e.f.exp.DelegatedScopes)+len(e.f.exp.ApplicationRoles) == 0:
		e.add(IDAppPermissions, "", Info, "Requests: "+joinOr(append(slices.Clone(e.scopes), e.roles...), "no Microsoft Graph permissions")+". Pass --scopes to compare with what the vendor needs.", "", nil)
	case !f.graphSP.ok():
		skipFor(e, IDAppPermissions, "", f.graphSP)
	case len(missingScopes)+len(missingRoles) == 0:
		e.add(IDAppPermissions, "", Pass, "Requests every permission the integration needs.", "", nil)
	default:
		obs := "Missing from the app's API permissions:"
		if len(missingScopes) > 0 {
			obs += " delegated " + strings.Join(missingScopes, ", ")
		}
		if len(missingRoles) > 0 {
			obs += " application " + strings.Join(missingRoles, ", ")
		}
		cmd := fmt.Sprintf("teamsctl app create --name %q --app-id %s", a.DisplayName, a.AppID)
		if len(missingScopes) > 0 {
			cmd += " --delegated " + strings.Join(missingScopes, ",")
		}
		if len(missingRoles) > 0 {
			cmd += " --application " + strings.Join(missingRoles, ",")
		}
		c := e.add(IDAppPermissions, "", Fail, obs+".", "Consent covers only what the app requests; the vendor's calls for the missing permissions fail.", &Fix{Command: cmd, Automatic: true})
		c.action = &Action{Kind: ActionAddPermissions, AppObjectID: a.ID, Scopes: missingScopes, Roles: missingRoles}
	}

	// Credentials.
	e.credentials(a)

	// Public client flows.
	switch {
	case e.f.exp.NeedsPublicClient && !a.IsFallbackPublicClient:
		e.add(IDAppPublicClient, "", Fail, "\"Allow public client flows\" is off, but the integration signs in with a public client flow (device code).",
			"Entra refuses the sign-in with AADSTS7000218.",
			&Fix{Portal: "Entra admin center > App registrations > " + a.DisplayName + " > Authentication > Allow public client flows = Yes"})
	case a.IsFallbackPublicClient:
		e.add(IDAppPublicClient, "", Info, "\"Allow public client flows\" is on.", "Only needed for device code or desktop sign-ins.", nil)
	default:
		e.add(IDAppPublicClient, "", Pass, "Off, and no flow needs it.", "", nil)
	}
}

func orDefault(list []string, def string) []string {
	if len(list) == 0 {
		return []string{def}
	}
	return list
}

func appRequests(f *facts, a *graph.Application, value, kind string) bool {
	var id string
	if kind == graph.PermissionTypeScope {
		s, ok := f.scope(value)
		if !ok {
			return false
		}
		id = s.ID
	} else {
		r, ok := f.role(value)
		if !ok {
			return false
		}
		id = r.ID
	}
	for _, rra := range a.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, graph.MicrosoftGraphAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if strings.EqualFold(ra.ID, id) && ra.Type == kind {
				return true
			}
		}
	}
	return false
}

func (e *evaluator) redirectURIs(a *graph.Application) {
	have := a.Web.RedirectURIs
	want := e.f.exp.RedirectURIs
	if len(want) == 0 {
		var insecure []string
		for _, u := range have {
			if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://localhost") {
				insecure = append(insecure, u)
			}
		}
		switch {
		case len(insecure) > 0:
			e.add(IDAppRedirectURIs, "", Warn, "Not https: "+strings.Join(insecure, ", "), "Entra accepts http only for localhost.", nil)
		case len(have) == 0 && e.needsSecret():
			e.add(IDAppRedirectURIs, "", Warn, "No Web redirect URI.", "The vendor's sign-in ends with AADSTS500113 (no reply address registered).",
				&Fix{Command: fmt.Sprintf("teamsctl app create --name %q --app-id %s --redirect-uri URI", a.DisplayName, a.AppID)})
		default:
			e.add(IDAppRedirectURIs, "", Info, "Web redirect URIs: "+joinOr(have, "none")+". Pass --redirect-uri to check the vendor's.", "", nil)
		}
		return
	}
	var missing, nearMiss []string
	for _, w := range want {
		if slices.Contains(have, w) {
			continue
		}
		missing = append(missing, w)
		for _, h := range have {
			if strings.EqualFold(strings.TrimRight(h, "/"), strings.TrimRight(w, "/")) {
				nearMiss = append(nearMiss, h)
			}
		}
	}
	if len(missing) == 0 {
		e.add(IDAppRedirectURIs, "", Pass, "Has "+strings.Join(want, ", ")+" exactly.", "", nil)
		return
	}
	obs := "Missing: " + strings.Join(missing, ", ") + "."
	if len(nearMiss) > 0 {
		obs += " Registered instead (differs in case or a trailing slash): " + strings.Join(nearMiss, ", ") + "."
	} else if len(have) > 0 {
		obs += " Registered: " + strings.Join(have, ", ") + "."
	}
	cmd := fmt.Sprintf("teamsctl app create --name %q --app-id %s", a.DisplayName, a.AppID)
	for _, m := range missing {
		cmd += " --redirect-uri " + m
	}
	c := e.add(IDAppRedirectURIs, "", Fail, obs,
		"Entra compares redirect URIs exactly; the vendor's sign-in fails with AADSTS50011 (reply URL mismatch).",
		&Fix{Command: cmd, Automatic: true})
	c.action = &Action{Kind: ActionAddRedirectURIs, AppObjectID: a.ID, RedirectURIs: missing}
}

func (e *evaluator) credentials(a *graph.Application) {
	now := e.f.o.Now()
	var valid, expiring, expired []string
	describe := func(name string, end time.Time) string {
		if name == "" {
			name = "unnamed"
		}
		return fmt.Sprintf("%s (ends %s)", name, end.UTC().Format("2006-01-02"))
	}
	for _, p := range a.PasswordCredentials {
		d := "secret " + describe(p.DisplayName, p.EndDateTime)
		switch {
		case !p.EndDateTime.IsZero() && !p.EndDateTime.After(now):
			expired = append(expired, d)
		case !p.EndDateTime.IsZero() && p.EndDateTime.Sub(now) < expiringWithin:
			expiring = append(expiring, d)
		default:
			valid = append(valid, d)
		}
	}
	for _, k := range a.KeyCredentials {
		d := "certificate " + describe(k.DisplayName, k.EndDateTime)
		switch {
		case !k.EndDateTime.IsZero() && !k.EndDateTime.After(now):
			expired = append(expired, d)
		case !k.EndDateTime.IsZero() && k.EndDateTime.Sub(now) < expiringWithin:
			expiring = append(expiring, d)
		default:
			valid = append(valid, d)
		}
	}
	newSecret := &Fix{Command: fmt.Sprintf("teamsctl app create --name %q --app-id %s --secret --secret-name %s", a.DisplayName, a.AppID, "teamsctl-"+now.UTC().Format("2006-01-02")),
		Note: "Hand the new value to the vendor, then remove the old secret once the vendor uses the new one."}
	switch {
	case len(valid)+len(expiring) == 0 && len(expired) > 0:
		e.add(IDAppCredentials, "", Fail, "Every credential has expired: "+strings.Join(expired, ", ")+".",
			"The vendor's token requests fail with AADSTS7000222 (secret expired); no recruiter can connect.", newSecret)
	case len(valid)+len(expiring) == 0 && e.needsSecret():
		e.add(IDAppCredentials, "", Fail, "No client secret or certificate.", "The vendor needs a credential to redeem sign-ins (AADSTS7000218).", newSecret)
	case len(valid)+len(expiring) == 0:
		e.add(IDAppCredentials, "", Pass, "No credentials, and the integration needs none.", "", nil)
	case len(valid) == 0:
		e.add(IDAppCredentials, "", Warn, "Expiring within 30 days: "+strings.Join(expiring, ", ")+".",
			"When it expires the integration stops working for everyone.", newSecret)
	default:
		obs := "Valid: " + strings.Join(valid, ", ") + "."
		if len(expired) > 0 {
			obs += " Expired (can be removed): " + strings.Join(expired, ", ") + "."
		}
		e.add(IDAppCredentials, "", Pass, obs, "", nil)
	}
}

// ---- enterprise app ----

func (e *evaluator) enterpriseApp() {
	f := e.f
	ids := []string{IDSPEnabled, IDSPAssignment, IDSPConsent, IDSPAppPermissions}
	switch {
	case f.appID == "":
		for _, id := range append([]string{IDSPExists}, ids...) {
			e.add(id, "", Skip, "skipped: the app was not found", "", nil)
		}
		return
	case f.sp.notFound():
		what := "No enterprise app (service principal) for appId " + f.appID + ": nobody in this tenant has consented to it yet."
		c := e.add(IDSPExists, "", Fail, what, "Until an admin consents (or a user connects and consents), users cannot sign in to the app.",
			&Fix{Command: e.consentCommand(orDefault(e.scopes, "User.Read")), Automatic: len(e.scopes) > 0})
		if len(e.scopes) > 0 {
			c.action = &Action{Kind: ActionGrantConsent, AppID: f.appID, Scopes: e.scopes}
		}
		for _, id := range ids {
			e.add(id, "", Skip, "skipped: the enterprise app does not exist", "", nil)
		}
		return
	case !f.sp.ok():
		skipFor(e, IDSPExists, "", f.sp)
		for _, id := range ids {
			skipFor(e, id, "", f.sp)
		}
		return
	}
	sp := f.sp.v
	e.add(IDSPExists, "", Pass, fmt.Sprintf("%s (object id %s)%s.", sp.DisplayName, sp.ID, publisher(sp)), "", nil)

	if sp.AccountEnabled {
		e.add(IDSPEnabled, "", Pass, "Enabled for users to sign in.", "", nil)
	} else {
		c := e.add(IDSPEnabled, "", Fail, "\"Enabled for users to sign in\" is No.",
			"Every sign-in to the app fails with AADSTS7000112 (application disabled).",
			&Fix{Portal: "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Properties > Enabled for users to sign in = Yes",
				PowerShell: "Update-MgServicePrincipal -ServicePrincipalId " + sp.ID + " -AccountEnabled:$true", Automatic: true})
		c.action = &Action{Kind: ActionEnableSignIn, ServicePrincipalID: sp.ID}
	}

	// Assignment.
	switch {
	case !sp.AppRoleAssignmentRequired:
		e.add(IDSPAssignment, "", Pass, "Assignment required = No: every user of the tenant may sign in.", "", nil)
	case !f.groupAssigned.ok():
		c := e.add(IDSPAssignment, "", Info, "Assignment required = Yes: only assigned users and groups may sign in.", "", nil)
		if reason, missing := f.groupAssigned.skipReason(); f.groupAssigned.done {
			c.Observed += " Groups assigned: unknown (" + reason + ")."
			c.MissingPermissions = missing
		}
	default:
		var names []string
		for _, a := range f.groupAssigned.v {
			names = append(names, a.PrincipalDisplayName)
		}
		obs := "Assignment required = Yes: only assigned users and groups may sign in. Groups assigned: " + joinOr(names, "none") + "."
		if len(f.users) == 0 {
			obs += " Use --user to check a recruiter."
		}
		if len(names) == 0 {
			e.add(IDSPAssignment, "", Warn, obs, "Users not assigned directly get AADSTS50105 (not assigned to the app). Assigning a group of recruiters is easier to maintain.",
				&Fix{Portal: "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Users and groups > Add user/group"})
		} else {
			e.add(IDSPAssignment, "", Pass, obs, "", nil)
		}
	}

	// Tenant-wide consent.
	switch {
	case len(e.scopes) == 0:
		obs := "The required delegated permissions are unknown: pass --scopes."
		if f.grants.ok() {
			obs = "Granted for the organisation: " + joinOr(uncoveredInverse(f.grants.v, f.graphSPID()), "nothing") + ". " + obs
		}
		e.add(IDSPConsent, "", Info, obs, "", nil)
	case !f.grants.ok():
		skipFor(e, IDSPConsent, "", f.grants)
	default:
		missing := uncovered(e.scopes, f.grants.v, f.graphSPID())
		if len(missing) == 0 {
			e.add(IDSPConsent, "", Pass, "Admin consent covers "+strings.Join(e.scopes, ", ")+".", "", nil)
		} else {
			c := e.add(IDSPConsent, "", Fail, "Not granted for the organisation: "+strings.Join(missing, ", ")+".",
				"Users must consent to these themselves, which the user consent setting may not allow (then they see \"Need admin approval\").",
				&Fix{Command: e.consentCommand(missing), Automatic: true,
					Portal: "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Permissions > Grant admin consent"})
			c.action = &Action{Kind: ActionGrantConsent, AppID: f.appID, Scopes: missing}
		}
	}

	// Application permissions.
	switch {
	case len(e.roles) == 0 && e.source == "":
		e.add(IDSPAppPermissions, "", Skip, "skipped: the application permissions the integration needs are unknown (pass --application, or --scopes when it needs none)", "", nil)
	case len(e.roles) == 0:
		e.add(IDSPAppPermissions, "", Pass, "The integration needs no application permissions.", "", nil)
	case !f.appRoles.ok():
		skipFor(e, IDSPAppPermissions, "", f.appRoles)
	default:
		var missing []string
		for _, r := range e.roles {
			role, ok := f.role(r)
			if !ok || !slices.ContainsFunc(f.appRoles.v, func(a graph.AppRoleAssignment) bool { return strings.EqualFold(a.AppRoleID, role.ID) }) {
				missing = append(missing, r)
			}
		}
		if len(missing) == 0 {
			e.add(IDSPAppPermissions, "", Pass, "Granted: "+strings.Join(e.roles, ", ")+".", "", nil)
		} else {
			c := e.add(IDSPAppPermissions, "", Fail, "Not granted: "+strings.Join(missing, ", ")+".",
				"App-only calls for these fail with 403 until an admin grants them (Privileged Role Administrator or Global Administrator).",
				&Fix{Command: fmt.Sprintf("teamsctl consent grant %s --application %s", f.appID, strings.Join(missing, ",")), Automatic: true})
			c.action = &Action{Kind: ActionGrantAppRoles, AppID: f.appID, Roles: missing}
		}
	}
}

func uncoveredInverse(grants []graph.DelegatedGrant, resourceID string) []string {
	var out []string
	for _, g := range grants {
		if resourceID == "" || strings.EqualFold(g.ResourceID, resourceID) {
			out = append(out, strings.Fields(g.Scope)...)
		}
	}
	return out
}

func publisher(sp *graph.ServicePrincipal) string {
	if sp.VerifiedPublisher != "" {
		return ", verified publisher " + sp.VerifiedPublisher
	}
	return ""
}

// ---- users ----

func (e *evaluator) user(u *userFacts) {
	f := e.f
	subj := u.ref
	userIDs := []string{IDUserAssignment, IDUserToken, IDUserTeamsLicence, IDUserMailbox, IDUserCA, IDUserSignIns}
	switch {
	case u.user.notFound():
		e.add(IDUserAccount, subj, Fail, "No user "+u.ref+" in this tenant.", "Check the spelling of the UPN; guests have UPNs like name_domain#EXT#@tenant.",
			&Fix{Portal: "Entra admin center > Users > All users"})
		for _, id := range userIDs {
			e.add(id, subj, Skip, "skipped: the user does not exist", "", nil)
		}
		return
	case !u.user.ok():
		skipFor(e, IDUserAccount, subj, u.user)
	case !u.user.v.AccountEnabled:
		e.add(IDUserAccount, subj, Fail, u.user.v.DisplayName+": the account is disabled (Block sign in = Yes).",
			"Every sign-in fails with AADSTS50057 (user disabled).",
			&Fix{Portal: "Microsoft 365 admin center > Users > Active users > " + u.ref + " > Unblock sign-in",
				PowerShell: "Update-MgUser -UserId " + u.ref + " -AccountEnabled:$true"})
	default:
		kind := "member"
		if strings.EqualFold(u.user.v.UserType, "Guest") {
			kind = "guest"
		}
		e.add(IDUserAccount, subj, Pass, fmt.Sprintf("%s, enabled, %s.", u.user.v.DisplayName, kind), "", nil)
	}

	if !f.noApp {
		e.userAssignment(u)
		e.userToken(u)
	}
	e.licences(u)
	if !f.noApp {
		e.userCA(u)
		e.signIns(u)
	}
}

func (e *evaluator) userAssignment(u *userFacts) {
	f, subj := e.f, u.ref
	switch {
	case !f.sp.ok():
		e.add(IDUserAssignment, subj, Skip, "skipped: the enterprise app is unknown", "", nil)
		return
	case !f.sp.v.AppRoleAssignmentRequired:
		e.add(IDUserAssignment, subj, Pass, "Not needed: the app does not require assignment.", "", nil)
		return
	case !u.user.ok():
		skipFor(e, IDUserAssignment, subj, u.user)
		return
	case !u.direct.ok():
		skipFor(e, IDUserAssignment, subj, u.direct)
		return
	}
	if len(u.direct.v) > 0 {
		e.add(IDUserAssignment, subj, Pass, "Assigned directly.", "", nil)
		return
	}
	if !u.members.ok() || !f.groupAssigned.ok() {
		if !u.members.ok() {
			skipFor(e, IDUserAssignment, subj, u.members)
		} else {
			skipFor(e, IDUserAssignment, subj, f.groupAssigned)
		}
		return
	}
	for _, a := range f.groupAssigned.v {
		for _, g := range u.members.v.Groups {
			if strings.EqualFold(a.PrincipalID, g.ID) {
				e.add(IDUserAssignment, subj, Pass, "Assigned through group "+g.DisplayName+".", "", nil)
				return
			}
		}
	}
	c := e.add(IDUserAssignment, subj, Fail, "Not assigned, neither directly nor through any group.",
		"The app requires assignment: the sign-in fails with AADSTS50105 (user not assigned to a role for the application).",
		&Fix{Portal: "Entra admin center > Enterprise applications > " + f.sp.v.DisplayName + " > Users and groups > Add user/group",
			PowerShell: fmt.Sprintf("New-MgUserAppRoleAssignment -UserId %s -PrincipalId %s -ResourceId %s -AppRoleId %s", u.user.v.ID, u.user.v.ID, f.sp.v.ID, graph.DefaultAccessAppRoleID),
			Note:       "Assigning a group of recruiters (e.g. Recruiters) covers new colleagues too.", Automatic: true})
	c.action = &Action{Kind: ActionAssignUser, ServicePrincipalID: f.sp.v.ID, UserID: u.user.v.ID, UserUPN: u.ref, AppRoleID: defaultRole(f.sp.v)}
}

// defaultRole is the app role to assign users: the default access role
// unless the app defines user roles (then the first enabled one).
func defaultRole(sp *graph.ServicePrincipal) string {
	for _, r := range sp.AppRoles {
		if r.IsEnabled && slices.Contains(r.AllowedMemberTypes, "User") {
			return r.ID
		}
	}
	return graph.DefaultAccessAppRoleID
}

func (e *evaluator) userToken(u *userFacts) {
	f, subj := e.f, u.ref
	switch {
	case len(e.scopes) == 0:
		e.add(IDUserToken, subj, Skip, "skipped: the app's delegated permissions are unknown (pass --scopes)", "", nil)
		return
	case f.sp.notFound():
		e.userTokenVerdict(u, e.scopes, nil)
		return
	case !f.sp.ok():
		skipFor(e, IDUserToken, subj, f.sp)
		return
	case !f.grants.ok():
		skipFor(e, IDUserToken, subj, f.grants)
		return
	}
	missing := uncovered(e.scopes, f.grants.v, f.graphSPID())
	if u.grants.ok() {
		missing = uncovered(missing, u.grants.v, f.graphSPID())
	}
	if len(missing) == 0 {
		e.add(IDUserToken, subj, Pass, "Consent covers "+strings.Join(e.scopes, ", ")+": the user signs in without any prompt.", "", nil)
		return
	}
	var roles []graph.DirectoryRole
	if u.members.ok() {
		roles = u.members.v.Roles
	}
	e.userTokenVerdict(u, missing, roles)
}

func (e *evaluator) userTokenVerdict(u *userFacts, missing []string, roles []graph.DirectoryRole) {
	f, subj := e.f, u.ref
	var blocked, reasons []string
	for _, s := range missing {
		if ok, why := e.userMayConsent(s, roles); !ok {
			blocked = append(blocked, s)
			if why != "" && !slices.Contains(reasons, why) {
				reasons = append(reasons, why)
			}
		}
	}
	if len(blocked) == 0 {
		e.add(IDUserToken, subj, Warn, "Not consented yet: "+strings.Join(missing, ", ")+". The user may consent to them on first connection.",
			"Each recruiter sees a consent prompt once; admin consent avoids it.", &Fix{Command: e.consentCommand(missing), Automatic: true})
		e.checks[len(e.checks)-1].action = &Action{Kind: ActionGrantConsent, AppID: f.appID, Scopes: missing}
		return
	}
	code := "AADSTS90094 \"Need admin approval\""
	if f.consentPolicy.ok() && f.consentPolicy.v.IsEnabled {
		code = "AADSTS90095 \"Approval required\" (the user can send a request to the reviewers)"
	}
	c := e.add(IDUserToken, subj, Fail, fmt.Sprintf("Needs admin consent for %s (%s).", strings.Join(blocked, ", "), strings.Join(reasons, "; ")),
		"Connecting the integration stops at "+code+"; the user cannot get a token without an admin.",
		&Fix{Command: e.consentCommand(blocked), Automatic: true,
			TradeOff: "This grants consent for this app only. Allowing user consent tenant-wide would also work but weakens every app's protection; doctor never changes it."})
	c.action = &Action{Kind: ActionGrantConsent, AppID: f.appID, Scopes: missing}
}

func (e *evaluator) licences(u *userFacts) {
	subj := u.ref
	if !u.licences.ok() {
		skipFor(e, IDUserTeamsLicence, subj, u.licences)
		skipFor(e, IDUserMailbox, subj, u.licences)
		return
	}
	subject := causes.Subject{AppID: e.f.appID, User: u.ref}
	if u.user.ok() {
		subject.UserID = u.user.v.ID
	}
	teams, teamsState := plan(u.licences.v, func(p graph.ServicePlan) bool {
		return strings.EqualFold(p.ServicePlanName, "TEAMS1") || strings.EqualFold(p.ServicePlanID, "57ff2da0-773e-42df-b2af-ffb7a2317929")
	})
	switch {
	case teams != "" && strings.EqualFold(teamsState, "Success"):
		e.add(IDUserTeamsLicence, subj, Pass, "Microsoft Teams enabled ("+teams+").", "", nil)
	default:
		cause, _ := causes.Lookup(causes.TeamsLicenceMissing)
		cause = cause.With(subject)
		obs := "No licence with Microsoft Teams enabled (licences: " + joinOr(skus(u.licences.v), "none") + ")."
		if teams != "" {
			obs = "Microsoft Teams is in " + teams + " but its status is " + teamsState + "."
		}
		e.add(IDUserTeamsLicence, subj, Fail, obs, cause.Why, causeFix(cause))
	}
	mailbox, mbState := plan(u.licences.v, func(p graph.ServicePlan) bool {
		return strings.HasPrefix(strings.ToUpper(p.ServicePlanName), "EXCHANGE_S_")
	})
	if mailbox != "" && strings.EqualFold(mbState, "Success") {
		e.add(IDUserMailbox, subj, Pass, "Exchange Online enabled ("+mailbox+").", "", nil)
		return
	}
	cause, _ := causes.Lookup(causes.MailboxMissing)
	cause = cause.With(subject)
	obs := "No licence with Exchange Online enabled (licences: " + joinOr(skus(u.licences.v), "none") + ")."
	if e.needsMailbox() {
		e.add(IDUserMailbox, subj, Fail, obs, cause.Why, causeFix(cause))
		return
	}
	e.add(IDUserMailbox, subj, Warn, obs, cause.Why, causeFix(cause))
}

func (e *evaluator) needsMailbox() bool {
	if e.f.exp.MeetingKind == "event" {
		return true
	}
	for _, s := range append(slices.Clone(e.scopes), e.roles...) {
		l := strings.ToLower(s)
		if strings.HasPrefix(l, "calendars.") || strings.HasPrefix(l, "mail.") {
			return true
		}
	}
	return false
}

func plan(ls []graph.LicenseDetail, match func(graph.ServicePlan) bool) (sku, state string) {
	for _, l := range ls {
		for _, p := range l.ServicePlans {
			if match(p) {
				if sku == "" || strings.EqualFold(p.ProvisioningStatus, "Success") {
					sku, state = l.SkuPartNumber, p.ProvisioningStatus
				}
			}
		}
	}
	return sku, state
}

func skus(ls []graph.LicenseDetail) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.SkuPartNumber)
	}
	return out
}

func causeFix(c causes.Cause) *Fix {
	return &Fix{Command: c.Fix.Command, Portal: c.Fix.Portal, PowerShell: c.Fix.PowerShell, Note: c.Fix.Note}
}

func (e *evaluator) userCA(u *userFacts) {
	f, subj := e.f, u.ref
	var applied []graph.ConditionalAccessPolicy
	method := "What If evaluation"
	switch {
	case u.whatIf.ok():
		for _, r := range u.whatIf.v {
			if r.Applies {
				applied = append(applied, r.Policy)
			}
		}
	case f.caPolicies.ok() && u.user.ok() && u.members.ok():
		method = "local evaluation (What If unavailable)"
		applied = localCA(f.caPolicies.v, u.user.v, u.members.v, f.appID)
	case !u.user.ok():
		skipFor(e, IDUserCA, subj, u.user)
		return
	case !f.caPolicies.ok():
		skipFor(e, IDUserCA, subj, f.caPolicies)
		return
	default:
		skipFor(e, IDUserCA, subj, u.members)
		return
	}
	var block, device, mfa, reportOnly []string
	for _, p := range applied {
		name := p.DisplayName
		switch {
		case p.State == graph.CAStateReportOnly:
			reportOnly = append(reportOnly, name)
		case p.State != graph.CAStateEnabled:
		case slices.Contains(p.BuiltInControls, graph.CAControlBlock):
			block = append(block, name)
		case slices.Contains(p.BuiltInControls, graph.CAControlCompliant) || slices.Contains(p.BuiltInControls, graph.CAControlDomainJoined):
			device = append(device, name)
		case slices.Contains(p.BuiltInControls, graph.CAControlMFA):
			mfa = append(mfa, name)
		}
	}
	obs := fmt.Sprintf("By %s for a browser sign-in: ", method)
	var parts []string
	if len(block) > 0 {
		parts = append(parts, "blocked by "+strings.Join(block, ", "))
	}
	if len(device) > 0 {
		parts = append(parts, "managed device required by "+strings.Join(device, ", "))
	}
	if len(mfa) > 0 {
		parts = append(parts, "MFA required by "+strings.Join(mfa, ", "))
	}
	if len(reportOnly) > 0 {
		parts = append(parts, "report-only (not enforced): "+strings.Join(reportOnly, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "no policy applies")
	}
	obs += strings.Join(parts, "; ") + "."
	caPortal := "Entra admin center > Protection > Conditional Access > Policies"
	tradeOff := "Conditional Access is deliberate security policy: doctor never changes it. Prefer a narrow exclusion (a group of recruiters, this one app) reviewed by whoever owns the policy over disabling it."
	switch {
	case len(block) > 0:
		why := "The sign-in fails with AADSTS53003 (blocked by Conditional Access)."
		if u.user.ok() && strings.EqualFold(u.user.v.UserType, "Guest") {
			why += " Guests are blocked on purpose here; recruiters should connect with a member account of this tenant."
		}
		e.add(IDUserCA, subj, Fail, obs, why, &Fix{Portal: caPortal + " > " + block[0] + " > Users or Target resources: exclude the user or app if the block is not intended", TradeOff: tradeOff})
	case len(device) > 0:
		e.add(IDUserCA, subj, Warn, obs, "From an unmanaged device the sign-in fails with AADSTS53000 (device not compliant).", &Fix{Portal: caPortal, TradeOff: tradeOff})
	default:
		e.add(IDUserCA, subj, Pass, obs, "", nil)
	}
}

// localCA evaluates Conditional Access policies for a browser sign-in of
// user to appID from the user's memberships: users, groups, roles, guests,
// applications and client app types. Disabled policies never apply.
func localCA(policies []graph.ConditionalAccessPolicy, user *graph.UserDetail, m *graph.Memberships, appID string) []graph.ConditionalAccessPolicy {
	guest := strings.EqualFold(user.UserType, "Guest")
	inUsers := func(ids []string) bool {
		for _, id := range ids {
			if strings.EqualFold(id, "All") || strings.EqualFold(id, user.ID) || (guest && strings.EqualFold(id, graph.CAGuestsOrExternalUsers)) {
				return true
			}
		}
		return false
	}
	inGroups := func(ids []string) bool {
		return slices.ContainsFunc(m.Groups, func(g graph.Group) bool { return containsFold(ids, g.ID) })
	}
	inRoles := func(ids []string) bool {
		return slices.ContainsFunc(m.Roles, func(r graph.DirectoryRole) bool { return containsFold(ids, r.RoleTemplateID) })
	}
	var out []graph.ConditionalAccessPolicy
	for _, p := range policies {
		if p.State == graph.CAStateDisabled {
			continue
		}
		if !(inUsers(p.IncludeUsers) || inGroups(p.IncludeGroups) || inRoles(p.IncludeRoles)) {
			continue
		}
		if inUsers(p.ExcludeUsers) || inGroups(p.ExcludeGroups) || inRoles(p.ExcludeRoles) {
			continue
		}
		if !(containsFold(p.IncludeApplications, "All") || containsFold(p.IncludeApplications, appID)) || containsFold(p.ExcludeApplications, appID) {
			continue
		}
		if len(p.ClientAppTypes) > 0 && !containsFold(p.ClientAppTypes, "all") && !containsFold(p.ClientAppTypes, "browser") {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (e *evaluator) signIns(u *userFacts) {
	subj := u.ref
	if !u.signIns.ok() {
		skipFor(e, IDUserSignIns, subj, u.signIns)
		return
	}
	if len(u.signIns.v) == 0 {
		e.add(IDUserSignIns, subj, Pass, "No sign-ins to this app in the log.", "", nil)
		return
	}
	var failures []string
	seen := map[int]bool{}
	var fixes []string
	for _, s := range u.signIns.v {
		if s.ErrorCode == 0 || seen[s.ErrorCode] {
			continue
		}
		seen[s.ErrorCode] = true
		text := fmt.Sprintf("AADSTS%d", s.ErrorCode)
		if entry, ok := aadsts.Explain(s.ErrorCode, aadsts.Context{ClientID: e.f.appID}); ok {
			text += ": " + entry.Summary
			if entry.Fix != "" {
				fixes = append(fixes, fmt.Sprintf("AADSTS%d: %s", s.ErrorCode, entry.Fix))
			}
		} else if s.FailureReason != "" {
			text += ": " + s.FailureReason
		}
		failures = append(failures, fmt.Sprintf("%s (last %s)", text, s.CreatedDateTime.UTC().Format("2006-01-02 15:04")))
	}
	latest := u.signIns.v[0]
	switch {
	case len(failures) == 0:
		e.add(IDUserSignIns, subj, Pass, fmt.Sprintf("%d recent sign-in(s), none failed.", len(u.signIns.v)), "", nil)
	case latest.ErrorCode == 0:
		e.add(IDUserSignIns, subj, Pass, "The latest sign-in succeeded. Earlier failures: "+strings.Join(failures, "; ")+".", "", nil)
	default:
		e.add(IDUserSignIns, subj, Warn, "Recent failed sign-ins: "+strings.Join(failures, "; ")+".",
			"These are what the user saw; the checks above say whether the cause is still there.",
			&Fix{Note: strings.Join(fixes, "\n")})
	}
}

// ---- Teams ----

func (e *evaluator) teams() {
	subject := causes.Subject{AppID: e.f.appLabel()}
	if len(e.f.users) == 1 && e.f.users[0].user.ok() {
		subject.UserID, subject.User = e.f.users[0].user.v.ID, e.f.users[0].ref
	}
	var appOnlyMeetings bool
	for _, r := range e.roles {
		if strings.HasPrefix(strings.ToLower(r), "onlinemeetings.") || strings.HasPrefix(strings.ToLower(r), "calendars.") {
			appOnlyMeetings = true
		}
	}
	switch {
	case e.source == "":
		e.add(IDTeamsAccessPolicy, "", Skip, "skipped: the integration's permissions are unknown (give the APP, and --scopes or --application for a vendor app)", "", nil)
	case appOnlyMeetings:
		cause, _ := causes.Lookup(causes.TeamsAccessPolicyAbsent)
		cause = cause.With(subject)
		e.add(IDTeamsAccessPolicy, "", Info, "The integration creates meetings with application permissions ("+strings.Join(e.roles, ", ")+"): Teams also needs an application access policy naming the app, which Graph cannot read. Verify with: teamsctl meeting test --as app",
			cause.Why, causeFix(cause))
	default:
		e.add(IDTeamsAccessPolicy, "", Pass, "Not needed: the integration uses delegated permissions (meetings are created as the signed-in recruiter).", "", nil)
	}
	cause, _ := causes.Lookup(causes.MeetingPolicyLobby)
	cause = cause.With(subject)
	e.add(IDTeamsMeetingPolicy, "", Info, "Graph cannot read meeting policies. Check them if candidates must join or start meetings without the organiser.", cause.Why, causeFix(cause))
}

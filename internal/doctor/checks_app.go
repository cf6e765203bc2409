package doctor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "App registration" group: existence, audience, redirect
// URIs, requested permissions, credentials and public client flows.

const expiringWithin = 30 * 24 * time.Hour

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
		} else if f.sp.notFound() && e.problem(IDSPExists, "") == nil {
			// Users create the enterprise app by consenting.
			e.add(IDAppExists, "", Info, "Not registered in this tenant: a vendor-hosted (multi-tenant) app, registered in the vendor's own tenant.",
				"Its redirect URIs, permissions and secrets are the vendor's business; this tenant only consents.", nil)
		} else if root := e.problem(IDSPExists, ""); root != nil {
			// Not registered here is normal for a vendor's app; the
			// missing enterprise app is what stops sign-ins.
			e.downstream(IDAppExists, "", root, "Not registered in this tenant (a vendor's app is registered in the vendor's tenant).", "")
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
	// Ids Microsoft Graph does not publish are named, never dropped: nobody
	// can consent to them.
	var unknownText string
	unknown := f.unknownRequired()
	for _, u := range unknown {
		unknownText += " It also requires an " + u.String() + "."
	}
	unknownFix := &Fix{Portal: "Entra admin center > App registrations > " + a.DisplayName + " > API permissions: correct or remove it",
		Note: "Ask the vendor which permission they meant; teamsctl app show " + a.AppID + " lists what the app requires."}
	const unknownWhy = "Consent cannot cover a permission Microsoft Graph does not publish: granting the app's permissions leaves it out, and a sign-in that asks for it fails."
	switch {
	case len(e.f.exp.DelegatedScopes)+len(e.f.exp.ApplicationRoles) == 0 && len(unknown) > 0:
		e.add(IDAppPermissions, "", Warn, "Requests: "+joinOr(append(slices.Clone(e.scopes), e.roles...), "no Microsoft Graph permissions")+"."+unknownText, unknownWhy, unknownFix)
	case len(e.f.exp.DelegatedScopes)+len(e.f.exp.ApplicationRoles) == 0:
		e.add(IDAppPermissions, "", Info, "Requests: "+joinOr(append(slices.Clone(e.scopes), e.roles...), "no Microsoft Graph permissions")+". Pass --scopes to compare with what the vendor needs.", "", nil)
	case !f.graphSP.ok():
		skipFor(e, IDAppPermissions, "", f.graphSP)
	case len(missingScopes)+len(missingRoles) == 0 && len(unknown) > 0:
		e.add(IDAppPermissions, "", Warn, "Requests every permission the integration needs."+unknownText, unknownWhy, unknownFix)
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
		c := e.add(IDAppPermissions, "", Fail, obs+"."+unknownText, "Consent covers only what the app requests; the vendor's calls for the missing permissions fail.", &Fix{Command: cmd, Automatic: true})
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
	// Without the customer's instance, the registered URIs say which
	// instance the app was set up for; failing that, the vendor's
	// default instance is expected.
	onDefault := false
	if ir := e.f.exp.InstanceRedirects; len(want) == 0 && ir != nil && ir.Match != nil {
		if want = ir.Match(have); len(want) == 0 {
			want, onDefault = ir.Default, true
		}
		if len(want) == 0 {
			example := strings.Join(ir.Example, " ")
			e.add(IDAppRedirectURIs, "", Fail, "No redirect URI of the form "+strings.Join(ir.Templates, ", ")+" is registered. Registered: "+joinOr(have, "none")+".",
				"Entra compares redirect URIs exactly; the vendor's sign-in fails with AADSTS50011 (reply URL mismatch) or AADSTS500113 (no reply address).",
				&Fix{Command: "teamsctl app redirect add " + a.AppID + " " + example,
					Note:   "Put your own instance in place of the example, or run doctor with --instance URL to check one.",
					Portal: "Entra admin center > App registrations > " + a.DisplayName + " > Authentication > Web > Add URI"})
			return
		}
	}
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
				&Fix{Command: "teamsctl app redirect add " + a.AppID + " URI   # the vendor's redirect URI",
					Portal: "Entra admin center > App registrations > " + a.DisplayName + " > Authentication > Web > Add URI"})
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
	fix := &Fix{Command: "teamsctl app redirect add " + a.AppID + " " + strings.Join(missing, " "), Automatic: true,
		Portal: "Entra admin center > App registrations > " + a.DisplayName + " > Authentication > Web > Add URI"}
	if onDefault {
		obs += " No registered URI is on an instance of the vendor's, so the vendor's default instance is expected."
		fix.Note = "If your instance has its own address, add that one instead (teamsctl app redirect add " + a.AppID + " " + strings.Join(e.f.exp.InstanceRedirects.Example, " ") + "), or run doctor with --instance URL."
	}
	c := e.add(IDAppRedirectURIs, "", Fail, obs,
		"Entra compares redirect URIs exactly; the vendor's sign-in fails with AADSTS50011 (reply URL mismatch).", fix)
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
	newSecret := &Fix{Command: fmt.Sprintf("teamsctl app secret add %s --name %s", a.AppID, "teamsctl-"+now.UTC().Format("2006-01-02")),
		Portal: "Entra admin center > App registrations > " + a.DisplayName + " > Certificates & secrets > New client secret",
		Note:   "Hand the new value to the vendor, then remove the old secret once the vendor uses the new one."}
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

package doctor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "Tenant" group: user consent, the admin consent workflow,
// who may register apps, and the app management policy.

// lowRiskScopes are the delegated permissions Microsoft classifies as low
// impact by default: the ones microsoft-user-default-low lets users
// consent to (for verified-publisher or in-tenant apps).
var lowRiskScopes = []string{"User.Read", "openid", "profile", "email", "offline_access"}

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
			obs := fmt.Sprintf("Users may consent to: %s. Nobody has granted %s for the organisation, and users cannot consent to them themselves.", setting, strings.Join(notGranted, ", "))
			why := "When a recruiter connects, Entra asks for consent the user is not allowed to give: they see \"Need admin approval\" (AADSTS90094), or \"Approval required\" with the admin consent workflow on (AADSTS90095)."
			// The setting is not at fault when the app's missing admin
			// consent (or its missing enterprise app) is: that check
			// carries the fix.
			if root := cmp.Or(e.problem(IDSPConsent, ""), e.problem(IDSPExists, "")); root != nil {
				e.downstream(IDUserConsent, "", root, obs, why)
				break
			}
			if !f.grants.ok() {
				obs = fmt.Sprintf("Users may consent to: %s. Users cannot consent to %s themselves, and whether an admin has is unknown.", setting, strings.Join(notGranted, ", "))
			}
			e.add(IDUserConsent, "", Fail, obs, why, &Fix{Command: e.consentCommand(notGranted), Portal: fix.Portal, TradeOff: fix.TradeOff})
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

// licensing reports Entra ID P1/P2 and security defaults: without P1
// there is no Conditional Access, no group-based app assignment and no
// sign-in log through Graph; security defaults then protect sign-ins.
func (e *evaluator) licensing() {
	f := e.f
	has, known := f.premium()
	switch {
	case !known:
		skipFor(e, IDEntraPremium, "", f.skus)
	case has:
		e.add(IDEntraPremium, "", Pass, "Entra ID P1 or P2 through "+graph.EntraIDPremium(f.skus.v)+": Conditional Access, group-based app assignment and the sign-in log are available.", "", nil)
	default:
		var subs []string
		for _, s := range f.skus.v {
			subs = append(subs, s.SkuPartNumber)
		}
		e.add(IDEntraPremium, "", Info, "No Entra ID P1 or P2 (subscriptions: "+joinOr(subs, "none")+").",
			"Without P1 the tenant has no Conditional Access, assigning a group to an app gives its members no access (assign recruiters as users), and Graph does not serve the sign-in log. Most small businesses are in this position; teamsctl works with it.",
			&Fix{Note: "Microsoft 365 Business Premium, E3 and E5 include Entra ID P1, as does the Entra ID P1 add-on; buy one only if you want these features."})
	}
	switch {
	case !f.secDefaults.ok():
		skipFor(e, IDSecurityDefaults, "", f.secDefaults)
	case f.secDefaults.v:
		e.add(IDSecurityDefaults, "", Info, "On: every user must register for multi-factor authentication, administrators always use it, and legacy authentication (IMAP, POP, SMTP AUTH, password sign-ins) is blocked.",
			"Recruiters connect the integration in a browser, which can do MFA: expect an MFA registration prompt at the first sign-in (a user who has not registered gets AADSTS50079). An integration that signs in with a user's password fails (AADSTS50076, AADSTS530035).",
			&Fix{Portal: "Entra admin center > Identity > Overview > Properties > Manage security defaults",
				TradeOff: "Security defaults are the only sign-in protection a tenant without Entra ID P1 has; keep them on and have recruiters register MFA (https://aka.ms/mfasetup)."})
	case has:
		e.add(IDSecurityDefaults, "", Pass, "Off; Conditional Access protects sign-ins instead.", "", nil)
	default:
		e.add(IDSecurityDefaults, "", Pass, "Off.", "", nil)
	}
}

// rooms informs, for an integration that lists the tenant's meeting
// rooms, where rooms come from.
func (e *evaluator) rooms() {
	if !e.f.exp.NeedsRooms {
		return
	}
	e.add(IDRooms, "", Info, "The integration lists the tenant's meeting rooms: each room must be a room mailbox (doctor does not list them).",
		"Rooms that are only calendars or shared mailboxes are not offered to recruiters; Microsoft Graph lists room mailboxes as places (GET /places/microsoft.graph.room).",
		&Fix{Portal: "Exchange admin center > Recipients > Resources: each meeting room as a room mailbox, in a room list if the vendor groups them",
			PowerShell: "Get-EXOMailbox -RecipientTypeDetails RoomMailbox"})
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
			if !containsFold(lowRiskScopes, scope) {
				continue
			}
			switch verified, known := e.publisherVerified(); {
			case verified:
				return true, ""
			case !known:
				return false, "users may consent to " + scope + " only if " + f.appName() + "'s publisher is verified, which doctor cannot see before its enterprise app exists (a preset's verifiedPublisher says so)"
			}
		}
	}
	return false, "the user consent setting does not cover " + scope
}

// publisherVerified says whether the low-impact user consent policy
// covers the app as Entra decides it: an app from a verified publisher, or
// one registered in this tenant. Before the enterprise app exists, Entra
// looks at the vendor's app registration, which this tenant cannot read:
// the expectations (a preset's verifiedPublisher) say it, else it is
// unknown.
func (e *evaluator) publisherVerified() (verified, known bool) {
	f := e.f
	switch {
	case f.app.ok():
		return true, true // registered in this tenant
	case f.sp.ok():
		return f.sp.v.VerifiedPublisher != "" || strings.EqualFold(f.sp.v.AppOwnerOrganizationID, f.o.Token.TenantID), true
	case f.exp.VerifiedPublisher != "":
		return true, true
	}
	return false, false
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

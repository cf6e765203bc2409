package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Checks of the "Enterprise app" group: the service principal, sign-in
// enabled, assignment, admin consent and application permissions.

func (e *evaluator) enterpriseApp() {
	f := e.f
	ids := []string{IDSPEnabled, IDSPAssignment, IDSPConsent, IDSPAppPermissions}
	switch {
	case f.appID == "":
		for _, id := range append([]string{IDSPExists}, ids...) {
			e.add(id, "", Skip, "skipped: the app was not found", "", nil)
		}
		return
	case f.sp.notFound() && e.usersMayConsentAll():
		// The first recruiter to connect consents and so creates it.
		e.add(IDSPExists, "", Info, "No enterprise app for appId "+f.appID+" yet: the first recruiter who connects consents to "+strings.Join(e.scopes, ", ")+" and so creates it.",
			"Users may consent to these permissions of this app themselves; each recruiter sees a consent prompt once.",
			&Fix{Command: e.consentCommand(e.scopes), Note: "Optional: admin consent creates it now and spares recruiters the prompt."})
		for _, id := range ids {
			e.add(id, "", Skip, "skipped: the enterprise app does not exist yet", "", nil)
		}
		return
	case f.sp.notFound() && f.exp.UserConsent:
		// Expected: consent is left to each user, and the first consent
		// creates it. Whether users may give it is tenant.user-consent.
		e.add(IDSPExists, "", Info, "No enterprise app for appId "+f.appID+" yet: consent is left to each user, and the first user's consent creates it.", "", nil)
		for _, id := range ids {
			e.add(id, "", Skip, "skipped: the enterprise app does not exist yet", "", nil)
		}
		return
	case f.sp.notFound():
		what := "No enterprise app (service principal) for appId " + f.appID + ": nobody in this tenant has consented to it yet."
		c := e.add(IDSPExists, "", Fail, what, "Until an admin consents (or a user connects and consents), users cannot sign in to the app.",
			&Fix{Command: e.consentCommand(orDefault(e.scopes, "User.Read")), Automatic: len(e.scopes) > 0,
				Note: "Check the appId against the vendor's documentation first. For an app this tenant registers itself, create it instead: teamsctl app create --name NAME"})
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
			&Fix{Command: "teamsctl app access " + f.appID + " --sign-in-enabled=true",
				Portal:     "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Properties > Enabled for users to sign in = Yes",
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
		if has, known := f.premium(); known && !has && len(names) > 0 {
			e.add(IDSPAssignment, "", Warn, obs+" But group-based assignment needs Microsoft Entra ID P1 or P2, which this tenant does not have: the groups' members cannot sign in.",
				"Their sign-ins fail with AADSTS50105 (not assigned to the app), as if the groups were not assigned.",
				&Fix{Command: "teamsctl app assign " + f.appID + " --group " + quoteArg(names[0]) + " --as-users",
					Note: "This assigns the group's direct members as users; colleagues who join later need assigning too (or Entra ID P1, with which the group works as it is)."})
			break
		}
		if len(names) == 0 {
			e.add(IDSPAssignment, "", Warn, obs, "Users not assigned directly get AADSTS50105 (not assigned to the app). Assigning a group of recruiters is easier to maintain.",
				&Fix{Command: "teamsctl app assign " + f.appID + " --group NAME   # the recruiters' group",
					Portal: "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Users and groups > Add user/group"})
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
			fix := &Fix{Command: e.consentCommand(missing), Automatic: true,
				Portal: "Entra admin center > Enterprise applications > " + sp.DisplayName + " > Permissions > Grant admin consent",
				Note:   "To let in only some recruiters first (a trial), grant them one by one: " + e.consentCommand(missing) + " --user UPN"}
			var blocked, reasons []string
			for _, s := range missing {
				if ok, why := e.userMayConsent(s, nil); !ok {
					blocked = append(blocked, s)
					if why != "" && !slices.Contains(reasons, why) {
						reasons = append(reasons, why)
					}
				}
			}
			obs := "Not granted for the organisation: " + strings.Join(missing, ", ") + "."
			var c *Check
			if len(blocked) == 0 {
				c = e.add(IDSPConsent, "", Warn, obs+" Users may consent to them themselves.",
					"Each recruiter sees a consent prompt when first connecting; admin consent for this app avoids it.", fix)
			} else {
				c = e.add(IDSPConsent, "", Fail, obs+" Users cannot consent to "+strings.Join(blocked, ", ")+" themselves ("+strings.Join(reasons, "; ")+").",
					"Until an admin consents, recruiters stop at \"Need admin approval\" (AADSTS90094), or \"Approval required\" with the admin consent workflow on (AADSTS90095).", fix)
			}
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

// usersMayConsentAll says whether a user without an admin role may consent
// to every delegated permission the app needs (none needs an admin).
func (e *evaluator) usersMayConsentAll() bool {
	if len(e.scopes) == 0 || len(e.roles) > 0 {
		return false
	}
	for _, s := range e.scopes {
		if ok, _ := e.userMayConsent(s, nil); !ok {
			return false
		}
	}
	return true
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

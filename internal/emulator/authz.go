package emulator

import (
	"net/http"
	"strings"
)

// Graph authorization: every route names the delegated scopes (any of) and
// application roles (any of) Microsoft documents for it, and for delegated
// writes the directory roles Entra additionally requires of the signed-in
// user (a delegated token only ever carries the intersection of the app's
// permission and the user's own privileges). Sources: graph.md sections
// 1-9 and the per-API permission tables of the Graph docs; entries marked
// "unverified" are the most plausible reading where the docs are silent.

// authzRule is one row of the authorization table.
type authzRule struct {
	Method, Pattern string
	Delegated       []string
	Application     []string
	// SelfDelegated are further scopes that suffice when the call is about
	// the signed-in user (/me/..., or /users/{own id or UPN}/...).
	SelfDelegated []string
	// SelfOnly refuses delegated calls about anybody but the signed-in user
	// (calendars and meetings of other users need their own sharing model,
	// which Graph does not grant through scopes).
	SelfOnly bool
	// AdminRoles: a delegated caller must hold one of these directory roles
	// unless Exemption applies.
	AdminRoles []string
	Exemption  exemption
	// Denied replaces the directory 403 for workloads with their own error
	// bodies (Outlook, Teams, Conditional Access, audit logs).
	Denied *deniedError
	// RoleDenied replaces the directory 403 when the token has the scope
	// but the signed-in user lacks the directory role.
	RoleDenied *deniedError
}

// exemption names an alternative to AdminRoles for delegated callers.
type exemption int

const (
	exemptNone exemption = iota
	// exemptAppOwner: owners of the application (or of the service
	// principal's backing application) may manage it.
	exemptAppOwner
	// exemptCreateApps: any user may register applications when the
	// authorization policy allows it, and Application Developers always may.
	exemptCreateApps
)

type deniedError struct {
	Status        int
	Code, Message string
}

// Permission sets shared by several routes.
var (
	dirRead       = []string{"Directory.Read.All", "Directory.ReadWrite.All"}
	dirReadAsUser = append([]string{"Directory.AccessAsUser.All"}, dirRead...)

	appReadDelegated = append([]string{"Application.Read.All", "Application.ReadWrite.All"}, dirReadAsUser...)
	appReadApp       = append([]string{"Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"}, dirRead...)
	// Directory.ReadWrite.All cannot create or delete applications (Graph
	// docs list only Application.ReadWrite.* for applications).
	appWriteDelegated = []string{"Application.ReadWrite.All", "Directory.AccessAsUser.All"}
	appWriteApp       = []string{"Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"}
	spWriteDelegated  = []string{"Application.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"}
	spWriteApp        = []string{"Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.ReadWrite.All"}

	grantRead       = []string{"DelegatedPermissionGrant.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"}
	grantWrite      = []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"}
	assignmentRead  = append([]string{"Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"}, dirReadAsUser...)
	assignmentWrite = []string{"AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"}

	userReadDelegated = append([]string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"}, dirReadAsUser...)
	userReadApp       = append([]string{"User.Read.All", "User.ReadWrite.All"}, dirRead...)
	userSelf          = []string{"User.Read", "User.ReadWrite"}
	memberRead        = append([]string{"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All"}, dirReadAsUser...)
	memberReadApp     = append([]string{"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All"}, dirRead...)
	roleRead          = append([]string{"RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory"}, dirReadAsUser...)
	orgRead           = append([]string{"Organization.Read.All", "Organization.ReadWrite.All"}, dirRead...)
	skuRead           = append([]string{"LicenseAssignment.Read.All"}, orgRead...)

	caRead     = []string{"Policy.Read.All", "Policy.Read.ConditionalAccess", "Policy.ReadWrite.ConditionalAccess"}
	caEvaluate = []string{"Policy.Read.ConditionalAccess", "Policy.Read.All"}
	auditRead  = []string{"AuditLog.Read.All"}

	meetingsWrite    = []string{"OnlineMeetings.ReadWrite"}
	meetingsRead     = []string{"OnlineMeetings.Read", "OnlineMeetings.ReadWrite"}
	meetingsWriteApp = []string{"OnlineMeetings.ReadWrite.All"}
	meetingsReadApp  = []string{"OnlineMeetings.Read.All", "OnlineMeetings.ReadWrite.All"}
	calendarsWrite   = []string{"Calendars.ReadWrite"}
	calendarsRead    = []string{"Calendars.Read", "Calendars.ReadWrite"}

	// The appConsent API's pages ("List appConsentRequests" and siblings).
	consentRequestRead  = []string{"ConsentRequest.Read.All", "ConsentRequest.ReadWrite.All"}
	consentRequestWrite = []string{"ConsentRequest.ReadWrite.All"}
)

// Directory role sets.
var (
	appManagerRoles = []string{RoleGlobalAdministrator, RoleApplicationAdministrator, RoleCloudApplicationAdministrator}
	// Tenant-wide delegated consent (oauth2PermissionGrants) needs one of
	// these.
	consentRoles = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator, RoleCloudApplicationAdministrator, RoleApplicationAdministrator}
	// Granting Microsoft Graph application permissions needs more: Cloud
	// Application and Application Administrators cannot (entra-docs
	// grant-admin-consent). Checked in the handler, which knows the target.
	graphAppRoleGrantRoles = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator}
	policyAdminRoles       = []string{RoleGlobalAdministrator, RolePrivilegedRoleAdministrator}
	// Reading Conditional Access and sign-in logs needs a reader role for
	// delegated callers (unverified for the exact list).
	securityReaderRoles = []string{RoleGlobalAdministrator, RoleGlobalReader, RoleSecurityReader, RoleSecurityAdministrator, RoleConditionalAccessAdministrator}
	// Reading the admin consent workflow's requests: "Role and delegated
	// permission authorization checks" of the appConsent API overview
	// (learn.microsoft.com/graph/api/resources/consentrequests-overview).
	consentRequestReaders = []string{RoleGlobalAdministrator, RoleGlobalReader, RoleCloudApplicationAdministrator, RoleApplicationAdministrator}
	// Deciding them: reviewers must hold one of these roles ("Configure
	// the admin consent workflow", learn.microsoft.com/entra/identity/
	// enterprise-apps/configure-admin-consent-workflow); the emulator does
	// not evaluate the policy's reviewer queries.
	consentRequestReviewers = []string{RoleGlobalAdministrator, RoleCloudApplicationAdministrator, RoleApplicationAdministrator}
	// Updating the default app management policy (unverified).
	appPolicyAdminRoles = []string{RoleGlobalAdministrator, RoleSecurityAdministrator, RoleApplicationAdministrator}
)

// Workload-specific refusals.
var (
	// Outlook's refusal for calendars (observed widely).
	outlookDenied = &deniedError{Status: http.StatusForbidden, Code: "ErrorAccessDenied", Message: "Access is denied. Check credentials and try again."}
	// Teams' refusal for meetings without the scope (unverified wording).
	teamsDenied = &deniedError{Status: http.StatusForbidden, Code: "Forbidden", Message: "Application does not have permission to access online meetings of this user."}
	// The Conditional Access service's refusal of a token without the
	// policy scope (observed widely, e.g. in Graph Explorer and
	// terraform-provider-azuread reports). It checks the token once, so
	// a user without a reader role gets the same answer (unverified).
	caDenied = &deniedError{Status: http.StatusForbidden, Code: "AccessDenied", Message: "You cannot perform the requested operation, required scopes are missing in the token."}
	// The audit log service's refusal of a token without AuditLog.Read.All
	// (observed; the List signIns page names the permission).
	auditDenied = &deniedError{Status: http.StatusForbidden, Code: "Authentication_MSGraphPermissionMissing", Message: "Calling principal does not have required MSGraph permissions AuditLog.Read.All"}
	// ... and of a delegated user in none of the reader roles the List
	// signIns page requires (community-observed wording).
	auditRoleDenied = &deniedError{Status: http.StatusForbidden, Code: "Authentication_RequestFromUnsupportedUserRole", Message: "User is not in the allowed roles"}
)

// authzTable lists every Graph route the emulator serves. graph_routes.go
// binds handlers to the same (method, pattern) pairs; a test checks that
// both tables agree.
var authzTable = []authzRule{
	{Method: "GET", Pattern: "/organization", Delegated: append([]string{"User.Read"}, orgRead...), Application: orgRead},
	{Method: "GET", Pattern: "/organization/{org}", Delegated: append([]string{"User.Read"}, orgRead...), Application: orgRead},

	{Method: "GET", Pattern: "/me", Delegated: userReadDelegated, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users", Delegated: userReadDelegated, Application: userReadApp},
	{Method: "GET", Pattern: "/users/{user}", Delegated: userReadDelegated, Application: userReadApp, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/me/licenseDetails", Delegated: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All"}, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users/{user}/licenseDetails", Delegated: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All"}, Application: userReadApp, SelfDelegated: userSelf},
	// /me/memberOf with User.Read is documented for the signed-in user
	// (unverified for transitiveMemberOf; treated alike).
	{Method: "GET", Pattern: "/me/memberOf", Delegated: memberRead, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/me/transitiveMemberOf", Delegated: memberRead, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users/{user}/memberOf", Delegated: memberRead, Application: memberReadApp, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users/{user}/transitiveMemberOf", Delegated: memberRead, Application: memberReadApp, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/me/appRoleAssignments", Delegated: assignmentRead, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users/{user}/appRoleAssignments", Delegated: assignmentRead, Application: assignmentRead, SelfDelegated: userSelf},
	{Method: "POST", Pattern: "/users/{user}/appRoleAssignments", Delegated: assignmentWrite, Application: assignmentWrite, AdminRoles: consentRoles},
	{Method: "GET", Pattern: "/me/oauth2PermissionGrants", Delegated: grantRead, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/users/{user}/oauth2PermissionGrants", Delegated: grantRead, Application: grantRead, SelfDelegated: userSelf},

	{Method: "GET", Pattern: "/groups", Delegated: memberRead, Application: memberReadApp},
	{Method: "GET", Pattern: "/groups/{group}", Delegated: memberRead, Application: memberReadApp},
	{Method: "GET", Pattern: "/groups/{group}/members", Delegated: memberRead, Application: memberReadApp},
	{Method: "GET", Pattern: "/groups/{group}/transitiveMembers", Delegated: memberRead, Application: memberReadApp},
	{Method: "GET", Pattern: "/directoryRoles", Delegated: roleRead, Application: roleRead},
	{Method: "GET", Pattern: "/directoryRoles/{role}", Delegated: roleRead, Application: roleRead},
	{Method: "GET", Pattern: "/directoryRoles/{role}/members", Delegated: roleRead, Application: roleRead},

	{Method: "GET", Pattern: "/applications", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "POST", Pattern: "/applications", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptCreateApps},
	{Method: "GET", Pattern: "/applications/{app}", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "PATCH", Pattern: "/applications/{app}", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "DELETE", Pattern: "/applications/{app}", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "POST", Pattern: "/applications/{app}/addPassword", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "POST", Pattern: "/applications/{app}/removePassword", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "GET", Pattern: "/applications/{app}/owners", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "POST", Pattern: "/applications/{app}/owners/$ref", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "DELETE", Pattern: "/applications/{app}/owners/{owner}/$ref", Delegated: appWriteDelegated, Application: appWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},

	{Method: "GET", Pattern: "/servicePrincipals", Delegated: appReadDelegated, Application: appReadApp},
	// Creating a service principal is what consenting does; users who may
	// register apps may also create one (unverified for plain users).
	{Method: "POST", Pattern: "/servicePrincipals", Delegated: spWriteDelegated, Application: spWriteApp, AdminRoles: appManagerRoles, Exemption: exemptCreateApps},
	{Method: "GET", Pattern: "/servicePrincipals/{sp}", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "PATCH", Pattern: "/servicePrincipals/{sp}", Delegated: spWriteDelegated, Application: spWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "DELETE", Pattern: "/servicePrincipals/{sp}", Delegated: spWriteDelegated, Application: spWriteApp, AdminRoles: appManagerRoles, Exemption: exemptAppOwner},
	{Method: "GET", Pattern: "/servicePrincipals/{sp}/appRoleAssignedTo", Delegated: assignmentRead, Application: assignmentRead},
	{Method: "POST", Pattern: "/servicePrincipals/{sp}/appRoleAssignedTo", Delegated: assignmentWrite, Application: assignmentWrite, AdminRoles: consentRoles},
	{Method: "DELETE", Pattern: "/servicePrincipals/{sp}/appRoleAssignedTo/{assignment}", Delegated: assignmentWrite, Application: assignmentWrite, AdminRoles: consentRoles},
	{Method: "GET", Pattern: "/servicePrincipals/{sp}/appRoleAssignments", Delegated: assignmentRead, Application: assignmentRead},
	{Method: "POST", Pattern: "/servicePrincipals/{sp}/appRoleAssignments", Delegated: assignmentWrite, Application: assignmentWrite, AdminRoles: consentRoles},
	{Method: "DELETE", Pattern: "/servicePrincipals/{sp}/appRoleAssignments/{assignment}", Delegated: assignmentWrite, Application: assignmentWrite, AdminRoles: consentRoles},
	{Method: "GET", Pattern: "/servicePrincipals/{sp}/oauth2PermissionGrants", Delegated: grantRead, Application: grantRead},

	{Method: "GET", Pattern: "/oauth2PermissionGrants", Delegated: grantRead, Application: grantRead},
	{Method: "POST", Pattern: "/oauth2PermissionGrants", Delegated: grantWrite, Application: grantWrite, AdminRoles: consentRoles},
	{Method: "GET", Pattern: "/oauth2PermissionGrants/{grant}", Delegated: grantRead, Application: grantRead},
	{Method: "PATCH", Pattern: "/oauth2PermissionGrants/{grant}", Delegated: grantWrite, Application: grantWrite, AdminRoles: consentRoles},
	{Method: "DELETE", Pattern: "/oauth2PermissionGrants/{grant}", Delegated: grantWrite, Application: grantWrite, AdminRoles: consentRoles},

	{Method: "GET", Pattern: "/policies/authorizationPolicy", Delegated: []string{"Policy.Read.All", "Policy.ReadWrite.Authorization"}, Application: []string{"Policy.Read.All", "Policy.ReadWrite.Authorization"}},
	{Method: "PATCH", Pattern: "/policies/authorizationPolicy", Delegated: []string{"Policy.ReadWrite.Authorization"}, Application: []string{"Policy.ReadWrite.Authorization"}, AdminRoles: policyAdminRoles},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "GET", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval/stages", Delegated: consentRequestRead, Application: consentRequestRead, AdminRoles: consentRequestReaders},
	{Method: "PATCH", Pattern: "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval/stages/{stage}", Delegated: consentRequestWrite, AdminRoles: consentRequestReviewers},
	{Method: "GET", Pattern: "/policies/adminConsentRequestPolicy", Delegated: []string{"Policy.Read.All", "Policy.ReadWrite.ConsentRequest"}, Application: []string{"Policy.Read.All", "Policy.ReadWrite.ConsentRequest"}},
	{Method: "PUT", Pattern: "/policies/adminConsentRequestPolicy", Delegated: []string{"Policy.ReadWrite.ConsentRequest"}, Application: []string{"Policy.ReadWrite.ConsentRequest"}, AdminRoles: []string{RoleGlobalAdministrator}},
	{Method: "GET", Pattern: "/policies/permissionGrantPolicies", Delegated: []string{"Policy.Read.PermissionGrant", "Policy.Read.All", "Policy.ReadWrite.PermissionGrant"}, Application: []string{"Policy.Read.PermissionGrant", "Policy.Read.All", "Policy.ReadWrite.PermissionGrant"}},
	{Method: "GET", Pattern: "/policies/permissionGrantPolicies/{policy}", Delegated: []string{"Policy.Read.PermissionGrant", "Policy.Read.All", "Policy.ReadWrite.PermissionGrant"}, Application: []string{"Policy.Read.PermissionGrant", "Policy.Read.All", "Policy.ReadWrite.PermissionGrant"}},
	{Method: "GET", Pattern: "/policies/defaultAppManagementPolicy", Delegated: []string{"Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"}, Application: []string{"Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"}},
	{Method: "PATCH", Pattern: "/policies/defaultAppManagementPolicy", Delegated: []string{"Policy.ReadWrite.ApplicationConfiguration"}, Application: []string{"Policy.ReadWrite.ApplicationConfiguration"}, AdminRoles: appPolicyAdminRoles},
	// identitysecuritydefaultsenforcementpolicy-get/-update and
	// subscribedsku-list/-get permission tables.
	{Method: "GET", Pattern: "/policies/identitySecurityDefaultsEnforcementPolicy", Delegated: []string{"Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"}, Application: []string{"Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"}},
	{Method: "PATCH", Pattern: "/policies/identitySecurityDefaultsEnforcementPolicy", Delegated: []string{"Policy.ReadWrite.SecurityDefaults"}, Application: []string{"Policy.ReadWrite.SecurityDefaults"}, AdminRoles: []string{RoleGlobalAdministrator, RoleSecurityAdministrator, RoleConditionalAccessAdministrator}},
	// "List subscribedSkus" and "Get subscribedSku": LicenseAssignment.Read.All
	// is the least privileged permission, the organisation and directory
	// reads the higher ones.
	{Method: "GET", Pattern: "/subscribedSkus", Delegated: skuRead, Application: skuRead},
	{Method: "GET", Pattern: "/subscribedSkus/{sku}", Delegated: skuRead, Application: skuRead},
	{Method: "GET", Pattern: "/identity/conditionalAccess/policies", Delegated: caRead, Application: caRead, AdminRoles: securityReaderRoles, Denied: caDenied, RoleDenied: caDenied},
	{Method: "GET", Pattern: "/identity/conditionalAccess/policies/{policy}", Delegated: caRead, Application: caRead, AdminRoles: securityReaderRoles, Denied: caDenied, RoleDenied: caDenied},
	{Method: "POST", Pattern: "/identity/conditionalAccess/evaluate", Delegated: caEvaluate, Application: caEvaluate, AdminRoles: securityReaderRoles, Denied: caDenied, RoleDenied: caDenied},
	{Method: "GET", Pattern: "/auditLogs/signIns", Delegated: auditRead, Application: auditRead, AdminRoles: securityReaderRoles, Denied: auditDenied, RoleDenied: auditRoleDenied},
	{Method: "GET", Pattern: "/auditLogs/signIns/{signIn}", Delegated: auditRead, Application: auditRead, AdminRoles: securityReaderRoles, Denied: auditDenied, RoleDenied: auditRoleDenied},

	{Method: "POST", Pattern: "/me/onlineMeetings", SelfDelegated: meetingsWrite, Denied: teamsDenied},
	{Method: "GET", Pattern: "/me/onlineMeetings", SelfDelegated: meetingsRead, Denied: teamsDenied},
	{Method: "GET", Pattern: "/me/onlineMeetings/{meeting}", SelfDelegated: meetingsRead, Denied: teamsDenied},
	{Method: "DELETE", Pattern: "/me/onlineMeetings/{meeting}", SelfDelegated: meetingsWrite, Denied: teamsDenied},
	{Method: "POST", Pattern: "/users/{user}/onlineMeetings", Application: meetingsWriteApp, SelfDelegated: meetingsWrite, SelfOnly: true, Denied: teamsDenied},
	{Method: "GET", Pattern: "/users/{user}/onlineMeetings", Application: meetingsReadApp, SelfDelegated: meetingsRead, SelfOnly: true, Denied: teamsDenied},
	{Method: "GET", Pattern: "/users/{user}/onlineMeetings/{meeting}", Application: meetingsReadApp, SelfDelegated: meetingsRead, SelfOnly: true, Denied: teamsDenied},
	{Method: "DELETE", Pattern: "/users/{user}/onlineMeetings/{meeting}", Application: meetingsWriteApp, SelfDelegated: meetingsWrite, SelfOnly: true, Denied: teamsDenied},

	{Method: "POST", Pattern: "/me/events", SelfDelegated: calendarsWrite, Denied: outlookDenied},
	{Method: "GET", Pattern: "/me/events", SelfDelegated: calendarsRead, Denied: outlookDenied},
	{Method: "GET", Pattern: "/me/events/{event}", SelfDelegated: calendarsRead, Denied: outlookDenied},
	{Method: "DELETE", Pattern: "/me/events/{event}", SelfDelegated: calendarsWrite, Denied: outlookDenied},
	{Method: "POST", Pattern: "/users/{user}/events", Application: calendarsWrite, SelfDelegated: calendarsWrite, SelfOnly: true, Denied: outlookDenied},
	{Method: "GET", Pattern: "/users/{user}/events", Application: calendarsRead, SelfDelegated: calendarsRead, SelfOnly: true, Denied: outlookDenied},
	{Method: "GET", Pattern: "/users/{user}/events/{event}", Application: calendarsRead, SelfDelegated: calendarsRead, SelfOnly: true, Denied: outlookDenied},
	{Method: "DELETE", Pattern: "/users/{user}/events/{event}", Application: calendarsWrite, SelfDelegated: calendarsWrite, SelfOnly: true, Denied: outlookDenied},
	{Method: "GET", Pattern: "/me/calendarView", SelfDelegated: calendarsRead, Denied: outlookDenied},
	{Method: "GET", Pattern: "/users/{user}/calendarView", Application: calendarsRead, SelfDelegated: calendarsRead, SelfOnly: true, Denied: outlookDenied},

	// A property of an entity needs what reading the entity needs.
	{Method: "GET", Pattern: "/servicePrincipals/{sp}/{property}", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "GET", Pattern: "/applications/{app}/{property}", Delegated: appReadDelegated, Application: appReadApp},
	{Method: "GET", Pattern: "/users/{user}/{property}", Delegated: userReadDelegated, Application: userReadApp, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/me/{property}", Delegated: userReadDelegated, SelfDelegated: userSelf},
	{Method: "GET", Pattern: "/groups/{group}/{property}", Delegated: memberRead, Application: memberReadApp},
}

var authzIndex = func() map[string]*authzRule {
	m := make(map[string]*authzRule, len(authzTable))
	for i := range authzTable {
		rule := &authzTable[i]
		m[rule.Method+" "+rule.Pattern] = rule
	}
	return m
}()

func lookupAuthz(method, pattern string) *authzRule { return authzIndex[method+" "+pattern] }

// errInsufficientPrivileges is the directory's 403.
func errInsufficientPrivileges() *graphError {
	return newGraphError(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// authorize applies a rule to the caller of c. It needs the state lock
// (exemptions look at ownership and the authorization policy).
func (c *graphCall) authorize(rule *authzRule) *graphError {
	denied := errInsufficientPrivileges()
	if rule.Denied != nil {
		denied = newGraphError(rule.Denied.Status, rule.Denied.Code, rule.Denied.Message)
	}
	if c.claims.IsAppOnly() {
		if !anyFold(c.claims.Roles, rule.Application) {
			return denied
		}
		return c.checkOwnedBy(rule)
	}
	self := c.isSelf()
	if rule.SelfOnly && !self {
		return denied
	}
	scopes := c.claims.ScopeList()
	if !anyFold(scopes, rule.Delegated) && !(self && anyFold(scopes, rule.SelfDelegated)) {
		return denied
	}
	if len(rule.AdminRoles) == 0 || c.hasAnyRole(rule.AdminRoles...) || c.exempt(rule.Exemption) {
		return nil
	}
	if rule.RoleDenied != nil {
		return newGraphError(rule.RoleDenied.Status, rule.RoleDenied.Code, rule.RoleDenied.Message)
	}
	return errInsufficientPrivileges()
}

// isSelf reports whether the call is about the signed-in user.
func (c *graphCall) isSelf() bool {
	if c.caller == nil {
		return false
	}
	if c.viaMe {
		return true
	}
	ref, ok := c.params["user"]
	if !ok {
		return false
	}
	ref = keyValue(ref)
	return strings.EqualFold(ref, c.caller.ID) || strings.EqualFold(ref, c.caller.UserPrincipalName)
}

func (c *graphCall) hasAnyRole(roles ...string) bool {
	return c.caller != nil && anyFold(c.caller.DirectoryRoles, roles)
}

func (c *graphCall) exempt(e exemption) bool {
	switch e {
	case exemptCreateApps:
		return c.tenant.AuthorizationPolicy.AllowedToCreateApps || c.hasAnyRole(RoleApplicationDeveloper)
	case exemptAppOwner:
		app := c.targetApplication()
		return app != nil && containsFold(app.Owners, c.caller.ID)
	}
	return false
}

// checkOwnedBy limits Application.ReadWrite.OwnedBy to applications the
// calling service principal owns (creating one makes it the owner).
func (c *graphCall) checkOwnedBy(rule *authzRule) *graphError {
	onlyOwnedBy := !anyFold(c.claims.Roles, without(rule.Application, "Application.ReadWrite.OwnedBy"))
	if !onlyOwnedBy || rule.Method == "GET" || rule.Pattern == "/applications" || rule.Pattern == "/servicePrincipals" {
		return nil
	}
	app := c.targetApplication()
	if app == nil || c.callerSP == nil || !containsFold(app.Owners, c.callerSP.ID) {
		return errInsufficientPrivileges()
	}
	return nil
}

// targetApplication is the application a route's {app} or {sp} refers
// to, for ownership checks; nil when it does not resolve (the handler then
// reports not found).
func (c *graphCall) targetApplication() *Application {
	if ref, ok := c.params["app"]; ok {
		app, _ := c.findApplication(ref)
		return app
	}
	if ref, ok := c.params["sp"]; ok {
		if sp, _ := c.findServicePrincipal(ref); sp != nil {
			return c.visibleApplicationByAppID(sp.AppID)
		}
	}
	return nil
}

func anyFold(have, want []string) bool {
	for _, w := range want {
		if containsFold(have, w) {
			return true
		}
	}
	return false
}

func without(list []string, drop string) []string {
	var out []string
	for _, v := range list {
		if !strings.EqualFold(v, drop) {
			out = append(out, v)
		}
	}
	return out
}

package permissions

import (
	"github.com/teamsctl/teamsctl/internal/auth"
)

// Request is a kind of Microsoft Graph request teamsctl makes with the
// admin's delegated sign-in, and the delegated permissions Graph accepts
// for it: the "Permissions" table of its Graph v1.0 reference page, least
// privileged first, then the higher privileged ones. A request Graph
// documents as needing two permissions together has two Needs.
//
// A command declares the requests it makes (Of); what it needs of the
// sign-in is computed from them once, and auth asks Entra only for
// permissions the sign-in was granted or, for a Need it lacks, the least
// privileged one.
type Request struct {
	// Route names the request(s), e.g. "GET /applications".
	Route string
	Needs []auth.Need
}

// catalog is every Request below, for the check that the default login
// scopes satisfy them all.
var catalog []Request

func request(route string, alternatives ...string) Request {
	return register(Request{Route: route, Needs: []auth.Need{alternatives}})
}

func register(r Request) Request {
	catalog = append(catalog, r)
	return r
}

// The requests, by the Graph reference page each follows
// (https://learn.microsoft.com/graph/api/<page>?view=graph-rest-1.0).
var (
	// user-get (/me): User.Read, then the tenant-wide user reads.
	ReadMe = request("GET /me", "User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All",
		"Directory.Read.All", "Directory.ReadWrite.All")
	// organization-get.
	ReadOrganization = request("GET /organization", "User.Read", "Organization.Read.All", "Directory.Read.All",
		"Organization.ReadWrite.All", "Directory.ReadWrite.All")
	// user-list-transitivememberof for the signed-in user (/me).
	ReadMyRoles = request("GET /me/transitiveMemberOf", "User.Read", "GroupMember.Read.All", "Directory.Read.All",
		"Group.Read.All", "Directory.ReadWrite.All")

	// application-list, application-get, serviceprincipal-list,
	// serviceprincipal-get, serviceprincipal-list-approleassignedto,
	// serviceprincipal-list-approleassignments.
	ReadApplications = request("GET /applications, /servicePrincipals and their app role assignments",
		"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
	// application-post-applications, application-upsert, application-update,
	// application-delete, application-addpassword, application-removepassword.
	// (AppRegistration.Create only creates; teamsctl also updates.)
	WriteApplications = request("POST, PATCH, DELETE /applications, addPassword, removePassword", "Application.ReadWrite.All")
	// application-post-owners: "Application.ReadWrite.All and
	// Directory.Read.All", or Directory.ReadWrite.All.
	AddOwners = register(Request{Route: "POST /applications/{id}/owners/$ref", Needs: []auth.Need{
		{"Application.ReadWrite.All", "Directory.ReadWrite.All"},
		{"Directory.Read.All", "Directory.ReadWrite.All"},
	}})
	// serviceprincipal-post-serviceprincipals, serviceprincipal-upsert,
	// serviceprincipal-update, serviceprincipal-delete.
	WriteServicePrincipals = request("POST, PATCH, DELETE /servicePrincipals", "Application.ReadWrite.All", "Directory.ReadWrite.All")

	// oauth2permissiongrant-list (Graph names Directory.Read.All the least
	// privileged).
	ReadGrants = request("GET /oauth2PermissionGrants", "Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All")
	// oauth2permissiongrant-post, -update, -delete.
	WriteGrants = request("POST, PATCH, DELETE /oauth2PermissionGrants", "DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All")
	// serviceprincipal-post-approleassignedto, -delete-approleassignedto:
	// AppRoleAssignment.ReadWrite.All and Application.Read.All (or
	// Directory.Read.All), or Directory.ReadWrite.All.
	WriteAssignments = register(Request{Route: "POST, DELETE /servicePrincipals/{id}/appRoleAssignedTo", Needs: []auth.Need{
		{"AppRoleAssignment.ReadWrite.All", "Directory.ReadWrite.All"},
		{"Application.Read.All", "Directory.Read.All", "Application.ReadWrite.All", "Directory.ReadWrite.All"},
	}})

	// user-get of another user, basic properties.
	ReadUsers = request("GET /users/{id}", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
	// user-get with properties beyond the basic ones (accountEnabled,
	// userType), user-list-licensedetails.
	ReadUserDetails = request("GET /users/{id}?$select=accountEnabled,..., /users/{id}/licenseDetails",
		"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
	// group-list, group-get.
	ReadGroups = request("GET /groups", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")
	// user-list-transitivememberof of another user.
	ReadMemberships = request("GET /users/{id}/transitiveMemberOf", "GroupMember.Read.All", "Group.Read.All", "Directory.Read.All",
		"Group.ReadWrite.All", "Directory.ReadWrite.All")

	// authorizationpolicy-get.
	ReadAuthorizationPolicy = request("GET /policies/authorizationPolicy", "Policy.Read.All", "Policy.ReadWrite.Authorization")
	// adminconsentrequestpolicy-get.
	ReadConsentRequestPolicy = request("GET /policies/adminConsentRequestPolicy", "Policy.Read.All", "Policy.ReadWrite.ConsentRequest")
	// tenantappmanagementpolicy-get.
	ReadAppManagementPolicy = request("GET /policies/defaultAppManagementPolicy", "Policy.Read.ApplicationConfiguration", "Policy.Read.All",
		"Policy.ReadWrite.ApplicationConfiguration")
	// conditionalaccessroot-list-policies.
	ReadConditionalAccess = request("GET /identity/conditionalAccess/policies", "Policy.Read.ConditionalAccess", "Policy.Read.All",
		"Policy.ReadWrite.ConditionalAccess")
	// conditionalaccessroot-evaluate (beta).
	EvaluateConditionalAccess = request("POST /identity/conditionalAccess/evaluate", "Policy.Read.ConditionalAccess", "Policy.Read.All")
	// appconsentapprovalroute-list-appconsentrequests,
	// appconsentrequest-list-userconsentrequests, approval stages: the
	// admin consent workflow's requests.
	ReadConsentRequests = request("GET /identityGovernance/appConsent/appConsentRequests, userConsentRequests, approval/stages",
		"ConsentRequest.Read.All", "ConsentRequest.ReadWrite.All")
	// approvalstage-update: a reviewer's decision.
	ReviewConsentRequests = request("PATCH /identityGovernance/appConsent/appConsentRequests/{id}/userConsentRequests/{id}/approval/stages/{id}",
		"ConsentRequest.ReadWrite.All")
	// signin-list.
	ReadSignIns = request("GET /auditLogs/signIns", "AuditLog.Read.All")
	// subscribedsku-list: whether the tenant has Entra ID P1 or P2.
	ReadSubscriptions = request("GET /subscribedSkus", "LicenseAssignment.Read.All", "Directory.Read.All", "Directory.ReadWrite.All",
		"Organization.Read.All", "Organization.ReadWrite.All")
)

// Of is what a command that makes requests needs of the sign-in: their
// Needs, reduced (auth.ReduceNeeds) once.
func Of(requests ...Request) []auth.Need {
	var all []auth.Need
	for _, r := range requests {
		all = append(all, r.Needs...)
	}
	return auth.ReduceNeeds(all...)
}

package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// graphRoute binds a method and path pattern to a handler. Patterns use
// {name} for one segment (an id or a key such as appId='...').
type graphRoute struct {
	Method, Pattern string
	Handler         func(*graphCall) *graphError
	Options         queryOption
	Type            *graphType
	// Unlocked handlers manage the state lock themselves ($batch runs
	// other routes).
	Unlocked bool
	Authz    *authzRule
	segs     []string
}

// Handler adapters: method values need a receiver, routes are static.
type callHandler = func(*graphCall) *graphError

func route(method, pattern string, h callHandler, opts queryOption, t *graphType) *graphRoute {
	return &graphRoute{Method: method, Pattern: pattern, Handler: h, Options: opts, Type: t}
}

func collectionRoute(pattern string, h callHandler, t *graphType) *graphRoute {
	return route("GET", pattern, h, optCollection, t)
}

func entityRoute(pattern string, h callHandler, t *graphType) *graphRoute {
	return route("GET", pattern, h, optEntity, t)
}

func writeRoute(method, pattern string, h callHandler, t *graphType) *graphRoute {
	return route(method, pattern, h, 0, t)
}

// graphRoutes is the Graph surface the emulator serves, under /v1.0 and
// /beta alike (and /v1.0/myorganization/...). It is built in init because
// $batch dispatches back into the router.
var graphRoutes []*graphRoute

func buildGraphRoutes() []*graphRoute {
	return []*graphRoute{
		collectionRoute("/organization", (*graphCall).getOrganization, typeOrganization),
		entityRoute("/organization/{org}", (*graphCall).getOrganizationByID, typeOrganization),

		entityRoute("/me", (*graphCall).getUser, typeUser),
		collectionRoute("/users", (*graphCall).listUsers, typeUser),
		entityRoute("/users/{user}", (*graphCall).getUser, typeUser),
		collectionRoute("/me/licenseDetails", (*graphCall).listLicenseDetails, typeLicenseDetails),
		collectionRoute("/users/{user}/licenseDetails", (*graphCall).listLicenseDetails, typeLicenseDetails),
		collectionRoute("/me/memberOf", (*graphCall).listMemberOf, typeDirectoryObject),
		collectionRoute("/me/transitiveMemberOf", (*graphCall).listTransitiveMemberOf, typeDirectoryObject),
		collectionRoute("/users/{user}/memberOf", (*graphCall).listMemberOf, typeDirectoryObject),
		collectionRoute("/users/{user}/transitiveMemberOf", (*graphCall).listTransitiveMemberOf, typeDirectoryObject),
		collectionRoute("/me/appRoleAssignments", (*graphCall).listUserAppRoleAssignments, typeAssignment),
		collectionRoute("/users/{user}/appRoleAssignments", (*graphCall).listUserAppRoleAssignments, typeAssignment),
		writeRoute("POST", "/users/{user}/appRoleAssignments", (*graphCall).createUserAppRoleAssignment, typeAssignment),
		collectionRoute("/me/oauth2PermissionGrants", (*graphCall).listUserGrants, typeGrant),
		collectionRoute("/users/{user}/oauth2PermissionGrants", (*graphCall).listUserGrants, typeGrant),

		collectionRoute("/groups", (*graphCall).listGroups, typeGroup),
		entityRoute("/groups/{group}", (*graphCall).getGroup, typeGroup),
		collectionRoute("/groups/{group}/members", (*graphCall).listGroupMembers, typeDirectoryObject),
		collectionRoute("/groups/{group}/transitiveMembers", (*graphCall).listGroupTransitiveMembers, typeDirectoryObject),
		collectionRoute("/directoryRoles", (*graphCall).listDirectoryRoles, typeDirectoryRole),
		entityRoute("/directoryRoles/{role}", (*graphCall).getDirectoryRole, typeDirectoryRole),
		collectionRoute("/directoryRoles/{role}/members", (*graphCall).listDirectoryRoleMembers, typeDirectoryObject),

		collectionRoute("/applications", (*graphCall).listApplications, typeApplication),
		writeRoute("POST", "/applications", (*graphCall).createApplication, typeApplication),
		entityRoute("/applications/{app}", (*graphCall).getApplication, typeApplication),
		writeRoute("PATCH", "/applications/{app}", (*graphCall).patchApplication, typeApplication),
		writeRoute("DELETE", "/applications/{app}", (*graphCall).deleteApplication, nil),
		writeRoute("POST", "/applications/{app}/addPassword", (*graphCall).addPassword, nil),
		writeRoute("POST", "/applications/{app}/removePassword", (*graphCall).removePassword, nil),
		collectionRoute("/applications/{app}/owners", (*graphCall).listApplicationOwners, typeDirectoryObject),
		writeRoute("POST", "/applications/{app}/owners/$ref", (*graphCall).addApplicationOwner, nil),
		writeRoute("DELETE", "/applications/{app}/owners/{owner}/$ref", (*graphCall).removeApplicationOwner, nil),

		collectionRoute("/servicePrincipals", (*graphCall).listServicePrincipals, typeServicePrincipal),
		writeRoute("POST", "/servicePrincipals", (*graphCall).createServicePrincipal, typeServicePrincipal),
		entityRoute("/servicePrincipals/{sp}", (*graphCall).getServicePrincipal, typeServicePrincipal),
		writeRoute("PATCH", "/servicePrincipals/{sp}", (*graphCall).patchServicePrincipal, typeServicePrincipal),
		writeRoute("DELETE", "/servicePrincipals/{sp}", (*graphCall).deleteServicePrincipal, nil),
		collectionRoute("/servicePrincipals/{sp}/appRoleAssignedTo", (*graphCall).listAppRoleAssignedTo, typeAssignment),
		writeRoute("POST", "/servicePrincipals/{sp}/appRoleAssignedTo", (*graphCall).createAppRoleAssignedTo, typeAssignment),
		writeRoute("DELETE", "/servicePrincipals/{sp}/appRoleAssignedTo/{assignment}", (*graphCall).deleteAppRoleAssignedTo, nil),
		collectionRoute("/servicePrincipals/{sp}/appRoleAssignments", (*graphCall).listSPAppRoleAssignments, typeAssignment),
		writeRoute("POST", "/servicePrincipals/{sp}/appRoleAssignments", (*graphCall).createSPAppRoleAssignment, typeAssignment),
		writeRoute("DELETE", "/servicePrincipals/{sp}/appRoleAssignments/{assignment}", (*graphCall).deleteSPAppRoleAssignment, nil),
		collectionRoute("/servicePrincipals/{sp}/oauth2PermissionGrants", (*graphCall).listServicePrincipalGrants, typeGrant),

		collectionRoute("/oauth2PermissionGrants", (*graphCall).listGrants, typeGrant),
		writeRoute("POST", "/oauth2PermissionGrants", (*graphCall).createGrant, typeGrant),
		entityRoute("/oauth2PermissionGrants/{grant}", (*graphCall).getGrant, typeGrant),
		writeRoute("PATCH", "/oauth2PermissionGrants/{grant}", (*graphCall).patchGrant, nil),
		writeRoute("DELETE", "/oauth2PermissionGrants/{grant}", (*graphCall).deleteGrant, nil),

		entityRoute("/policies/authorizationPolicy", (*graphCall).getAuthorizationPolicy, typeAuthorizationPolicy),
		writeRoute("PATCH", "/policies/authorizationPolicy", (*graphCall).patchAuthorizationPolicy, nil),
		collectionRoute("/identityGovernance/appConsent/appConsentRequests", (*graphCall).listAppConsentRequests, typeAppConsentRequest),
		entityRoute("/identityGovernance/appConsent/appConsentRequests/{request}", (*graphCall).getAppConsentRequest, typeAppConsentRequest),
		collectionRoute("/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests", (*graphCall).listUserConsentRequests, typeUserConsentRequest),
		entityRoute("/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}", (*graphCall).getUserConsentRequest, typeUserConsentRequest),
		entityRoute("/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval", (*graphCall).getApproval, typeApproval),
		collectionRoute("/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval/stages", (*graphCall).listApprovalStages, typeApprovalStage),
		writeRoute("PATCH", "/identityGovernance/appConsent/appConsentRequests/{request}/userConsentRequests/{userRequest}/approval/stages/{stage}", (*graphCall).patchApprovalStage, nil),
		entityRoute("/policies/adminConsentRequestPolicy", (*graphCall).getAdminConsentRequestPolicy, typeAdminConsentRequestPolicy),
		writeRoute("PUT", "/policies/adminConsentRequestPolicy", (*graphCall).putAdminConsentRequestPolicy, nil),
		collectionRoute("/policies/permissionGrantPolicies", (*graphCall).listPermissionGrantPolicies, typePermissionGrantPolicy),
		entityRoute("/policies/permissionGrantPolicies/{policy}", (*graphCall).getPermissionGrantPolicy, typePermissionGrantPolicy),
		entityRoute("/policies/defaultAppManagementPolicy", (*graphCall).getAppManagementPolicy, typeAppManagementPolicy),
		writeRoute("PATCH", "/policies/defaultAppManagementPolicy", (*graphCall).patchAppManagementPolicy, nil),
		entityRoute("/policies/identitySecurityDefaultsEnforcementPolicy", (*graphCall).getSecurityDefaults, typeSecurityDefaultsPolicy),
		writeRoute("PATCH", "/policies/identitySecurityDefaultsEnforcementPolicy", (*graphCall).patchSecurityDefaults, nil),
		collectionRoute("/subscribedSkus", (*graphCall).listSubscribedSkus, typeSubscribedSku),
		entityRoute("/subscribedSkus/{sku}", (*graphCall).getSubscribedSku, typeSubscribedSku),
		collectionRoute("/identity/conditionalAccess/policies", (*graphCall).listCAPolicies, typeCAPolicy),
		entityRoute("/identity/conditionalAccess/policies/{policy}", (*graphCall).getCAPolicy, typeCAPolicy),
		writeRoute("POST", "/identity/conditionalAccess/evaluate", (*graphCall).evaluateCA, nil),
		collectionRoute("/auditLogs/signIns", (*graphCall).listSignIns, typeSignIn),
		entityRoute("/auditLogs/signIns/{signIn}", (*graphCall).getSignIn, typeSignIn),

		writeRoute("POST", "/me/onlineMeetings", (*graphCall).createOnlineMeeting, nil),
		route("GET", "/me/onlineMeetings", (*graphCall).listOnlineMeetings, optFilter, typeOnlineMeeting),
		route("GET", "/me/onlineMeetings/{meeting}", (*graphCall).getOnlineMeeting, 0, typeOnlineMeeting),
		writeRoute("DELETE", "/me/onlineMeetings/{meeting}", (*graphCall).deleteOnlineMeeting, nil),
		writeRoute("POST", "/users/{user}/onlineMeetings", (*graphCall).createOnlineMeeting, nil),
		route("GET", "/users/{user}/onlineMeetings", (*graphCall).listOnlineMeetings, optFilter, typeOnlineMeeting),
		route("GET", "/users/{user}/onlineMeetings/{meeting}", (*graphCall).getOnlineMeeting, 0, typeOnlineMeeting),
		writeRoute("DELETE", "/users/{user}/onlineMeetings/{meeting}", (*graphCall).deleteOnlineMeeting, nil),

		writeRoute("POST", "/me/events", (*graphCall).createEvent, nil),
		route("GET", "/me/events", (*graphCall).listEvents, optSelect|optFilter|optTop|optOrderBy|optSkipToken, typeEvent),
		route("GET", "/me/events/{event}", (*graphCall).getEvent, 0, typeEvent),
		writeRoute("DELETE", "/me/events/{event}", (*graphCall).deleteEvent, nil),
		writeRoute("POST", "/users/{user}/events", (*graphCall).createEvent, nil),
		route("GET", "/users/{user}/events", (*graphCall).listEvents, optSelect|optFilter|optTop|optOrderBy|optSkipToken, typeEvent),
		route("GET", "/users/{user}/events/{event}", (*graphCall).getEvent, 0, typeEvent),
		writeRoute("DELETE", "/users/{user}/events/{event}", (*graphCall).deleteEvent, nil),
		route("GET", "/me/calendarView", (*graphCall).listCalendarView, optSelect|optFilter|optTop|optOrderBy|optSkipToken, typeEvent),
		route("GET", "/users/{user}/calendarView", (*graphCall).listCalendarView, optSelect|optFilter|optTop|optOrderBy|optSkipToken, typeEvent),

		// Property segments come last: every literal segment above wins.
		propertyRoute("/servicePrincipals/{sp}/{property}", (*graphCall).servicePrincipalEntity, typeServicePrincipal),
		propertyRoute("/applications/{app}/{property}", (*graphCall).applicationEntity, typeApplication),
		propertyRoute("/users/{user}/{property}", (*graphCall).userEntity, typeUser),
		propertyRoute("/me/{property}", (*graphCall).userEntity, typeUser),
		propertyRoute("/groups/{group}/{property}", (*graphCall).groupEntity, typeGroup),

		{Method: "POST", Pattern: "/$batch", Handler: (*graphCall).serveBatch, Unlocked: true},
	}
}

func init() {
	graphRoutes = buildGraphRoutes()
	for _, r := range graphRoutes {
		r.segs = strings.Split(strings.TrimPrefix(r.Pattern, "/"), "/")
		if !r.Unlocked {
			r.Authz = lookupAuthz(r.Method, r.Pattern)
			if r.Authz == nil {
				panic("emulator: no authorization rule for " + r.Method + " " + r.Pattern)
			}
		}
	}
}

// graphRootSegments are the entity sets and singletons of Graph v1.0's
// entity container (its $metadata), the only names a path can start with;
// a test keeps the list equal to the vendored schema.
var graphRootSegments = []string{
	"admin", "agreementAcceptances", "agreements", "appCatalogs", "appRoleAssignments", "applicationTemplates",
	"applications", "auditLogs", "authenticationMethodConfigurations", "authenticationMethodsPolicy",
	"certificateBasedAuthConfiguration", "chats", "communications", "compliance", "connections", "contacts",
	"contracts", "copilot", "dataPolicyOperations", "deviceAppManagement", "deviceManagement", "devices",
	"directory", "directoryObjects", "directoryRoleTemplates", "directoryRoles", "domainDnsRecords", "domains",
	"drive", "drives", "education", "employeeExperience", "external", "filterOperators", "functions",
	"groupLifecyclePolicies", "groupSettingTemplates", "groupSettings", "groups", "identity", "identityGovernance",
	"identityProtection", "identityProviders", "informationProtection", "invitations", "me",
	"oauth2PermissionGrants", "organization", "permissionGrants", "places", "planner", "policies", "print",
	"privacy", "reports", "roleManagement", "schemaExtensions", "scopedRoleMemberships", "search", "security",
	"servicePrincipals", "shares", "sites", "solutions", "storage", "subscribedSkus", "subscriptions", "teams",
	"teamsTemplates", "teamwork", "tenantRelationships", "users",
}

// matchRoute finds the route for a path. A path whose first segment is no
// entity set or singleton of Graph gets Graph's 400 "Resource not found
// for the segment". Any other path or method the emulator does not serve
// answers 501 NotImplemented: below the root the emulator cannot tell a
// Graph route it does not model from one Graph does not have, and must
// never claim that Graph lacks a route (as Graph's 400 or 405 would).
func matchRoute(method, version string, segs []string) (*graphRoute, map[string]string, *graphError) {
	for _, r := range graphRoutes {
		n, params := matchSegments(r.segs, segs)
		if n == len(segs) && n == len(r.segs) && r.Method == method {
			return r, params, nil
		}
	}
	if len(segs) > 0 && !containsFold(graphRootSegments, segs[0]) && segs[0] != "$batch" {
		return nil, nil, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
	}
	return nil, nil, errNotModelled(fmt.Sprintf("%s /%s/%s", method, version, strings.Join(segs, "/")))
}

// matchSegments reports how many leading segments match and the bound
// parameters; literal segments compare case-insensitively, as in Graph.
func matchSegments(pattern, segs []string) (int, map[string]string) {
	params := map[string]string{}
	n := 0
	for n < len(pattern) && n < len(segs) {
		p := pattern[n]
		if strings.HasPrefix(p, "{") {
			if strings.HasPrefix(segs[n], "$") {
				break
			}
			params[strings.Trim(p, "{}")] = segs[n]
		} else if !strings.EqualFold(p, segs[n]) {
			break
		}
		n++
	}
	return n, params
}

package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// oauth2PermissionGrants (delegated consent) and appRoleAssignments
// (application permissions and user/group assignments), graph.md
// sections 2-4 and 10.

var typeGrant = &graphType{
	Name: "microsoft.graph.oAuth2PermissionGrant", Resource: "OAuth2PermissionGrant",
	Zero: func() map[string]any { return grantView(&PermissionGrant{}) },
	Filter: map[string]string{
		"id": "eq", "clientId": "eq", "consentType": "eq", "principalId": "eq", "resourceId": "eq",
	},
}

var typeAssignment = &graphType{
	Name: "microsoft.graph.appRoleAssignment", Resource: "AppRoleAssignment",
	Zero: func() map[string]any { return assignmentView(&AppRoleAssignment{}) },
	Filter: map[string]string{
		"id": "eq", "resourceId": "eq", "principalId": "eq", "appRoleId": "eq", "principalType": "eq",
	},
}

var grantProps = propSpec{
	Type:     "microsoft.graph.oAuth2PermissionGrant",
	Writable: []string{"clientId", "consentType", "principalId", "resourceId", "scope"},
	ReadOnly: []string{"id"},
	// Deprecated and ignored by Graph, still part of the type.
	Unmodelled: []string{"startTime", "expiryTime"},
}

var assignmentProps = propSpec{
	Type:     "microsoft.graph.appRoleAssignment",
	Writable: []string{"principalId", "resourceId", "appRoleId"},
	ReadOnly: []string{"id", "deletedDateTime", "createdDateTime", "principalDisplayName", "principalType", "resourceDisplayName"},
}

func grantView(g *PermissionGrant) map[string]any {
	return map[string]any{
		"id": g.ID, "clientId": g.ClientID, "consentType": nullable(g.ConsentType),
		"principalId": nullable(g.PrincipalID), "resourceId": g.ResourceID, "scope": g.Scope,
	}
}

func assignmentView(a *AppRoleAssignment) map[string]any {
	return map[string]any{
		"id": a.ID, "deletedDateTime": nil, "appRoleId": a.AppRoleID, "createdDateTime": isoTime(a.CreatedDateTime),
		"principalDisplayName": nullable(a.PrincipalDisplayName), "principalId": a.PrincipalID,
		"principalType": nullable(a.PrincipalType), "resourceDisplayName": nullable(a.ResourceDisplayName),
		"resourceId": a.ResourceID,
	}
}

// errMissingReference is Graph's 400 for a reference to an object that does
// not exist or has not replicated (graph.md section 10).
func errMissingReference(id string) *graphError {
	return errBadRequest("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)
}

func (c *graphCall) visibleGrants(keep func(*PermissionGrant) bool) []map[string]any {
	views := []map[string]any{}
	for _, g := range c.tenant.Grants {
		if g.VisibleAtTime(c.now) && keep(g) {
			views = append(views, grantView(g))
		}
	}
	return views
}

func (c *graphCall) listGrants() *graphError {
	return c.writeCollection("oauth2PermissionGrants", c.visibleGrants(func(*PermissionGrant) bool { return true }))
}

func (c *graphCall) listServicePrincipalGrants() *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	return c.writeCollection("oauth2PermissionGrants", c.withGrantIDs(c.visibleGrants(func(g *PermissionGrant) bool {
		return strings.EqualFold(g.ClientID, sp.ID)
	})))
}

// withGrantIDs marks grants listed through a navigation property
// (/servicePrincipals/{id}/oauth2PermissionGrants,
// /users/{id}/oauth2PermissionGrants) with the @odata.id Graph gives each
// of them there: the directory's own URL of the grant. Graph does not
// document the annotation; it is what real tenants answer, in this form.
func (c *graphCall) withGrantIDs(views []map[string]any) []map[string]any {
	for _, v := range views {
		v["@odata.id"] = fmt.Sprintf("https://graph.microsoft.com/v2/%s/oauth2PermissionGrants/%s", c.tenant.ID, v["id"])
	}
	return views
}

func (c *graphCall) listUserGrants() *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	return c.writeCollection("oauth2PermissionGrants", c.withGrantIDs(c.visibleGrants(func(g *PermissionGrant) bool {
		return strings.EqualFold(g.PrincipalID, u.ID)
	})))
}

func (c *graphCall) findGrant() (*PermissionGrant, *graphError) {
	id := keyValue(c.params["grant"])
	for _, g := range c.tenant.Grants {
		if g.ID == id && g.VisibleAtTime(c.now) {
			return g, nil
		}
	}
	return nil, errNotFound(id)
}

func (c *graphCall) getGrant() *graphError {
	g, gerr := c.findGrant()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "oauth2PermissionGrants", grantView(g))
}

func (c *graphCall) createGrant() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, grantProps); gerr != nil {
		return gerr
	}
	var g PermissionGrant
	var principal *string
	for name, dst := range map[string]any{"clientId": &g.ClientID, "consentType": &g.ConsentType,
		"principalId": &principal, "resourceId": &g.ResourceID, "scope": &g.Scope} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	if principal != nil {
		g.PrincipalID = *principal
	}
	if gerr := c.validateGrant(&g); gerr != nil {
		return gerr
	}
	if c.duplicateGrant(&g) {
		// Observed as 409 (terraform-provider-azuread #690); a newer report
		// shows 400 with the same message.
		return newGraphError(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")
	}
	g.Replicated, g.ID = c.lag(), c.s.state.NewOpaqueID()
	c.tenant.Grants = append(c.tenant.Grants, &g)
	return c.writeEntity(http.StatusCreated, "oauth2PermissionGrants", grantView(&g))
}

// validateGrant checks references and consent type rules, and that every
// scope value is published by the resource.
func (c *graphCall) validateGrant(g *PermissionGrant) *graphError {
	for _, id := range []string{g.ClientID, g.ResourceID} {
		if !IsGUID(id) {
			return errInvalidObjectID(id)
		}
		if c.visibleServicePrincipal(id) == nil {
			return errMissingReference(id)
		}
	}
	switch g.ConsentType {
	case "AllPrincipals":
		if g.PrincipalID != "" {
			return errInvalidProperty("principalId", "OAuth2PermissionGrant")
		}
	case "Principal":
		if !IsGUID(g.PrincipalID) {
			return errInvalidProperty("principalId", "OAuth2PermissionGrant")
		}
		if u := c.tenant.UserByIDOrUPN(g.PrincipalID); u == nil || !u.VisibleAtTime(c.now) {
			return errMissingReference(g.PrincipalID)
		}
	default:
		return errInvalidProperty("consentType", "OAuth2PermissionGrant")
	}
	return c.validateGrantScope(g.Scope, c.visibleServicePrincipal(g.ResourceID))
}

// validateGrantScope: wording for an unpublished scope value is unverified.
func (c *graphCall) validateGrantScope(scope string, resource *ServicePrincipal) *graphError {
	if bad := scopeValuesProblem(scope, resource.Scopes); bad != "" {
		return errBadRequest("The scope '%s' is not a valid delegated permission of resource '%s'.", bad, resource.ID)
	}
	return nil
}

// duplicateGrant looks at every grant, replicated or not: a POST that
// silently landed is found by the retry (graph.md section 10).
func (c *graphCall) duplicateGrant(g *PermissionGrant) bool {
	for _, other := range c.tenant.Grants {
		if strings.EqualFold(other.ClientID, g.ClientID) && strings.EqualFold(other.ResourceID, g.ResourceID) &&
			other.ConsentType == g.ConsentType && strings.EqualFold(other.PrincipalID, g.PrincipalID) {
			return true
		}
	}
	return false
}

func (c *graphCall) patchGrant() *graphError {
	g, gerr := c.findGrant()
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	patchable := grantProps
	patchable.Writable, patchable.ReadOnly = []string{"scope"}, append([]string{"clientId", "consentType", "principalId", "resourceId"}, grantProps.ReadOnly...)
	if gerr := checkBodyProps(body, patchable); gerr != nil {
		return gerr
	}
	scope := g.Scope
	if gerr := field(body, "scope", &scope); gerr != nil {
		return gerr
	}
	resource := c.tenant.ServicePrincipalByID(g.ResourceID)
	if resource == nil {
		return errMissingReference(g.ResourceID)
	}
	if gerr := c.validateGrantScope(scope, resource); gerr != nil {
		return gerr
	}
	g.Scope = scope
	return c.noContent()
}

func (c *graphCall) deleteGrant() *graphError {
	g, gerr := c.findGrant()
	if gerr != nil {
		return gerr
	}
	c.tenant.Grants = removeByID(c.tenant.Grants, g.ID, func(x *PermissionGrant) string { return x.ID })
	return c.noContent()
}

// App role assignments.

func (c *graphCall) assignmentViews(keep func(*AppRoleAssignment) bool) []map[string]any {
	views := []map[string]any{}
	for _, a := range c.tenant.AppRoleAssignments {
		if a.VisibleAtTime(c.now) && keep(a) {
			views = append(views, assignmentView(a))
		}
	}
	return views
}

func (c *graphCall) listAppRoleAssignedTo() *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	return c.writeCollection("servicePrincipals('"+sp.ID+"')/appRoleAssignedTo", c.assignmentViews(func(a *AppRoleAssignment) bool {
		return strings.EqualFold(a.ResourceID, sp.ID)
	}))
}

func (c *graphCall) listSPAppRoleAssignments() *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	return c.writeCollection("servicePrincipals('"+sp.ID+"')/appRoleAssignments", c.assignmentViews(func(a *AppRoleAssignment) bool {
		return strings.EqualFold(a.PrincipalID, sp.ID)
	}))
}

func (c *graphCall) listUserAppRoleAssignments() *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	return c.writeCollection("users('"+u.ID+"')/appRoleAssignments", c.assignmentViews(func(a *AppRoleAssignment) bool {
		return strings.EqualFold(a.PrincipalID, u.ID)
	}))
}

// assignmentRequest is the body of every appRoleAssignment POST.
type assignmentRequest struct {
	PrincipalID, ResourceID, AppRoleID string
}

func (c *graphCall) decodeAssignment() (assignmentRequest, *graphError) {
	var req assignmentRequest
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return req, gerr
	}
	if gerr := checkBodyProps(body, assignmentProps); gerr != nil {
		return req, gerr
	}
	for name, dst := range map[string]*string{"principalId": &req.PrincipalID, "resourceId": &req.ResourceID, "appRoleId": &req.AppRoleID} {
		if gerr := field(body, name, dst); gerr != nil {
			return req, gerr
		}
	}
	for _, id := range []string{req.PrincipalID, req.ResourceID, req.AppRoleID} {
		if !IsGUID(id) {
			return req, errInvalidObjectID(id)
		}
	}
	return req, nil
}

// createAppRoleAssignedTo: POST servicePrincipals/{resource}/appRoleAssignedTo.
func (c *graphCall) createAppRoleAssignedTo() *graphError {
	return c.createSPAssignment("resourceId", func(r assignmentRequest) string { return r.ResourceID }, "appRoleAssignedTo")
}

// createSPAppRoleAssignment: POST servicePrincipals/{principal}/appRoleAssignments.
func (c *graphCall) createSPAppRoleAssignment() *graphError {
	return c.createSPAssignment("principalId", func(r assignmentRequest) string { return r.PrincipalID }, "appRoleAssignments")
}

// createSPAssignment creates an assignment under servicePrincipals/{sp}/nav,
// whose field (read by get) must name that service principal.
func (c *graphCall) createSPAssignment(field string, get func(assignmentRequest) string, nav string) *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	req, gerr := c.decodeAssignment()
	if gerr != nil {
		return gerr
	}
	if !strings.EqualFold(get(req), sp.ID) {
		return errInvalidProperty(field, "AppRoleAssignment")
	}
	return c.createAssignment(req, "servicePrincipals('"+sp.ID+"')/"+nav)
}

// createUserAppRoleAssignment: POST users/{id}/appRoleAssignments.
func (c *graphCall) createUserAppRoleAssignment() *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	req, gerr := c.decodeAssignment()
	if gerr != nil {
		return gerr
	}
	if !strings.EqualFold(req.PrincipalID, u.ID) {
		return errInvalidProperty("principalId", "AppRoleAssignment")
	}
	return c.createAssignment(req, "users('"+u.ID+"')/appRoleAssignments")
}

// createAssignment validates and stores an assignment. A principal that is
// unknown or not yet replicated gives "Not a valid reference update."
// (graph.md section 10); the role must be published for that kind of
// principal.
func (c *graphCall) createAssignment(req assignmentRequest, contextPath string) *graphError {
	resource := c.visibleServicePrincipal(req.ResourceID)
	if resource == nil {
		return errNotFound(req.ResourceID)
	}
	a := &AppRoleAssignment{AppRoleID: strings.ToLower(req.AppRoleID), ResourceID: resource.ID,
		ResourceDisplayName: resource.DisplayName, CreatedDateTime: c.now}
	if !c.bindAssignmentPrincipal(a, req.PrincipalID) {
		return errBadRequest("Not a valid reference update.")
	}
	if !roleAssignable(resource, a.AppRoleID, a.PrincipalType) {
		// Observed wording (scripts assigning stale Graph app role ids, e.g.
		// the Verified ID and Graph connector setup guides quoting it).
		return errBadRequest("Permission being assigned was not found on application.")
	}
	if gerr := c.checkGraphAppRoleGrant(resource, a); gerr != nil {
		return gerr
	}
	for _, other := range c.tenant.AppRoleAssignments { // replicated or not
		if strings.EqualFold(other.PrincipalID, a.PrincipalID) && strings.EqualFold(other.ResourceID, a.ResourceID) &&
			strings.EqualFold(other.AppRoleID, a.AppRoleID) {
			return errBadRequest("Permission being assigned already exists on the object.")
		}
	}
	a.Replicated, a.ID = c.lag(), c.s.state.NewOpaqueID()
	c.tenant.AppRoleAssignments = append(c.tenant.AppRoleAssignments, a)
	return c.writeEntity(http.StatusCreated, contextPath, assignmentView(a))
}

func (c *graphCall) bindAssignmentPrincipal(a *AppRoleAssignment, id string) bool {
	if u := c.tenant.UserByIDOrUPN(id); u != nil && u.VisibleAtTime(c.now) && IsGUID(id) {
		a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = u.ID, "User", u.DisplayName
		return true
	}
	if g := c.tenant.GroupByID(id); g != nil && g.VisibleAtTime(c.now) {
		a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = g.ID, "Group", g.DisplayName
		return true
	}
	if sp := c.visibleServicePrincipal(id); sp != nil {
		a.PrincipalID, a.PrincipalType, a.PrincipalDisplayName = sp.ID, "ServicePrincipal", sp.DisplayName
		return true
	}
	return false
}

// roleAssignable: the default role serves users and groups of apps; other
// roles must be published, enabled and allowed for the principal's kind.
func roleAssignable(resource *ServicePrincipal, roleID, principalType string) bool {
	memberType := "User"
	if principalType == "ServicePrincipal" {
		memberType = "Application"
	}
	if roleID == DefaultAppRoleID {
		return memberType == "User"
	}
	for _, r := range resource.AppRoles {
		if strings.EqualFold(r.ID, roleID) && r.IsEnabled && containsExact(r.AllowedMemberTypes, memberType) {
			return true
		}
	}
	return false
}

// checkGraphAppRoleGrant: granting Microsoft Graph application permissions
// to a service principal needs Global or Privileged Role Administrator.
func (c *graphCall) checkGraphAppRoleGrant(resource *ServicePrincipal, a *AppRoleAssignment) *graphError {
	if c.caller == nil || a.PrincipalType != "ServicePrincipal" || !strings.EqualFold(resource.AppID, GraphAppID) {
		return nil
	}
	if !c.hasAnyRole(graphAppRoleGrantRoles...) {
		return errInsufficientPrivileges()
	}
	return nil
}

func (c *graphCall) deleteAssignment(matchSide func(*AppRoleAssignment, string) bool) *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	id := keyValue(c.params["assignment"])
	for _, a := range c.tenant.AppRoleAssignments {
		if a.ID == id && a.VisibleAtTime(c.now) && matchSide(a, sp.ID) {
			c.tenant.AppRoleAssignments = removeByID(c.tenant.AppRoleAssignments, id, func(x *AppRoleAssignment) string { return x.ID })
			return c.noContent()
		}
	}
	return errNotFound(id)
}

func (c *graphCall) deleteAppRoleAssignedTo() *graphError {
	return c.deleteAssignment(func(a *AppRoleAssignment, spID string) bool { return strings.EqualFold(a.ResourceID, spID) })
}

func (c *graphCall) deleteSPAppRoleAssignment() *graphError {
	return c.deleteAssignment(func(a *AppRoleAssignment, spID string) bool { return strings.EqualFold(a.PrincipalID, spID) })
}

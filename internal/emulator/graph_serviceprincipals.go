package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Service principals (graph.md section 2).

var typeServicePrincipal = &graphType{
	Name: "microsoft.graph.servicePrincipal", Resource: "ServicePrincipal",
	Zero: func() map[string]any { return servicePrincipalView(&ServicePrincipal{}) },
	Filter: map[string]string{
		"id": "eq in", "appId": "eq in", "displayName": "eq in startswith", "servicePrincipalNames": "any",
		"accountEnabled": "eq", "servicePrincipalType": "eq", "tags": "any", "appOwnerOrganizationId": "eq",
		"publisherName": "eq startswith", "appRoleAssignmentRequired": "eq",
	},
	OrderBy: []string{"displayName"},
}

var servicePrincipalProps = propSpec{
	Type:     "microsoft.graph.servicePrincipal",
	Writable: []string{"appId", "accountEnabled", "appRoleAssignmentRequired", "tags", "displayName", "replyUrls"},
	ReadOnly: []string{"id", "deletedDateTime", "appOwnerOrganizationId", "appDisplayName", "servicePrincipalType",
		"signInAudience", "publisherName", "verifiedPublisher", "applicationTemplateId", "disabledByMicrosoftStatus",
		"resourceSpecificApplicationPermissions"},
	Unmodelled: []string{"notes", "description", "appDescription", "homepage", "loginUrl", "logoutUrl",
		"notificationEmailAddresses", "preferredSingleSignOnMode", "samlSingleSignOnSettings", "keyCredentials",
		"passwordCredentials", "appRoles", "oauth2PermissionScopes", "alternativeNames", "servicePrincipalNames",
		"preferredTokenSigningKeyThumbprint", "info", "addIns", "tokenEncryptionKeyId"},
}

func servicePrincipalView(sp *ServicePrincipal) map[string]any {
	names := servicePrincipalNames(sp.AppID, nil)
	keys := []map[string]any{}
	for _, k := range sp.KeyCredentials {
		keys = append(keys, keyView(k, false))
	}
	passwords := []map[string]any{}
	for _, p := range sp.PasswordCredentials {
		passwords = append(passwords, passwordView(p, false))
	}
	return map[string]any{
		"id": sp.ID, "deletedDateTime": nil, "accountEnabled": sp.AccountEnabled, "alternativeNames": []string{},
		"appDisplayName": nullable(sp.DisplayName), "appDescription": nil, "appId": sp.AppID,
		"applicationTemplateId": nil, "appOwnerOrganizationId": nullable(sp.AppOwnerOrganizationID),
		"appRoleAssignmentRequired": sp.AppRoleAssignmentRequired, "description": nil,
		"disabledByMicrosoftStatus": nil, "displayName": nullable(sp.DisplayName), "homepage": nil, "loginUrl": nil,
		"logoutUrl": nil, "notes": nil, "notificationEmailAddresses": []string{}, "preferredSingleSignOnMode": nil,
		"preferredTokenSigningKeyThumbprint": nil, "replyUrls": emptyIfNil(sp.ReplyURLs),
		"servicePrincipalNames": names, "servicePrincipalType": nullable(sp.ServicePrincipalType),
		"signInAudience": nullable(sp.SignInAudience), "tags": emptyIfNil(sp.Tags), "tokenEncryptionKeyId": nil,
		"samlSingleSignOnSettings": nil, "addIns": []any{}, "appRoles": appRoleViews(sp.AppRoles),
		"info": map[string]any{"logoUrl": nil, "marketingUrl": nil, "privacyStatementUrl": nil,
			"supportUrl": nil, "termsOfServiceUrl": nil},
		"keyCredentials": keys, "oauth2PermissionScopes": scopeViews(sp.Scopes),
		"passwordCredentials": passwords, "resourceSpecificApplicationPermissions": []any{},
		"verifiedPublisher": verifiedPublisherView(sp.VerifiedPublisher),
	}
}

// findServicePrincipal resolves {sp}: an object id or appId='...'.
func (c *graphCall) findServicePrincipal(seg string) (*ServicePrincipal, *graphError) {
	ref := keyValue(seg)
	var sp *ServicePrincipal
	switch strings.ToLower(keyName(seg)) {
	case "":
		if !IsGUID(ref) {
			return nil, errInvalidObjectID(ref)
		}
		sp = c.tenant.ServicePrincipalByID(ref)
	case "appid":
		sp = c.tenant.ServicePrincipalByAppID(ref)
	default:
		return nil, errBadRequest("Invalid key '%s' for type 'microsoft.graph.servicePrincipal'.", keyName(seg))
	}
	if sp == nil || !sp.VisibleAtTime(c.now) {
		return nil, errNotFound(ref)
	}
	return sp, nil
}

// visibleServicePrincipal finds a replicated service principal by id.
func (c *graphCall) visibleServicePrincipal(id string) *ServicePrincipal {
	if sp := c.tenant.ServicePrincipalByID(id); sp != nil && sp.VisibleAtTime(c.now) {
		return sp
	}
	return nil
}

func (c *graphCall) listServicePrincipals() *graphError {
	// One pass over the applications, not one per service principal: a
	// 20,000-principal tenant made a listing quadratic.
	uris := c.s.state.identifierURIsByAppID()
	var views []map[string]any
	for _, sp := range c.tenant.ServicePrincipals {
		if sp.VisibleAtTime(c.now) {
			views = append(views, c.withBetaProperties(sp, spViewWith(sp, uris[strings.ToLower(sp.AppID)])))
		}
	}
	return c.writeCollection("servicePrincipals", views)
}

// spView adds what a service principal shows of its application
// (servicePrincipalNames includes the app's identifier URIs).
func (c *graphCall) spView(sp *ServicePrincipal) map[string]any {
	var uris []string
	if app, _ := c.s.state.ApplicationAnywhere(sp.AppID); app != nil {
		uris = app.IdentifierURIs
	}
	return c.withBetaProperties(sp, spViewWith(sp, uris))
}

// withBetaProperties adds what only Graph's beta endpoint returns:
// publisherName is not in the v1.0 schema's servicePrincipal.
func (c *graphCall) withBetaProperties(sp *ServicePrincipal, view map[string]any) map[string]any {
	if c.version == "beta" {
		view["publisherName"] = nullable(sp.PublisherName)
	}
	return view
}

func spViewWith(sp *ServicePrincipal, identifierURIs []string) map[string]any {
	view := servicePrincipalView(sp)
	view["servicePrincipalNames"] = servicePrincipalNames(sp.AppID, identifierURIs)
	return view
}

func (c *graphCall) getServicePrincipal() *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "servicePrincipals", c.spView(sp))
}

// errNoBackingApplication is what Graph answers when the appId is unknown
// or its application has not replicated yet (observed, graph.md section 2).
func errNoBackingApplication(appID string) *graphError {
	msg := fmt.Sprintf("The appId '%s' of the service principal does not reference a valid application object.", appID)
	return newGraphError(http.StatusBadRequest, "Request_BadRequest", msg,
		GraphErrorDetail{Code: "NoBackingApplicationObject", Message: msg, Target: "appId"})
}

func (c *graphCall) createServicePrincipal() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, servicePrincipalProps); gerr != nil {
		return gerr
	}
	var appID string
	if gerr := field(body, "appId", &appID); gerr != nil {
		return gerr
	}
	if appID == "" {
		return errInvalidProperty("appId", "ServicePrincipal")
	}
	return c.newServicePrincipal(appID, body)
}

// newServicePrincipal instantiates appID in the tenant with body applied:
// 201 with the object, or the errors Graph gives while the application is
// unknown or has not replicated, or when the service principal exists.
func (c *graphCall) newServicePrincipal(appID string, body map[string]json.RawMessage) *graphError {
	app, home := c.s.state.ApplicationAnywhere(appID)
	if app == nil || !app.VisibleAtTime(c.now) {
		if c.onlyOwnedBy() {
			return newGraphError(http.StatusForbidden, "Authorization_RequestDenied",
				"When using this permission, the backing application of the service principal being created must in the local tenant")
		}
		return errNoBackingApplication(appID)
	}
	if c.tenant.ServicePrincipalByAppID(appID) != nil { // replicated or not: the name is taken
		return errServicePrincipalNameInUse(appID)
	}
	sp := newServicePrincipalFor(app, home, c.now)
	sp.AccountEnabled = true
	if gerr := applyServicePrincipalBody(sp, body); gerr != nil {
		return gerr
	}
	sp.Replicated, sp.ID = c.lag(), c.s.state.NewGUID()
	c.tenant.ServicePrincipals = append(c.tenant.ServicePrincipals, sp)
	return c.writeEntity(http.StatusCreated, "servicePrincipals", c.spView(sp))
}

func errServicePrincipalNameInUse(appID string) *graphError {
	return newGraphError(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", fmt.Sprintf(
		"The service principal cannot be created, updated, or restored because the service principal name %s is already in use.", appID))
}

// onlyOwnedBy reports an app-only caller limited to
// Application.ReadWrite.OwnedBy.
func (c *graphCall) onlyOwnedBy() bool {
	return c.claims.IsAppOnly() && c.claims.HasRole("Application.ReadWrite.OwnedBy") &&
		!c.claims.HasRole("Application.ReadWrite.All") && !c.claims.HasRole("Directory.ReadWrite.All")
}

// newServicePrincipalFor instantiates an application in a tenant, copying
// what Entra copies from the application object.
func newServicePrincipalFor(app *Application, home *Tenant, now time.Time) *ServicePrincipal {
	sp := &ServicePrincipal{
		CreatedDateTime: now,
		AppID:           app.AppID, DisplayName: app.DisplayName, AppOwnerOrganizationID: home.ID,
		ServicePrincipalType: "Application", SignInAudience: app.SignInAudience,
		ReplyURLs:     append(append([]string{}, app.WebRedirectURIs...), app.PublicClientRedirects...),
		PublisherName: app.VerifiedPublisher.Name(), AppRoles: app.AppRoles, Scopes: app.Scopes,
		VerifiedPublisher: app.VerifiedPublisher,
	}
	if sp.PublisherName == "" {
		sp.PublisherName = home.DisplayName
	}
	if strings.EqualFold(app.AppID, GraphAppID) {
		sp.Scopes, sp.AppRoles = graphScopesAndRoles()
	}
	return sp
}

func applyServicePrincipalBody(sp *ServicePrincipal, body map[string]json.RawMessage) *graphError {
	for name, dst := range map[string]any{
		"accountEnabled": &sp.AccountEnabled, "appRoleAssignmentRequired": &sp.AppRoleAssignmentRequired,
		"tags": &sp.Tags, "displayName": &sp.DisplayName, "replyUrls": &sp.ReplyURLs,
	} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	if _, ok := body["replyUrls"]; !ok {
		return nil
	}
	for _, u := range sp.ReplyURLs {
		if redirectURIProblem("web", u, "AzureADMultipleOrgs") != "" {
			return errInvalidProperty("replyUrls", "ServicePrincipal")
		}
	}
	return nil
}

func (c *graphCall) patchServicePrincipal() *graphError {
	seg := c.params["sp"]
	if strings.EqualFold(keyName(seg), "appId") && preferCreateIfMissing(c.r) {
		return c.upsertServicePrincipal(keyValue(seg))
	}
	sp, gerr := c.findServicePrincipal(seg)
	if gerr != nil {
		return gerr
	}
	return c.updateServicePrincipal(sp)
}

// upsertServicePrincipal implements PATCH /servicePrincipals(appId='{appId}')
// with "Prefer: create-if-missing" as "Upsert servicePrincipal" documents
// it (learn.microsoft.com/graph/api/serviceprincipal-upsert, v1.0): the
// service principal is created when the tenant has none for the appId (201
// with the object) and updated otherwise (204). Without the header the
// request is the plain update above. Creating fails as POST
// /servicePrincipals does: an appId whose application is unknown or not
// replicated yet, and a service principal created moments ago that reads
// do not show yet (its name is taken in every replica: 409).
func (c *graphCall) upsertServicePrincipal(appID string) *graphError {
	existing := c.tenant.ServicePrincipalByAppID(appID)
	if existing != nil && existing.VisibleAtTime(c.now) {
		return c.updateServicePrincipal(existing)
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, servicePrincipalProps); gerr != nil {
		return gerr
	}
	if raw, ok := body["appId"]; ok {
		var inBody string
		if json.Unmarshal(raw, &inBody) != nil || !strings.EqualFold(inBody, appID) {
			return errBadRequest("Property 'appId' is read-only and cannot be set.")
		}
	}
	if existing != nil {
		return errServicePrincipalNameInUse(appID)
	}
	return c.newServicePrincipal(appID, body)
}

// updateServicePrincipal applies a PATCH body to sp: all of it or nothing.
func (c *graphCall) updateServicePrincipal(sp *ServicePrincipal) *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, servicePrincipalProps); gerr != nil {
		return gerr
	}
	if raw, ok := body["appId"]; ok {
		var appID string
		if json.Unmarshal(raw, &appID) != nil || !strings.EqualFold(appID, sp.AppID) {
			return errBadRequest("Property 'appId' is read-only and cannot be set.")
		}
	}
	next := *sp
	if gerr := applyServicePrincipalBody(&next, body); gerr != nil {
		return gerr
	}
	*sp = next
	return c.noContent()
}

func (c *graphCall) deleteServicePrincipal() *graphError {
	sp, gerr := c.findServicePrincipal(c.params["sp"])
	if gerr != nil {
		return gerr
	}
	c.removeServicePrincipal(sp)
	return c.noContent()
}

// removeServicePrincipal deletes a service principal with the consent it
// held or was given: its grants and app role assignments either way.
func (c *graphCall) removeServicePrincipal(sp *ServicePrincipal) {
	t := c.tenant
	t.ServicePrincipals = removeByID(t.ServicePrincipals, sp.ID, func(x *ServicePrincipal) string { return x.ID })
	kept := t.Grants[:0:0]
	for _, g := range t.Grants {
		if !strings.EqualFold(g.ClientID, sp.ID) && !strings.EqualFold(g.ResourceID, sp.ID) {
			kept = append(kept, g)
		}
	}
	t.Grants = kept
	keptAssignments := t.AppRoleAssignments[:0:0]
	for _, a := range t.AppRoleAssignments {
		if !strings.EqualFold(a.PrincipalID, sp.ID) && !strings.EqualFold(a.ResourceID, sp.ID) {
			keptAssignments = append(keptAssignments, a)
		}
	}
	t.AppRoleAssignments = keptAssignments
}

package emulator

import (
	"crypto/sha1" //nolint:gosec // Graph's customKeyIdentifier is a SHA-1 thumbprint
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Applications (graph.md section 1).

var typeApplication = &graphType{
	Name: "microsoft.graph.application", Resource: "Application",
	Zero: func() map[string]any { return applicationView(&Application{}, false) },
	Filter: map[string]string{
		"id": "eq in", "appId": "eq in", "displayName": "eq in startswith", "uniqueName": "eq",
		"signInAudience": "eq", "publisherDomain": "eq startswith", "identifierUris": "any", "tags": "any",
		"createdDateTime": "eq ge le",
	},
	OrderBy: []string{"displayName"},
}

var applicationProps = propSpec{
	Type: "microsoft.graph.application",
	Writable: []string{"displayName", "description", "notes", "signInAudience", "identifierUris", "tags",
		"isFallbackPublicClient", "web", "spa", "publicClient", "requiredResourceAccess", "appRoles", "api",
		"uniqueName", "keyCredentials", "passwordCredentials"},
	ReadOnly: []string{"id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "verifiedPublisher",
		"disabledByMicrosoftStatus", "applicationTemplateId", "certification"},
	Unmodelled: []string{"info", "optionalClaims", "parentalControlSettings", "groupMembershipClaims",
		"isDeviceOnlyAuthSupported", "tokenEncryptionKeyId", "serviceManagementReference", "samlMetadataUrl",
		"defaultRedirectUri", "addIns", "windows", "requestSignatureVerification", "servicePrincipalLockConfiguration",
		"authenticationBehaviors", "nativeAuthenticationApisEnabled", "signInAudienceRestrictions"},
}

var (
	webProps = propSpec{Type: "microsoft.graph.webApplication", Writable: []string{"redirectUris", "homePageUrl"},
		Unmodelled: []string{"logoutUrl", "implicitGrantSettings", "redirectUriSettings"}}
	spaProps          = propSpec{Type: "microsoft.graph.spaApplication", Writable: []string{"redirectUris"}}
	publicClientProps = propSpec{Type: "microsoft.graph.publicClientApplication", Writable: []string{"redirectUris"}}
	apiProps          = propSpec{Type: "microsoft.graph.apiApplication", Writable: []string{"oauth2PermissionScopes"},
		Unmodelled: []string{"requestedAccessTokenVersion", "preAuthorizedApplications", "knownClientApplications", "acceptMappedClaims"}}
	rraProps = propSpec{Type: "microsoft.graph.requiredResourceAccess", Writable: []string{"resourceAppId", "resourceAccess"}}
	raProps  = propSpec{Type: "microsoft.graph.resourceAccess", Writable: []string{"id", "type"}}
	keyProps = propSpec{Type: "microsoft.graph.keyCredential", Writable: []string{"keyId", "type", "usage", "key",
		"displayName", "startDateTime", "endDateTime", "customKeyIdentifier"}}
	appRoleProps = propSpec{Type: "microsoft.graph.appRole", Writable: []string{"id", "value", "displayName",
		"description", "allowedMemberTypes", "isEnabled"}, ReadOnly: []string{"origin"}}
	scopeProps = propSpec{Type: "microsoft.graph.permissionScope", Writable: []string{"id", "value", "type",
		"adminConsentDisplayName", "adminConsentDescription", "userConsentDisplayName", "userConsentDescription", "isEnabled"},
		ReadOnly: []string{"origin"}}
)

func applicationView(a *Application, withKeys bool) map[string]any {
	passwords := []map[string]any{}
	for _, p := range a.PasswordCredentials {
		passwords = append(passwords, passwordView(p, false))
	}
	keys := []map[string]any{}
	for _, k := range a.KeyCredentials {
		keys = append(keys, keyView(k, withKeys))
	}
	return map[string]any{
		"id": a.ID, "deletedDateTime": nil, "appId": a.AppID, "applicationTemplateId": nil,
		"disabledByMicrosoftStatus": nil, "createdDateTime": isoTime(a.CreatedDateTime),
		"displayName": nullable(a.DisplayName), "description": nullable(a.Description), "notes": nullable(a.Notes),
		"groupMembershipClaims": nil, "identifierUris": emptyIfNil(a.IdentifierURIs),
		"isDeviceOnlyAuthSupported": nil, "isFallbackPublicClient": a.IsFallbackPublicClient,
		"publisherDomain": nullable(a.PublisherDomain), "serviceManagementReference": nil,
		"signInAudience": nullable(a.SignInAudience), "tags": emptyIfNil(a.Tags), "tokenEncryptionKeyId": nil,
		"uniqueName": nullable(a.UniqueName), "samlMetadataUrl": nil, "defaultRedirectUri": nil,
		"certification": nil, "optionalClaims": nil, "addIns": []any{},
		"api": map[string]any{
			"acceptMappedClaims": nil, "knownClientApplications": []string{}, "requestedAccessTokenVersion": nil,
			"oauth2PermissionScopes": scopeViews(a.Scopes), "preAuthorizedApplications": preAuthorizedViews(a),
		},
		"appRoles": appRoleViews(a.AppRoles),
		"info": map[string]any{"logoUrl": nil, "marketingUrl": nil, "privacyStatementUrl": nil,
			"supportUrl": nil, "termsOfServiceUrl": nil},
		"keyCredentials":          keys,
		"parentalControlSettings": map[string]any{"countriesBlockedForMinors": []string{}, "legalAgeGroupRule": "Allow"},
		"passwordCredentials":     passwords,
		"publicClient":            map[string]any{"redirectUris": emptyIfNil(a.PublicClientRedirects)},
		"requiredResourceAccess":  requiredResourceAccessView(a.RequiredResourceAccess),
		"verifiedPublisher":       verifiedPublisherView(a.VerifiedPublisher),
		"spa":                     map[string]any{"redirectUris": emptyIfNil(a.SpaRedirectURIs)},
		"web": map[string]any{
			"homePageUrl": nullable(a.HomePageURL), "logoutUrl": nil, "redirectUris": emptyIfNil(a.WebRedirectURIs),
			"implicitGrantSettings": map[string]any{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false},
			"redirectUriSettings":   []any{},
		},
	}
}

// verifiedPublisherView is Graph's verifiedPublisher: all three properties
// null for an unverified app (application and servicePrincipal resource
// pages, "verifiedPublisher resource type").
func verifiedPublisherView(v *VerifiedPublisher) map[string]any {
	if v == nil || v.DisplayName == "" {
		return map[string]any{"displayName": nil, "verifiedPublisherId": nil, "addedDateTime": nil}
	}
	return map[string]any{"displayName": v.DisplayName, "verifiedPublisherId": v.VerifiedPublisherID,
		"addedDateTime": isoTime(v.AddedDateTime)}
}

func requiredResourceAccessView(rra []RequiredResourceAccess) []map[string]any {
	out := []map[string]any{}
	for _, r := range rra {
		access := []map[string]any{}
		for _, ra := range r.ResourceAccess {
			access = append(access, map[string]any{"id": ra.ID, "type": ra.Type})
		}
		out = append(out, map[string]any{"resourceAppId": r.ResourceAppID, "resourceAccess": access})
	}
	return out
}

func scopeViews(scopes []PermissionScope) []map[string]any {
	out := []map[string]any{}
	for _, s := range scopes {
		out = append(out, map[string]any{
			"adminConsentDescription": s.AdminConsentDescription, "adminConsentDisplayName": s.AdminConsentDisplayName,
			"id": s.ID, "isEnabled": s.IsEnabled, "type": s.Type, "userConsentDescription": nullable(s.UserConsentDescription),
			"userConsentDisplayName": nullable(s.UserConsentDisplayName), "value": s.Value, "origin": "Application",
		})
	}
	return out
}

func appRoleViews(roles []AppRole) []map[string]any {
	out := []map[string]any{}
	for _, r := range roles {
		out = append(out, map[string]any{
			"allowedMemberTypes": emptyIfNil(r.AllowedMemberTypes), "description": r.Description,
			"displayName": r.DisplayName, "id": r.ID, "isEnabled": r.IsEnabled, "origin": "Application", "value": r.Value,
		})
	}
	return out
}

// passwordView never includes the secret: Graph returns secretText only
// from addPassword (withSecret).
func passwordView(p *PasswordCredential, withSecret bool) map[string]any {
	var secret any
	if withSecret {
		secret = p.SecretText
	}
	return map[string]any{
		"customKeyIdentifier": nil, "displayName": nullable(p.DisplayName), "endDateTime": isoTime(p.EndDateTime),
		"hint": p.Hint, "keyId": p.KeyID, "secretText": secret, "startDateTime": isoTime(p.StartDateTime),
	}
}

// keyView includes the certificate only when keyCredentials is $select-ed.
func keyView(k *KeyCredential, withKey bool) map[string]any {
	var key any
	if withKey {
		key = base64.StdEncoding.EncodeToString(k.Key)
	}
	return map[string]any{
		"customKeyIdentifier": nullable(k.CustomKeyIdentifier), "displayName": nullable(k.DisplayName),
		"endDateTime": isoTime(k.EndDateTime), "key": key, "keyId": k.KeyID,
		"startDateTime": isoTime(k.StartDateTime), "type": k.Type, "usage": k.Usage,
	}
}

// findApplication resolves {app}: an object id, appId='...' or
// uniqueName='...', among applications of this tenant that have
// replicated.
func (c *graphCall) findApplication(seg string) (*Application, *graphError) {
	ref := keyValue(seg)
	var found *Application
	switch strings.ToLower(keyName(seg)) {
	case "":
		if !IsGUID(ref) {
			return nil, errInvalidObjectID(ref)
		}
		found = c.tenant.ApplicationByID(ref)
	case "appid":
		found = c.tenant.ApplicationByAppID(ref)
	case "uniquename":
		for _, a := range c.tenant.Applications {
			if a.UniqueName != "" && strings.EqualFold(a.UniqueName, ref) {
				found = a
			}
		}
	default:
		return nil, errBadRequest("Invalid key '%s' for type 'microsoft.graph.application'.", keyName(seg))
	}
	if found == nil || !found.VisibleAtTime(c.now) {
		return nil, errNotFound(ref)
	}
	return found, nil
}

func (c *graphCall) visibleApplicationByAppID(appID string) *Application {
	if a := c.tenant.ApplicationByAppID(appID); a != nil && a.VisibleAtTime(c.now) {
		return a
	}
	return nil
}

func (c *graphCall) listApplications() *graphError {
	var views []map[string]any
	withKeys := c.query.selects("keyCredentials")
	for _, a := range c.tenant.Applications {
		if a.VisibleAtTime(c.now) {
			views = append(views, applicationView(a, withKeys))
		}
	}
	return c.writeCollection("applications", views)
}

func (c *graphCall) getApplication() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "applications", applicationView(a, c.query.selects("keyCredentials")))
}

func (c *graphCall) createApplication() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	a, gerr := c.newApplication(body, "")
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusCreated, "applications", applicationView(a, false))
}

// newApplication validates a create body and stores the application with
// Graph's defaults; uniqueName comes from the upsert URL when set.
func (c *graphCall) newApplication(body map[string]json.RawMessage, uniqueName string) (*Application, *graphError) {
	if raw, ok := body["passwordCredentials"]; ok && !isZeroJSON(raw) {
		// Observed (microsoft-graph-docs #6179).
		return nil, errBadRequest("New password credentials must be generated with service actions.")
	}
	a := &Application{
		// Graph's documented default when signInAudience is omitted.
		SignInAudience: "AzureADandPersonalMicrosoftAccount", UniqueName: uniqueName,
		PublisherDomain: c.tenant.InitialDomain(), CreatedDateTime: c.now,
	}
	if gerr := c.applyApplicationBody(a, body, true); gerr != nil {
		return nil, gerr
	}
	a.Replicated, a.ID, a.AppID = c.lag(), c.s.state.NewGUID(), c.s.state.NewGUID()
	if c.caller != nil {
		a.Owners = []string{c.caller.ID}
	} else if c.callerSP != nil {
		a.Owners = []string{c.callerSP.ID}
	}
	c.tenant.Applications = append(c.tenant.Applications, a)
	return a, nil
}

func (c *graphCall) patchApplication() *graphError {
	seg := c.params["app"]
	if strings.EqualFold(keyName(seg), "uniqueName") {
		return c.upsertApplication(keyValue(seg))
	}
	a, gerr := c.findApplication(seg)
	if gerr != nil {
		return gerr
	}
	return c.updateApplication(a)
}

// updateApplication applies a PATCH body to a: all of it or nothing.
func (c *graphCall) updateApplication(a *Application) *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if _, ok := body["passwordCredentials"]; ok {
		// PATCH cannot set secrets (Verified); wording as for create.
		return errBadRequest("New password credentials must be generated with service actions.")
	}
	next := *a
	if gerr := c.applyApplicationBody(&next, body, false); gerr != nil {
		return gerr
	}
	*a = next
	return c.noContent()
}

// upsertApplication implements PATCH /applications(uniqueName='{uniqueName}')
// as "Upsert application" documents it (learn.microsoft.com/graph/api/
// application-upsert, v1.0): with "Prefer: create-if-missing" an
// application that does not exist is created (201 with the new object,
// its uniqueName the key) and one that exists is updated (204); without
// the header the request is an update, and a missing application is 404.
//
// The alternate key is unique in the directory whatever the replica: an
// application created moments ago with that uniqueName, which reads do not
// show yet, is not created a second time. Graph does not document its
// answer to that race; the emulator answers the directory's wording for a
// duplicate key value (as for identifierUris), which a client can retry
// once the application has replicated. Without the header such an
// application is 404, as any PATCH of an object not replicated yet.
func (c *graphCall) upsertApplication(uniqueName string) *graphError {
	existing := c.applicationByUniqueName(uniqueName)
	if existing != nil && existing.VisibleAtTime(c.now) {
		return c.updateApplication(existing)
	}
	if !preferCreateIfMissing(c.r) {
		return errNotFound(uniqueName)
	}
	if existing != nil {
		return errDuplicateUniqueName()
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	// "The request body must contain displayName."
	if _, ok := body["displayName"]; !ok {
		return errInvalidProperty("displayName", "Application")
	}
	if raw, ok := body["uniqueName"]; ok {
		// The key names the uniqueName; a different one in the body is
		// refused as for any attempt to change it (a guess: undocumented).
		var name string
		if json.Unmarshal(raw, &name) != nil || !strings.EqualFold(name, uniqueName) {
			return errBadRequest("Property 'uniqueName' is read-only and cannot be set.")
		}
		delete(body, "uniqueName")
	}
	a, gerr := c.newApplication(body, uniqueName)
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusCreated, "applications", applicationView(a, false))
}

// applicationByUniqueName finds the application with that uniqueName
// (case-insensitive, as the directory compares keys), replicated or not.
func (c *graphCall) applicationByUniqueName(uniqueName string) *Application {
	for _, a := range c.tenant.Applications {
		if a.UniqueName != "" && strings.EqualFold(a.UniqueName, uniqueName) {
			return a
		}
	}
	return nil
}

func errDuplicateUniqueName() *graphError {
	return errBadRequest("Another object with the same value for property uniqueName already exists.")
}

// preferCreateIfMissing reports whether the request asks for upsert
// behaviour: "Prefer: create-if-missing", alone or among other
// preferences.
func preferCreateIfMissing(r *http.Request) bool {
	for _, h := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "create-if-missing") {
				return true
			}
		}
	}
	return false
}

// upsertCreates reports whether the call is an upsert that will create
// its object: authorised then as the create it is ("Upsert application"
// and "Upsert servicePrincipal" list the permissions and roles of
// creating), not as an update of an application the caller owns.
func (c *graphCall) upsertCreates() bool {
	if c.r.Method != http.MethodPatch || !preferCreateIfMissing(c.r) {
		return false
	}
	if seg, ok := c.params["app"]; ok && strings.EqualFold(keyName(seg), "uniqueName") {
		return c.applicationByUniqueName(keyValue(seg)) == nil
	}
	if seg, ok := c.params["sp"]; ok && strings.EqualFold(keyName(seg), "appId") {
		return c.tenant.ServicePrincipalByAppID(keyValue(seg)) == nil
	}
	return false
}

// applyApplicationBody validates body and applies it to a (a copy when
// patching). Collections are replaced wholesale, as in Graph.
func (c *graphCall) applyApplicationBody(a *Application, body map[string]json.RawMessage, creating bool) *graphError {
	if gerr := checkBodyProps(body, applicationProps); gerr != nil {
		return gerr
	}
	for _, apply := range []func(*Application, map[string]json.RawMessage) *graphError{
		c.applyScalars, c.applyPlatforms, c.applyIdentifierURIs, c.applyRequiredResourceAccess,
		c.applyAppRolesAndScopes, c.applyKeyCredentials,
	} {
		if gerr := apply(a, body); gerr != nil {
			return gerr
		}
	}
	if creating && strings.TrimSpace(a.DisplayName) == "" {
		return errInvalidProperty("displayName", "Application")
	}
	if !validSignInAudience(a.SignInAudience) {
		return errInvalidProperty("signInAudience", "Application")
	}
	return c.validateRedirectSet(a)
}

func (c *graphCall) applyScalars(a *Application, body map[string]json.RawMessage) *graphError {
	if _, ok := body["displayName"]; ok {
		var name *string
		if gerr := field(body, "displayName", &name); gerr != nil {
			return gerr
		}
		if name == nil || strings.TrimSpace(*name) == "" {
			return errInvalidProperty("displayName", "Application")
		}
		a.DisplayName = *name
	}
	for name, dst := range map[string]*string{"description": &a.Description, "notes": &a.Notes, "signInAudience": &a.SignInAudience} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	if gerr := field(body, "isFallbackPublicClient", &a.IsFallbackPublicClient); gerr != nil {
		return gerr
	}
	if gerr := field(body, "tags", &a.Tags); gerr != nil {
		return gerr
	}
	return c.applyUniqueName(a, body)
}

// applyUniqueName: uniqueName is an alternate key, settable once and
// unique in the tenant.
func (c *graphCall) applyUniqueName(a *Application, body map[string]json.RawMessage) *graphError {
	var name string
	if _, ok := body["uniqueName"]; !ok {
		return nil
	}
	if gerr := field(body, "uniqueName", &name); gerr != nil {
		return gerr
	}
	if a.UniqueName != "" && name != a.UniqueName {
		return errBadRequest("Property 'uniqueName' is read-only and cannot be set.")
	}
	for _, other := range c.tenant.Applications {
		if other.ID != a.ID && strings.EqualFold(other.UniqueName, name) && name != "" {
			return errDuplicateUniqueName()
		}
	}
	a.UniqueName = name
	return nil
}

func (c *graphCall) applyPlatforms(a *Application, body map[string]json.RawMessage) *graphError {
	web, gerr := objectBody(body, "web", webProps)
	if gerr != nil {
		return gerr
	}
	if gerr := field(web, "redirectUris", &a.WebRedirectURIs); gerr != nil {
		return gerr
	}
	if gerr := field(web, "homePageUrl", &a.HomePageURL); gerr != nil {
		return gerr
	}
	spa, gerr := objectBody(body, "spa", spaProps)
	if gerr != nil {
		return gerr
	}
	if gerr := field(spa, "redirectUris", &a.SpaRedirectURIs); gerr != nil {
		return gerr
	}
	pc, gerr := objectBody(body, "publicClient", publicClientProps)
	if gerr != nil {
		return gerr
	}
	return field(pc, "redirectUris", &a.PublicClientRedirects)
}

// validateRedirectSet checks every platform's URIs against the final
// audience and the total limit.
func (c *graphCall) validateRedirectSet(a *Application) *graphError {
	platforms := []struct {
		name string
		uris []string
	}{{"web", a.WebRedirectURIs}, {"spa", a.SpaRedirectURIs}, {"publicClient", a.PublicClientRedirects}}
	total := 0
	for _, p := range platforms {
		if gerr := validateRedirectURIs(p.name, p.uris, a.SignInAudience); gerr != nil {
			return gerr
		}
		total += len(p.uris)
		if total > maxRedirectURIs(a.SignInAudience) {
			return errInvalidProperty(p.name, "Application")
		}
	}
	return nil
}

func (c *graphCall) applyIdentifierURIs(a *Application, body map[string]json.RawMessage) *graphError {
	if _, ok := body["identifierUris"]; !ok {
		return nil
	}
	var uris []string
	if gerr := field(body, "identifierUris", &uris); gerr != nil {
		return gerr
	}
	var domains []string
	for _, d := range c.tenant.Domains {
		domains = append(domains, d.Name)
	}
	for _, u := range uris {
		switch identifierURIProblem(u, domains) {
		case "":
		case "host is not a verified domain":
			return errIdentifierURIDomain(u)
		default:
			return errInvalidProperty("identifierUris", "Application")
		}
		for _, other := range c.tenant.Applications {
			if other.ID != a.ID && containsFold(other.IdentifierURIs, u) {
				return errBadRequest("Another object with the same value for property identifierUris already exists.")
			}
		}
	}
	a.IdentifierURIs = uris
	return nil
}

func (c *graphCall) applyRequiredResourceAccess(a *Application, body map[string]json.RawMessage) *graphError {
	items, present, gerr := arrayBody(body, "requiredResourceAccess", rraProps)
	if gerr != nil || !present {
		return gerr
	}
	rra := []RequiredResourceAccess{}
	for _, it := range items {
		var r RequiredResourceAccess
		if gerr := field(it, "resourceAppId", &r.ResourceAppID); gerr != nil {
			return gerr
		}
		access, _, gerr := arrayBody(it, "resourceAccess", raProps)
		if gerr != nil {
			return gerr
		}
		for _, ra := range access {
			var x ResourceAccess
			if gerr := field(ra, "id", &x.ID); gerr != nil {
				return gerr
			}
			if gerr := field(ra, "type", &x.Type); gerr != nil {
				return gerr
			}
			r.ResourceAccess = append(r.ResourceAccess, x)
		}
		rra = append(rra, r)
	}
	// Graph's exact wording for a malformed entry is unverified; the
	// generic "invalid value" error is the most plausible.
	if requiredResourceAccessProblem(rra) != "" {
		return errInvalidProperty("requiredResourceAccess", "Application")
	}
	a.RequiredResourceAccess = rra
	return nil
}

func (c *graphCall) applyAppRolesAndScopes(a *Application, body map[string]json.RawMessage) *graphError {
	roles, present, gerr := arrayBody(body, "appRoles", appRoleProps)
	if gerr != nil {
		return gerr
	}
	if present {
		a.AppRoles = []AppRole{}
		for _, raw := range roles {
			var r AppRole
			if err := remarshal(raw, &r); err != nil || !IsGUID(r.ID) || !validMemberTypes(r.AllowedMemberTypes) {
				return errInvalidProperty("appRoles", "Application")
			}
			a.AppRoles = append(a.AppRoles, r)
		}
	}
	api, gerr := objectBody(body, "api", apiProps)
	if gerr != nil || api == nil {
		return gerr
	}
	scopes, present, gerr := arrayBody(api, "oauth2PermissionScopes", scopeProps)
	if gerr != nil || !present {
		return gerr
	}
	a.Scopes = []PermissionScope{}
	for _, raw := range scopes {
		var s PermissionScope
		if err := remarshal(raw, &s); err != nil || !IsGUID(s.ID) || (s.Type != "User" && s.Type != "Admin") {
			return errInvalidProperty("api", "Application")
		}
		a.Scopes = append(a.Scopes, s)
	}
	return nil
}

func validMemberTypes(types []string) bool {
	for _, t := range types {
		if t != "User" && t != "Application" {
			return false
		}
	}
	return len(types) > 0
}

func remarshal(raw map[string]json.RawMessage, dst any) error {
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// applyKeyCredentials replaces the certificates. Existing ones may be sent
// back by keyId without their key (GET does not return it).
func (c *graphCall) applyKeyCredentials(a *Application, body map[string]json.RawMessage) *graphError {
	items, present, gerr := arrayBody(body, "keyCredentials", keyProps)
	if gerr != nil || !present {
		return gerr
	}
	keys := []*KeyCredential{}
	for _, it := range items {
		k, gerr := c.parseKeyCredential(a, it)
		if gerr != nil {
			return gerr
		}
		keys = append(keys, k)
	}
	a.KeyCredentials = keys
	return nil
}

func (c *graphCall) parseKeyCredential(a *Application, it map[string]json.RawMessage) (*KeyCredential, *graphError) {
	var in struct {
		KeyID         string     `json:"keyId"`
		Type          string     `json:"type"`
		Usage         string     `json:"usage"`
		Key           []byte     `json:"key"`
		DisplayName   string     `json:"displayName"`
		StartDateTime *time.Time `json:"startDateTime"`
		EndDateTime   *time.Time `json:"endDateTime"`
	}
	if remarshal(it, &in) != nil {
		return nil, errInvalidProperty("keyCredentials", "Application")
	}
	if len(in.Key) == 0 {
		for _, old := range a.KeyCredentials {
			if in.KeyID != "" && strings.EqualFold(old.KeyID, in.KeyID) {
				return old, nil
			}
		}
	}
	cert, err := x509.ParseCertificate(in.Key)
	if err != nil {
		// Observed wording for a key that is not a DER certificate.
		return nil, errBadRequest("Invalid certificate: Key value is invalid certificate")
	}
	if in.Type != "AsymmetricX509Cert" || (in.Usage != "Verify" && in.Usage != "Sign") {
		return nil, errInvalidProperty("keyCredentials", "Application")
	}
	thumb := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint, not security
	k := &KeyCredential{
		KeyID: in.KeyID, DisplayName: in.DisplayName, Type: in.Type, Usage: in.Usage, Key: in.Key,
		CustomKeyIdentifier: base64.StdEncoding.EncodeToString(thumb[:]),
		StartDateTime:       cert.NotBefore.UTC(), EndDateTime: cert.NotAfter.UTC(),
	}
	if k.DisplayName == "" {
		k.DisplayName = "CN=" + cert.Subject.CommonName
	}
	if in.StartDateTime != nil {
		k.StartDateTime = *in.StartDateTime
	}
	if in.EndDateTime != nil {
		k.EndDateTime = *in.EndDateTime
	}
	if k.KeyID == "" {
		k.KeyID = c.s.state.NewGUID()
	} else if !IsGUID(k.KeyID) {
		return nil, errInvalidProperty("keyCredentials", "Application")
	}
	return k, c.checkCredentialLifetime(c.tenant.AppManagementPolicy.MaxCertificateLifetime, k.StartDateTime, k.EndDateTime, "certificate")
}

// checkCredentialLifetime enforces the tenant's app management policy.
// Graph's wording for policy violations is unverified.
func (c *graphCall) checkCredentialLifetime(max string, start, end time.Time, kind string) *graphError {
	if !c.tenant.AppManagementPolicy.IsEnabled || max == "" {
		return nil
	}
	limit, ok := parseISODuration(max)
	if ok && end.Sub(start) > limit {
		return errBadRequest("The %s lifetime exceeds the maximum of %s allowed by the application management policy of the organization.", kind, max)
	}
	return nil
}

func (c *graphCall) deleteApplication() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	c.tenant.Applications = removeByID(c.tenant.Applications, a.ID, func(x *Application) string { return x.ID })
	// Deleting an app registration also deletes its service principal in
	// the home tenant, with that principal's grants and assignments.
	if sp := c.tenant.ServicePrincipalByAppID(a.AppID); sp != nil {
		c.removeServicePrincipal(sp)
	}
	return c.noContent()
}

func removeByID[T any](list []T, id string, idOf func(T) string) []T {
	out := list[:0:0]
	for _, x := range list {
		if !strings.EqualFold(idOf(x), id) {
			out = append(out, x)
		}
	}
	return out
}

// addPassword creates a client secret (200, the only response that
// contains secretText), as "application: addPassword" documents it
// (learn.microsoft.com/graph/api/application-addpassword): Graph picks the
// keyId; startDateTime defaults to now and endDateTime to two years on.
func (c *graphCall) addPassword() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeOptionalJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, propSpec{Type: "microsoft.graph.application.addPassword", Writable: []string{"passwordCredential"}}); gerr != nil {
		return gerr
	}
	cred, gerr := objectBody(body, "passwordCredential", propSpec{Type: "microsoft.graph.passwordCredential",
		Writable: []string{"displayName", "startDateTime", "endDateTime"},
		ReadOnly: []string{"keyId", "hint", "secretText", "customKeyIdentifier"}})
	if gerr != nil {
		return gerr
	}
	p := &PasswordCredential{StartDateTime: c.now.UTC()}
	var start, end *time.Time
	for name, dst := range map[string]any{"displayName": &p.DisplayName, "startDateTime": &start, "endDateTime": &end} {
		if gerr := field(cred, name, dst); gerr != nil {
			return gerr
		}
	}
	if start != nil {
		p.StartDateTime = start.UTC()
	}
	p.EndDateTime = p.StartDateTime.AddDate(2, 0, 0) // Graph's default lifetime
	if end != nil {
		p.EndDateTime = end.UTC()
	}
	if !p.EndDateTime.After(p.StartDateTime) {
		return errInvalidProperty("endDateTime", "PasswordCredential")
	}
	if gerr := c.checkPasswordPolicy(p); gerr != nil {
		return gerr
	}
	p.SecretText = newClientSecret()
	p.Hint, p.KeyID = p.SecretText[:3], c.s.state.NewGUID()
	a.PasswordCredentials = append(a.PasswordCredentials, p)
	view := passwordView(p, true)
	view["@odata.context"] = "https://graph.microsoft.com/" + c.version + "/$metadata#microsoft.graph.passwordCredential"
	return c.writeRaw(http.StatusOK, view)
}

// checkPasswordPolicy applies the default app management policy: secrets
// blocked, or longer-lived than allowed (wording unverified).
func (c *graphCall) checkPasswordPolicy(p *PasswordCredential) *graphError {
	pol := c.tenant.AppManagementPolicy
	if pol.IsEnabled && pol.PasswordAdditionBlocked {
		return errBadRequest("Password credentials are not allowed by the application management policy of the organization.")
	}
	return c.checkCredentialLifetime(pol.MaxPasswordLifetime, p.StartDateTime, p.EndDateTime, "password")
}

// newClientSecret mimics Entra's 40-character secrets, which carry the
// "8Q~" marker after a 3-character hint.
func newClientSecret() string {
	return NewSecret(3) + "8Q~" + strings.NewReplacer("-", "~", "_", ".").Replace(NewSecret(34))
}

// removePassword deletes a client secret by keyId and answers 204 No
// Content, as "application: removePassword" documents it
// (learn.microsoft.com/graph/api/application-removepassword).
func (c *graphCall) removePassword() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, propSpec{Type: "microsoft.graph.application.removePassword", Writable: []string{"keyId"}}); gerr != nil {
		return gerr
	}
	var keyID string
	if gerr := field(body, "keyId", &keyID); gerr != nil {
		return gerr
	}
	if !IsGUID(keyID) {
		return errInvalidProperty("keyId", "PasswordCredential")
	}
	before := len(a.PasswordCredentials)
	a.PasswordCredentials = removeByID(a.PasswordCredentials, keyID, func(p *PasswordCredential) string { return p.KeyID })
	if len(a.PasswordCredentials) == before {
		// Graph's answer for an unknown keyId is unverified; a 404 in the
		// directory's shape is the most plausible.
		return errNotFound(keyID)
	}
	return c.noContent()
}

func (c *graphCall) listApplicationOwners() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	for _, id := range a.Owners {
		if v := c.directoryObjectView(id); v != nil {
			views = append(views, v)
		}
	}
	return c.writeCollection("directoryObjects", views)
}

// directoryObjectView renders a user, group or service principal by id
// with its @odata.type, or nil.
func (c *graphCall) directoryObjectView(id string) map[string]any {
	if u := c.tenant.UserByIDOrUPN(id); u != nil && u.VisibleAtTime(c.now) {
		return withODataType(userView(u), "user")
	}
	if g := c.tenant.GroupByID(id); g != nil && g.VisibleAtTime(c.now) {
		return withODataType(groupView(g, c.tenant.DefaultDomain()), "group")
	}
	if sp := c.tenant.ServicePrincipalByID(id); sp != nil && sp.VisibleAtTime(c.now) {
		return withODataType(servicePrincipalView(sp), "servicePrincipal")
	}
	return nil
}

// addApplicationOwner: POST owners/$ref {"@odata.id": ".../directoryObjects/{id}"}.
func (c *graphCall) addApplicationOwner() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	var ref string
	if gerr := field(body, "@odata.id", &ref); gerr != nil {
		return gerr
	}
	id := ref[strings.LastIndex(ref, "/")+1:]
	if !IsGUID(id) {
		return errInvalidObjectID(id)
	}
	if c.directoryObjectView(id) == nil {
		return errNotFound(id)
	}
	if containsFold(a.Owners, id) {
		return errBadRequest("One or more added object references already exist for the following modified properties: 'owners'.")
	}
	a.Owners = append(a.Owners, id)
	return c.noContent()
}

func (c *graphCall) removeApplicationOwner() *graphError {
	a, gerr := c.findApplication(c.params["app"])
	if gerr != nil {
		return gerr
	}
	id := keyValue(c.params["owner"])
	if !containsFold(a.Owners, id) {
		return errNotFound(id)
	}
	a.Owners = removeByID(a.Owners, id, func(s string) string { return s })
	return c.noContent()
}

package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Policies, Conditional Access and sign-in logs (graph.md sections 5, 6).

// guestUserRoleID is the "Guest User" role template every tenant uses.
const guestUserRoleID = "10dae51f-b6af-4016-8d66-8c2a99b929b3"

func authorizationPolicyView(p AuthorizationPolicy) map[string]any {
	return map[string]any{
		"id": "authorizationPolicy", "displayName": "Authorization Policy",
		"description":                            "Used to manage authorization related settings across the company.",
		"allowInvitesFrom":                       p.AllowInvitesFrom,
		"allowedToSignUpEmailBasedSubscriptions": true, "allowedToUseSSPR": true,
		"allowEmailVerifiedUsersToJoinOrganization": false,
		"allowUserConsentForRiskyApps":              p.AllowUserConsentForRiskyApps,
		"blockMsolPowerShell":                       p.BlockMsolPowerShell, "guestUserRoleId": guestUserRoleID,
		"defaultUserRolePermissions": map[string]any{
			"allowedToCreateApps": p.AllowedToCreateApps, "allowedToCreateSecurityGroups": p.AllowedToCreateSecurityGroups,
			"allowedToCreateTenants": true, "allowedToReadBitlockerKeysForOwnedDevice": true,
			"allowedToReadOtherUsers":         p.AllowedToReadOtherUsers,
			"permissionGrantPoliciesAssigned": emptyIfNil(p.PermissionGrantPoliciesAssigned),
		},
	}
}

var typeAuthorizationPolicy = &graphType{
	Name: "microsoft.graph.authorizationPolicy", Resource: "AuthorizationPolicy",
	Zero: func() map[string]any { return authorizationPolicyView(AuthorizationPolicy{}) },
}

func (c *graphCall) getAuthorizationPolicy() *graphError {
	return c.writeEntity(http.StatusOK, "policies/authorizationPolicy", authorizationPolicyView(c.tenant.AuthorizationPolicy))
}

var allowInvitesFromValues = []string{"none", "adminsAndGuestInviters", "adminsGuestInvitersAndAllMembers", "everyone"}

// patchAuthorizationPolicy updates the modelled settings. Unmodelled
// settings may be sent back unchanged (read-modify-write clients do).
func (c *graphCall) patchAuthorizationPolicy() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	current := authorizationPolicyView(c.tenant.AuthorizationPolicy)
	spec := propSpec{Type: "microsoft.graph.authorizationPolicy",
		Writable: []string{"allowInvitesFrom", "allowUserConsentForRiskyApps", "blockMsolPowerShell", "defaultUserRolePermissions"},
		ReadOnly: []string{"id", "displayName", "description"}}
	if gerr := checkBodyProps(withoutUnchanged(body, current), spec); gerr != nil {
		return gerr
	}
	next := c.tenant.AuthorizationPolicy
	for name, dst := range map[string]any{"allowInvitesFrom": &next.AllowInvitesFrom,
		"allowUserConsentForRiskyApps": &next.AllowUserConsentForRiskyApps, "blockMsolPowerShell": &next.BlockMsolPowerShell} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	if !containsExact(allowInvitesFromValues, next.AllowInvitesFrom) {
		return errInvalidProperty("allowInvitesFrom", "AuthorizationPolicy")
	}
	if gerr := c.applyDefaultUserRolePermissions(&next, body, current["defaultUserRolePermissions"].(map[string]any)); gerr != nil {
		return gerr
	}
	c.tenant.AuthorizationPolicy = next
	return c.noContent()
}

func (c *graphCall) applyDefaultUserRolePermissions(p *AuthorizationPolicy, body map[string]json.RawMessage, current map[string]any) *graphError {
	raw, ok := body["defaultUserRolePermissions"]
	if !ok {
		return nil
	}
	var perms map[string]json.RawMessage
	if json.Unmarshal(raw, &perms) != nil {
		return errInvalidProperty("defaultUserRolePermissions", "AuthorizationPolicy")
	}
	spec := propSpec{Type: "microsoft.graph.defaultUserRolePermissions",
		Writable: []string{"allowedToCreateApps", "allowedToCreateSecurityGroups", "allowedToReadOtherUsers", "permissionGrantPoliciesAssigned"}}
	if gerr := checkBodyProps(withoutUnchanged(perms, current), spec); gerr != nil {
		return gerr
	}
	for name, dst := range map[string]any{"allowedToCreateApps": &p.AllowedToCreateApps,
		"allowedToCreateSecurityGroups": &p.AllowedToCreateSecurityGroups, "allowedToReadOtherUsers": &p.AllowedToReadOtherUsers,
		"permissionGrantPoliciesAssigned": &p.PermissionGrantPoliciesAssigned} {
		if gerr := field(perms, name, dst); gerr != nil {
			return gerr
		}
	}
	for _, assigned := range p.PermissionGrantPoliciesAssigned {
		if !c.knownGrantPolicyAssignment(assigned) {
			// Wording unverified.
			return errInvalidProperty("permissionGrantPoliciesAssigned", "AuthorizationPolicy")
		}
	}
	return nil
}

// knownGrantPolicyAssignment accepts ManagePermissionGrantsForSelf.{id}
// for an existing policy (case-insensitively, as real tenants and docs
// differ in case) and the Microsoft-managed ForOwnedResource entries.
func (c *graphCall) knownGrantPolicyAssignment(v string) bool {
	kind, id, ok := strings.Cut(v, ".")
	switch {
	case !ok:
		return false
	case strings.EqualFold(kind, "ManagePermissionGrantsForOwnedResource"):
		return true
	case !strings.EqualFold(kind, "ManagePermissionGrantsForSelf"):
		return false
	}
	for _, p := range c.tenant.PermissionGrantPolicies {
		if strings.EqualFold(p.ID, id) {
			return true
		}
	}
	return strings.HasPrefix(strings.ToLower(id), "microsoft-")
}

// withoutUnchanged drops properties whose value equals the current view,
// so a client may PATCH back what it read.
func withoutUnchanged(body map[string]json.RawMessage, current map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range body {
		cur, ok := current[k]
		if !ok {
			out[k] = v
			continue
		}
		curRaw, _ := json.Marshal(cur)
		if !jsonEqual(curRaw, v) {
			out[k] = v
		}
	}
	return out
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func adminConsentRequestPolicyView(p AdminConsentRequestPolicy) map[string]any {
	reviewers := []map[string]any{}
	for _, r := range p.Reviewers {
		reviewers = append(reviewers, map[string]any{"query": r.Query, "queryType": r.QueryType, "queryRoot": nullable(r.QueryRoot)})
	}
	return map[string]any{
		"isEnabled": p.IsEnabled, "notifyReviewers": p.NotifyReviewers, "remindersEnabled": p.RemindersEnabled,
		"requestDurationInDays": p.RequestDurationInDays, "version": p.Version, "reviewers": reviewers,
	}
}

var typeAdminConsentRequestPolicy = &graphType{
	Name: "microsoft.graph.adminConsentRequestPolicy", Resource: "AdminConsentRequestPolicy",
	Zero: func() map[string]any { return adminConsentRequestPolicyView(AdminConsentRequestPolicy{}) },
}

func (c *graphCall) getAdminConsentRequestPolicy() *graphError {
	return c.writeEntity(http.StatusOK, "policies/adminConsentRequestPolicy", adminConsentRequestPolicyView(c.tenant.AdminConsentRequestPolicy))
}

// putAdminConsentRequestPolicy replaces the workflow settings (PUT, not
// PATCH, in Graph). Enabling it needs reviewers and a duration of 1-30
// days (portal limits; API enforcement unverified).
func (c *graphCall) putAdminConsentRequestPolicy() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	spec := propSpec{Type: "microsoft.graph.adminConsentRequestPolicy",
		Writable: []string{"isEnabled", "notifyReviewers", "remindersEnabled", "requestDurationInDays", "reviewers"},
		ReadOnly: []string{"version"}}
	if gerr := checkBodyProps(body, spec); gerr != nil {
		return gerr
	}
	next := AdminConsentRequestPolicy{Version: c.tenant.AdminConsentRequestPolicy.Version + 1}
	for name, dst := range map[string]any{"isEnabled": &next.IsEnabled, "notifyReviewers": &next.NotifyReviewers,
		"remindersEnabled": &next.RemindersEnabled, "requestDurationInDays": &next.RequestDurationInDays, "reviewers": &next.Reviewers} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	if next.IsEnabled && len(next.Reviewers) == 0 {
		return errInvalidProperty("reviewers", "AdminConsentRequestPolicy")
	}
	if next.IsEnabled && (next.RequestDurationInDays < 1 || next.RequestDurationInDays > 30) {
		return errInvalidProperty("requestDurationInDays", "AdminConsentRequestPolicy")
	}
	c.tenant.AdminConsentRequestPolicy = next
	return c.noContent()
}

func permissionGrantPolicyView(p *PermissionGrantPolicy) map[string]any {
	conds := func(list []PermissionGrantCondition) []map[string]any {
		out := []map[string]any{}
		for _, cs := range list {
			out = append(out, map[string]any{
				"id": cs.ID, "permissionClassification": cs.PermissionClassification, "permissionType": cs.PermissionType,
				"resourceApplication": cs.ResourceApplication, "permissions": emptyIfNil(cs.Permissions),
				"clientApplicationIds": emptyIfNil(cs.ClientApplicationIDs), "clientApplicationTenantIds": emptyIfNil(cs.ClientApplicationTenantIDs),
				"clientApplicationPublisherIds":               emptyIfNil(cs.ClientApplicationPublisherIDs),
				"clientApplicationsFromVerifiedPublisherOnly": cs.ClientApplicationsFromVerifiedPublisherOnly,
			})
		}
		return out
	}
	// includes and excludes are contained navigation properties that
	// Graph expands without being asked, each with its own context (as
	// real answers show; the v1.0 schema declares them navigation).
	self := "https://graph.microsoft.com/v1.0/$metadata#policies/permissionGrantPolicies('" + p.ID + "')"
	return map[string]any{
		"id": p.ID, "deletedDateTime": nil, "displayName": p.DisplayName, "description": p.Description,
		"includes": conds(p.Includes), "excludes": conds(p.Excludes),
		"includes@odata.context": self + "/includes", "excludes@odata.context": self + "/excludes",
	}
}

var typePermissionGrantPolicy = &graphType{
	Name: "microsoft.graph.permissionGrantPolicy", Resource: "PermissionGrantPolicy",
	Zero:   func() map[string]any { return permissionGrantPolicyView(&PermissionGrantPolicy{}) },
	Filter: map[string]string{"id": "eq startswith", "displayName": "eq startswith"},
}

func (c *graphCall) listPermissionGrantPolicies() *graphError {
	views := []map[string]any{}
	for _, p := range c.tenant.PermissionGrantPolicies {
		views = append(views, permissionGrantPolicyView(p))
	}
	return c.writeCollection("policies/permissionGrantPolicies", views)
}

func (c *graphCall) getPermissionGrantPolicy() *graphError {
	id := keyValue(c.params["policy"])
	for _, p := range c.tenant.PermissionGrantPolicies {
		if strings.EqualFold(p.ID, id) {
			return c.writeEntity(http.StatusOK, "policies/permissionGrantPolicies", permissionGrantPolicyView(p))
		}
	}
	return errNotFound(id)
}

// App management policy restriction types the emulator models.
const (
	restrictPasswordAddition = "passwordAddition"
	restrictPasswordLifetime = "passwordLifetime"
	restrictKeyLifetime      = "asymmetricKeyLifetime"
)

func appManagementPolicyView(p AppManagementPolicy) map[string]any {
	restriction := func(kind, lifetime string) map[string]any {
		return map[string]any{"restrictionType": kind, "maxLifetime": nullable(lifetime),
			"restrictForAppsCreatedAfterDateTime": "0001-01-01T00:00:00Z"}
	}
	passwords, keys := []map[string]any{}, []map[string]any{}
	if p.PasswordAdditionBlocked {
		passwords = append(passwords, restriction(restrictPasswordAddition, ""))
	}
	if p.MaxPasswordLifetime != "" {
		passwords = append(passwords, restriction(restrictPasswordLifetime, p.MaxPasswordLifetime))
	}
	if p.MaxCertificateLifetime != "" {
		keys = append(keys, restriction(restrictKeyLifetime, p.MaxCertificateLifetime))
	}
	restrictions := map[string]any{"passwordCredentials": passwords, "keyCredentials": keys}
	return map[string]any{
		"id": "00000000-0000-0000-0000-000000000000", "displayName": "Default app management tenant policy",
		"description": "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
		"isEnabled":   p.IsEnabled, "applicationRestrictions": restrictions, "servicePrincipalRestrictions": restrictions,
	}
}

var typeAppManagementPolicy = &graphType{
	Name: "microsoft.graph.tenantAppManagementPolicy", Resource: "TenantAppManagementPolicy",
	Zero: func() map[string]any { return appManagementPolicyView(AppManagementPolicy{}) },
}

func (c *graphCall) getAppManagementPolicy() *graphError {
	return c.writeEntity(http.StatusOK, "policies/defaultAppManagementPolicy", appManagementPolicyView(c.tenant.AppManagementPolicy))
}

type credentialRestriction struct {
	RestrictionType string `json:"restrictionType"`
	MaxLifetime     string `json:"maxLifetime"`
}

// patchAppManagementPolicy maps restrictions onto the model. The
// emulator applies them to every app (restrictForAppsCreatedAfterDateTime
// is not modelled, which can only make it stricter).
func (c *graphCall) patchAppManagementPolicy() *graphError {
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	spec := propSpec{Type: "microsoft.graph.tenantAppManagementPolicy",
		Writable:   []string{"isEnabled", "applicationRestrictions"},
		ReadOnly:   []string{"id"},
		Unmodelled: []string{"displayName", "description", "servicePrincipalRestrictions"}}
	if gerr := checkBodyProps(body, spec); gerr != nil {
		return gerr
	}
	next := c.tenant.AppManagementPolicy
	if gerr := field(body, "isEnabled", &next.IsEnabled); gerr != nil {
		return gerr
	}
	restrictions, gerr := objectBody(body, "applicationRestrictions", propSpec{Type: "microsoft.graph.appManagementApplicationConfiguration",
		Writable: []string{"passwordCredentials", "keyCredentials"}, Unmodelled: []string{"identifierUris"}})
	if gerr != nil {
		return gerr
	}
	if restrictions != nil {
		if gerr := applyCredentialRestrictions(&next, restrictions); gerr != nil {
			return gerr
		}
	}
	c.tenant.AppManagementPolicy = next
	return c.noContent()
}

func applyCredentialRestrictions(p *AppManagementPolicy, restrictions map[string]json.RawMessage) *graphError {
	var passwords, keys []credentialRestriction
	if gerr := field(restrictions, "passwordCredentials", &passwords); gerr != nil {
		return gerr
	}
	if gerr := field(restrictions, "keyCredentials", &keys); gerr != nil {
		return gerr
	}
	if _, ok := restrictions["passwordCredentials"]; ok {
		p.PasswordAdditionBlocked, p.MaxPasswordLifetime = false, ""
		for _, r := range passwords {
			switch r.RestrictionType {
			case restrictPasswordAddition:
				p.PasswordAdditionBlocked = true
			case restrictPasswordLifetime:
				if _, ok := parseISODuration(r.MaxLifetime); !ok {
					return errInvalidProperty("maxLifetime", "PasswordCredentialConfiguration")
				}
				p.MaxPasswordLifetime = r.MaxLifetime
			default:
				return errNotModelled("password restriction type '" + r.RestrictionType + "'")
			}
		}
	}
	if _, ok := restrictions["keyCredentials"]; ok {
		p.MaxCertificateLifetime = ""
		for _, r := range keys {
			if r.RestrictionType != restrictKeyLifetime {
				return errNotModelled("key restriction type '" + r.RestrictionType + "'")
			}
			if _, ok := parseISODuration(r.MaxLifetime); !ok {
				return errInvalidProperty("maxLifetime", "KeyCredentialConfiguration")
			}
			p.MaxCertificateLifetime = r.MaxLifetime
		}
	}
	return nil
}

// Conditional Access.

func caPolicyView(p *ConditionalAccessPolicy) map[string]any {
	var grant any
	if len(p.BuiltInControls) > 0 {
		// authenticationStrength is a navigation property Graph expands
		// unasked, null with its context when the policy has none.
		grant = map[string]any{"operator": p.GrantOperator, "builtInControls": p.BuiltInControls,
			"customAuthenticationFactors": []string{}, "termsOfUse": []string{}, "authenticationStrength": nil,
			"authenticationStrength@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('" +
				p.ID + "')/grantControls/authenticationStrength/$entity"}
	}
	return map[string]any{
		"id": p.ID, "templateId": nil, "displayName": p.DisplayName, "createdDateTime": isoTime(p.CreatedDateTime),
		"modifiedDateTime": nil, "state": p.State, "sessionControls": nil, "grantControls": grant,
		"conditions": map[string]any{
			"userRiskLevels": []string{}, "signInRiskLevels": []string{}, "servicePrincipalRiskLevels": []string{},
			"clientAppTypes": emptyIfNil(p.ClientAppTypes), "platforms": nil, "locations": nil,
			"devices": nil, "clientApplications": nil, "authenticationFlows": nil,
			"applications": map[string]any{
				"includeApplications": emptyIfNil(p.IncludeApplications), "excludeApplications": emptyIfNil(p.ExcludeApplications),
				"includeUserActions": []string{}, "includeAuthenticationContextClassReferences": []string{}, "applicationFilter": nil,
			},
			"users": map[string]any{
				"includeUsers": emptyIfNil(p.IncludeUsers), "excludeUsers": emptyIfNil(p.ExcludeUsers),
				"includeGroups": emptyIfNil(p.IncludeGroups), "excludeGroups": emptyIfNil(p.ExcludeGroups),
				"includeRoles": emptyIfNil(p.IncludeRoles), "excludeRoles": emptyIfNil(p.ExcludeRoles),
				"includeGuestsOrExternalUsers": nil, "excludeGuestsOrExternalUsers": nil,
			},
		},
	}
}

var typeCAPolicy = &graphType{
	Name: "microsoft.graph.conditionalAccessPolicy", Resource: "ConditionalAccessPolicy",
	Zero:    func() map[string]any { return caPolicyView(&ConditionalAccessPolicy{}) },
	Filter:  map[string]string{"id": "eq", "displayName": "eq startswith", "state": "eq"},
	OrderBy: []string{"displayName"},
}

func (c *graphCall) listCAPolicies() *graphError {
	views := []map[string]any{}
	for _, p := range c.tenant.ConditionalAccess {
		views = append(views, caPolicyView(p))
	}
	return c.writeCollection("identity/conditionalAccess/policies", views)
}

func (c *graphCall) getCAPolicy() *graphError {
	id := keyValue(c.params["policy"])
	for _, p := range c.tenant.ConditionalAccess {
		if strings.EqualFold(p.ID, id) {
			return c.writeEntity(http.StatusOK, "identity/conditionalAccess/policies", caPolicyView(p))
		}
	}
	return errNotFound(id)
}

// whatIfRequest is the body of identity/conditionalAccess/evaluate.
type whatIfRequest struct {
	SignInIdentity struct {
		Type   string `json:"@odata.type"`
		UserID string `json:"userId"`
	} `json:"signInIdentity"`
	SignInContext struct {
		Type                string   `json:"@odata.type"`
		IncludeApplications []string `json:"includeApplications"`
	} `json:"signInContext"`
	SignInConditions struct {
		ClientAppType string `json:"clientAppType"`
	} `json:"signInConditions"`
	AppliedPoliciesOnly bool `json:"appliedPoliciesOnly"`
}

// evaluateCA is the what-if API (beta; served under v1.0 too). It uses
// the same evaluation as sign-ins. Conditions the emulator does not model
// (platform, location, risk) are accepted and ignored, as they are for
// sign-ins.
func (c *graphCall) evaluateCA() *graphError {
	if gerr := c.requireEntraIDPremium(); gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	spec := propSpec{Type: "microsoft.graph.conditionalAccessRoot.evaluate",
		Writable: []string{"signInIdentity", "signInContext", "signInConditions", "appliedPoliciesOnly"}}
	if gerr := checkBodyProps(body, spec); gerr != nil {
		return gerr
	}
	var req whatIfRequest
	if remarshal(body, &req) != nil {
		return errUnreadableJSON()
	}
	in, gerr := c.whatIfContext(req)
	if gerr != nil {
		return gerr
	}
	results := []map[string]any{}
	for _, res := range EvaluateConditionalAccess(c.tenant, in) {
		if req.AppliedPoliciesOnly && !res.Applies {
			continue
		}
		view := caPolicyView(res.Policy)
		view["policyApplies"] = res.Applies
		view["analysisReasons"] = strings.Join(res.Reasons, ",")
		results = append(results, view)
	}
	return c.writeRaw(http.StatusOK, map[string]any{
		"@odata.context": "https://graph.microsoft.com/" + c.version + "/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)",
		"value":          results,
	})
}

var whatIfClientAppTypes = []string{"all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "easSupported", "other"}

func (c *graphCall) whatIfContext(req whatIfRequest) (SignInContext, *graphError) {
	if t := req.SignInIdentity.Type; t != "" && !strings.EqualFold(t, "#microsoft.graph.userSignIn") {
		return SignInContext{}, errNotModelled("what-if evaluation for " + t)
	}
	if t := req.SignInContext.Type; t != "" && !strings.EqualFold(t, "#microsoft.graph.applicationContext") {
		return SignInContext{}, errNotModelled("what-if evaluation for " + t)
	}
	u := c.tenant.UserByIDOrUPN(req.SignInIdentity.UserID)
	if !IsGUID(req.SignInIdentity.UserID) || u == nil {
		return SignInContext{}, errInvalidProperty("userId", "UserSignIn")
	}
	if len(req.SignInContext.IncludeApplications) != 1 {
		return SignInContext{}, errInvalidProperty("includeApplications", "ApplicationContext")
	}
	clientAppType := req.SignInConditions.ClientAppType
	if clientAppType == "" {
		clientAppType = "browser" // plausible default; unverified
	}
	if !containsExact(whatIfClientAppTypes, clientAppType) {
		return SignInContext{}, errInvalidProperty("clientAppType", "SignInConditions")
	}
	return SignInContext{User: u, AppID: req.SignInContext.IncludeApplications[0], ClientAppType: clientAppType}, nil
}

// Sign-in logs.

func (c *graphCall) signInView(si *SignIn) map[string]any {
	var userName any
	if u := c.tenant.UserByIDOrUPN(si.UserID); u != nil {
		userName = u.DisplayName
	}
	applied := []map[string]any{}
	for _, id := range si.AppliedCAPolicies {
		for _, p := range c.tenant.ConditionalAccess {
			if strings.EqualFold(p.ID, id) {
				applied = append(applied, map[string]any{"id": p.ID, "displayName": p.DisplayName,
					"enforcedGrantControls": emptyIfNil(p.BuiltInControls), "enforcedSessionControls": []string{},
					"result": si.ConditionalAccess})
			}
		}
	}
	return map[string]any{
		"id": si.ID, "createdDateTime": isoTime(si.CreatedDateTime), "userDisplayName": userName,
		"userPrincipalName": nullable(si.UserPrincipalName), "userId": nullable(si.UserID), "appId": si.AppID,
		"appDisplayName": nullable(si.AppDisplayName), "ipAddress": "127.0.0.1", "clientAppUsed": nullable(si.ClientAppUsed),
		"correlationId": si.ID, "conditionalAccessStatus": nullable(si.ConditionalAccess), "isInteractive": si.IsInteractive,
		"riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
		"riskEventTypes": []string{}, "riskEventTypes_v2": []string{}, "resourceDisplayName": "Microsoft Graph",
		"resourceId": GraphAppID, "appliedConditionalAccessPolicies": applied,
		"status": map[string]any{"errorCode": si.ErrorCode, "failureReason": nullable(si.FailureReason), "additionalDetails": nullable(si.AdditionalDetails)},
		"deviceDetail": map[string]any{"deviceId": "", "displayName": nil, "operatingSystem": nil, "browser": nil,
			"isCompliant": false, "isManaged": false, "trustType": nil},
		"location": map[string]any{"city": nil, "state": nil, "countryOrRegion": nil, "geoCoordinates": nil},
	}
}

var typeSignIn = &graphType{
	Name: "microsoft.graph.signIn", Resource: "SignIn",
	Zero: func() map[string]any { return (&graphCall{tenant: &Tenant{}}).signInView(&SignIn{}) },
	Filter: map[string]string{
		"id": "eq", "userId": "eq", "appId": "eq", "userPrincipalName": "eq startswith",
		"createdDateTime": "eq ge le gt lt", "appDisplayName": "eq startswith", "status/errorCode": "eq",
		"conditionalAccessStatus": "eq", "isInteractive": "eq", "clientAppUsed": "eq",
	},
}

// listSignIns returns newest first, as Graph does.
func (c *graphCall) listSignIns() *graphError {
	if gerr := c.requireEntraIDPremium(); gerr != nil {
		return gerr
	}
	signIns := append([]*SignIn(nil), c.tenant.SignIns...)
	sort.SliceStable(signIns, func(i, j int) bool { return signIns[i].CreatedDateTime.After(signIns[j].CreatedDateTime) })
	views := []map[string]any{}
	for _, si := range signIns {
		views = append(views, c.signInView(si))
	}
	return c.writeCollection("auditLogs/signIns", views)
}

func (c *graphCall) getSignIn() *graphError {
	if gerr := c.requireEntraIDPremium(); gerr != nil {
		return gerr
	}
	id := keyValue(c.params["signIn"])
	for _, si := range c.tenant.SignIns {
		if si.ID == id {
			return c.writeEntity(http.StatusOK, "auditLogs/signIns", c.signInView(si))
		}
	}
	return errNotFound(id)
}

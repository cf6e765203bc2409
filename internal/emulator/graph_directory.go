package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// Organization, users, groups and directory roles (graph.md section 8).

var typeOrganization = &graphType{
	Name: "microsoft.graph.organization", Resource: "Organization",
	Zero: func() map[string]any { return organizationView(&Tenant{}) },
}

var typeUser = &graphType{
	Name: "microsoft.graph.user", Resource: "User",
	Zero: func() map[string]any { return userView(&User{}) },
	// GET /users returns these unless $select asks for more.
	Default: []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"},
	Filter: map[string]string{
		"id": "eq in", "userPrincipalName": "eq in startswith", "displayName": "eq in startswith",
		"mail": "eq in startswith", "givenName": "eq in startswith", "surname": "eq in startswith",
		"jobTitle": "eq in startswith", "userType": "eq in", "accountEnabled": "eq",
	},
	OrderBy: []string{"displayName", "userPrincipalName"},
}

var typeGroup = &graphType{
	Name: "microsoft.graph.group", Resource: "Group",
	Zero: func() map[string]any { return groupView(&Group{}, "") },
	Filter: map[string]string{
		"id": "eq in", "displayName": "eq in startswith", "mailNickname": "eq in startswith",
		"mail": "eq in startswith", "securityEnabled": "eq", "mailEnabled": "eq",
	},
	OrderBy: []string{"displayName"},
}

var typeDirectoryRole = &graphType{
	Name: "microsoft.graph.directoryRole", Resource: "DirectoryRole",
	Zero:   func() map[string]any { return directoryRoleView(&Tenant{}, "") },
	Filter: map[string]string{"roleTemplateId": "eq", "displayName": "eq"},
}

// typeDirectoryObject covers mixed collections (memberOf, members):
// properties of any member type may be selected.
var typeDirectoryObject = &graphType{
	Name: "microsoft.graph.directoryObject", Resource: "DirectoryObject",
	Zero: func() map[string]any {
		out := map[string]any{}
		for _, m := range []map[string]any{userView(&User{}), groupView(&Group{}, ""), directoryRoleView(&Tenant{}, "")} {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	},
}

var typeLicenseDetails = &graphType{
	Name: "microsoft.graph.licenseDetails", Resource: "LicenseDetails",
	Zero: func() map[string]any { return licenseDetailsView(&User{}, License{}) },
}

func organizationView(t *Tenant) map[string]any {
	domains := []map[string]any{}
	for _, d := range t.Domains {
		domains = append(domains, map[string]any{
			"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.IsDefault,
			"isInitial": d.IsInitial, "name": d.Name, "type": "Managed",
		})
	}
	var country any
	if t.Country != "" {
		country = t.Country
	}
	plans := assignedPlans(t)
	provisioned := []map[string]any{}
	seen := map[any]bool{}
	for _, p := range plans {
		if !seen[p["service"]] {
			seen[p["service"]] = true
			provisioned = append(provisioned, map[string]any{"capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": p["service"]})
		}
	}
	// The properties GET /organization returns, as listed by the
	// organization resource of the v1.0 schema.
	return map[string]any{
		"id": t.ID, "deletedDateTime": nil, "businessPhones": []string{}, "city": nil, "country": nil,
		"countryLetterCode": country, "createdDateTime": isoTime(t.CreatedDateTime), "defaultUsageLocation": nil,
		"displayName": t.DisplayName, "marketingNotificationEmails": []string{}, "onPremisesLastSyncDateTime": nil,
		"onPremisesSyncEnabled": nil, "partnerTenantType": nil, "postalCode": nil, "preferredLanguage": "en",
		"privacyProfile": nil, "securityComplianceNotificationMails": []string{},
		"securityComplianceNotificationPhones": []string{}, "state": nil, "street": nil, "tenantType": "AAD",
		"technicalNotificationMails": []string{}, "verifiedDomains": domains, "assignedPlans": plans,
		"provisionedPlans": provisioned,
	}
}

// assignedPlans lists the service plans of the licences in use, which is
// what Graph derives from the tenant's subscriptions.
func assignedPlans(t *Tenant) []map[string]any {
	plans := []map[string]any{}
	seen := map[string]bool{}
	for _, u := range t.Users {
		for _, l := range u.Licenses {
			for _, p := range l.ServicePlans {
				if seen[p.ServicePlanID] {
					continue
				}
				seen[p.ServicePlanID] = true
				plans = append(plans, map[string]any{
					"assignedDateTime": isoTime(t.CreatedDateTime), "capabilityStatus": "Enabled",
					"service": servicePlanService(p.ServicePlanName), "servicePlanId": p.ServicePlanID,
				})
			}
		}
	}
	return plans
}

func servicePlanService(name string) string {
	switch {
	case strings.HasPrefix(name, "TEAMS"):
		return "TeamspaceAPI"
	case strings.HasPrefix(name, "MCO"):
		return "MicrosoftCommunicationsOnline"
	case strings.HasPrefix(name, "EXCHANGE"):
		return "exchange"
	}
	return name
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func userView(u *User) map[string]any {
	return map[string]any{
		"id": u.ID, "businessPhones": []string{}, "displayName": nullable(u.DisplayName),
		"givenName": nullable(u.GivenName), "jobTitle": nullable(u.JobTitle), "mail": nullable(u.Mail),
		"mobilePhone": nil, "officeLocation": nil, "preferredLanguage": nil, "surname": nullable(u.Surname),
		"userPrincipalName": nullable(u.UserPrincipalName), "accountEnabled": u.AccountEnabled,
		"userType": nullable(u.UserType), "deletedDateTime": nil,
	}
}

// groupView renders a group whose mail address is in domain (the
// tenant's default domain, where Entra creates group addresses).
func groupView(g *Group, domain string) map[string]any {
	var mail any
	if g.MailEnabled && g.MailNickname != "" {
		mail = g.MailNickname + "@" + domain
	}
	proxies := []string{}
	if s, ok := mail.(string); ok {
		proxies = append(proxies, "SMTP:"+s)
	}
	// The default properties of GET /groups/{id} (Graph "Get group",
	// response 1, and the group resource's properties in the v1.0
	// schema): a cloud-only, static, non-role-assignable group.
	return map[string]any{
		"id": g.ID, "deletedDateTime": nil, "classification": nil, "createdDateTime": isoTime(g.CreatedDateTime),
		"description": nullable(g.Description), "displayName": nullable(g.DisplayName),
		"expirationDateTime": nil, "groupTypes": emptyIfNil(g.GroupTypes), "isAssignableToRole": nil, "mail": mail,
		"mailEnabled": g.MailEnabled, "mailNickname": nullable(g.MailNickname), "membershipRule": nil,
		"membershipRuleProcessingState": nil, "onPremisesDomainName": nil, "onPremisesLastSyncDateTime": nil,
		"onPremisesNetBiosName": nil, "onPremisesSamAccountName": nil, "onPremisesSecurityIdentifier": nil,
		"onPremisesSyncEnabled": nil, "preferredDataLocation": nil, "preferredLanguage": nil,
		"proxyAddresses": proxies, "renewedDateTime": isoTime(g.CreatedDateTime), "resourceBehaviorOptions": []string{},
		"resourceProvisioningOptions": []string{}, "securityEnabled": g.SecurityEnabled,
		"securityIdentifier": nullable(cloudSecurityIdentifier(g.ID)), "theme": nil, "uniqueName": nil, "visibility": nil,
		"onPremisesProvisioningErrors": []any{}, "serviceProvisioningErrors": []any{},
	}
}

// cloudSecurityIdentifier is the SID Entra gives a cloud-only object:
// S-1-12-1- and the object id's 16 bytes as four little-endian uint32s.
// Microsoft does not document the mapping for Graph; it is the one
// Windows and Intune use for Entra objects, and what Graph returns.
func cloudSecurityIdentifier(objectID string) string {
	raw, err := hex.DecodeString(strings.ReplaceAll(objectID, "-", ""))
	if err != nil || len(raw) != 16 {
		return ""
	}
	// The GUID's first three fields are stored little-endian.
	b := []byte{raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6]}
	b = append(b, raw[8:]...)
	parts := make([]string, 4)
	for i := range parts {
		parts[i] = strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[i*4:])), 10)
	}
	return "S-1-12-1-" + strings.Join(parts, "-")
}

// directoryRoleID derives the object id of an activated role in a tenant
// (stable, distinct from the template id as in Entra).
func directoryRoleID(t *Tenant, templateID string) string {
	sum := sha256.Sum256([]byte(t.ID + "/role/" + strings.ToLower(templateID)))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func directoryRoleView(t *Tenant, templateID string) map[string]any {
	id := ""
	if templateID != "" {
		id = directoryRoleID(t, templateID)
	}
	return map[string]any{
		"id": id, "deletedDateTime": nil, "description": nullable(DirectoryRoleNames[templateID]),
		"displayName": nullable(DirectoryRoleNames[templateID]), "roleTemplateId": templateID,
	}
}

func licenseDetailsView(u *User, l License) map[string]any {
	plans := []map[string]any{}
	for _, p := range l.ServicePlans {
		plans = append(plans, map[string]any{
			"servicePlanId": p.ServicePlanID, "servicePlanName": p.ServicePlanName,
			"provisioningStatus": p.ProvisioningStatus, "appliesTo": p.AppliesTo,
		})
	}
	sum := sha256.Sum256([]byte(u.ID + "/" + l.SkuID))
	return map[string]any{
		"id": base64.RawURLEncoding.EncodeToString(sum[:32])[:43], "skuId": l.SkuID,
		"skuPartNumber": l.SkuPartNumber, "servicePlans": plans,
	}
}

// withODataType marks an item of a collection that mixes types
// (memberOf, members), as Graph does.
func withODataType(view map[string]any, typ string) map[string]any {
	view["@odata.type"] = "#microsoft.graph." + typ
	return view
}

// activatedRoles lists the directory roles someone in the tenant holds,
// which is when Entra activates a role.
func activatedRoles(t *Tenant) []string {
	var roles []string
	for _, u := range t.Users {
		for _, r := range u.DirectoryRoles {
			if !containsFold(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	return roles
}

// targetUser resolves /me or /users/{id|upn}.
func (c *graphCall) targetUser() (*User, *graphError) {
	if c.viaMe {
		return c.caller, nil
	}
	ref := keyValue(c.params["user"])
	u := c.tenant.UserByIDOrUPN(ref)
	if u == nil || !u.VisibleAtTime(c.now) {
		return nil, errNotFound(ref)
	}
	return u, nil
}

func (c *graphCall) getOrganization() *graphError {
	return c.writeCollection("organization", []map[string]any{organizationView(c.tenant)})
}

func (c *graphCall) getOrganizationByID() *graphError {
	ref := keyValue(c.params["org"])
	if !strings.EqualFold(ref, c.tenant.ID) {
		return errNotFound(ref)
	}
	return c.writeEntity(http.StatusOK, "organization", organizationView(c.tenant))
}

func (c *graphCall) listUsers() *graphError {
	var views []map[string]any
	for _, u := range c.tenant.Users {
		if u.VisibleAtTime(c.now) {
			views = append(views, userView(u))
		}
	}
	return c.writeCollection("users", views)
}

func (c *graphCall) getUser() *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "users", userView(u))
}

func (c *graphCall) listLicenseDetails() *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	for _, l := range u.Licenses {
		views = append(views, licenseDetailsView(u, l))
	}
	return c.writeCollection("users('"+u.ID+"')/licenseDetails", views)
}

func (c *graphCall) listMemberOf() *graphError {
	return c.listUserMemberships(false)
}

func (c *graphCall) listTransitiveMemberOf() *graphError {
	return c.listUserMemberships(true)
}

// listUserMemberships lists a user's groups (direct or transitive) and
// directory roles, each with its @odata.type as Graph mixes them.
func (c *graphCall) listUserMemberships(transitive bool) *graphError {
	u, gerr := c.targetUser()
	if gerr != nil {
		return gerr
	}
	var groupIDs []string
	if transitive {
		groupIDs = c.tenant.TransitiveGroupIDs(u.ID)
	} else {
		for _, g := range c.tenant.Groups {
			if containsFold(g.Members, u.ID) {
				groupIDs = append(groupIDs, g.ID)
			}
		}
	}
	views := []map[string]any{}
	for _, id := range groupIDs {
		if g := c.tenant.GroupByID(id); g != nil && g.VisibleAtTime(c.now) {
			views = append(views, withODataType(groupView(g, c.tenant.DefaultDomain()), "group"))
		}
	}
	for _, r := range u.DirectoryRoles {
		views = append(views, withODataType(directoryRoleView(c.tenant, r), "directoryRole"))
	}
	return c.writeCollection("directoryObjects", views)
}

func (c *graphCall) listGroups() *graphError {
	var views []map[string]any
	for _, g := range c.tenant.Groups {
		if g.VisibleAtTime(c.now) {
			views = append(views, groupView(g, c.tenant.DefaultDomain()))
		}
	}
	return c.writeCollection("groups", views)
}

func (c *graphCall) targetGroup() (*Group, *graphError) {
	ref := keyValue(c.params["group"])
	if !IsGUID(ref) {
		return nil, errInvalidObjectID(ref)
	}
	g := c.tenant.GroupByID(ref)
	if g == nil || !g.VisibleAtTime(c.now) {
		return nil, errNotFound(ref)
	}
	return g, nil
}

func (c *graphCall) getGroup() *graphError {
	g, gerr := c.targetGroup()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "groups", groupView(g, c.tenant.DefaultDomain()))
}

func (c *graphCall) listGroupMembers() *graphError {
	return c.listMembers(false)
}

func (c *graphCall) listGroupTransitiveMembers() *graphError {
	return c.listMembers(true)
}

func (c *graphCall) listMembers(transitive bool) *graphError {
	g, gerr := c.targetGroup()
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	seen := map[string]bool{}
	var walk func(*Group)
	walk = func(g *Group) {
		for _, id := range g.Members {
			if seen[id] {
				continue
			}
			seen[id] = true
			if u := c.tenant.UserByIDOrUPN(id); u != nil && u.VisibleAtTime(c.now) {
				views = append(views, withODataType(userView(u), "user"))
			} else if sub := c.tenant.GroupByID(id); sub != nil && sub.VisibleAtTime(c.now) {
				views = append(views, withODataType(groupView(sub, c.tenant.DefaultDomain()), "group"))
				if transitive {
					walk(sub)
				}
			}
		}
	}
	walk(g)
	return c.writeCollection("directoryObjects", views)
}

func (c *graphCall) listDirectoryRoles() *graphError {
	views := []map[string]any{}
	for _, r := range activatedRoles(c.tenant) {
		views = append(views, directoryRoleView(c.tenant, r))
	}
	return c.writeCollection("directoryRoles", views)
}

// targetRole resolves a directory role by object id or
// roleTemplateId='...'.
func (c *graphCall) targetRole() (string, *graphError) {
	seg := c.params["role"]
	ref := keyValue(seg)
	for _, r := range activatedRoles(c.tenant) {
		if strings.EqualFold(keyName(seg), "roleTemplateId") && strings.EqualFold(r, ref) {
			return r, nil
		}
		if strings.EqualFold(directoryRoleID(c.tenant, r), ref) {
			return r, nil
		}
	}
	if keyName(seg) == "" && !IsGUID(ref) {
		return "", errInvalidObjectID(ref)
	}
	return "", errNotFound(ref)
}

func (c *graphCall) getDirectoryRole() *graphError {
	r, gerr := c.targetRole()
	if gerr != nil {
		return gerr
	}
	return c.writeEntity(http.StatusOK, "directoryRoles", directoryRoleView(c.tenant, r))
}

func (c *graphCall) listDirectoryRoleMembers() *graphError {
	r, gerr := c.targetRole()
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	for _, u := range c.tenant.Users {
		if containsFold(u.DirectoryRoles, r) && u.VisibleAtTime(c.now) {
			views = append(views, withODataType(userView(u), "user"))
		}
	}
	return c.writeCollection("directoryObjects", views)
}

package msgraph

import (
	"context"
	"fmt"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/auditlogs"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/identity"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/oauth2permissiongrants"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// The diagnostic reads of graph.Policies (doctor). Each is one request
// (sign-ins, licences and memberships follow nextLinks, which are bounded
// by one user), filtered server-side.

func (c *Client) AuthorizationPolicy(ctx context.Context) (*graph.AuthorizationPolicy, error) {
	p, err := call(ctx, func(ctx context.Context) (models.AuthorizationPolicyable, error) {
		return c.sdk.Policies().AuthorizationPolicy().Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	out := &graph.AuthorizationPolicy{PermissionGrantPoliciesAssigned: []string{}}
	if p.GetAllowUserConsentForRiskyApps() != nil {
		out.AllowUserConsentForRiskyApps = *p.GetAllowUserConsentForRiskyApps()
	}
	if d := p.GetDefaultUserRolePermissions(); d != nil {
		if d.GetAllowedToCreateApps() != nil {
			out.AllowedToCreateApps = *d.GetAllowedToCreateApps()
		}
		out.PermissionGrantPoliciesAssigned = nonNil(d.GetPermissionGrantPoliciesAssigned())
	}
	return out, nil
}

func (c *Client) AdminConsentRequestPolicy(ctx context.Context) (*graph.AdminConsentRequestPolicy, error) {
	p, err := call(ctx, func(ctx context.Context) (models.AdminConsentRequestPolicyable, error) {
		return c.sdk.Policies().AdminConsentRequestPolicy().Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	out := &graph.AdminConsentRequestPolicy{Reviewers: []string{}}
	if p.GetIsEnabled() != nil {
		out.IsEnabled = *p.GetIsEnabled()
	}
	if p.GetNotifyReviewers() != nil {
		out.NotifyReviewers = *p.GetNotifyReviewers()
	}
	for _, r := range items(p.GetReviewers()) {
		out.Reviewers = append(out.Reviewers, deref(r.GetQuery()))
	}
	return out, nil
}

func (c *Client) ConditionalAccessPolicies(ctx context.Context) ([]graph.ConditionalAccessPolicy, error) {
	b := c.sdk.Identity().ConditionalAccess().Policies()
	return allPages(ctx, func(ctx context.Context, next string) (models.ConditionalAccessPolicyCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, nil)
	}, toCAPolicy)
}

func (c *Client) EvaluateConditionalAccess(ctx context.Context, userID, appID string) ([]graph.WhatIfResult, error) {
	who := models.NewUserSignIn()
	who.SetOdataType(ptr("#microsoft.graph.userSignIn"))
	who.SetUserId(&userID)
	what := models.NewApplicationContext()
	what.SetOdataType(ptr("#microsoft.graph.applicationContext"))
	what.SetIncludeApplications([]string{appID})
	cond := models.NewSignInConditions()
	browser := models.BROWSER_CONDITIONALACCESSCLIENTAPP
	cond.SetClientAppType(&browser)
	body := identity.NewConditionalAccessEvaluatePostRequestBody()
	body.SetSignInIdentity(who)
	body.SetSignInContext(what)
	body.SetSignInConditions(cond)
	body.SetAppliedPoliciesOnly(ptr(false))
	out, _, err := page(ctx, func(ctx context.Context) (identity.ConditionalAccessEvaluatePostResponseable, error) {
		return c.sdk.Identity().ConditionalAccess().Evaluate().PostAsEvaluatePostResponse(ctx, body, nil)
	}, func(r models.WhatIfAnalysisResultable) graph.WhatIfResult {
		res := graph.WhatIfResult{Policy: toCAPolicy(r)}
		if r.GetPolicyApplies() != nil {
			res.Applies = *r.GetPolicyApplies()
		}
		if reasons := r.GetAnalysisReasons(); reasons != nil {
			res.AnalysisReasons = reasons.String()
		}
		return res
	})
	return out, err
}

func (c *Client) SignIns(ctx context.Context, q graph.SignInQuery) ([]graph.SignIn, error) {
	var filters []string
	if q.UserPrincipalName != "" {
		filters = append(filters, "userPrincipalName eq "+odataString(q.UserPrincipalName))
	}
	if q.AppID != "" {
		filters = append(filters, "appId eq "+odataString(q.AppID))
	}
	if !q.Since.IsZero() {
		filters = append(filters, "createdDateTime ge "+q.Since.UTC().Format("2006-01-02T15:04:05Z"))
	}
	qp := &auditlogs.SignInsRequestBuilderGetQueryParameters{}
	if len(filters) > 0 {
		qp.Filter = ptr(strings.Join(filters, " and "))
	}
	if q.Top > 0 {
		qp.Top = ptr(int32(q.Top))
	}
	out, _, err := page(ctx, func(ctx context.Context) (models.SignInCollectionResponseable, error) {
		return c.sdk.AuditLogs().SignIns().Get(ctx, &auditlogs.SignInsRequestBuilderGetRequestConfiguration{QueryParameters: qp})
	}, toSignIn)
	return out, err
}

func toSignIn(s models.SignInable) graph.SignIn {
	si := graph.SignIn{ID: deref(s.GetId()), UserPrincipalName: deref(s.GetUserPrincipalName()), AppID: deref(s.GetAppId()),
		AppDisplayName: deref(s.GetAppDisplayName())}
	if t := s.GetCreatedDateTime(); t != nil {
		si.CreatedDateTime = t.UTC()
	}
	if st := s.GetStatus(); st != nil {
		if st.GetErrorCode() != nil {
			si.ErrorCode = int(*st.GetErrorCode())
		}
		si.FailureReason = deref(st.GetFailureReason())
		si.AdditionalDetails = deref(st.GetAdditionalDetails())
	}
	if ca := s.GetConditionalAccessStatus(); ca != nil {
		si.ConditionalAccess = ca.String()
	}
	return si
}

// userBuilder addresses a user by id or UPN; a UPN starting with $ needs
// the key syntax (graph.md section 8).
func (c *Client) userBuilder(idOrUPN string) *users.UserItemRequestBuilder {
	if strings.HasPrefix(idOrUPN, "$") {
		return c.sdk.Users().ByUserId("('" + strings.ReplaceAll(idOrUPN, "'", "''") + "')")
	}
	return c.sdk.Users().ByUserId(idOrUPN)
}

func (c *Client) UserDetail(ctx context.Context, idOrUPN string) (*graph.UserDetail, error) {
	u, err := call(ctx, func(ctx context.Context) (models.Userable, error) {
		return c.userBuilder(idOrUPN).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{
				Select: []string{"id", "displayName", "userPrincipalName", "mail", "accountEnabled", "userType"}}})
	})
	if err != nil {
		return nil, err
	}
	out := &graph.UserDetail{User: graph.User{ID: deref(u.GetId()), DisplayName: deref(u.GetDisplayName()),
		UserPrincipalName: deref(u.GetUserPrincipalName()), Mail: deref(u.GetMail())}, UserType: deref(u.GetUserType())}
	if u.GetAccountEnabled() != nil {
		out.AccountEnabled = *u.GetAccountEnabled()
	}
	return out, nil
}

func (c *Client) LicenseDetails(ctx context.Context, idOrUPN string) ([]graph.LicenseDetail, error) {
	out, _, err := page(ctx, func(ctx context.Context) (models.LicenseDetailsCollectionResponseable, error) {
		return c.userBuilder(idOrUPN).LicenseDetails().Get(ctx, nil)
	}, func(l models.LicenseDetailsable) graph.LicenseDetail {
		d := graph.LicenseDetail{SkuID: uuidString(l.GetSkuId()), SkuPartNumber: deref(l.GetSkuPartNumber()), ServicePlans: []graph.ServicePlan{}}
		for _, p := range items(l.GetServicePlans()) {
			d.ServicePlans = append(d.ServicePlans, graph.ServicePlan{ServicePlanID: uuidString(p.GetServicePlanId()),
				ServicePlanName: deref(p.GetServicePlanName()), ProvisioningStatus: deref(p.GetProvisioningStatus()), AppliesTo: deref(p.GetAppliesTo())})
		}
		return d
	})
	return out, err
}

func (c *Client) TransitiveMemberships(ctx context.Context, idOrUPN string) (*graph.Memberships, error) {
	b := c.userBuilder(idOrUPN).TransitiveMemberOf()
	cfg := &users.ItemTransitiveMemberOfRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemTransitiveMemberOfRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	return memberships(ctx, func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	})
}

func (c *Client) DirectMemberships(ctx context.Context, idOrUPN string) (*graph.Memberships, error) {
	b := c.userBuilder(idOrUPN).MemberOf()
	cfg := &users.ItemMemberOfRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemMemberOfRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	return memberships(ctx, func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	})
}

// memberships sorts a user's memberOf or transitiveMemberOf into groups
// and directory roles (Graph mixes them, with administrative units).
func memberships(ctx context.Context, get func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error)) (*graph.Memberships, error) {
	objs, err := allPages(ctx, get, same[models.DirectoryObjectable])
	if err != nil {
		return nil, err
	}
	out := &graph.Memberships{Groups: []graph.Group{}, Roles: []graph.DirectoryRole{}}
	for _, obj := range objs {
		switch o := obj.(type) {
		case models.Groupable:
			out.Groups = append(out.Groups, toGroup(o))
		case models.DirectoryRoleable:
			out.Roles = append(out.Roles, graph.DirectoryRole{ID: deref(o.GetId()), DisplayName: deref(o.GetDisplayName()), RoleTemplateID: deref(o.GetRoleTemplateId())})
		}
	}
	return out, nil
}

// NestedGroups reads the group's transitive members and keeps the groups;
// the users among them are paged past, not kept.
func (c *Client) NestedGroups(ctx context.Context, groupID string) ([]graph.Group, error) {
	b := c.sdk.Groups().ByGroupId(groupID).TransitiveMembers()
	cfg := &groups.ItemTransitiveMembersRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.ItemTransitiveMembersRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	objs, err := allPages(ctx, func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, same[models.DirectoryObjectable])
	if err != nil {
		return nil, err
	}
	out := []graph.Group{}
	for _, obj := range objs {
		if g, ok := obj.(models.Groupable); ok {
			out = append(out, toGroup(g))
		}
	}
	return out, nil
}

func (c *Client) SubscribedSkus(ctx context.Context) ([]graph.SubscribedSku, error) {
	b := c.sdk.SubscribedSkus()
	return allPages(ctx, func(ctx context.Context, next string) (models.SubscribedSkuCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, nil)
	}, func(s models.SubscribedSkuable) graph.SubscribedSku {
		out := graph.SubscribedSku{SkuID: uuidString(s.GetSkuId()), SkuPartNumber: deref(s.GetSkuPartNumber()),
			CapabilityStatus: deref(s.GetCapabilityStatus()), ServicePlans: []graph.ServicePlan{}}
		for _, p := range s.GetServicePlans() {
			out.ServicePlans = append(out.ServicePlans, graph.ServicePlan{ServicePlanID: uuidString(p.GetServicePlanId()),
				ServicePlanName: deref(p.GetServicePlanName()), ProvisioningStatus: deref(p.GetProvisioningStatus()), AppliesTo: deref(p.GetAppliesTo())})
		}
		return out
	})
}

func (c *Client) SecurityDefaultsEnabled(ctx context.Context) (bool, error) {
	p, err := call(ctx, func(ctx context.Context) (models.IdentitySecurityDefaultsEnforcementPolicyable, error) {
		return c.sdk.Policies().IdentitySecurityDefaultsEnforcementPolicy().Get(ctx, nil)
	})
	if err != nil {
		return false, err
	}
	return p.GetIsEnabled() != nil && *p.GetIsEnabled(), nil
}

func (c *Client) AssignmentsTo(ctx context.Context, resourceID string, f graph.AssignmentFilter) ([]graph.AppRoleAssignment, error) {
	var filters []string
	if f.PrincipalID != "" {
		filters = append(filters, "principalId eq "+f.PrincipalID)
	}
	if f.PrincipalType != "" {
		filters = append(filters, "principalType eq "+odataString(f.PrincipalType))
	}
	qp := &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetQueryParameters{}
	if len(filters) > 0 {
		qp.Filter = ptr(strings.Join(filters, " and "))
	}
	if f.Top > 0 {
		qp.Top = ptr(int32(f.Top))
	}
	out, _, err := page(ctx, func(ctx context.Context) (models.AppRoleAssignmentCollectionResponseable, error) {
		return c.sdk.ServicePrincipals().ByServicePrincipalId(resourceID).AppRoleAssignedTo().Get(ctx,
			&serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetRequestConfiguration{QueryParameters: qp})
	}, toAssignment)
	return out, err
}

func (c *Client) ClientGrants(ctx context.Context, clientID, userID string) ([]graph.DelegatedGrant, error) {
	if userID == "" {
		return c.grantsWhere(ctx, fmt.Sprintf("clientId eq %s and consentType eq 'AllPrincipals'", odataString(clientID)))
	}
	return c.grantsWhere(ctx, fmt.Sprintf("clientId eq %s and principalId eq %s", odataString(clientID), odataString(userID)))
}

func (c *Client) grantsWhere(ctx context.Context, filter string) ([]graph.DelegatedGrant, error) {
	out, _, err := page(ctx, func(ctx context.Context) (models.OAuth2PermissionGrantCollectionResponseable, error) {
		return c.sdk.Oauth2PermissionGrants().Get(ctx, &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetRequestConfiguration{
			QueryParameters: &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetQueryParameters{Filter: &filter}})
	}, toGrant)
	return out, err
}

func toCAPolicy(p models.ConditionalAccessPolicyable) graph.ConditionalAccessPolicy {
	out := graph.ConditionalAccessPolicy{ID: deref(p.GetId()), DisplayName: deref(p.GetDisplayName())}
	if s := p.GetState(); s != nil {
		out.State = s.String()
	}
	if cond := p.GetConditions(); cond != nil {
		if u := cond.GetUsers(); u != nil {
			out.IncludeUsers, out.ExcludeUsers = nonNil(u.GetIncludeUsers()), nonNil(u.GetExcludeUsers())
			out.IncludeGroups, out.ExcludeGroups = nonNil(u.GetIncludeGroups()), nonNil(u.GetExcludeGroups())
			out.IncludeRoles, out.ExcludeRoles = nonNil(u.GetIncludeRoles()), nonNil(u.GetExcludeRoles())
		}
		if a := cond.GetApplications(); a != nil {
			out.IncludeApplications, out.ExcludeApplications = nonNil(a.GetIncludeApplications()), nonNil(a.GetExcludeApplications())
		}
		for _, t := range cond.GetClientAppTypes() {
			out.ClientAppTypes = append(out.ClientAppTypes, t.String())
		}
	}
	out.ClientAppTypes = nonNil(out.ClientAppTypes)
	out.BuiltInControls = []string{}
	if g := p.GetGrantControls(); g != nil {
		out.GrantOperator = deref(g.GetOperator())
		for _, ctl := range g.GetBuiltInControls() {
			out.BuiltInControls = append(out.BuiltInControls, ctl.String())
		}
	}
	return out
}

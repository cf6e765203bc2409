package msgraph

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/oauth2permissiongrants"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipalswithappid"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsctl/teamsctl/internal/graph"
)

var spSelect = []string{"id", "appId", "displayName", "appOwnerOrganizationId", "accountEnabled",
	"appRoleAssignmentRequired", "signInAudience", "appRoles", "oauth2PermissionScopes",
	"servicePrincipalType", "verifiedPublisher", "tags", "replyUrls"}

func (c *Client) ServicePrincipalByAppID(ctx context.Context, appID string) (*graph.ServicePrincipal, error) {
	sps, _, err := page(ctx, func(ctx context.Context) (models.ServicePrincipalCollectionResponseable, error) {
		return c.sdk.ServicePrincipals().Get(ctx, &serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{
				Select: spSelect, Filter: ptr("appId eq " + odataString(appID))}})
	}, toServicePrincipal)
	if err != nil {
		return nil, err
	}
	if len(sps) == 0 {
		return nil, notFound("service principal for appId " + appID)
	}
	return &sps[0], nil
}

func (c *Client) ServicePrincipalsByName(ctx context.Context, name string) ([]graph.ServicePrincipal, error) {
	cfg := &serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{
		QueryParameters: &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{
			Select: spSelect, Filter: ptr("displayName eq " + odataString(name)), Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.ServicePrincipalCollectionResponseable, error) {
		if next != "" {
			return c.sdk.ServicePrincipals().WithUrl(next).Get(ctx, nil)
		}
		return c.sdk.ServicePrincipals().Get(ctx, cfg)
	}, toServicePrincipal)
}

// ListServicePrincipals reads a page of GET /servicePrincipals with
// $filter=startswith(displayName,'...'), which servicePrincipal's
// displayName supports without advanced query parameters (List
// servicePrincipals, v1.0), and $top up to 999.
func (c *Client) ListServicePrincipals(ctx context.Context, q graph.ServicePrincipalQuery) ([]graph.ServicePrincipal, string, error) {
	b := c.sdk.ServicePrincipals()
	if q.NextLink != "" {
		b = b.WithUrl(q.NextLink)
	}
	params := &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{Select: spSelect}
	if q.NextLink == "" {
		if q.NamePrefix != "" {
			params.Filter = ptr("startswith(displayName," + odataString(q.NamePrefix) + ")")
		}
		if q.PageSize > 0 {
			params.Top = ptr(int32(q.PageSize))
		}
	} else {
		params = nil
	}
	return page(ctx, func(ctx context.Context) (models.ServicePrincipalCollectionResponseable, error) {
		return b.Get(ctx, &serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{QueryParameters: params})
	}, toServicePrincipal)
}

func (c *Client) ServicePrincipal(ctx context.Context, id string) (*graph.ServicePrincipal, error) {
	sp, err := call(ctx, func(ctx context.Context) (models.ServicePrincipalable, error) {
		return c.sdk.ServicePrincipals().ByServicePrincipalId(id).Get(ctx, &serviceprincipals.ServicePrincipalItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipals.ServicePrincipalItemRequestBuilderGetQueryParameters{Select: spSelect}})
	})
	if err != nil {
		return nil, err
	}
	out := toServicePrincipal(sp)
	return &out, nil
}

// UpsertServicePrincipal sends PATCH /servicePrincipals(appId='...') with
// Prefer: create-if-missing and an empty body ("Upsert servicePrincipal",
// v1.0, documented for every cloud): 201 with the new service principal,
// or 204 without a body when it existed (an empty update changes nothing).
func (c *Client) UpsertServicePrincipal(ctx context.Context, appID string) (*graph.ServicePrincipal, bool, error) {
	headers := abstractions.NewRequestHeaders()
	headers.Add("Prefer", "create-if-missing")
	sp, created, err := upsert(ctx, func(ctx context.Context) (models.ServicePrincipalable, error) {
		return c.sdk.ServicePrincipalsWithAppId(&appID).Patch(ctx, models.NewServicePrincipal(),
			&serviceprincipalswithappid.ServicePrincipalsWithAppIdRequestBuilderPatchRequestConfiguration{Headers: headers})
	})
	if err != nil || !created { // not created: 204, it existed
		return nil, false, err
	}
	out := toServicePrincipal(sp)
	return &out, true, nil
}

func (c *Client) UpdateServicePrincipal(ctx context.Context, id string, u graph.ServicePrincipalUpdate) error {
	body := models.NewServicePrincipal()
	if u.AccountEnabled != nil {
		body.SetAccountEnabled(u.AccountEnabled)
	}
	if u.AppRoleAssignmentRequired != nil {
		body.SetAppRoleAssignmentRequired(u.AppRoleAssignmentRequired)
	}
	return send(ctx, func(ctx context.Context) error {
		_, err := c.sdk.ServicePrincipals().ByServicePrincipalId(id).Patch(ctx, body, nil)
		return err
	})
}

func (c *Client) DeleteServicePrincipal(ctx context.Context, id string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.ServicePrincipals().ByServicePrincipalId(id).Delete(ctx, nil)
	})
}

func (c *Client) DelegatedGrants(ctx context.Context, clientID, resourceID string) ([]graph.DelegatedGrant, error) {
	filter := "clientId eq " + odataString(clientID)
	if resourceID != "" {
		filter += " and resourceId eq " + odataString(resourceID)
	}
	cfg := &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetRequestConfiguration{
		QueryParameters: &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetQueryParameters{Filter: &filter, Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.OAuth2PermissionGrantCollectionResponseable, error) {
		if next != "" {
			return c.sdk.Oauth2PermissionGrants().WithUrl(next).Get(ctx, nil)
		}
		return c.sdk.Oauth2PermissionGrants().Get(ctx, cfg)
	}, toGrant)
}

func (c *Client) CreateDelegatedGrant(ctx context.Context, g graph.DelegatedGrant) (*graph.DelegatedGrant, error) {
	body := models.NewOAuth2PermissionGrant()
	body.SetClientId(&g.ClientID)
	body.SetResourceId(&g.ResourceID)
	body.SetConsentType(&g.ConsentType)
	body.SetScope(&g.Scope)
	if g.PrincipalID != "" {
		body.SetPrincipalId(&g.PrincipalID)
	}
	created, err := call(ctx, func(ctx context.Context) (models.OAuth2PermissionGrantable, error) {
		return c.sdk.Oauth2PermissionGrants().Post(ctx, body, nil)
	})
	if err != nil {
		return nil, err
	}
	out := toGrant(created)
	return &out, nil
}

func (c *Client) UpdateDelegatedGrantScope(ctx context.Context, id, scope string) error {
	body := models.NewOAuth2PermissionGrant()
	body.SetScope(&scope)
	return send(ctx, func(ctx context.Context) error {
		_, err := c.sdk.Oauth2PermissionGrants().ByOAuth2PermissionGrantId(id).Patch(ctx, body, nil)
		return err
	})
}

func (c *Client) DeleteDelegatedGrant(ctx context.Context, id string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.Oauth2PermissionGrants().ByOAuth2PermissionGrantId(id).Delete(ctx, nil)
	})
}

func (c *Client) AppRoleAssignedTo(ctx context.Context, resourceID string) ([]graph.AppRoleAssignment, error) {
	b := c.sdk.ServicePrincipals().ByServicePrincipalId(resourceID).AppRoleAssignedTo()
	cfg := &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetRequestConfiguration{
		QueryParameters: &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.AppRoleAssignmentCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, toAssignment)
}

func (c *Client) AppRoleAssignmentsOf(ctx context.Context, principalSPID string) ([]graph.AppRoleAssignment, error) {
	b := c.sdk.ServicePrincipals().ByServicePrincipalId(principalSPID).AppRoleAssignments()
	cfg := &serviceprincipals.ItemAppRoleAssignmentsRequestBuilderGetRequestConfiguration{
		QueryParameters: &serviceprincipals.ItemAppRoleAssignmentsRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.AppRoleAssignmentCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, toAssignment)
}

func (c *Client) AssignAppRole(ctx context.Context, a graph.AppRoleAssignment) (*graph.AppRoleAssignment, error) {
	body := models.NewAppRoleAssignment()
	for _, f := range []struct {
		v   string
		set func(*uuid.UUID)
	}{{a.AppRoleID, body.SetAppRoleId}, {a.PrincipalID, body.SetPrincipalId}, {a.ResourceID, body.SetResourceId}} {
		id, err := uuid.Parse(f.v)
		if err != nil {
			return nil, fmt.Errorf("%q is not a GUID", f.v)
		}
		f.set(&id)
	}
	created, err := call(ctx, func(ctx context.Context) (models.AppRoleAssignmentable, error) {
		return c.sdk.ServicePrincipals().ByServicePrincipalId(a.ResourceID).AppRoleAssignedTo().Post(ctx, body, nil)
	})
	if err != nil {
		return nil, err
	}
	out := toAssignment(created)
	return &out, nil
}

func (c *Client) RemoveAppRoleAssignment(ctx context.Context, resourceID, assignmentID string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.ServicePrincipals().ByServicePrincipalId(resourceID).AppRoleAssignedTo().
			ByAppRoleAssignmentId(assignmentID).Delete(ctx, nil)
	})
}

func (c *Client) UserByID(ctx context.Context, idOrUPN string) (*graph.User, error) {
	u, err := call(ctx, func(ctx context.Context) (models.Userable, error) {
		return c.sdk.Users().ByUserId(idOrUPN).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "userPrincipalName", "mail"}}})
	})
	if err != nil {
		return nil, err
	}
	return &graph.User{ID: deref(u.GetId()), DisplayName: deref(u.GetDisplayName()),
		UserPrincipalName: deref(u.GetUserPrincipalName()), Mail: deref(u.GetMail())}, nil
}

func (c *Client) GroupsByName(ctx context.Context, name string) ([]graph.Group, error) {
	out, _, err := page(ctx, func(ctx context.Context) (models.GroupCollectionResponseable, error) {
		return c.sdk.Groups().Get(ctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
			QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{
				Select: groupSelect, Filter: ptr("displayName eq " + odataString(name))}})
	}, toGroup)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out, nil
}

func (c *Client) Group(ctx context.Context, id string) (*graph.Group, error) {
	g, err := call(ctx, func(ctx context.Context) (models.Groupable, error) {
		return c.sdk.Groups().ByGroupId(id).Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	out := toGroup(g)
	return &out, nil
}

// groupSelect are the group properties teamsctl reads: whether a group
// can be assigned to an app depends on the last three.
var groupSelect = []string{"id", "displayName", "securityEnabled", "mailEnabled", "groupTypes"}

func toGroup(g models.Groupable) graph.Group {
	return graph.Group{ID: deref(g.GetId()), DisplayName: deref(g.GetDisplayName()),
		SecurityEnabled: g.GetSecurityEnabled() != nil && *g.GetSecurityEnabled(),
		MailEnabled:     g.GetMailEnabled() != nil && *g.GetMailEnabled(), GroupTypes: g.GetGroupTypes()}
}

// GroupUserMembers lists the group's direct members that are users.
func (c *Client) GroupUserMembers(ctx context.Context, groupID string) ([]graph.User, error) {
	b := c.sdk.Groups().ByGroupId(groupID).Members()
	cfg := &groups.ItemMembersRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.ItemMembersRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	objs, err := allPages(ctx, func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, same[models.DirectoryObjectable])
	if err != nil {
		return nil, err
	}
	out := []graph.User{}
	for _, obj := range objs {
		if u, ok := obj.(models.Userable); ok {
			out = append(out, graph.User{ID: deref(u.GetId()), DisplayName: deref(u.GetDisplayName()),
				UserPrincipalName: deref(u.GetUserPrincipalName()), Mail: deref(u.GetMail())})
		}
	}
	return out, nil
}

func toServicePrincipal(sp models.ServicePrincipalable) graph.ServicePrincipal {
	out := graph.ServicePrincipal{
		ID: deref(sp.GetId()), AppID: deref(sp.GetAppId()), DisplayName: deref(sp.GetDisplayName()),
		AppOwnerOrganizationID:    uuidString(sp.GetAppOwnerOrganizationId()),
		AccountEnabled:            sp.GetAccountEnabled() != nil && *sp.GetAccountEnabled(),
		AppRoleAssignmentRequired: sp.GetAppRoleAssignmentRequired() != nil && *sp.GetAppRoleAssignmentRequired(),
		SignInAudience:            deref(sp.GetSignInAudience()),
		ServicePrincipalType:      deref(sp.GetServicePrincipalType()),
		Tags:                      sp.GetTags(), ReplyURLs: sp.GetReplyUrls(),
	}
	if vp := sp.GetVerifiedPublisher(); vp != nil {
		out.VerifiedPublisher = deref(vp.GetDisplayName())
	}
	for _, r := range items(sp.GetAppRoles()) {
		out.AppRoles = append(out.AppRoles, graph.AppRole{ID: uuidString(r.GetId()), Value: deref(r.GetValue()),
			DisplayName: deref(r.GetDisplayName()), Description: deref(r.GetDescription()),
			AllowedMemberTypes: r.GetAllowedMemberTypes(), IsEnabled: r.GetIsEnabled() == nil || *r.GetIsEnabled()})
	}
	for _, s := range items(sp.GetOauth2PermissionScopes()) {
		out.OAuth2PermissionScopes = append(out.OAuth2PermissionScopes, graph.PermissionScope{ID: uuidString(s.GetId()),
			Value: deref(s.GetValue()), Type: deref(s.GetTypeEscaped()), AdminConsentDisplayName: deref(s.GetAdminConsentDisplayName()),
			IsEnabled: s.GetIsEnabled() == nil || *s.GetIsEnabled()})
	}
	return out
}

func toGrant(g models.OAuth2PermissionGrantable) graph.DelegatedGrant {
	return graph.DelegatedGrant{ID: deref(g.GetId()), ClientID: deref(g.GetClientId()), ConsentType: deref(g.GetConsentType()),
		PrincipalID: deref(g.GetPrincipalId()), ResourceID: deref(g.GetResourceId()), Scope: deref(g.GetScope())}
}

func toAssignment(a models.AppRoleAssignmentable) graph.AppRoleAssignment {
	return graph.AppRoleAssignment{ID: deref(a.GetId()), AppRoleID: uuidString(a.GetAppRoleId()),
		PrincipalID: uuidString(a.GetPrincipalId()), PrincipalType: deref(a.GetPrincipalType()),
		PrincipalDisplayName: deref(a.GetPrincipalDisplayName()), ResourceID: uuidString(a.GetResourceId()),
		ResourceDisplayName: deref(a.GetResourceDisplayName())}
}

var (
	_ graph.Applications      = (*Client)(nil)
	_ graph.ServicePrincipals = (*Client)(nil)
	_ graph.Grants            = (*Client)(nil)
	_ graph.Principals        = (*Client)(nil)
)

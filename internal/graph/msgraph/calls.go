package msgraph

import (
	"context"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/organization"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// Me implements graph.Client.
func (c *Client) Me(ctx context.Context) (*graph.User, error) {
	u, err := call(ctx, func(ctx context.Context) (models.Userable, error) {
		return c.sdk.Me().Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "userPrincipalName", "mail"}},
		})
	})
	if err != nil {
		return nil, err
	}
	return &graph.User{ID: deref(u.GetId()), DisplayName: deref(u.GetDisplayName()),
		UserPrincipalName: deref(u.GetUserPrincipalName()), Mail: deref(u.GetMail())}, nil
}

// Organization implements graph.Client. A token belongs to one tenant, so
// the collection has one entry.
func (c *Client) Organization(ctx context.Context) (*graph.Organization, error) {
	resp, err := call(ctx, func(ctx context.Context) (models.OrganizationCollectionResponseable, error) {
		return c.sdk.Organization().Get(ctx, &organization.OrganizationRequestBuilderGetRequestConfiguration{
			QueryParameters: &organization.OrganizationRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "verifiedDomains"}},
		})
	})
	if err != nil {
		return nil, err
	}
	orgs := resp.GetValue()
	if len(orgs) == 0 {
		return nil, &graph.NotFound{APIError: &graph.APIError{Status: 404, Message: "the tenant has no organization object"}}
	}
	o := orgs[0]
	org := &graph.Organization{ID: deref(o.GetId()), DisplayName: deref(o.GetDisplayName())}
	for _, d := range o.GetVerifiedDomains() {
		if d.GetIsDefault() != nil && *d.GetIsDefault() {
			org.DefaultDomain = deref(d.GetName())
		}
	}
	return org, nil
}

// MyDirectoryRoles implements graph.Client: the directory roles among the
// signed-in user's transitive memberships (roles assigned to a group the
// user is in count too).
func (c *Client) MyDirectoryRoles(ctx context.Context) ([]graph.DirectoryRole, error) {
	resp, err := call(ctx, func(ctx context.Context) (models.DirectoryObjectCollectionResponseable, error) {
		return c.sdk.Me().TransitiveMemberOf().Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	var roles []graph.DirectoryRole
	err = c.eachPage(ctx, resp, func(obj models.DirectoryObjectable) {
		if r, ok := obj.(models.DirectoryRoleable); ok {
			roles = append(roles, graph.DirectoryRole{ID: deref(r.GetId()), DisplayName: deref(r.GetDisplayName()), RoleTemplateID: deref(r.GetRoleTemplateId())})
		}
	})
	return roles, err
}

// eachPage calls fn for every item of a collection, following nextLinks.
func (c *Client) eachPage(ctx context.Context, first models.DirectoryObjectCollectionResponseable, fn func(models.DirectoryObjectable)) error {
	it, err := msgraphcore.NewPageIterator[models.DirectoryObjectable](first, c.sdk.GetAdapter(), models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return err
	}
	_, err = call(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, it.Iterate(ctx, func(obj models.DirectoryObjectable) bool { fn(obj); return true })
	})
	return err
}

// collectionPage is one page of a Graph collection response.
type collectionPage[V any] interface {
	GetValue() []V
	GetOdataNextLink() *string
}

// allPages reads a whole collection: get(ctx, "") reads the first page and
// get(ctx, link) the page an @odata.nextLink points to; convert turns each
// value into its domain type. Callers bound the collection with a filter,
// so this never lists a whole tenant.
func allPages[P collectionPage[V], V, T any](ctx context.Context, get func(ctx context.Context, next string) (P, error), convert func(V) T) ([]T, error) {
	out := []T{}
	next := ""
	for {
		resp, err := call(ctx, func(ctx context.Context) (P, error) { return get(ctx, next) })
		if err != nil {
			return nil, err
		}
		for _, v := range resp.GetValue() {
			out = append(out, convert(v))
		}
		if next = deref(resp.GetOdataNextLink()); next == "" {
			return out, nil
		}
	}
}

package msgraph

import (
	"context"
	"errors"
	"slices"

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
	orgs, _, err := page(ctx, func(ctx context.Context) (models.OrganizationCollectionResponseable, error) {
		return c.sdk.Organization().Get(ctx, &organization.OrganizationRequestBuilderGetRequestConfiguration{
			QueryParameters: &organization.OrganizationRequestBuilderGetQueryParameters{Select: []string{"id", "displayName", "verifiedDomains"}},
		})
	}, same[models.Organizationable])
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, &graph.NotFound{APIError: &graph.APIError{Status: 404, Message: "the tenant has no organization object"}}
	}
	o := orgs[0]
	org := &graph.Organization{ID: deref(o.GetId()), DisplayName: deref(o.GetDisplayName())}
	for _, d := range items(o.GetVerifiedDomains()) {
		if d != nil && d.GetIsDefault() != nil && *d.GetIsDefault() {
			org.DefaultDomain = deref(d.GetName())
		}
	}
	return org, nil
}

// MyDirectoryRoles implements graph.Client: the directory roles among the
// signed-in user's transitive memberships (roles assigned to a group the
// user is in count too).
func (c *Client) MyDirectoryRoles(ctx context.Context) ([]graph.DirectoryRole, error) {
	b := c.sdk.Me().TransitiveMemberOf()
	cfg := &users.ItemTransitiveMemberOfRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemTransitiveMemberOfRequestBuilderGetQueryParameters{Top: ptr(maxPageSize)}}
	objs, err := allPages(ctx, func(ctx context.Context, next string) (models.DirectoryObjectCollectionResponseable, error) {
		if next != "" {
			return b.WithUrl(next).Get(ctx, nil)
		}
		return b.Get(ctx, cfg)
	}, same[models.DirectoryObjectable])
	if err != nil {
		return nil, err
	}
	var roles []graph.DirectoryRole
	for _, obj := range objs {
		if r, ok := obj.(models.DirectoryRoleable); ok {
			roles = append(roles, graph.DirectoryRole{ID: deref(r.GetId()), DisplayName: deref(r.GetDisplayName()), RoleTemplateID: deref(r.GetRoleTemplateId())})
		}
	}
	return roles, nil
}

// collectionPage is one page of a Graph collection response.
type collectionPage[V any] interface {
	GetValue() []V
	GetOdataNextLink() *string
}

// errNullItem is a collection page with a null item, which Graph never
// sends; call reports it with the request it answered.
var errNullItem = errors.New("the collection holds a null item")

// page reads one page of a collection with call and converts its values
// (never nil: a null item is an error). next is the page's
// @odata.nextLink, "" on the last page.
func page[P collectionPage[V], V, T any](ctx context.Context, get func(ctx context.Context) (P, error), convert func(V) T) (out []T, next string, err error) {
	resp, err := call(ctx, func(ctx context.Context) (P, error) {
		resp, err := get(ctx)
		if err == nil && !isNil(resp) && slices.ContainsFunc(resp.GetValue(), func(v V) bool { return isNil(v) }) {
			return resp, errNullItem
		}
		return resp, err
	})
	if err != nil {
		return nil, "", err
	}
	out = make([]T, 0, len(resp.GetValue()))
	for _, v := range resp.GetValue() {
		out = append(out, convert(v))
	}
	return out, deref(resp.GetOdataNextLink()), nil
}

// maxPages bounds the collections teamsctl reads whole. They are filtered
// to one app, user or name, so a thousand pages (a hundred thousand items
// at Graph's default page size) means the walk is not ending.
const maxPages = 1000

// allPages reads a whole collection: get(ctx, "") reads the first page and
// get(ctx, link) the page an @odata.nextLink points to; convert turns each
// value into its domain type. A link seen before or more than maxPages
// pages end the walk with an error (graph.Pages).
func allPages[P collectionPage[V], V, T any](ctx context.Context, get func(ctx context.Context, next string) (P, error), convert func(V) T) ([]T, error) {
	out := []T{}
	pages := graph.Pages{Max: maxPages}
	next := ""
	for {
		items, link, err := page(ctx, func(ctx context.Context) (P, error) { return get(ctx, next) }, convert)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if link == "" {
			return out, nil
		}
		if err := pages.Follow(link); err != nil {
			return nil, err
		}
		next = link
	}
}

// same is the identity conversion, for page and allPages callers that
// read the SDK's values themselves.
func same[V any](v V) V { return v }

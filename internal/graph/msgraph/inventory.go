package msgraph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/oauth2permissiongrants"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// inFilter is "prop in ('a','b')".
func inFilter(prop string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = odataString(v)
	}
	return prop + " in (" + strings.Join(quoted, ",") + ")"
}

func (c *Client) servicePrincipalsWhere(ctx context.Context, prop string, keys []string) ([]graph.ServicePrincipal, error) {
	var out []graph.ServicePrincipal
	for _, chunk := range graph.Chunks(keys, graph.MaxInValues) {
		cfg := &serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{
				Select: spSelect, Filter: ptr(inFilter(prop, chunk)), Top: ptr(maxPageSize)}}
		sps, err := allPages(ctx, func(ctx context.Context, next string) (models.ServicePrincipalCollectionResponseable, error) {
			if next != "" {
				return c.sdk.ServicePrincipals().WithUrl(next).Get(ctx, nil)
			}
			return c.sdk.ServicePrincipals().Get(ctx, cfg)
		}, toServicePrincipal)
		if err != nil {
			return nil, err
		}
		out = append(out, sps...)
	}
	return out, nil
}

func (c *Client) ServicePrincipalsByAppIDs(ctx context.Context, appIDs []string) ([]graph.ServicePrincipal, error) {
	return c.servicePrincipalsWhere(ctx, "appId", appIDs)
}

func (c *Client) ServicePrincipalsByIDs(ctx context.Context, ids []string) ([]graph.ServicePrincipal, error) {
	return c.servicePrincipalsWhere(ctx, "id", ids)
}

func (c *Client) applicationsWhere(ctx context.Context, filter string) ([]graph.Application, error) {
	cfg := &applications.ApplicationsRequestBuilderGetRequestConfiguration{QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{
		Select: appSelect, Filter: ptr(filter), Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.ApplicationCollectionResponseable, error) {
		if next != "" {
			return c.sdk.Applications().WithUrl(next).Get(ctx, nil)
		}
		return c.sdk.Applications().Get(ctx, cfg)
	}, toApplication)
}

func (c *Client) ApplicationsByAppIDs(ctx context.Context, appIDs []string) ([]graph.Application, error) {
	var out []graph.Application
	for _, chunk := range graph.Chunks(appIDs, graph.MaxInValues) {
		apps, err := c.applicationsWhere(ctx, inFilter("appId", chunk))
		if err != nil {
			return nil, err
		}
		out = append(out, apps...)
	}
	return out, nil
}

func (c *Client) ApplicationsTagged(ctx context.Context, tag string) ([]graph.Application, error) {
	return c.applicationsWhere(ctx, "tags/any(t:t eq "+odataString(tag)+")")
}

func (c *Client) GrantsToResource(ctx context.Context, resourceID string) ([]graph.DelegatedGrant, error) {
	cfg := &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetRequestConfiguration{
		QueryParameters: &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetQueryParameters{
			Filter: ptr("resourceId eq " + odataString(resourceID)), Top: ptr(maxPageSize)}}
	return allPages(ctx, func(ctx context.Context, next string) (models.OAuth2PermissionGrantCollectionResponseable, error) {
		if next != "" {
			return c.sdk.Oauth2PermissionGrants().WithUrl(next).Get(ctx, nil)
		}
		return c.sdk.Oauth2PermissionGrants().Get(ctx, cfg)
	}, toGrant)
}

var _ graph.Inventory = (*Client)(nil)

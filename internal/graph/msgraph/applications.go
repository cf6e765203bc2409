package msgraph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/applicationswithuniquename"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/teamsctl/teamsctl/internal/graph"
)

var appSelect = []string{"id", "appId", "displayName", "uniqueName", "signInAudience", "publisherDomain", "createdDateTime",
	"tags", "notes", "web", "spa", "publicClient", "isFallbackPublicClient", "requiredResourceAccess",
	"passwordCredentials", "keyCredentials"}

// maxPageSize is the largest $top Graph serves on the directory collections
// teamsctl lists (applications, service principals, grants, app role
// assignments, group members and a user's or group's memberships):
// "Maximum value is 999" ($top in the List applications and List
// servicePrincipals pages; directory objects share the limit). A large
// tenant's lists then take a request per 999 objects instead of per 100
// (Graph's default page size). Lists whose pages do not document $top
// (Conditional Access policies, consent requests, subscribedSkus) are read
// at Graph's own page size.
const maxPageSize int32 = 999

// odataString quotes s for an OData $filter.
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (c *Client) ListApplications(ctx context.Context, q graph.ApplicationQuery) ([]graph.Application, string, error) {
	b := c.sdk.Applications()
	if q.NextLink != "" {
		b = b.WithUrl(q.NextLink)
	}
	params := &applications.ApplicationsRequestBuilderGetQueryParameters{Select: appSelect}
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
	return page(ctx, func(ctx context.Context) (models.ApplicationCollectionResponseable, error) {
		return b.Get(ctx, &applications.ApplicationsRequestBuilderGetRequestConfiguration{QueryParameters: params})
	}, toApplication)
}

func (c *Client) ApplicationsByName(ctx context.Context, name string) ([]graph.Application, error) {
	cfg := &applications.ApplicationsRequestBuilderGetRequestConfiguration{QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{
		Select: appSelect, Filter: ptr("displayName eq " + odataString(name)), Top: ptr(maxPageSize),
	}}
	return allPages(ctx, func(ctx context.Context, next string) (models.ApplicationCollectionResponseable, error) {
		if next != "" {
			return c.sdk.Applications().WithUrl(next).Get(ctx, nil)
		}
		return c.sdk.Applications().Get(ctx, cfg)
	}, toApplication)
}

func (c *Client) Application(ctx context.Context, objectID string) (*graph.Application, error) {
	a, err := call(ctx, func(ctx context.Context) (models.Applicationable, error) {
		return c.sdk.Applications().ByApplicationId(objectID).Get(ctx, &applications.ApplicationItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &applications.ApplicationItemRequestBuilderGetQueryParameters{Select: appSelect}})
	})
	if err != nil {
		return nil, err
	}
	out := toApplication(a)
	return &out, nil
}

func (c *Client) ApplicationByAppID(ctx context.Context, appID string) (*graph.Application, error) {
	// $filter rather than (appId='...'): an unknown appId is an empty list
	// here, which becomes NotFound without a Graph error to interpret.
	apps, _, err := page(ctx, func(ctx context.Context) (models.ApplicationCollectionResponseable, error) {
		return c.sdk.Applications().Get(ctx, &applications.ApplicationsRequestBuilderGetRequestConfiguration{
			QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{
				Select: appSelect, Filter: ptr("appId eq " + odataString(appID))}})
	}, toApplication)
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, notFound("application with appId " + appID)
	}
	return &apps[0], nil
}

// notFound is the NotFound for an empty lookup.
func notFound(what string) error {
	return &graph.NotFound{APIError: &graph.APIError{Status: 404, Code: "Request_ResourceNotFound",
		Message: fmt.Sprintf("no %s in this tenant", what)}}
}

func (c *Client) ApplicationByUniqueName(ctx context.Context, uniqueName string) (*graph.Application, error) {
	a, err := call(ctx, func(ctx context.Context) (models.Applicationable, error) {
		return c.sdk.ApplicationsWithUniqueName(&uniqueName).Get(ctx, &applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderGetRequestConfiguration{
			QueryParameters: &applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderGetQueryParameters{Select: appSelect}})
	})
	if err != nil {
		return nil, err
	}
	out := toApplication(a)
	return &out, nil
}

// UpsertApplication sends PATCH /applications(uniqueName='...') with
// Prefer: create-if-missing ("Upsert application", v1.0, documented for
// the global service and the US Government and China clouds alike). Graph
// answers 201 with the new application, or 204 without a body when it
// updated an existing one.
func (c *Client) UpsertApplication(ctx context.Context, uniqueName string, in graph.ApplicationCreate) (*graph.Application, bool, error) {
	body := models.NewApplication()
	body.SetDisplayName(&in.DisplayName)
	if in.SignInAudience != "" {
		body.SetSignInAudience(&in.SignInAudience)
	}
	body.SetTags(in.Tags)
	if len(in.WebRedirectURIs) > 0 {
		web := models.NewWebApplication()
		web.SetRedirectUris(in.WebRedirectURIs)
		body.SetWeb(web)
	}
	if len(in.SPARedirectURIs) > 0 {
		spa := models.NewSpaApplication()
		spa.SetRedirectUris(in.SPARedirectURIs)
		body.SetSpa(spa)
	}
	if len(in.PublicClientRedirectURIs) > 0 {
		pc := models.NewPublicClientApplication()
		pc.SetRedirectUris(in.PublicClientRedirectURIs)
		body.SetPublicClient(pc)
	}
	if in.IsFallbackPublicClient {
		body.SetIsFallbackPublicClient(ptr(true))
	}
	if len(in.RequiredResourceAccess) > 0 {
		body.SetRequiredResourceAccess(fromRRA(in.RequiredResourceAccess))
	}
	headers := abstractions.NewRequestHeaders()
	headers.Add("Prefer", "create-if-missing")
	a, created, err := upsert(ctx, func(ctx context.Context) (models.Applicationable, error) {
		return c.sdk.ApplicationsWithUniqueName(&uniqueName).Patch(ctx, body,
			&applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderPatchRequestConfiguration{Headers: headers})
	})
	if err != nil || !created { // not created: 204, it existed and was updated
		return nil, false, err
	}
	out := toApplication(a)
	return &out, true, nil
}

func (c *Client) UpdateApplication(ctx context.Context, objectID string, u graph.ApplicationUpdate) error {
	body := models.NewApplication()
	if u.UniqueName != nil {
		body.SetUniqueName(u.UniqueName)
	}
	if u.Tags != nil {
		body.SetTags(*u.Tags)
	}
	if u.SignInAudience != nil {
		body.SetSignInAudience(u.SignInAudience)
	}
	if u.Web != nil {
		web := models.NewWebApplication()
		web.SetRedirectUris(nonNil(u.Web.RedirectURIs))
		if u.Web.HomePageURL != "" {
			web.SetHomePageUrl(&u.Web.HomePageURL)
		}
		if u.Web.LogoutURL != "" {
			web.SetLogoutUrl(&u.Web.LogoutURL)
		}
		if u.Web.IDTokenIssuance || u.Web.AccessTokenIssuance {
			ig := models.NewImplicitGrantSettings()
			ig.SetEnableIdTokenIssuance(&u.Web.IDTokenIssuance)
			ig.SetEnableAccessTokenIssuance(&u.Web.AccessTokenIssuance)
			web.SetImplicitGrantSettings(ig)
		}
		body.SetWeb(web)
	}
	if u.SPARedirectURIs != nil {
		spa := models.NewSpaApplication()
		spa.SetRedirectUris(nonNil(*u.SPARedirectURIs))
		body.SetSpa(spa)
	}
	if u.PublicClientRedirectURIs != nil {
		pc := models.NewPublicClientApplication()
		pc.SetRedirectUris(nonNil(*u.PublicClientRedirectURIs))
		body.SetPublicClient(pc)
	}
	if u.IsFallbackPublicClient != nil {
		body.SetIsFallbackPublicClient(u.IsFallbackPublicClient)
	}
	if u.RequiredResourceAccess != nil {
		body.SetRequiredResourceAccess(fromRRA(*u.RequiredResourceAccess))
	}
	if u.KeyCredentials != nil {
		keys := make([]models.KeyCredentialable, 0, len(*u.KeyCredentials))
		for _, k := range *u.KeyCredentials {
			kc := models.NewKeyCredential()
			if k.KeyID != "" {
				if id, err := uuid.Parse(k.KeyID); err == nil {
					kc.SetKeyId(&id)
				}
			}
			if k.DisplayName != "" {
				kc.SetDisplayName(ptr(k.DisplayName))
			}
			kc.SetTypeEscaped(ptr(k.Type))
			kc.SetUsage(ptr(k.Usage))
			if k.Key != nil {
				kc.SetKey(k.Key)
			}
			if !k.EndDateTime.IsZero() {
				kc.SetEndDateTime(ptr(k.EndDateTime))
			}
			if !k.StartDateTime.IsZero() {
				kc.SetStartDateTime(ptr(k.StartDateTime))
			}
			keys = append(keys, kc)
		}
		body.SetKeyCredentials(keys)
	}
	return send(ctx, func(ctx context.Context) error {
		_, err := c.sdk.Applications().ByApplicationId(objectID).Patch(ctx, body, nil)
		return err
	})
}

func (c *Client) DeleteApplication(ctx context.Context, objectID string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.Applications().ByApplicationId(objectID).Delete(ctx, nil)
	})
}

func (c *Client) AddPassword(ctx context.Context, objectID string, in graph.PasswordCreate) (*graph.PasswordCredential, error) {
	cred := models.NewPasswordCredential()
	if in.DisplayName != "" {
		cred.SetDisplayName(ptr(in.DisplayName))
	}
	if !in.StartDateTime.IsZero() {
		cred.SetStartDateTime(ptr(in.StartDateTime))
	}
	if !in.EndDateTime.IsZero() {
		cred.SetEndDateTime(ptr(in.EndDateTime))
	}
	body := applications.NewItemAddPasswordPostRequestBody()
	body.SetPasswordCredential(cred)
	p, err := call(ctx, func(ctx context.Context) (models.PasswordCredentialable, error) {
		return c.sdk.Applications().ByApplicationId(objectID).AddPassword().Post(ctx, body, nil)
	})
	if err != nil {
		return nil, err
	}
	out := toPassword(p)
	out.SecretText = deref(p.GetSecretText())
	return &out, nil
}

func (c *Client) RemovePassword(ctx context.Context, objectID, keyID string) error {
	id, err := uuid.Parse(keyID)
	if err != nil {
		return fmt.Errorf("key id %q is not a GUID", keyID)
	}
	body := applications.NewItemRemovePasswordPostRequestBody()
	body.SetKeyId(&id)
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.Applications().ByApplicationId(objectID).RemovePassword().Post(ctx, body, nil)
	})
}

func (c *Client) AddApplicationOwner(ctx context.Context, objectID, userID string) error {
	ref := models.NewReferenceCreate()
	ref.SetOdataId(ptr(strings.TrimSuffix(c.sdk.RequestAdapter.GetBaseUrl(), "/") + "/directoryObjects/" + userID))
	return send(ctx, func(ctx context.Context) error {
		return c.sdk.Applications().ByApplicationId(objectID).Owners().Ref().Post(ctx, ref, nil)
	})
}

func (c *Client) DefaultAppManagementPolicy(ctx context.Context) (*graph.AppManagementPolicy, error) {
	p, err := call(ctx, func(ctx context.Context) (models.TenantAppManagementPolicyable, error) {
		return c.sdk.Policies().DefaultAppManagementPolicy().Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	out := &graph.AppManagementPolicy{IsEnabled: p.GetIsEnabled() != nil && *p.GetIsEnabled()}
	if !out.IsEnabled || p.GetApplicationRestrictions() == nil {
		return out, nil
	}
	r := p.GetApplicationRestrictions()
	for _, pc := range items(r.GetPasswordCredentials()) {
		if pc.GetState() != nil && pc.GetState().String() != "enabled" {
			continue
		}
		if pc.GetRestrictionType() == nil {
			continue
		}
		switch pc.GetRestrictionType().String() {
		case "passwordAddition":
			out.PasswordAdditionBlocked = true
		case "passwordLifetime":
			out.MaxPasswordLifetime = isoToDuration(pc.GetMaxLifetime())
		}
	}
	for _, kc := range items(r.GetKeyCredentials()) {
		if kc.GetState() != nil && kc.GetState().String() != "enabled" {
			continue
		}
		if kc.GetRestrictionType() != nil && kc.GetRestrictionType().String() == "asymmetricKeyLifetime" {
			out.MaxCertificateLifetime = isoToDuration(kc.GetMaxLifetime())
		}
	}
	return out, nil
}

func toApplication(a models.Applicationable) graph.Application {
	out := graph.Application{
		ID: deref(a.GetId()), AppID: deref(a.GetAppId()), DisplayName: deref(a.GetDisplayName()),
		UniqueName: deref(a.GetUniqueName()), SignInAudience: deref(a.GetSignInAudience()), PublisherDomain: deref(a.GetPublisherDomain()),
		Tags: nonNil(a.GetTags()), Notes: deref(a.GetNotes()),
		IsFallbackPublicClient: a.GetIsFallbackPublicClient() != nil && *a.GetIsFallbackPublicClient(),
		SPARedirectURIs:        []string{}, PublicClientRedirectURIs: []string{},
		Web: graph.WebSettings{RedirectURIs: []string{}},
	}
	if t := a.GetCreatedDateTime(); t != nil {
		out.CreatedDateTime = *t
	}
	if w := a.GetWeb(); w != nil {
		out.Web.RedirectURIs = nonNil(w.GetRedirectUris())
		out.Web.HomePageURL, out.Web.LogoutURL = deref(w.GetHomePageUrl()), deref(w.GetLogoutUrl())
		if ig := w.GetImplicitGrantSettings(); ig != nil {
			out.Web.IDTokenIssuance = ig.GetEnableIdTokenIssuance() != nil && *ig.GetEnableIdTokenIssuance()
			out.Web.AccessTokenIssuance = ig.GetEnableAccessTokenIssuance() != nil && *ig.GetEnableAccessTokenIssuance()
		}
	}
	if s := a.GetSpa(); s != nil {
		out.SPARedirectURIs = nonNil(s.GetRedirectUris())
	}
	if p := a.GetPublicClient(); p != nil {
		out.PublicClientRedirectURIs = nonNil(p.GetRedirectUris())
	}
	out.RequiredResourceAccess = []graph.RequiredResourceAccess{}
	for _, r := range items(a.GetRequiredResourceAccess()) {
		rra := graph.RequiredResourceAccess{ResourceAppID: deref(r.GetResourceAppId()), ResourceAccess: []graph.ResourceAccess{}}
		for _, ra := range items(r.GetResourceAccess()) {
			rra.ResourceAccess = append(rra.ResourceAccess, graph.ResourceAccess{ID: uuidString(ra.GetId()), Type: deref(ra.GetTypeEscaped())})
		}
		out.RequiredResourceAccess = append(out.RequiredResourceAccess, rra)
	}
	out.PasswordCredentials = []graph.PasswordCredential{}
	for _, p := range items(a.GetPasswordCredentials()) {
		out.PasswordCredentials = append(out.PasswordCredentials, toPassword(p))
	}
	out.KeyCredentials = []graph.KeyCredential{}
	for _, k := range items(a.GetKeyCredentials()) {
		kc := graph.KeyCredential{KeyID: uuidString(k.GetKeyId()), DisplayName: deref(k.GetDisplayName()),
			Type: deref(k.GetTypeEscaped()), Usage: deref(k.GetUsage())}
		if b := k.GetCustomKeyIdentifier(); len(b) > 0 {
			kc.CustomKeyIdentifier = fmt.Sprintf("%X", b)
		}
		if t := k.GetStartDateTime(); t != nil {
			kc.StartDateTime = *t
		}
		if t := k.GetEndDateTime(); t != nil {
			kc.EndDateTime = *t
		}
		out.KeyCredentials = append(out.KeyCredentials, kc)
	}
	return out
}

func toPassword(p models.PasswordCredentialable) graph.PasswordCredential {
	out := graph.PasswordCredential{KeyID: uuidString(p.GetKeyId()), DisplayName: deref(p.GetDisplayName()), Hint: deref(p.GetHint())}
	if t := p.GetStartDateTime(); t != nil {
		out.StartDateTime = *t
	}
	if t := p.GetEndDateTime(); t != nil {
		out.EndDateTime = *t
	}
	return out
}

func fromRRA(in []graph.RequiredResourceAccess) []models.RequiredResourceAccessable {
	out := make([]models.RequiredResourceAccessable, 0, len(in))
	for _, r := range in {
		m := models.NewRequiredResourceAccess()
		m.SetResourceAppId(ptr(r.ResourceAppID))
		var access []models.ResourceAccessable
		for _, ra := range r.ResourceAccess {
			x := models.NewResourceAccess()
			if id, err := uuid.Parse(ra.ID); err == nil {
				x.SetId(&id)
			}
			x.SetTypeEscaped(ptr(ra.Type))
			access = append(access, x)
		}
		m.SetResourceAccess(access)
		out = append(out, m)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func uuidString(id *uuid.UUID) string {
	if id == nil {
		return ""
	}
	return id.String()
}

// isoToDuration converts an ISO 8601 duration (P180D, P1Y) to a Duration,
// counting a year as 365 days.
func isoToDuration(d *serialization.ISODuration) time.Duration {
	if d == nil {
		return 0
	}
	day := 24 * time.Hour
	return time.Duration(d.GetYears())*365*day + time.Duration(d.GetWeeks())*7*day + time.Duration(d.GetDays())*day +
		time.Duration(d.GetHours())*time.Hour + time.Duration(d.GetMinutes())*time.Minute + time.Duration(d.GetSeconds())*time.Second
}

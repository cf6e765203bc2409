// The emulator's contract with the real Microsoft Graph Go SDK, over TLS:
// successes must deserialize into SDK models and errors must surface as the
// SDK's OData errors. These tests share msgraph's test binary (as an
// external test package) because every test binary that links
// msgraph-sdk-go costs a large link.
package msgraph_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/identity"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/oauth2permissiongrants"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
)

const (
	adminUPN  = "admin@contoso.onmicrosoft.com"
	ritaUPN   = "rita.recruiter@contoso.onmicrosoft.com"
	ebmsAppID = "c0ec60b5-60a8-4768-8053-870f11315492"
)

// staticToken is a kiota AccessTokenProvider handing out one token, for
// the emulator's host only.
type staticToken struct {
	token string
	hosts authentication.AllowedHostsValidator
}

func (s *staticToken) GetAuthorizationToken(_ context.Context, u *url.URL, _ map[string]any) (string, error) {
	if !s.hosts.IsUrlHostValid(u) {
		return "", nil
	}
	return s.token, nil
}

func (s *staticToken) GetAllowedHostsValidator() *authentication.AllowedHostsValidator {
	return &s.hosts
}

// sdk is a Graph client wired like teamsctl's: default Graph middleware
// (retry, compression, ...) over a TLS transport trusting the emulator.
type sdk struct {
	*msgraphsdk.GraphServiceClient
	adapter *msgraphsdk.GraphRequestAdapter
}

func newSDK(t *testing.T, env *emutest.Env, token string) sdk {
	t.Helper()
	mw := msgraphcore.GetDefaultMiddlewaresWithOptions(&msgraphcore.GraphClientOptions{GraphServiceVersion: "v1.0"})
	transport := khttp.NewCustomTransportWithParentTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: env.CertPool}}, mw...)
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	auth := authentication.NewBaseBearerTokenAuthenticationProvider(&staticToken{token: token,
		hosts: authentication.NewAllowedHostsValidator([]string{"127.0.0.1"})})
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, nil, nil, client)
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(env.GraphURL)
	return sdk{msgraphsdk.NewGraphServiceClient(adapter), adapter}
}

func wantODataError(t *testing.T, err error, code string) *odataerrors.ODataError {
	t.Helper()
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not an ODataError", err, err)
	}
	if got := deref(oe.GetErrorEscaped().GetCode()); got != code {
		t.Fatalf("code %q (%s), want %q", got, deref(oe.GetErrorEscaped().GetMessage()), code)
	}
	return oe
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func TestDirectoryReads(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "User.Read.All", "Directory.Read.All", "Organization.Read.All"))

	orgs, err := c.Organization().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if org := orgs.GetValue()[0]; deref(org.GetDisplayName()) != "Contoso" || deref(org.GetVerifiedDomains()[0].GetName()) != "contoso.onmicrosoft.com" {
		t.Errorf("organization = %v", deref(org.GetDisplayName()))
	}
	me, err := c.Me().Get(ctx, nil)
	if err != nil || deref(me.GetUserPrincipalName()) != adminUPN {
		t.Fatalf("me: %v %v", err, me)
	}
	rita, err := c.Users().ByUserId(ritaUPN).Get(ctx, nil)
	if err != nil || deref(rita.GetJobTitle()) != "Recruiter" {
		t.Fatalf("rita: %v", err)
	}
	lic, err := c.Users().ByUserId(deref(rita.GetId())).LicenseDetails().Get(ctx, nil)
	if err != nil || deref(lic.GetValue()[0].GetSkuPartNumber()) != "ENTERPRISEPACK" || len(lic.GetValue()[0].GetServicePlans()) == 0 {
		t.Fatalf("licenseDetails: %v", err)
	}
	member, err := c.Users().ByUserId(ritaUPN).TransitiveMemberOf().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, o := range member.GetValue() {
		if g, ok := o.(models.Groupable); ok {
			groups = append(groups, deref(g.GetDisplayName()))
		}
	}
	if strings.Join(groups, ",") != "Recruiters,HR Department,Talent Acquisition" {
		t.Errorf("transitiveMemberOf groups = %v", groups)
	}
	roles, err := c.Me().MemberOf().Get(ctx, nil)
	if _, ok := roles.GetValue()[0].(models.DirectoryRoleable); err != nil || !ok {
		t.Errorf("admin memberOf: %v %T", err, roles.GetValue()[0])
	}
	hr, err := c.Groups().Get(ctx, nil)
	if err != nil || len(hr.GetValue()) != 5 {
		t.Fatalf("groups: %v", err)
	}
	members, err := c.Groups().ByGroupId(deref(hr.GetValue()[1].GetId())).TransitiveMembers().Get(ctx, nil)
	if err != nil || len(members.GetValue()) != 4 {
		t.Fatalf("transitiveMembers: %v", err)
	}
	_, err = c.Users().ByUserId("nobody@contoso.onmicrosoft.com").Get(ctx, nil)
	wantODataError(t, err, "Request_ResourceNotFound")
}

func TestPagingAcrossNextLinks(t *testing.T) {
	env := emutest.Start(t)
	if err := env.Server.Update(func(st *emulator.State) error {
		tn := st.HomeTenant()
		for i := 0; i < 230; i++ {
			tn.Users = append(tn.Users, &emulator.User{ID: st.NewGUID(), UserPrincipalName: "bulk" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "@contoso.onmicrosoft.com",
				DisplayName: "Bulk", UserType: "Member", AccountEnabled: true})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "User.Read.All"))
	page, err := c.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
		Top: ptr(int32(50)), Filter: ptr("startswith(displayName,'Bulk')"), Select: []string{"id", "displayName"}}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := msgraphcore.NewPageIterator[models.Userable](page, c.adapter, models.CreateUserCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := it.Iterate(ctx, func(u models.Userable) bool { n++; return true }); err != nil {
		t.Fatal(err)
	}
	if n != 230 {
		t.Errorf("iterated %d users, want 230", n)
	}
}

// TestVendorSetup is teamsctl's main job through the SDK: register an app,
// add a secret and redirect URI, create its service principal, grant
// delegated and application permissions, with Graph's errors for
// duplicates.
func TestVendorSetup(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"))

	app := models.NewApplication()
	app.SetDisplayName(ptr("Interview Scheduler"))
	app.SetSignInAudience(ptr("AzureADMyOrg"))
	web := models.NewWebApplication()
	web.SetRedirectUris([]string{"https://scheduler.example.com/auth"})
	app.SetWeb(web)
	rra := models.NewRequiredResourceAccess()
	rra.SetResourceAppId(ptr(emulator.GraphAppID))
	ra := models.NewResourceAccess()
	ra.SetId(ptr(mustUUID(t, "e1fe6dd8-ba31-4d61-89e7-88639da4683d")))
	ra.SetTypeEscaped(ptr("Scope"))
	rra.SetResourceAccess([]models.ResourceAccessable{ra})
	app.SetRequiredResourceAccess([]models.RequiredResourceAccessable{rra})
	created, err := c.Applications().Post(ctx, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	appID, objID := deref(created.GetAppId()), deref(created.GetId())
	if deref(created.GetPublisherDomain()) != "contoso.onmicrosoft.com" || len(created.GetWeb().GetRedirectUris()) != 1 {
		t.Errorf("created app = %v", created)
	}

	byAppID, err := c.ApplicationsWithAppId(&appID).Get(ctx, nil)
	if err != nil || deref(byAppID.GetId()) != objID {
		t.Fatalf("applications(appId=): %v", err)
	}
	list, err := c.Applications().Get(ctx, &applications.ApplicationsRequestBuilderGetRequestConfiguration{
		QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{Filter: ptr("appId eq '" + appID + "'")}})
	if err != nil || len(list.GetValue()) != 1 {
		t.Fatalf("filter by appId: %v", err)
	}

	patch := models.NewApplication()
	patchWeb := models.NewWebApplication()
	patchWeb.SetRedirectUris([]string{"https://scheduler.example.com/auth", "http://localhost:8400/"})
	patch.SetWeb(patchWeb)
	if _, err := c.Applications().ByApplicationId(objID).Patch(ctx, patch, nil); err != nil {
		t.Fatal(err)
	}
	badWeb := models.NewWebApplication()
	badWeb.SetRedirectUris([]string{"http://scheduler.example.com/auth"})
	bad := models.NewApplication()
	bad.SetWeb(badWeb)
	_, err = c.Applications().ByApplicationId(objID).Patch(ctx, bad, nil)
	if oe := wantODataError(t, err, "Request_BadRequest"); deref(oe.GetErrorEscaped().GetMessage()) != "Invalid value specified for property 'web' of resource 'Application'." {
		t.Errorf("message %q", deref(oe.GetErrorEscaped().GetMessage()))
	}

	pwBody := applications.NewItemAddPasswordPostRequestBody()
	cred := models.NewPasswordCredential()
	cred.SetDisplayName(ptr("teamsctl"))
	pwBody.SetPasswordCredential(cred)
	pw, err := c.Applications().ByApplicationId(objID).AddPassword().Post(ctx, pwBody, nil)
	if err != nil || len(deref(pw.GetSecretText())) != 40 || deref(pw.GetHint()) != deref(pw.GetSecretText())[:3] {
		t.Fatalf("addPassword: %v", err)
	}
	if end := deref(pw.GetEndDateTime()); end.Sub(deref(pw.GetStartDateTime())) < 700*24*time.Hour {
		t.Errorf("default secret lifetime ends %v", end)
	}
	rm := applications.NewItemRemovePasswordPostRequestBody()
	rm.SetKeyId(pw.GetKeyId())
	if err := c.Applications().ByApplicationId(objID).RemovePassword().Post(ctx, rm, nil); err != nil {
		t.Fatal(err)
	}
	owners, err := c.Applications().ByApplicationId(objID).Owners().Get(ctx, nil)
	if err != nil || len(owners.GetValue()) != 1 {
		t.Fatalf("owners: %v", err)
	}

	spBody := models.NewServicePrincipal()
	spBody.SetAppId(&appID)
	sp, err := c.ServicePrincipals().Post(ctx, spBody, nil)
	if err != nil || deref(sp.GetAppDisplayName()) != "Interview Scheduler" {
		t.Fatalf("create SP: %v", err)
	}
	_, err = c.ServicePrincipals().Post(ctx, spBody, nil)
	wantODataError(t, err, "Request_MultipleObjectsWithSameKeyValue")
	graphSP, err := c.ServicePrincipalsWithAppId(ptr(emulator.GraphAppID)).Get(ctx, nil)
	if err != nil || len(graphSP.GetOauth2PermissionScopes()) == 0 || len(graphSP.GetAppRoles()) == 0 {
		t.Fatalf("Graph SP: %v", err)
	}
	spPatch := models.NewServicePrincipal()
	spPatch.SetAppRoleAssignmentRequired(ptr(true))
	if _, err := c.ServicePrincipals().ByServicePrincipalId(deref(sp.GetId())).Patch(ctx, spPatch, nil); err != nil {
		t.Fatal(err)
	}

	grant := models.NewOAuth2PermissionGrant()
	grant.SetClientId(sp.GetId())
	grant.SetConsentType(ptr("AllPrincipals"))
	grant.SetResourceId(graphSP.GetId())
	grant.SetScope(ptr("User.Read Calendars.ReadWrite"))
	g, err := c.Oauth2PermissionGrants().Post(ctx, grant, nil)
	if err != nil || deref(g.GetId()) == "" {
		t.Fatalf("grant: %v", err)
	}
	_, err = c.Oauth2PermissionGrants().Post(ctx, grant, nil)
	if oe := wantODataError(t, err, "Request_MultipleObjectsWithSameKeyValue"); deref(oe.GetErrorEscaped().GetMessage()) != "Permission entry already exists." {
		t.Errorf("duplicate grant message %q", deref(oe.GetErrorEscaped().GetMessage()))
	}
	grants, err := c.Oauth2PermissionGrants().Get(ctx, &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetRequestConfiguration{
		QueryParameters: &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetQueryParameters{
			Filter: ptr("clientId eq '" + deref(sp.GetId()) + "' and consentType eq 'AllPrincipals'")}})
	if err != nil || len(grants.GetValue()) != 1 {
		t.Fatalf("grant filter: %v", err)
	}
	scope := models.NewOAuth2PermissionGrant()
	scope.SetScope(ptr("User.Read"))
	if _, err := c.Oauth2PermissionGrants().ByOAuth2PermissionGrantId(deref(g.GetId())).Patch(ctx, scope, nil); err != nil {
		t.Fatal(err)
	}
	spGrants, err := c.ServicePrincipals().ByServicePrincipalId(deref(sp.GetId())).Oauth2PermissionGrants().Get(ctx, nil)
	if err != nil || deref(spGrants.GetValue()[0].GetScope()) != "User.Read" {
		t.Fatalf("SP grants: %v", err)
	}

	assignment := models.NewAppRoleAssignment()
	assignment.SetPrincipalId(ptr(mustUUID(t, deref(sp.GetId()))))
	assignment.SetResourceId(ptr(mustUUID(t, deref(graphSP.GetId()))))
	assignment.SetAppRoleId(ptr(mustUUID(t, "df021288-bdef-4463-88db-98f22de89214")))
	a, err := c.ServicePrincipals().ByServicePrincipalId(deref(graphSP.GetId())).AppRoleAssignedTo().Post(ctx, assignment, nil)
	if err != nil || deref(a.GetPrincipalType()) != "ServicePrincipal" || deref(a.GetResourceDisplayName()) != "Microsoft Graph" {
		t.Fatalf("appRoleAssignedTo: %v", err)
	}
	_, err = c.ServicePrincipals().ByServicePrincipalId(deref(sp.GetId())).AppRoleAssignments().Post(ctx, assignment, nil)
	if oe := wantODataError(t, err, "Request_BadRequest"); deref(oe.GetErrorEscaped().GetMessage()) != "Permission being assigned already exists on the object." {
		t.Errorf("duplicate assignment message %q", deref(oe.GetErrorEscaped().GetMessage()))
	}
	assigned, err := c.ServicePrincipals().ByServicePrincipalId(deref(sp.GetId())).AppRoleAssignments().Get(ctx, nil)
	if err != nil || len(assigned.GetValue()) != 1 {
		t.Fatalf("appRoleAssignments: %v", err)
	}
	assignedTo, err := c.ServicePrincipals().ByServicePrincipalId(deref(graphSP.GetId())).AppRoleAssignedTo().Get(ctx, &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetRequestConfiguration{
		QueryParameters: &serviceprincipals.ItemAppRoleAssignedToRequestBuilderGetQueryParameters{Filter: ptr("principalId eq " + deref(sp.GetId()))}})
	if err != nil || len(assignedTo.GetValue()) != 1 {
		t.Fatalf("appRoleAssignedTo filter: %v", err)
	}
	if err := c.ServicePrincipals().ByServicePrincipalId(deref(graphSP.GetId())).AppRoleAssignedTo().ByAppRoleAssignmentId(deref(a.GetId())).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Oauth2PermissionGrants().ByOAuth2PermissionGrantId(deref(g.GetId())).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.ServicePrincipals().ByServicePrincipalId(deref(sp.GetId())).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Applications().ByApplicationId(objID).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Applications().ByApplicationId(objID).Get(ctx, nil)
	wantODataError(t, err, "Request_ResourceNotFound")
}

func TestReplicationLagThroughSDK(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	env := emutest.Start(t, emulator.Options{Now: clock.Now, Faults: emulator.FaultOptions{ReplicationLag: time.Minute}})
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "Application.ReadWrite.All"))
	app := models.NewApplication()
	app.SetDisplayName(ptr("Lagging"))
	app.SetSignInAudience(ptr("AzureADMyOrg"))
	created, err := c.Applications().Post(ctx, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	sp := models.NewServicePrincipal()
	sp.SetAppId(created.GetAppId())
	_, err = c.ServicePrincipals().Post(ctx, sp, nil)
	oe := wantODataError(t, err, "Request_BadRequest")
	if d := oe.GetErrorEscaped().GetDetails(); len(d) != 1 || deref(d[0].GetCode()) != "NoBackingApplicationObject" {
		t.Errorf("details = %v", d)
	}
	clock.Advance(2 * time.Minute)
	if _, err := c.ServicePrincipals().Post(ctx, sp, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPoliciesThroughSDK(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "Policy.Read.All", "Policy.Read.ConditionalAccess", "AuditLog.Read.All"))
	authz, err := c.Policies().AuthorizationPolicy().Get(ctx, nil)
	if err != nil || len(authz.GetDefaultUserRolePermissions().GetPermissionGrantPoliciesAssigned()) != 2 {
		t.Fatalf("authorizationPolicy: %v", err)
	}
	acr, err := c.Policies().AdminConsentRequestPolicy().Get(ctx, nil)
	if err != nil || deref(acr.GetIsEnabled()) {
		t.Fatalf("adminConsentRequestPolicy: %v", err)
	}
	pgp, err := c.Policies().PermissionGrantPolicies().Get(ctx, nil)
	if err != nil || len(pgp.GetValue()) < 4 || deref(pgp.GetValue()[0].GetIncludes()[0].GetPermissionClassification()) != "low" {
		t.Fatalf("permissionGrantPolicies: %v", err)
	}
	amp, err := c.Policies().DefaultAppManagementPolicy().Get(ctx, nil)
	if err != nil || deref(amp.GetIsEnabled()) {
		t.Fatalf("defaultAppManagementPolicy: %v", err)
	}
	cas, err := c.Identity().ConditionalAccess().Policies().Get(ctx, nil)
	if err != nil || len(cas.GetValue()) != 4 {
		t.Fatalf("CA policies: %v", err)
	}
	mfa := cas.GetValue()[0]
	if len(mfa.GetConditions().GetUsers().GetIncludeRoles()) != 4 || mfa.GetGrantControls().GetBuiltInControls()[0] != models.MFA_CONDITIONALACCESSGRANTCONTROL {
		t.Errorf("CA policy shape: %v", mfa)
	}

	guest, err := c.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
		Filter: ptr("userType eq 'Guest'")}})
	if err != nil {
		// The admin token above lacks User.Read.All: the SDK must see the 403.
		wantODataError(t, err, "Authorization_RequestDenied")
	}
	_ = guest
	var guestID string
	if err := env.Server.Update(func(st *emulator.State) error {
		guestID = st.HomeTenant().UserByIDOrUPN("gina.guest_fabrikam.com#EXT#@contoso.onmicrosoft.com").ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	body := identity.NewConditionalAccessEvaluatePostRequestBody()
	who := models.NewUserSignIn()
	who.SetUserId(&guestID)
	body.SetSignInIdentity(who)
	ctxApp := models.NewApplicationContext()
	ctxApp.SetIncludeApplications([]string{ebmsAppID})
	body.SetSignInContext(ctxApp)
	cond := models.NewSignInConditions()
	browser := models.BROWSER_CONDITIONALACCESSCLIENTAPP
	cond.SetClientAppType(&browser)
	body.SetSignInConditions(cond)
	body.SetAppliedPoliciesOnly(ptr(true))
	res, err := c.Identity().ConditionalAccess().Evaluate().PostAsEvaluatePostResponse(ctx, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res.GetValue() {
		found = found || (deref(r.GetDisplayName()) == "Block guests from EBMS" && deref(r.GetPolicyApplies()))
	}
	if !found {
		t.Errorf("what-if did not apply the guest block: %d results", len(res.GetValue()))
	}
	if _, err := c.AuditLogs().SignIns().Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestMeetingsThroughSDK(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, ritaUPN, "", "OnlineMeetings.ReadWrite", "Calendars.ReadWrite"))
	m := models.NewOnlineMeeting()
	m.SetSubject(ptr("Interview"))
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	m.SetStartDateTime(&start)
	m.SetEndDateTime(ptr(start.Add(time.Hour)))
	created, err := c.Me().OnlineMeetings().Post(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(deref(created.GetJoinWebUrl()), "https://teams.microsoft.com/l/meetup-join/") ||
		deref(created.GetJoinMeetingIdSettings().GetJoinMeetingId()) == "" || deref(created.GetChatInfo().GetThreadId()) == "" ||
		deref(created.GetParticipants().GetOrganizer().GetUpn()) != ritaUPN {
		t.Errorf("meeting = %v", created)
	}
	got, err := c.Me().OnlineMeetings().ByOnlineMeetingId(deref(created.GetId())).Get(ctx, nil)
	if err != nil || deref(got.GetSubject()) != "Interview" {
		t.Fatalf("get meeting: %v", err)
	}
	if err := c.Me().OnlineMeetings().ByOnlineMeetingId(deref(created.GetId())).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}

	ev := models.NewEvent()
	ev.SetSubject(ptr("Interview"))
	when := func(s string) models.DateTimeTimeZoneable {
		d := models.NewDateTimeTimeZone()
		d.SetDateTime(ptr(s))
		d.SetTimeZone(ptr("UTC"))
		return d
	}
	ev.SetStart(when("2026-03-02T10:00:00"))
	ev.SetEnd(when("2026-03-02T11:00:00"))
	ev.SetIsOnlineMeeting(ptr(true))
	teams := models.TEAMSFORBUSINESS_ONLINEMEETINGPROVIDERTYPE
	ev.SetOnlineMeetingProvider(&teams)
	createdEv, err := c.Me().Events().Post(ctx, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	if createdEv.GetOnlineMeeting() == nil || !strings.HasPrefix(deref(createdEv.GetOnlineMeeting().GetJoinUrl()), "https://teams.microsoft.com/") {
		t.Errorf("event online meeting = %v", createdEv.GetOnlineMeeting())
	}
	if err := c.Me().Events().ByEventId(deref(createdEv.GetId())).Delete(ctx, nil); err != nil {
		t.Fatal(err)
	}

	appC := newSDK(t, env, env.AppToken(t, ebmsAppID, "OnlineMeetings.ReadWrite.All"))
	_, err = appC.Users().ByUserId(deref(createdEv.GetOrganizer().GetEmailAddress().GetAddress())).OnlineMeetings().Post(ctx, m, nil)
	wantODataError(t, err, "BadRequest") // a UPN, not an object id
	_, err = appC.Me().Get(ctx, nil)
	wantODataError(t, err, "BadRequest")
}

func TestBatchThroughSDK(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	c := newSDK(t, env, env.Token(t, adminUPN, "", "User.Read.All", "Application.Read.All"))
	batch := msgraphcore.NewBatchRequest(c.adapter)
	meInfo, err := c.Me().ToGetRequestInformation(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	meItem, err := batch.AddBatchRequestStep(*meInfo)
	if err != nil {
		t.Fatal(err)
	}
	appsInfo, err := c.Applications().ToGetRequestInformation(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	appsItem, err := batch.AddBatchRequestStep(*appsInfo)
	if err != nil {
		t.Fatal(err)
	}
	appsItem.DependsOnItem(meItem)
	resp, err := batch.Send(ctx, c.adapter)
	if err != nil {
		t.Fatal(err)
	}
	me, err := msgraphcore.GetBatchResponseById[models.Userable](resp, deref(meItem.GetId()), models.CreateUserFromDiscriminatorValue)
	if err != nil || deref(me.GetUserPrincipalName()) != adminUPN {
		t.Fatalf("batch /me: %v", err)
	}
	if _, err := msgraphcore.GetBatchResponseById[models.ApplicationCollectionResponseable](resp, deref(appsItem.GetId()), models.CreateApplicationCollectionResponseFromDiscriminatorValue); err != nil {
		t.Fatalf("batch /applications: %v", err)
	}
}

func TestUnauthenticatedAndUnknownSegment(t *testing.T) {
	env := emutest.Start(t)
	ctx := context.Background()
	_, err := newSDK(t, env, "").Me().Get(ctx, nil)
	wantODataError(t, err, "InvalidAuthenticationToken")
	c := newSDK(t, env, env.Token(t, adminUPN, "", "User.Read"))
	info := abstractions.NewRequestInformation()
	info.Method = abstractions.GET
	info.UrlTemplate = "{+baseurl}/applicationz"
	info.PathParameters = map[string]string{"baseurl": env.GraphURL}
	err = c.adapter.SendNoContent(ctx, info, abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue})
	wantODataError(t, err, "BadRequest")
}

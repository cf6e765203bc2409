package setup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/plan"
	"github.com/teamsctl/teamsctl/internal/presets"
)

// fakeActions records the stages the pipeline asks for.
type fakeActions struct {
	roles    []graph.DirectoryRole
	status   plan.Status // of every write step
	calls    []string
	doctorOK bool
	vendorSP *graph.ServicePrincipal // the vendor's enterprise app, when it exists
	// meeting is the last meeting test asked for; meetingResult its answer.
	meeting       *MeetingRequest
	meetingResult *MeetingResult
}

func (f *fakeActions) Tenant(_ context.Context, _ TenantRequest) (*Tenant, error) {
	f.calls = append(f.calls, "tenant")
	cat := &permissions.Catalog{ResourceAppID: graph.MicrosoftGraphAppID, ResourceSPID: "graph-sp", DisplayName: "Microsoft Graph"}
	for _, v := range []string{"User.Read", "OnlineMeetings.ReadWrite", "offline_access", "Calendars.ReadWrite", "Place.Read.All"} {
		cat.Scopes = append(cat.Scopes, graph.PermissionScope{ID: "id-" + v, Value: v, Type: "Admin", IsEnabled: true})
	}
	for _, v := range []string{"OnlineMeetings.ReadWrite.All", "User.Read.All"} {
		cat.Roles = append(cat.Roles, graph.AppRole{ID: "id-" + v, Value: v, AllowedMemberTypes: []string{"Application"}, IsEnabled: true})
	}
	return &Tenant{ID: "tid", PrimaryDomain: "contoso.example", Roles: f.roles, RolesKnown: true, Catalog: cat, VendorSP: f.vendorSP}, nil
}

func (f *fakeActions) Register(_ context.Context, d appreg.Desired, dryRun bool) (*appreg.Result, error) {
	f.calls = append(f.calls, "register")
	var steps plan.Steps
	steps.Add("create-application", d.Name, f.status)
	res := &appreg.Result{AppID: "app-1", DisplayName: d.Name, RedirectURIs: d.RedirectURIs, ConsentStatus: "granted for all users", Plan: steps}
	if f.status == plan.Done {
		res.Secret = &appreg.Secret{Name: d.SecretName, Value: "s3cret~value", EndDateTime: d.SecretEnd}
	} else {
		res.Secret = &appreg.Secret{Name: d.SecretName, Existing: true, Hint: "s3c"}
	}
	return res, nil
}

func (f *fakeActions) EnableVendorApp(_ context.Context, r VendorRequest) (*VendorResult, error) {
	f.calls = append(f.calls, "vendor")
	var steps plan.Steps
	if r.Known == nil {
		steps.Add("create-service-principal", r.Name, f.status)
	}
	steps.Add("grant-delegated", r.Name, f.status)
	return &VendorResult{DisplayName: r.Name, Plan: steps}, nil
}

func (f *fakeActions) Doctor(_ context.Context, exp doctor.Expectations, users []string, _ bool) (*doctor.Report, error) {
	f.calls = append(f.calls, "doctor:"+exp.App)
	r := &doctor.Report{Summary: doctor.Summary{Pass: 3, Result: "ok"}}
	return r, nil
}

func (f *fakeActions) MeetingTest(_ context.Context, r MeetingRequest) (*MeetingResult, error) {
	f.calls = append(f.calls, "meeting")
	f.meeting = &r
	if f.meetingResult != nil {
		return f.meetingResult, nil
	}
	return &MeetingResult{Passed: true, Detail: "created and deleted"}, nil
}

func (f *fakeActions) ConsentURL(tenant, appID string, scopes []string) string {
	return "https://login.example/" + tenant + "/adminconsent?client_id=" + appID
}

var globalAdmin = []graph.DirectoryRole{{DisplayName: "Global Administrator", RoleTemplateID: graph.RoleGlobalAdministrator}}

func preset(t *testing.T, name string) *presets.Preset {
	t.Helper()
	p, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCustomerRegisteredFirstRunAndRerun(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done}
	p := &Pipeline{Actions: f}
	res, err := p.Run(context.Background(), Options{Preset: preset(t, "elevato"), Instance: "https://acme.elevato.net", TestUser: "rita@x", SkipTest: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ","); got != "tenant,register,doctor:app-1" {
		t.Errorf("calls %s", got)
	}
	b := res.Summary.Bundle
	if b.TenantID != "tid" || b.ClientID != "app-1" || b.ClientSecret != "s3cret~value" || b.RedirectURIs[0] != "https://acme.elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx" {
		t.Errorf("bundle %+v", b)
	}
	if res.Summary.Changes != 1 || !strings.HasPrefix(res.Summary.Message, "Set up elevato") {
		t.Errorf("summary %+v", res.Summary)
	}
	if res.Stages[len(res.Stages)-1].Status != Skipped {
		t.Errorf("meeting test not skipped with --skip-test: %+v", res.Stages)
	}
	// Re-run: nothing changes and the summary says so; no secret to show.
	f.status = plan.Unchanged
	res, err = p.Run(context.Background(), Options{Preset: preset(t, "elevato"), Instance: "https://acme.elevato.net"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Changes != 0 || !strings.HasPrefix(res.Summary.Message, "Nothing changed") || res.Summary.Bundle.ClientSecret != "" {
		t.Errorf("re-run summary %+v", res.Summary)
	}
}

// With --handoff the secret goes to the file only: the summary leaves it out.
func TestSecretHandledStaysOutOfSummary(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "elevato"), SecretHandled: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Bundle.ClientSecret != "" || res.NewSecret() != "s3cret~value" {
		t.Errorf("secret in summary %q, for the file %q", res.Summary.Bundle.ClientSecret, res.NewSecret())
	}
}

// An operator without the role changes nothing and gets the consent link.
func TestVendorHostedWithoutRoleAsksAnAdmin(t *testing.T) {
	f := &fakeActions{roles: []graph.DirectoryRole{{DisplayName: "Application Administrator", RoleTemplateID: graph.RoleApplicationAdministrator}}, status: plan.Done}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "onlyfy"), AppID: "vendor-app"})
	var na *NeedsAdminError
	if !errors.As(err, &na) {
		t.Fatalf("err %v, want NeedsAdminError", err)
	}
	if got := strings.Join(f.calls, ","); got != "tenant" {
		t.Errorf("wrote after the role check: %s", got)
	}
	if na.ConsentURL != "https://login.example/tid/adminconsent?client_id=vendor-app" || res.Summary.Bundle.ConsentURL != na.ConsentURL {
		t.Errorf("consent url %q / %q", na.ConsentURL, res.Summary.Bundle.ConsentURL)
	}
	if !strings.Contains(res.Summary.NeedsAdmin, "Privileged Role Administrator") || !strings.Contains(na.Hint(), "teamsctl setup onlyfy --app-id vendor-app") {
		t.Errorf("ending %q / %q", res.Summary.NeedsAdmin, na.Hint())
	}
	var mr *consent.MissingRoleError
	if !errors.As(err, &mr) && na.Missing == nil {
		t.Error("no missing role")
	}
}

func TestVendorHostedNeedsAppID(t *testing.T) {
	f := &fakeActions{roles: globalAdmin}
	_, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "erecruiter")})
	var me *MissingAppIDError
	if !errors.As(err, &me) || len(f.calls) != 0 {
		t.Fatalf("err %v, calls %v", err, f.calls)
	}
}

// A permission Graph does not know is reported at the preset's field.
func TestUnknownPermissionNamesTheField(t *testing.T) {
	p, err := presets.Parse("ours.yaml", []byte("name: ours\nvendor: Ours\nshape: vendor-hosted\nappId: 11111111-2222-4333-8444-555555555555\ndelegated: [User.Read, OnlineMeeting.ReadWrite]\nteams: {meeting: online-meeting}\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeActions{roles: globalAdmin}
	_, err = (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: p})
	var fe *presets.FieldError
	if !errors.As(err, &fe) || fe.Field != "delegated[1]" || !strings.Contains(err.Error(), "OnlineMeetings.ReadWrite") {
		t.Fatalf("err %v", err)
	}
	if got := strings.Join(f.calls, ","); got != "tenant" {
		t.Errorf("wrote with a bad preset: %s", got)
	}
}

func TestVendorHostedRunsMeetingTestWithTestUser(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "ebms"), TestUser: "rita@x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls, ","); got != "tenant,vendor,doctor:c0ec60b5-60a8-4768-8053-870f11315492,meeting" {
		t.Errorf("calls %s", got)
	}
	if !strings.Contains(res.Summary.Undo[0], "--delete-enterprise-app") {
		t.Errorf("undo %v", res.Summary.Undo)
	}
}

// The undo takes back what setup did: an enterprise app that was there
// before (a first connection) is kept, its consent and the group's
// assignment are taken back; one setup created is deleted.
func TestVendorHostedUndoKeepsAnEnterpriseAppThatWasThere(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done, vendorSP: &graph.ServicePrincipal{ID: "sp", AppID: "c0ec60b5-60a8-4768-8053-870f11315492"}}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "ebms"), Group: "Recruiters"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"teamsctl consent revoke c0ec60b5-60a8-4768-8053-870f11315492 --all --yes",
		`teamsctl app unassign c0ec60b5-60a8-4768-8053-870f11315492 --group "Recruiters"`}
	if !slices.Equal(res.Summary.Undo, want) {
		t.Errorf("undo %q, want %q", res.Summary.Undo, want)
	}
}

// A vendor-hosted app-only integration's test is its Teams access policy,
// named by the preset; where teamsctl cannot read it, the step is skipped
// with how to verify, and setup succeeds.
func TestVendorHostedAppOnlyTestIsTheAccessPolicy(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done,
		meetingResult: &MeetingResult{Skipped: true, Detail: "verify in Teams PowerShell: Get-CsApplicationAccessPolicy -Identity onlyfy-meetings"}}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "onlyfy"), AppID: "11111111-2222-4333-8444-555555555502", TestUser: "rita@x"})
	if err != nil {
		t.Fatal(err)
	}
	if f.meeting == nil || f.meeting.AccessPolicy != "onlyfy-meetings" {
		t.Fatalf("meeting request %+v", f.meeting)
	}
	st := res.Stages[len(res.Stages)-1]
	if st.ID != StageMeeting || st.Status != Skipped || !strings.Contains(st.Title, "onlyfy-meetings") || !strings.Contains(st.Detail, "Get-CsApplicationAccessPolicy") {
		t.Errorf("stage %+v", st)
	}
	manual := strings.Join(res.Summary.Manual, "\n")
	group, global := strings.Index(manual, "-Group"), strings.Index(manual, "-Global")
	if group < 0 || global < group {
		t.Errorf("least privilege first: %s", manual)
	}
	if !strings.Contains(strings.Join(res.Summary.Undo, "\n"), "Remove-CsApplicationAccessPolicy -Identity onlyfy-meetings") {
		t.Errorf("undo %v", res.Summary.Undo)
	}
}

// The undo of a vendor whose app takes application permissions, on an
// enterprise app that was there before, revokes its app roles too, and
// every printed command runs off a terminal (--yes).
func TestVendorHostedUndoRevokesApplicationPermissions(t *testing.T) {
	f := &fakeActions{roles: globalAdmin, status: plan.Done, vendorSP: &graph.ServicePrincipal{ID: "sp", AppID: "11111111-2222-4333-8444-555555555502"},
		meetingResult: &MeetingResult{Skipped: true}}
	res, err := (&Pipeline{Actions: f}).Run(context.Background(), Options{Preset: preset(t, "onlyfy"), AppID: "11111111-2222-4333-8444-555555555502", Group: "Recruiters"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Summary.Undo, "teamsctl consent revoke 11111111-2222-4333-8444-555555555502 --all --all-application --yes") {
		t.Errorf("undo %q", res.Summary.Undo)
	}
	for _, u := range res.Summary.Undo {
		if strings.HasPrefix(u, "teamsctl consent revoke") && !strings.HasSuffix(u, " --yes") {
			t.Errorf("not runnable off a terminal: %q", u)
		}
	}
}

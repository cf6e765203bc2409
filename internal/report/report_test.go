package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/integrations"
)

// injection is tenant data that tries to run script in the report.
const injection = `Evil <script>window.__injected=true</script><img src=x onerror="window.__injected=true"> App`

func sampleMeta() Meta {
	return Meta{Profile: "contoso", Version: "1.0.0", Generated: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
}

func sampleDoctor() *doctor.Report {
	return &doctor.Report{SchemaVersion: 1, App: &doctor.AppInfo{Ref: injection, AppID: "c0ec60b5-60a8-4768-8053-870f11315492", DisplayName: injection, Kind: "vendor"},
		Token: doctor.Token{TenantID: "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13"},
		Checks: []doctor.Check{
			{ID: doctor.IDUserConsent, Group: doctor.GroupTenant, Title: "User consent setting allows what the app needs", Status: doctor.Pass, Observed: "Users may consent to low-impact permissions."},
			{ID: doctor.IDConsentWorkflow, Group: doctor.GroupTenant, Title: "Admin consent workflow", Status: doctor.Warn, Observed: "Off.",
				Why: "Users who cannot consent get no way to ask.", Fix: &doctor.Fix{Portal: "Entra admin center > Enterprise apps > Consent and permissions > Admin consent settings"}},
			{ID: doctor.IDSPConsent, Group: doctor.GroupEnterpriseApp, Title: "Admin consent covers the required delegated permissions", Status: doctor.Fail,
				Observed: "Not granted for " + injection, Why: "Users stop at Need admin approval.",
				Fix: &doctor.Fix{Command: "teamsctl consent grant c0ec60b5-60a8-4768-8053-870f11315492 --delegated User.Read,Calendars.ReadWrite", Automatic: true}},
			{ID: doctor.IDUserAccount, Group: doctor.GroupUser, Subject: "rita@contoso.com", Title: "User exists and is enabled", Status: doctor.Pass, Observed: "Rita Recruiter"},
			{ID: doctor.IDUserToken, Group: doctor.GroupUser, Subject: "rita@contoso.com", Title: "User can get a token without admin help", Status: doctor.Downstream, Observed: "Need admin approval", Because: doctor.IDSPConsent},
			{ID: doctor.IDTeamsAccessPolicy, Group: doctor.GroupTeams, Title: "Teams application access policy", Status: doctor.Info, Observed: "Graph cannot see it.",
				Fix: &doctor.Fix{PowerShell: "New-CsApplicationAccessPolicy -Identity recruiting -AppIds \"c0ec60b5\"\nGrant-CsApplicationAccessPolicy -PolicyName recruiting -Global"}},
		},
		Summary: doctor.Summary{Pass: 2, Warn: 1, Fail: 1, Info: 1, Downstream: 1, Result: "failed"}}
}

func sampleDoctorTitles() []string {
	var out []string
	for _, c := range sampleDoctor().Checks {
		out = append(out, c.Title)
	}
	return out
}

func sampleIntegrations() *integrations.Report {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	signIn := now.Add(-30 * time.Hour)
	d := sampleDoctor()
	return &integrations.Report{SchemaVersion: 1, TenantID: "8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13", GeneratedAt: now, ExpiringWithinDays: 30,
		SignInLog: integrations.SignInLogAvailable, TenantChecks: d.Checks[:2],
		Integrations: []integrations.Integration{
			{Name: "EBMS Kalenderintegration", AppID: "c0ec60b5-60a8-4768-8053-870f11315492", Vendor: "EBMS", Preset: "ebms", Hosting: integrations.VendorHosted,
				FoundBy: []string{"preset"}, EnterpriseApp: &integrations.EnterpriseApp{ID: "sp1", Enabled: true, AssignmentRequired: true, Assigned: 3},
				Consent: integrations.Consent{TenantWideScopes: []string{"Calendars.ReadWrite", "User.Read"}}, Credentials: []integrations.Credential{},
				LastSignIn: &signIn, Health: integrations.HealthFailing, Checks: d.Checks[2:3]},
			{Name: "elevato - MS Teams integration", AppID: "19b93661-addd-42ad-9be5-546acb290541", Vendor: "elevato", Preset: "elevato",
				Hosting: integrations.CustomerRegistered, ManagedByTeamsctl: true, FoundBy: []string{"teamsctl"},
				EnterpriseApp: &integrations.EnterpriseApp{ID: "sp2", Enabled: true},
				Consent:       integrations.Consent{TenantWideScopes: []string{"OnlineMeetings.ReadWrite", "User.Read"}},
				Credentials: []integrations.Credential{{Type: "secret", KeyID: "k1", DisplayName: "teamsctl", EndDateTime: now.Add(9 * 24 * time.Hour), DaysLeft: 9, Status: integrations.CredentialExpiring},
					{Type: "secret", KeyID: "k2", DisplayName: "2026-12-05", EndDateTime: now.Add(180 * 24 * time.Hour), DaysLeft: 180, Status: integrations.CredentialValid}},
				LastSignInNote: "none in the sign-in log (30 days)", Health: integrations.HealthWarning,
				Checks: []doctor.Check{{ID: doctor.IDAppCredentials, Group: doctor.GroupApp, Title: "Client secrets and certificates valid", Status: doctor.Warn, Observed: "teamsctl expires in 9 days"}}},
			{Name: injection, AppID: "3f6b1c0e-2d4a-4b8e-9c7f-1a2b3c4d5e6f", Hosting: integrations.CustomerRegistered, FoundBy: []string{"graph-permissions"},
				Consent:        integrations.Consent{ApplicationPermissions: []string{"Calendars.ReadWrite"}},
				Credentials:    []integrations.Credential{{Type: "secret", KeyID: "k3", DisplayName: "legacy", EndDateTime: now.Add(-300 * 24 * time.Hour), DaysLeft: -300, Status: integrations.CredentialExpired}},
				LastSignInNote: "none in the sign-in log (30 days)", Health: integrations.HealthFailing,
				Checks: []doctor.Check{{ID: doctor.IDSPExists, Group: doctor.GroupEnterpriseApp, Title: "Enterprise app exists", Status: doctor.Pass, Observed: "yes"}}},
		},
		Summary: integrations.Summary{Integrations: 3, Warning: 1, Failing: 2, ExpiringCredentials: 1, ExpiredCredentials: 1}}
}

func sampleIntegrationTitles() []string {
	r := sampleIntegrations()
	var out []string
	for _, c := range r.TenantChecks {
		out = append(out, c.Title)
	}
	for _, it := range r.Integrations {
		for _, c := range it.Checks {
			out = append(out, c.Title)
		}
	}
	return out
}

// TestReportIsSelfContainedAndEscaped checks the HTML itself: no script,
// no external reference, tenant data escaped, fixes as commands.
func TestReportIsSelfContainedAndEscaped(t *testing.T) {
	for name, doc := range map[string]*Document{
		"doctor": Doctor(sampleDoctor(), sampleMeta()), "integrations": Integrations(sampleIntegrations(), sampleMeta()),
	} {
		var b bytes.Buffer
		if err := doc.Render(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		html := b.String()
		for _, bad := range []string{"<script", "<img", "<link", "@import", "url(", "http://", "https://"} {
			if strings.Contains(strings.ToLower(html), bad) {
				t.Errorf("%s: the page holds %q: not self-contained, or tenant data is not escaped", name, bad)
			}
		}
		if !strings.Contains(html, "&lt;script&gt;window.__injected=true&lt;/script&gt;") {
			t.Errorf("%s: the injected markup is not escaped as text", name)
		}
		for _, want := range []string{"✗ FAIL", "! WARN", "✓ PASS"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: no %q badge", name, want)
			}
		}
	}
	var b bytes.Buffer
	_ = Doctor(sampleDoctor(), sampleMeta()).Render(&b)
	if !strings.Contains(b.String(), "<pre>teamsctl consent grant c0ec60b5-60a8-4768-8053-870f11315492 --delegated User.Read,Calendars.ReadWrite</pre>") {
		t.Error("the fix is not a copyable command")
	}
}

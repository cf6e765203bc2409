package aadsts

import (
	"strings"
	"testing"
)

// graphMDCodes are the codes graph.md section 11 lists; each needs an
// explanation and a fix.
var graphMDCodes = []int{
	65001, 65004, 90094, 90095, 90008, 50105, 53003, 530003, 53000, 53001, 53002, 530032, 530035,
	50076, 50079, 50074, 50078, 700016, 7000215, 7000222, 7000218, 700025, 7000112, 50011, 500113,
	900971, 650056, 65005, 650057, 50020, 500011, 50194, 90002, 50059, 70011, 700022, 70016, 70018,
	70019, 54005, 700082, 50173, 70043, 50126, 50034, 50057,
}

func TestEveryDocumentedCodeIsExplained(t *testing.T) {
	for _, code := range graphMDCodes {
		e, ok := Lookup(code)
		if !ok {
			t.Errorf("AADSTS%d has no entry", code)
			continue
		}
		if e.Summary == "" || e.Fix == "" {
			t.Errorf("AADSTS%d lacks a summary or a fix", code)
		}
	}
}

func TestExplainFillsPlaceholders(t *testing.T) {
	e, ok := Explain(700016, Context{ClientID: "11111111-2222-3333-4444-555555555555", Tenant: "contoso.onmicrosoft.com", Login: "teamsctl login --tenant contoso.onmicrosoft.com"})
	if !ok {
		t.Fatal("700016 unknown")
	}
	if !strings.Contains(e.Summary, "11111111-2222-3333-4444-555555555555") || !strings.Contains(e.Summary, "contoso.onmicrosoft.com") {
		t.Errorf("summary not filled: %q", e.Summary)
	}
	e, _ = Explain(700082, Context{Login: "teamsctl login --profile work"})
	if e.Fix != "Sign in again: teamsctl login --profile work." || e.Kind != Reauthenticate {
		t.Errorf("700082 = %+v", e)
	}
}

func TestNoEntryKeepsPlaceholders(t *testing.T) {
	for _, code := range Codes() {
		e, _ := Explain(code, Context{ClientID: "c", Tenant: "t", Login: "l"})
		for _, s := range []string{e.Summary, e.Fix} {
			if strings.Contains(s, "{client_id}") || strings.Contains(s, "{tenant}") || strings.Contains(s, "{login}") || strings.Contains(s, "{user}") || strings.Contains(s, "{scopes}") {
				t.Errorf("AADSTS%d: placeholder left in %q", code, s)
			}
		}
	}
}

func TestFromText(t *testing.T) {
	code, ok := FromText("invalid_grant: AADSTS700082: The refresh token has expired due to inactivity.")
	if !ok || code != 700082 {
		t.Errorf("FromText = %d, %v", code, ok)
	}
	if _, ok := FromText("no code here"); ok {
		t.Error("found a code in text without one")
	}
}

// A sign-in as a named test user that needs admin consent: the fix grants
// that user the permissions (least privilege), names the workflow and the
// tenant-wide grant's trade-off, and never asks to sign in as an
// administrator with the failing command.
func TestConsentFixesForANamedUser(t *testing.T) {
	const tools = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
	retry := "teamsctl meeting test --user rita@contoso.com"
	c := Context{ClientID: tools, Login: retry, User: "rita@contoso.com",
		Scopes: []string{"https://graph.microsoft.com/OnlineMeetings.ReadWrite", "User.Read", "offline_access"}}
	for _, code := range []int{90094, 90095, 65001} {
		e, _ := Explain(code, c)
		perUser := "teamsctl consent grant " + tools + " --delegated OnlineMeetings.ReadWrite,User.Read,offline_access --user rita@contoso.com"
		tenantWide := "teamsctl consent grant " + tools + " --delegated OnlineMeetings.ReadWrite,User.Read,offline_access)"
		if !strings.Contains(e.Fix, perUser) || !strings.Contains(e.Fix, tenantWide) || strings.Index(e.Fix, perUser) > strings.Index(e.Fix, tenantWide) {
			t.Errorf("AADSTS%d: want the per-user grant before the tenant-wide one: %q", code, e.Fix)
		}
		if strings.Contains(e.Fix, "Sign in as") || strings.Contains(e.Fix, "administrator ("+retry) {
			t.Errorf("AADSTS%d: asks to sign in as someone else with the failing command: %q", code, e.Fix)
		}
	}
	if e, _ := Explain(90094, c); !strings.Contains(e.Fix, "admin consent workflow") {
		t.Errorf("90094 does not name the admin consent workflow: %q", e.Fix)
	}
	// Signing in to run teamsctl itself, the fix is an administrator's
	// sign-in, not a grant for every user.
	e, _ := Explain(90094, Context{ClientID: tools, Login: "teamsctl login"})
	if !strings.HasPrefix(e.Fix, "Sign in as a Global Administrator or Privileged Role Administrator: teamsctl login.") || strings.Contains(e.Fix, "{") {
		t.Errorf("90094 for teamsctl's own sign-in: %q", e.Fix)
	}
}

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
			if strings.Contains(s, "{client_id}") || strings.Contains(s, "{tenant}") || strings.Contains(s, "{login}") {
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

package causes

import (
	"strings"
	"testing"
)

func TestFromGraphErrorRecognisesMeetingFailures(t *testing.T) {
	tests := []struct {
		status        int
		code, message string
		want          ID
	}{
		{403, "Forbidden", "User 'x' does not have a valid Teams license to organize online meetings.", TeamsLicenceMissing},
		{404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.", MailboxMissing},
		{403, "Forbidden", "No Application Access Policy found for this app", TeamsAccessPolicyAbsent},
		{403, "General", "No application access policy found for this app.", TeamsAccessPolicyAbsent},
		{403, "Unauthorized", "App 1 is not authorized to Create meeting on behalf of user 2", TeamsAccessPolicyAbsent},
		{403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", InsufficientPrivileges},
	}
	for _, tt := range tests {
		got, ok := FromGraphError(tt.status, tt.code, tt.message)
		if !ok || got.ID != tt.want {
			t.Errorf("%s %q: got %q, %v; want %q", tt.code, tt.message, got.ID, ok, tt.want)
		}
	}
	if _, ok := FromGraphError(500, "InternalServerError", "boom"); ok {
		t.Error("an unknown error was given a cause")
	}
}

func TestWithFillsPlaceholders(t *testing.T) {
	c, _ := Lookup(TeamsAccessPolicyAbsent)
	c = c.With(Subject{AppID: "app-1", UserID: "user-1", User: "rita@contoso.com"})
	if strings.Contains(c.Title+c.Fix.PowerShell, "{") || !strings.Contains(c.Fix.PowerShell, `-AppIds "app-1"`) {
		t.Fatalf("placeholders left: %+v", c)
	}
}

func TestEveryCauseIsComplete(t *testing.T) {
	for _, c := range All() {
		if c.ID == "" || c.Title == "" || c.Why == "" || (c.Fix.Command == "" && c.Fix.Portal == "" && c.Fix.PowerShell == "") {
			t.Errorf("cause %q lacks a title, a why or a fix", c.ID)
		}
	}
}

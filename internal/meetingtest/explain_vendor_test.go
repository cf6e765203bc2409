package meetingtest

import (
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
)

// A wrong or expired secret of a vendor's app is not the customer's to
// replace: the note never says to make one.
func TestExplainWrongSecretOfAVendorsApp(t *testing.T) {
	err := &auth.SignInError{Code: 7000215, Summary: "The client secret is wrong.",
		Fix: "Create a new secret (teamsctl app secret add, or the portal) and pass its value."}
	own, _ := Explain(err, Request{As: AsApp, App: &App{AppID: "a"}})
	if !strings.Contains(own.Fix.Note, "app secret add") {
		t.Fatalf("own app: note %q", own.Fix.Note)
	}
	vendor, _ := Explain(err, Request{As: AsApp, App: &App{AppID: "a"}, VendorHosted: true})
	if strings.Contains(vendor.Fix.Note, "secret add") || !strings.Contains(vendor.Fix.Note, "vendor") {
		t.Fatalf("vendor's app: note %q", vendor.Fix.Note)
	}
}

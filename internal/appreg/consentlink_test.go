package appreg

import (
	"errors"
	"strings"
	"testing"
)

func TestClientIDFromConsentLink(t *testing.T) {
	const id = "8e3f6a2d-4b1c-4d7e-9f0a-2c5b8e1d4a70"
	for _, link := range []string{
		"https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=" + id,
		"https://login.microsoftonline.com/common/adminconsent?client_id=" + strings.ToUpper(id) + "&redirect_uri=https%3A%2F%2Fapp.erecruiter.pl%2Fconsent&state=1",
		"https://login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=" + id + "&scope=https://graph.microsoft.com/User.Read%20https://graph.microsoft.com/OnlineMeetings.ReadWrite",
		" https://login.microsoftonline.us/8a1c3f52-7d4e-4b9a-9c61-2f0e5d7a4b13/adminconsent?client_id=" + id,
	} {
		got, err := ClientIDFromLink(link)
		if err != nil || got != id {
			t.Errorf("ClientIDFromLink(%q) = %q, %v; want %s", link, got, err, id)
		}
	}
	for link, problem := range map[string]string{
		"https://login.example.com/contoso/adminconsent?client_id=" + id:                  "not on Microsoft's sign-in host",
		"http://login.microsoftonline.com/contoso/adminconsent?client_id=" + id:           "not https",
		"https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize?client_id=" + id: "not an admin-consent link",
		"https://login.microsoftonline.com/contoso/adminconsent":                          "has no client_id",
		"https://login.microsoftonline.com/contoso/adminconsent?client_id=erecruiter":     "not an application (client) id",
		"https://login.microsoftonline.com:8443/contoso/adminconsent?client_id=" + id:     "not on Microsoft's sign-in host",
	} {
		_, err := ClientIDFromLink(link)
		var le *LinkError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), problem) {
			t.Errorf("ClientIDFromLink(%q) = %v; want a LinkError saying %q", link, err, problem)
		}
	}
	if !IsLink("HTTPS://x") || IsLink(id) || IsLink("elevato - MS Teams integration") {
		t.Error("IsLink misjudges")
	}
}

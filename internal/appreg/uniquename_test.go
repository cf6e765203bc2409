package appreg

import (
	"regexp"
	"strings"
	"testing"
)

func TestUniqueName(t *testing.T) {
	valid := regexp.MustCompile(`^teamsctl-[a-z0-9.-]+-[0-9a-f]{8}$`)
	cases := map[string]string{
		UniqueName("", "", "elevato - MS Teams integration"):         "teamsctl-elevato-ms-teams-integration-",
		UniqueName("elevato", "https://acme.elevato.net", "ignored"): "teamsctl-elevato-acme.elevato.net-",
		UniqueName("elevato", "https://ACME.elevato.net/", "other"):  "teamsctl-elevato-acme.elevato.net-",
		UniqueName("ebms", "", ""):                                   "teamsctl-ebms-",
		UniqueName("", "", "«»"):                                     "teamsctl-app-",
		UniqueName("", "", strings.Repeat("Long name ", 20)):         "teamsctl-long-name-long-name",
	}
	for got, prefix := range cases {
		if !strings.HasPrefix(got, prefix) || !valid.MatchString(got) || len(got) > 80 {
			t.Errorf("%q: want prefix %q, [a-z0-9.-] and at most 80 characters", got, prefix)
		}
	}
	// The same integration, however written, has one key; different ones
	// that slug alike do not share it.
	if UniqueName("elevato", "https://acme.elevato.net", "a") != UniqueName("Elevato", "https://acme.elevato.net/", "b") {
		t.Error("same preset and instance, different keys")
	}
	if UniqueName("", "", "Acme HR") == UniqueName("", "", "acme-hr") {
		t.Error("different names share a key")
	}
	if UniqueName("elevato", "https://a.elevato.net", "") == UniqueName("elevato", "https://b.elevato.net", "") {
		t.Error("different instances share a key")
	}
}

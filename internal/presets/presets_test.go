package presets

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuiltInPresetsAreValid(t *testing.T) {
	all, err := List()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ebms", "elevato", "erecruiter", "onlyfy", "recruitee-calendar", "recruitee-mail", "recruitee-rooms", "teams-meetings"}
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("presets = %v, want %v", names, want)
	}
	ebms, _ := Get("EBMS")
	if ebms.AppID != "c0ec60b5-60a8-4768-8053-870f11315492" || ebms.Shape != VendorHosted {
		t.Fatalf("ebms = %+v", ebms)
	}
}

func TestUnknownPresetListsTheKnownOnes(t *testing.T) {
	_, err := Get("greenhouse")
	var unknown *UnknownPresetError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "elevato") {
		t.Fatalf("err = %v", err)
	}
}

func TestRedirectURIsForInstance(t *testing.T) {
	p, _ := Get("elevato")
	got, err := p.RedirectURIsFor("https://acme.elevato.net/")
	if err != nil || got[0] != "https://acme.elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx" {
		t.Fatalf("got %v, %v", got, err)
	}
	def, _ := p.RedirectURIsFor("")
	if def[0] != "https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx" {
		t.Fatalf("default = %v", def)
	}
	neutral, _ := Get("teams-meetings")
	if _, err := neutral.RedirectURIsFor(""); err == nil || !strings.Contains(err.Error(), "needs --instance") {
		t.Fatalf("err = %v, want a request for --instance", err)
	}
	// A URI that is only {instance} takes a whole redirect URI.
	if got, err := neutral.RedirectURIsFor("https://ats.example.com/oauth/cb?x=1"); err != nil || got[0] != "https://ats.example.com/oauth/cb?x=1" {
		t.Fatalf("whole URI: %v, %v", got, err)
	}
}

// The instance an app was set up for is read back from its registered
// redirect URIs; URIs on another path or with a path in the host part are
// not an instance of the preset.
func TestInstancesInRegisteredRedirectURIs(t *testing.T) {
	p, _ := Get("elevato")
	const path = "/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx"
	got := p.InstancesIn([]string{
		"https://acme.elevato.net" + path,
		"https://other.example/callback",
		"https://acme.elevato.net/x" + path,
		"https://acme-test.elevato.net:8443" + path,
		"https://acme.elevato.net" + path,
	})
	want := []string{"https://acme.elevato.net", "https://acme-test.elevato.net:8443"}
	if !slices.Equal(got, want) {
		t.Fatalf("InstancesIn = %v, want %v", got, want)
	}
	if got := p.InstancesIn([]string{"https://elevato.net/oauth"}); got != nil {
		t.Fatalf("no match: %v", got)
	}
	neutral, _ := Get("teams-meetings")
	if got := neutral.InstancesIn([]string{"https://ats.example.com/cb"}); !slices.Equal(got, []string{"https://ats.example.com/cb"}) {
		t.Fatalf("whole-URI instance: %v", got)
	}
	if !p.UsesInstance() || !neutral.UsesInstance() {
		t.Fatal("UsesInstance false for a preset with {instance}")
	}
}

func TestInstanceIsSchemeHostAndPort(t *testing.T) {
	p, _ := Get("elevato")
	for _, ok := range []string{"https://acme.elevato.net", "https://acme.elevato.net/", "https://acme.elevato.net:8443", "http://localhost:8080", "HTTPS://Acme.Elevato.NET"} {
		if _, err := p.RedirectURIsFor(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"https://acme.elevato.net/a?b=c": `--instance "https://acme.elevato.net/a?b=c" has a path (/a) and a query (?b=c): an instance is a scheme and host, with a port if needed: https://HOST[:PORT], e.g. https://acme.elevato.net`,
		"https://acme.elevato.net/sub":   "has a path (/sub)",
		"https://acme.elevato.net?":      "has a query (?)",
		"https://acme.elevato.net#x":     "has a fragment",
		"https://user@acme.elevato.net":  "has a user name",
		"http://acme.elevato.net":        "does not start with https://",
		"ftp://acme.elevato.net":         "does not start with https://",
		"acme.elevato.net":               "is not an absolute URL",
		"https://":                       "has no host",
		"https://acme.elevato.net:99999": "has an invalid port",
		"https://acme.elevato.net:0":     "has an invalid port",
		"https://acme.elevato.net/%zz":   "is not an absolute URL",
		"https://acme.elevato.net\t/x":   "is not an absolute URL",
	} {
		_, err := p.RedirectURIsFor(in)
		var ie *InstanceError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want an InstanceError containing %q", in, err, want)
		}
	}
}

func TestLoadRefusesLargeFilesBeforeReadingThem(t *testing.T) {
	file := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	// 64 MiB of comments, written sparsely: Load must not read it all.
	if err := f.Truncate(64 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(file)
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "huge.yaml: is larger than 256 KiB") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: %v", err)
	}
}

func TestUnknownVendorNamesItsPresets(t *testing.T) {
	_, err := Get("recruitee")
	var unknown *UnknownPresetError
	if !errors.As(err, &unknown) || !strings.HasPrefix(unknown.Hint(), "recruitee has one preset per integration: recruitee-calendar, recruitee-mail, recruitee-rooms.") {
		t.Fatalf("err = %v, hint %q", err, unknown.Hint())
	}
}

const validPreset = `name: acme
vendor: Acme
shape: customer-registered
delegated: [User.Read]
teams:
  meeting: online-meeting
`

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"typo in a field", strings.Replace(validPreset, "delegated:", "delegatd:", 1), "org.yaml:4: delegatd: unknown field"},
		{"bad shape", strings.Replace(validPreset, "customer-registered", "hosted", 1), `shape: "hosted" must be vendor-hosted or customer-registered`},
		{"bad permission", strings.Replace(validPreset, "[User.Read]", "[User.Read, 'Mail Send']", 1), `delegated[1]: "Mail Send" is not a permission name`},
		{"duplicate permission", strings.Replace(validPreset, "[User.Read]", "[User.Read, user.read]", 1), "delegated[1]: user.read is listed twice"},
		{"bad meeting", strings.Replace(validPreset, "online-meeting", "webinar", 1), `teams.meeting: "webinar" must be`},
		{"wrong type", strings.Replace(validPreset, "[User.Read]", "{a: b}", 1), "org.yaml:4"},
		{"bad lifetime", validPreset + "secret: {required: true, expires: soon}\n", `secret.expires: "soon" is not a lifetime`},
		{"bad handoff", validPreset + "handoff: [password]\n", `handoff[0]: "password" must be one of`},
		{"instance undescribed", validPreset + "redirectUris: [\"{instance}/cb\"]\n", "instance: redirect URIs use {instance}"},
		{"vendor app with secret", strings.Replace(validPreset, "customer-registered", "vendor-hosted", 1) + "secret: {required: true}\n", "secret.required"},
		{"http redirect", validPreset + "redirectUris:\n  - https://ats.example.com/ok\n  - http://ats.example.com/cb\n", `org.yaml:9: redirectUris[1]: redirect URI "http://ats.example.com/cb" uses http`},
		{"redirect template", validPreset + "redirectUris: [\"{instance}/a#b\"]\ninstance: {description: x}\n", `org.yaml:7: redirectUris[0]: "{instance}/a#b": redirect URI "https://instance.example/a#b" has a fragment`},
		{"instance inside", validPreset + "redirectUris: [\"https://{instance}/cb\"]\ninstance: {description: x}\n", "redirectUris[0]: \"https://{instance}/cb\": {instance} stands for https://HOST[:PORT] and must begin the URI"},
		{"instance glued", validPreset + "redirectUris: [\"{instance}.example.com/cb\"]\ninstance: {description: x}\n", "must begin the URI"},
		{"bad default", validPreset + "redirectUris: [\"{instance}/cb\"]\ninstance:\n  description: x\n  default: https://a.example.com/x?y=1\n", `org.yaml:10: instance.default: "https://a.example.com/x?y=1" has a path (/x) and a query (?y=1)`},
		{"nested line", strings.Replace(validPreset, "online-meeting", "webinar", 1), "org.yaml:6: teams.meeting"},
		{"repeated redirect", validPreset + "redirectUris: [https://a.example.com/cb, https://a.example.com/cb]\n", "org.yaml:7: redirectUris[1]: https://a.example.com/cb is listed twice"},
		{"empty", "", "org.yaml: is empty; a preset needs at least name"},
		{"comments only", "# nothing yet\n", "org.yaml: is empty"},
		{"no name", strings.Replace(validPreset, "name: acme\n", "", 1), "name: is required"},
		{"too large", validPreset + "# " + strings.Repeat("x", MaxFileBytes) + "\n", "org.yaml: is larger than 256 KiB"},
		{"stand-in not a GUID", strings.Replace(validPreset, "customer-registered", "vendor-hosted", 1) + "sandboxAppId: erecruiter\n", `sandboxAppId: "erecruiter" is not an application`},
		{"stand-in for a customer app", validPreset + "sandboxAppId: 8e3f6a2d-4b1c-4d7e-9f0a-2c5b8e1d4a70\n", "sandboxAppId: only for a vendor-hosted integration"},
		{"stand-in beside a published appId", strings.Replace(validPreset, "customer-registered", "vendor-hosted", 1) +
			"appId: c0ec60b5-60a8-4768-8053-870f11315492\nsandboxAppId: 8e3f6a2d-4b1c-4d7e-9f0a-2c5b8e1d4a70\n", "sandboxAppId: only for a vendor-hosted integration whose vendor publishes no appId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("org.yaml", []byte(tt.yaml))
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a field error containing %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("org.yaml", []byte(validPreset)); err != nil {
		t.Fatalf("valid preset rejected: %v", err)
	}
}

func TestParseLifetime(t *testing.T) {
	for in, days := range map[string]int{"90d": 90, "180d": 180, "1y": 365, "2y": 730, "2w": 14, "26w": 182, "6m": 180, "720h": 30} {
		d, err := ParseLifetime(in)
		if err != nil || int(d.Hours()/24) != days {
			t.Errorf("%s: %v, %v", in, d, err)
		}
	}
	for _, bad := range []string{"", "0d", "-1d", "0w", "d", "1.5y", "soon"} {
		if _, err := ParseLifetime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParsePreset(f *testing.F) {
	f.Add([]byte(validPreset))
	for _, name := range []string{"elevato.yaml", "onlyfy.yaml", "teams-meetings.yaml"} {
		raw, _ := builtIn.ReadFile("data/" + name)
		f.Add(raw)
	}
	f.Add([]byte("name: [\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse("fuzz.yaml", raw)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a FieldError", err)
			}
			return
		}
		if p.Name == "" || (p.Shape != VendorHosted && p.Shape != CustomerRegistered) {
			t.Fatalf("accepted an invalid preset: %+v", p)
		}
	})
}

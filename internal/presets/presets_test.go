package presets

import (
	"errors"
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
	for in, days := range map[string]int{"90d": 90, "180d": 180, "1y": 365, "2y": 730} {
		d, err := ParseLifetime(in)
		if err != nil || int(d.Hours()/24) != days {
			t.Errorf("%s: %v, %v", in, d, err)
		}
	}
	for _, bad := range []string{"", "0d", "-1d", "3w", "d", "1.5y"} {
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

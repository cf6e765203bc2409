package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/teamsctl/teamsctl/internal/golden"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// sampleResult stands in for a command result such as an app registration.
type sampleResult struct {
	DisplayName  string   `json:"displayName"`
	AppID        string   `json:"appId"`
	RedirectURIs []string `json:"redirectUris"`
	Permissions  []grant  `json:"permissions"`
}

type grant struct {
	Scope   string `json:"scope"`
	Consent string `json:"consent"`
}

var sample = sampleResult{
	DisplayName:  "elevato - MS Teams integration",
	AppID:        "0f6a3b52-8a4d-4a8e-9d55-3f1e2b7c9a10",
	RedirectURIs: []string{"https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx?a=1&b=2"},
	Permissions:  []grant{{"User.Read", "granted"}, {"OnlineMeetings.ReadWrite", "missing"}},
}

func renderSample(w io.Writer, s *ui.Styles) error {
	if s.Terminal() {
		fmt.Fprintln(w, s.Title.Render(sample.DisplayName))
	}
	if err := s.KeyValues(w, []ui.Field{
		{Key: "App ID", Value: sample.AppID},
		{Key: "Redirect URI", Value: sample.RedirectURIs[0]},
	}); err != nil {
		return err
	}
	if s.Terminal() {
		fmt.Fprintln(w)
	}
	rows := make([][]string, len(sample.Permissions))
	for i, p := range sample.Permissions {
		status := s.Success.Render(p.Consent)
		if p.Consent != "granted" {
			status = s.Warn.Render(p.Consent)
		}
		rows[i] = []string{p.Scope, status}
	}
	return s.Table(w, []string{"PERMISSION", "CONSENT"}, rows)
}

func TestPrintModes(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		tty     bool
		noColor bool
	}{
		{"tty-color", "text", true, false},
		{"tty-no-color", "text", true, true},
		{"non-tty", "text", false, false},
		{"json", "json", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			if tt.noColor {
				ios.DisableColor()
			}
			if err := Print(ios, tt.format, sample, renderSample); err != nil {
				t.Fatal(err)
			}
			if errOut.Len() != 0 {
				t.Errorf("results must not touch stderr, got %q", errOut)
			}
			golden.Assert(t, "print-"+tt.name, out.String())
		})
	}
}

func TestPrintJSONIsOneDocument(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	if err := Print(ios, "json", sample, renderSample); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	var got sampleResult
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", out)
	}
	if got.AppID != sample.AppID || len(got.Permissions) != 2 {
		t.Errorf("round trip lost data: %+v", got)
	}
}

func TestPrintRejectsUnknownFormat(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if err := Print(ios, "yaml", sample, renderSample); err == nil {
		t.Error("want an error for an unknown format")
	}
}

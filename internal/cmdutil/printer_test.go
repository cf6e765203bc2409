package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
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

func renderSample(w io.Writer, s *ui.Styles, sample sampleResult) error {
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

// TestPrintEscapesTextKeepsJSON: strings of a result (from Graph or a
// file) reach text output with their control characters escaped, on a
// terminal and in a pipe, while JSON output keeps them exact.
func TestPrintEscapesTextKeepsJSON(t *testing.T) {
	hostile := sampleResult{
		DisplayName:  "esc\x1b[31mRED\x07",
		AppID:        "line\nbreak\ttab\rreturn",
		RedirectURIs: []string{"https://x.example/\u202egnp.exe"},
		Permissions:  []grant{{"CSI\u009b2J", "granted"}},
	}
	for _, tty := range []bool{true, false} {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(tty)
		if err := Print(ios, "text", hostile, renderSample); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		for _, raw := range []string{"\x1b[31m", "\x07", "line\nbreak", "\ttab", "\r", "\u202e", "\u009b"} {
			if strings.Contains(text, raw) {
				t.Errorf("tty=%v: %q reached the output raw:\n%q", tty, raw, text)
			}
		}
		for _, shown := range []string{`esc\x1b[31mRED\x07`, `line\nbreak\ttab\rreturn`, `https://x.example/\u202egnp.exe`, `CSI\u009b2J`} {
			if !strings.Contains(text, shown) && (tty || !strings.HasPrefix(shown, "esc")) { // the name is a terminal title only
				t.Errorf("tty=%v: %q not shown escaped:\n%q", tty, shown, text)
			}
		}
		if tty {
			continue
		}
		for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if n := strings.Count(line, "\t"); n != 1 {
				t.Errorf("non-tty line %d has %d tab separators, want 1: %q", i, n, line)
			}
		}
	}
	ios, _, out, _ := iostreams.Test()
	if err := Print(ios, "json", hostile, renderSample); err != nil {
		t.Fatal(err)
	}
	var got sampleResult
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.DisplayName != hostile.DisplayName || got.AppID != hostile.AppID ||
		got.RedirectURIs[0] != hostile.RedirectURIs[0] || got.Permissions[0].Scope != hostile.Permissions[0].Scope {
		t.Errorf("JSON changed the strings: %+v, %v", got, err)
	}
	if hostile.DisplayName != "esc\x1b[31mRED\x07" {
		t.Error("Print changed the caller's result")
	}
}

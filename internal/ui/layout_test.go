package ui

import (
	"bytes"
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func plainStyles(terminal bool) *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return NewStyles(r, terminal)
}

func TestKeyValues(t *testing.T) {
	fields := []Field{{"Tenant", "contoso.onmicrosoft.com"}, {"Cloud", "global"}}
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{"terminal aligns", true, "Tenant:  contoso.onmicrosoft.com\nCloud:   global\n"},
		{"script gets tabs", false, "Tenant\tcontoso.onmicrosoft.com\nCloud\tglobal\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := plainStyles(tt.terminal).KeyValues(&out, fields); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestTable(t *testing.T) {
	header := []string{"NAME", "TENANT"}
	rows := [][]string{{"contoso", "contoso.onmicrosoft.com"}, {"fabrikam-eu", ""}}
	tests := []struct {
		name     string
		terminal bool
		want     string
	}{
		{"terminal aligns with header", true, "NAME         TENANT\ncontoso      contoso.onmicrosoft.com\nfabrikam-eu\n"},
		{"script gets rows only", false, "contoso\tcontoso.onmicrosoft.com\nfabrikam-eu\t\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := plainStyles(tt.terminal).Table(&out, header, rows); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestStyledCellsAlignOnVisibleWidth(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	s := NewStyles(r, true)
	var out bytes.Buffer
	rows := [][]string{{s.Success.Render("ok"), "x"}, {"failed", "y"}}
	if err := s.Table(&out, []string{"S", "V"}, rows); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
	if got := lipgloss.Width(string(lines[1])); got != len("failed  x") {
		t.Errorf("styled row is %d columns wide, want %d: %q", got, len("failed  x"), lines[1])
	}
}

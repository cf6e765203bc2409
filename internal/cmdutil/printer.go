package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// RenderFunc draws a result as text. s says whether w is a terminal
// (styled, aligned) or not (plain, tab-separated); see package ui.
type RenderFunc func(w io.Writer, s *ui.Styles) error

// Print writes a command's result to stdout, the only place results go.
// In json format it writes exactly one JSON document, the result itself
// (2-space indent, HTML characters left alone so URLs stay readable); in
// text format it calls render. Results are plain structs whose json tags
// are the machine contract.
func Print(ios *iostreams.IOStreams, format string, result any, render RenderFunc) error {
	switch format {
	case config.OutputJSON:
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(result)
	case config.OutputText, "":
		return render(ios.Out, ios.Styles())
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
}

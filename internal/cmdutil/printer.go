package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// RenderFunc draws a result r as text. s says whether w is a terminal
// (styled, aligned) or not (plain, tab-separated); see package ui.
type RenderFunc[T any] func(w io.Writer, s *ui.Styles, r T) error

// Print writes a command's result to stdout, the only place results go.
// In json format it writes exactly one JSON document, the result itself
// (2-space indent, HTML characters left alone so URLs stay readable); in
// text format it calls render with a copy of the result whose strings are
// escaped (ui.Escaped): names and descriptions from Graph or a file
// cannot send control sequences to the terminal or break a line or a
// tab-separated row. Results are plain structs whose json tags are the
// machine contract.
func Print[T any](ios *iostreams.IOStreams, format string, result T, render RenderFunc[T]) error {
	switch format {
	case config.OutputJSON:
		enc := json.NewEncoder(ios.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(result)
	case config.OutputText, "":
		return render(ios.Out, ios.Styles(), ui.Escaped(result))
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
}

// Method adapts a result type's render method, given as a method
// expression (Result.render), to a RenderFunc.
func Method[T any](render func(r T, w io.Writer, s *ui.Styles) error) RenderFunc[T] {
	return func(w io.Writer, s *ui.Styles, r T) error { return render(r, w, s) }
}

package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// ReportError prints err once on stderr with its hint (HintFor, or the
// command's usage for a flag error). Nothing else in teamsctl prints errors.
func ReportError(ios *iostreams.IOStreams, cmd *cobra.Command, err error) {
	if err == nil || errors.Is(err, SilentError) {
		return
	}
	ios.StopProgress()
	w := ios.ErrOut
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "cancelled")
		return
	}
	s := ios.ErrStyles()
	// Messages quote names and answers from Graph: escaped like results.
	fmt.Fprintf(w, "%s %s\n", s.Fail.Render("error:"), ui.EscapeLines(err.Error()))
	hint := HintFor(err)
	var flagErr *FlagError
	if hint == "" && errors.As(err, &flagErr) && cmd != nil {
		hint = fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath())
	}
	if hint != "" {
		fmt.Fprintf(w, "%s %s\n", s.Muted.Render("hint:"), hint)
	}
}

package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
)

// ExactArgs requires exactly the named positional arguments, e.g.
// ExactArgs("KEY", "VALUE"). The usage error names what is missing or extra.
func ExactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			missing := names[len(args):]
			return FlagErrorf("%s: missing %s", cmd.CommandPath(), strings.Join(missing, " and "))
		case len(args) > len(names):
			return FlagErrorf("%s: unexpected argument %q (expects %s)", cmd.CommandPath(), args[len(names)], expects(names))
		}
		return nil
	}
}

func expects(names []string) string {
	if len(names) == 0 {
		return "no arguments"
	}
	return strings.Join(names, " ")
}

// NoArgs rejects positional arguments with a usage error naming the first.
func NoArgs(cmd *cobra.Command, args []string) error {
	return ExactArgs()(cmd, args)
}

// RunGroup is the RunE of commands that only group subcommands, such as
// `teamsctl config`. Without it cobra prints help and exits 0 for a
// mistyped subcommand; with it the mistake is a usage error with a
// suggestion.
func RunGroup(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	err := fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
	// cobra applies its default distance only inside its own lookup.
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		return FlagErrorWithHint(err, fmt.Sprintf("Did you mean %s?", strings.Join(suggestions, " or ")))
	}
	return FlagErrorWithHint(err, fmt.Sprintf("Run '%s --help' to see its commands.", cmd.CommandPath()))
}

// MinimumArgs requires at least the named positional arguments, e.g.
// MinimumArgs("APP", "URI...") where the last one may repeat. The usage
// error names what is missing.
func MinimumArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return ExactArgs(names...)(cmd, args)
		}
		return nil
	}
}

// AppArg reads an APP argument (what names it, e.g. "APP" or "--app-id"):
// an appId, object id or display name is returned as it is; the
// admin-consent link a vendor sends (https://login.microsoftonline.com/
// TENANT/adminconsent?client_id=APPID, or its v2.0 form) gives its
// client_id. Any other link is a usage error.
func AppArg(what, value string) (string, error) {
	if !appreg.IsLink(value) {
		return value, nil
	}
	id, err := appreg.ClientIDFromLink(value)
	if err != nil {
		return "", FlagErrorWithHint(fmt.Errorf("%s: %w", what, err),
			"Give the vendor's application (client) id, or the admin-consent link exactly as the vendor sent it.")
	}
	return id, nil
}

// Package get implements `teamsctl config get`.
package get

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config get.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Key    string
}

// NewCmdGet builds the command; runF replaces the run step in tests.
func NewCmdGet(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print the effective value of one setting",
		Long: `Print the value a setting has for this invocation, after flags, environment
variables and the selected profile are applied. In text mode only the value
is printed, so the command fits in scripts.`,
		Example: `  teamsctl config get tenant
  teamsctl config get cloud --profile fabrikam`,
		Args:      cmdutil.ExactArgs("KEY"),
		ValidArgs: config.KeyNames(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := config.LookupKey(args[0]); err != nil {
				return cmdutil.FlagErrorWithHint(err, "Run 'teamsctl config --help' to see what each key means.")
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return getRun(opts)
		},
	}
}

func getRun(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	setting, err := cfg.Setting(opts.Key)
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, setting, func(w io.Writer, _ *ui.Styles, setting config.Setting) error {
		_, err := fmt.Fprintln(w, setting.Value)
		return err
	})
}

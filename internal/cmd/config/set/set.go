// Package set implements `teamsctl config set`.
package set

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config set.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Key    string
	Value  string
}

// Result says what was written where.
type Result struct {
	Profile string `json:"profile"`
	Key     string `json:"key"`
	Value   string `json:"value"`
	File    string `json:"file"`
}

// NewCmdSet builds the command; runF replaces the run step in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Save a setting in the selected profile",
		Long: `Save a setting in the selected profile of the config file, creating the file
and the profile if needed. Use --profile to write another profile; that does
not change the current profile (teamsctl config use-profile NAME does).`,
		Example: `  teamsctl config set tenant contoso.onmicrosoft.com --profile contoso
  teamsctl config set cloud usgov
  teamsctl config set output json`,
		Args:      cmdutil.ExactArgs("KEY", "VALUE"),
		ValidArgs: config.KeyNames(),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := config.LookupKey(args[0])
			if err != nil {
				return cmdutil.FlagErrorWithHint(err, "Run 'teamsctl config --help' to see what each key means.")
			}
			if err := key.Check(args[1]); err != nil {
				return cmdutil.FlagErrorWithHint(err, key.Name+": "+key.Help+".")
			}
			opts.Key, opts.Value = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return setRun(opts)
		},
	}
}

func setRun(opts *Options) error {
	cfg, err := config.AllowNewProfile(opts.Config())
	if err != nil {
		return err
	}
	file := cfg.File()
	if err := file.Set(cfg.Profile, opts.Key, opts.Value); err != nil {
		return err
	}
	// Writing a profile never makes it the current one: that is
	// use-profile's job, and the profile in use must not change behind
	// the admin's back.
	result := Result{Profile: cfg.Profile, Key: opts.Key, Value: opts.Value, File: file.Path()}
	if err := file.Save(); err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

// render confirms on a terminal only; scripts learn success from the exit code.
func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return nil
	}
	fmt.Fprintf(w, "%s Set %s to %s in profile %s\n", s.SuccessMark(), r.Key, r.Value, r.Profile)
	return nil
}

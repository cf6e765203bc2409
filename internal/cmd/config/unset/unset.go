// Package unset implements `teamsctl config unset`.
package unset

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config unset.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Key    string
}

// Result says whether the key was removed.
type Result struct {
	Profile string `json:"profile"`
	Key     string `json:"key"`
	// Removed is false when the profile did not set the key; that is not
	// an error, the outcome is the same.
	Removed bool   `json:"removed"`
	File    string `json:"file"`
}

// NewCmdUnset builds the command; runF replaces the run step in tests.
func NewCmdUnset(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "unset KEY",
		Short: "Remove a setting from the selected profile",
		Long: `Remove a setting from the selected profile of the config file, so the
environment or the default applies again.`,
		Example:   `  teamsctl config unset login-url --profile contoso`,
		Args:      cmdutil.ExactArgs("KEY"),
		ValidArgs: config.KeyNames(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := config.LookupKey(args[0]); err != nil {
				return cmdutil.FlagErrorWithHint(err, "Run 'teamsctl config view' to see the keys and their values.")
			}
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return unsetRun(opts)
		},
	}
}

func unsetRun(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	file := cfg.File()
	removed, err := file.Unset(cfg.Profile, opts.Key)
	if err != nil {
		return err
	}
	if removed {
		if err := file.Save(); err != nil {
			return err
		}
	}
	result := Result{Profile: cfg.Profile, Key: opts.Key, Removed: removed, File: file.Path()}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

// render confirms on a terminal only; scripts learn success from the exit code.
func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return nil
	}
	if !r.Removed {
		_, err := fmt.Fprintf(w, "%s %s was not set in profile %s\n", s.WarnMark(), r.Key, r.Profile)
		return err
	}
	_, err := fmt.Fprintf(w, "%s Removed %s from profile %s\n", s.SuccessMark(), r.Key, r.Profile)
	return err
}

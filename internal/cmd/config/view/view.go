// Package view implements `teamsctl config view`.
package view

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config view.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
}

// Result is the effective configuration of the selected profile.
type Result struct {
	Profile  string           `json:"profile"`
	File     string           `json:"file"`
	Settings []config.Setting `json:"settings"`
}

// NewCmdView builds the command; runF replaces the run step in tests.
func NewCmdView(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "view",
		Short: "Show the effective settings and where each comes from",
		Long: `Show every setting of the selected profile with its value and its source:
a flag, an environment variable, the config file or the built-in default.`,
		Example: `  teamsctl config view
  teamsctl config view --profile fabrikam -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return viewRun(opts)
		},
	}
}

func viewRun(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	result := Result{Profile: cfg.Profile, File: cfg.File().Path(), Settings: cfg.Settings()}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	rows := make([][]string, len(r.Settings))
	for i, setting := range r.Settings {
		value := setting.Value
		if value == "" && s.Terminal() {
			value = s.Muted.Render("(not set)")
		}
		rows[i] = []string{setting.Key, value, setting.Source}
	}
	if !s.Terminal() {
		return s.Table(w, nil, rows)
	}
	if err := s.KeyValues(w, []ui.Field{{Key: "Profile", Value: r.Profile}, {Key: "File", Value: r.File}}); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return s.Table(w, []string{"KEY", "VALUE", "SOURCE"}, rows)
}

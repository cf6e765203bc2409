// Package useprofile implements `teamsctl config use-profile`.
package useprofile

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config use-profile.
type Options struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Profile string
}

// Result names the new current profile.
type Result struct {
	Profile string `json:"profile"`
	File    string `json:"file"`
}

// NewCmdUseProfile builds the command; runF replaces the run step in tests.
func NewCmdUseProfile(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "use-profile NAME",
		Short: "Make a profile the current one",
		Long: `Make a profile the one commands use when neither --profile nor
TEAMSCTL_PROFILE selects another. The profile must exist in the config file
(default always exists); create one with 'teamsctl config set KEY VALUE
--profile NAME', which does not change the current profile.`,
		Example: `  teamsctl config use-profile fabrikam`,
		Args:    cmdutil.ExactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := config.CheckProfileName(args[0]); err != nil {
				return cmdutil.FlagErrorf("%w", err)
			}
			opts.Profile = args[0]
			if runF != nil {
				return runF(opts)
			}
			return useProfileRun(opts)
		},
	}
}

func useProfileRun(opts *Options) error {
	cfg, err := config.AllowNewProfile(opts.Config())
	if err != nil {
		return err
	}
	file := cfg.File()
	// default is the profile used when nothing selects one, so it exists
	// even before anything is written to it.
	if opts.Profile != config.DefaultProfile && !file.HasProfile(opts.Profile) {
		return notFound(opts.Profile, file)
	}
	if err := file.SetCurrentProfile(opts.Profile); err != nil {
		return err
	}
	if err := file.Save(); err != nil {
		return err
	}
	result := Result{Profile: opts.Profile, File: file.Path()}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

// notFound lists the profiles there are, because a typo is the usual cause.
func notFound(name string, file *config.File) error {
	create := fmt.Sprintf("Create it with: teamsctl config set tenant TENANT --profile %s", name)
	profiles := file.Profiles()
	if len(profiles) == 0 {
		return cmdutil.WithHint(fmt.Errorf("profile %q does not exist; %s has no profiles", name, file.Path()), create)
	}
	return cmdutil.WithHint(
		fmt.Errorf("profile %q does not exist; profiles: %s", name, strings.Join(profiles, ", ")), create)
}

// render confirms on a terminal only; scripts learn success from the exit code.
func (r Result) render(w io.Writer, s *ui.Styles) error {
	if !s.Terminal() {
		return nil
	}
	_, err := fmt.Fprintf(w, "%s Switched to profile %s\n", s.SuccessMark(), r.Profile)
	return err
}

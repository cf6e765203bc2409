// Package profiles implements `teamsctl config profiles`.
package profiles

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of config profiles.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
}

// Result lists the profiles in the config file.
type Result struct {
	Profiles []Profile `json:"profiles"`
}

// Profile is one profile. Current marks the profile this invocation uses,
// which --profile or TEAMSCTL_PROFILE may have chosen over the file's
// current-profile.
type Profile struct {
	Name    string `json:"name"`
	Tenant  string `json:"tenant"`
	Current bool   `json:"current"`
}

// NewCmdProfiles builds the command; runF replaces the run step in tests.
func NewCmdProfiles(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:     "profiles",
		Aliases: []string{"list"},
		Short:   "List the profiles in the config file",
		Example: `  teamsctl config profiles`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return profilesRun(opts)
		},
	}
}

func profilesRun(opts *Options) error {
	cfg, err := config.AllowNewProfile(opts.Config())
	if err != nil {
		return err
	}
	file := cfg.File()
	result := Result{Profiles: []Profile{}}
	for _, name := range file.Profiles() {
		result.Profiles = append(result.Profiles, Profile{
			Name:    name,
			Tenant:  file.Values(name)["tenant"],
			Current: name == cfg.Profile,
		})
	}
	return cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render))
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	rows := make([][]string, len(r.Profiles))
	for i, p := range r.Profiles {
		marker := ""
		if p.Current {
			marker = "*"
		}
		rows[i] = []string{marker, p.Name, p.Tenant}
	}
	return s.Table(w, []string{"CURRENT", "NAME", "TENANT"}, rows)
}

// Package presets implements `teamsctl presets list|show`.
package presets

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of presets list and show.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Name   string
	File   string
}

// NewCmdPresets builds `teamsctl presets` with list and show.
func NewCmdPresets(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "Vendor presets: what each recruiting vendor asks you to set up",
		Long: `A preset is one vendor's help page as data: the integration shape (the vendor's
own multi-tenant app you consent to, or an app you register for the vendor),
the Microsoft Graph permissions, redirect URIs, secret, what the vendor needs
back, and the Teams settings the vendor relies on. --preset on app create,
consent grant and doctor, and 'teamsctl setup VENDOR', use them.

Describe your organisation's own integration in a YAML file and pass it with
--preset-file; 'teamsctl presets show --file FILE' checks it.`,
		RunE: cmdutil.RunGroup,
	}
	cmd.AddCommand(newCmdList(f, nil), newCmdShow(f, nil))
	return cmd
}

func newCmdList(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in vendor presets",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
}

func newCmdShow(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show what a preset sets up, or check a preset file",
		Example: `  teamsctl presets show elevato
  teamsctl presets show ebms -o json
  teamsctl presets show --file ./our-ats.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return cmdutil.FlagErrorf("%s: unexpected argument %q (expects NAME)", cmd.CommandPath(), args[1])
			case len(args) == 1 && opts.File != "":
				return cmdutil.FlagErrorf("give a preset NAME or --file, not both")
			case len(args) == 0 && opts.File == "":
				return cmdutil.FlagErrorWithHint(fmt.Errorf("%s: missing NAME", cmd.CommandPath()), "Run 'teamsctl presets list' to see the names.")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Check and show an organisation's preset file (YAML)")
	return cmd
}

// ListItem is one row of presets list.
type ListItem struct {
	Name    string `json:"name"`
	Vendor  string `json:"vendor"`
	Shape   string `json:"shape"`
	Summary string `json:"summary"`
}

func listRun(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	all, err := presets.List()
	if err != nil {
		return err
	}
	items := make([]ListItem, 0, len(all))
	for _, p := range all {
		items = append(items, ListItem{Name: p.Name, Vendor: p.Vendor, Shape: p.Shape, Summary: p.Summary})
	}
	return cmdutil.Print(opts.IO, cfg.Output, items, func(w io.Writer, s *ui.Styles, items []ListItem) error {
		rows := make([][]string, 0, len(items))
		for _, it := range items {
			rows = append(rows, []string{it.Name, it.Vendor, it.Shape, it.Summary})
		}
		return s.Table(w, []string{"PRESET", "VENDOR", "SHAPE", "SUMMARY"}, rows)
	})
}

func showRun(opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	var p *presets.Preset
	if opts.File != "" {
		p, err = presets.Load(opts.File)
	} else {
		p, err = presets.Get(opts.Name)
	}
	if err != nil {
		// An unknown name or a bad file is bad input (docs/presets.md).
		return &cmdutil.FlagError{Err: err, HintText: cmdutil.HintFor(err)}
	}
	return cmdutil.Print(opts.IO, cfg.Output, p, render)
}

func render(w io.Writer, s *ui.Styles, p *presets.Preset) error {
	appID := p.AppID
	if appID == "" && p.Shape == presets.VendorHosted {
		appID = "(not published: setup asks for --app-id)"
	}
	fields := []ui.Field{
		{Key: "Preset", Value: p.Name},
		{Key: "Vendor", Value: p.Vendor + " — " + p.Product},
		{Key: "Shape", Value: p.Shape},
	}
	if appID != "" {
		fields = append(fields, ui.Field{Key: "Vendor appId", Value: appID})
	}
	if len(p.RedirectURIs) > 0 {
		fields = append(fields, ui.Field{Key: "Redirect URIs", Value: strings.Join(p.RedirectURIs, ", ") + " (" + cmp.Or(p.Platform, "web") + ")"})
	}
	fields = append(fields,
		ui.Field{Key: "Delegated", Value: cmp.Or(strings.Join(p.Delegated, ", "), "none")},
		ui.Field{Key: "Application", Value: cmp.Or(strings.Join(p.Application, ", "), "none")},
		ui.Field{Key: "Secret", Value: secretText(p)},
		ui.Field{Key: "Hand-off", Value: cmp.Or(strings.Join(p.Handoff, ", "), "nothing")},
		ui.Field{Key: "Teams meeting", Value: p.Teams.Meeting},
	)
	if p.Teams.ApplicationAccessPolicy {
		fields = append(fields, ui.Field{Key: "Teams policy", Value: "application access policy required (Teams PowerShell)"})
	}
	if err := s.KeyValues(w, fields); err != nil {
		return err
	}
	for _, n := range p.Notes {
		if _, err := fmt.Fprintf(w, "- %s\n", n.Text); err != nil {
			return err
		}
	}
	if p.Teams.LobbyNotes != "" {
		_, err := fmt.Fprintf(w, "- %s\n", p.Teams.LobbyNotes)
		return err
	}
	return nil
}

func secretText(p *presets.Preset) string {
	if p.Secret == nil || !p.Secret.Required {
		return "none"
	}
	return "client secret, " + cmp.Or(p.Secret.Expires, "default lifetime")
}

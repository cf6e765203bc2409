package secret

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// RotateOptions are the inputs of app secret rotate.
type RotateOptions struct {
	shared.Deps
	App        string
	Name       string
	Expires    string
	End        time.Time
	EndGiven   bool
	SecretFile string
	Handoff    string
	Force      bool
	Finish     bool
	Yes        bool
	Preset     cmdutil.PresetFlags
	// Vendor is the preset's vendor, for the hand-off bundle.
	Vendor string
}

// NewCmdRotate builds `app secret rotate`; runF replaces the run step in
// tests.
func NewCmdRotate(f *cmdutil.Factory, runF func(*RotateOptions) error) *cobra.Command {
	opts := &RotateOptions{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "rotate [APP]",
		Short: "Rotate an app's client secret without downtime: add the new one, then remove the old ones",
		Long: `Rotate a client secret in two steps, so the vendor's integration never stops.

'rotate APP' adds a new secret named with today's date (NAME-YYYY-MM-DD,
NAME from --name or the preset's secret name) and keeps the old ones. The new
value is delivered once, exactly as 'app secret add' does: printed, or written
to --secret-file, or inside the vendor's hand-off bundle with --handoff (the
bundle 'teamsctl setup' writes: tenant, client id, redirect URIs, the new
secret and its expiry); files are mode 0600 and never overwritten without
--force. Give the vendor the new secret, wait until they use it, then run
'rotate APP --finish' with the same --name (or --preset).

'rotate APP --finish' finishes the rotation of NAME: it keeps the newest
secret of that name (NAME-YYYY-MM-DD or NAME itself: the one the rotation
created and the vendor was given) and removes the older secrets of that
name, after confirmation (--yes off a terminal). Secrets of any other name
(another tool's) are never removed. It refuses (exit 1, nothing removed)
when the app has no secret of that name, or when the kept secret has
expired or expires within 7 days, and it leaves alone a secret another
teamsctl run is adding or handing out at that moment.

Interrupted at any point, running the same command again converges: a
secret a killed run created but never delivered is removed (the
pending-secret journal, as for 'app create --secret'); a second rotation on
the same day finds the day's secret and adds none (its value cannot be shown
again and no --handoff or --secret-file is written; remove it with
'app secret remove' to rotate afresh). --finish
removes what is left. --preset (or --preset-file) names the app
(the preset's app name), the secret's name and lifetime, and the vendor of
the bundle; flags given explicitly win. Without --preset, the bundle names
the vendor of the preset the app was registered from (its
teamsctl:preset=NAME tag), or else the app's name.`,
		Example: `  # step 1: a new secret for the vendor, in elevato's hand-off bundle
  teamsctl app secret rotate --preset elevato --handoff elevato-rotated.json

  # step 2, once elevato uses the new secret: remove the older elevato secrets
  teamsctl app secret rotate --preset elevato --finish --yes
  teamsctl app secret rotate "My integration" --name elevato --finish --yes

  teamsctl app secret rotate "My integration" --expires 1y --secret-file new.secret`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("%s: unexpected argument %q (expects [APP])", cmd.CommandPath(), args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pre, err := opts.Preset.Load()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				opts.App = args[0]
			}
			if err := rotatePreset(cmd, opts, pre); err != nil {
				return err
			}
			if opts.App == "" {
				return cmdutil.FlagErrorf("missing APP (an appId, object id or display name), or --preset")
			}
			if opts.Finish {
				for _, fl := range []string{"expires", "secret-file", "handoff", "force"} {
					if cmd.Flags().Changed(fl) {
						return cmdutil.FlagErrorf("--%s does not go with --finish: finishing adds no secret", fl)
					}
				}
			} else {
				if cmd.Flags().Changed("yes") {
					return cmdutil.FlagErrorf("--yes goes with --finish: adding a secret removes nothing")
				}
				if opts.Expires != "" {
					end, err := appreg.ParseExpiry(opts.Expires, opts.Now())
					if err != nil {
						return cmdutil.FlagErrorf("--expires: %v", err)
					}
					opts.End, opts.EndGiven = end, cmd.Flags().Changed("expires")
				}
				if opts.SecretFile != "" && opts.Handoff != "" {
					return cmdutil.FlagErrorf("--secret-file and --handoff do not go together: the hand-off bundle holds the secret")
				}
				if err := appreg.CheckOutputFile(opts.SecretFile, opts.Force); err != nil {
					return cmdutil.FlagErrorf("--secret-file: %v", err)
				}
				if err := appreg.CheckOutputFile(opts.Handoff, opts.Force); err != nil {
					return cmdutil.FlagErrorf("--handoff: %v", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Finish {
				return finishRun(cmd.Context(), opts)
			}
			return rotateRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Name, "name", "teamsctl", "Name of the new secret, before its date (or the preset's secret name); with --finish, the rotation to finish")
	fs.StringVar(&opts.Expires, "expires", "", "Lifetime (180d, 26w, 6m, 1y) or end date (2026-12-31); default 180d or the preset's")
	fs.StringVar(&opts.SecretFile, "secret-file", "", "Write the new value to this file (mode 0600) instead of printing it")
	fs.StringVar(&opts.Handoff, "handoff", "", "Write the vendor's hand-off bundle with the new secret to this file (.json or .env, mode 0600)")
	fs.BoolVar(&opts.Force, "force", false, "Overwrite an existing --secret-file or --handoff file")
	fs.BoolVar(&opts.Finish, "finish", false, "Keep the newest secret of --name and remove the older secrets of that name")
	fs.BoolVarP(&opts.Yes, "yes", "y", false, "With --finish: do not ask for confirmation")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "the app, the secret's name and lifetime and the bundle's vendor", false)
	return cmd
}

// rotatePreset fills what the flags left out from a customer-registered
// preset; a preset whose vendor takes no secret has nothing to rotate.
func rotatePreset(cmd *cobra.Command, opts *RotateOptions, pre *presets.Preset) error {
	if pre == nil {
		return nil
	}
	if pre.Shape != presets.CustomerRegistered || !slices.Contains(pre.Handoff, "secret") {
		return cmdutil.FlagErrorWithHint(fmt.Errorf("preset %s: the vendor registers the app and takes no secret from you; there is nothing to rotate", pre.Name),
			"Rotate the secret of an app registered in your tenant: teamsctl app secret rotate APP")
	}
	opts.Vendor = pre.Vendor
	if opts.App == "" {
		opts.App = cmp.Or(pre.AppName, pre.Vendor)
	}
	if sec := pre.Secret; sec != nil {
		if !cmd.Flags().Changed("name") && sec.Name != "" {
			opts.Name = sec.Name
		}
		if !cmd.Flags().Changed("expires") && sec.Expires != "" {
			opts.Expires = sec.Expires
		}
	}
	return nil
}

// rotateNeeds add a secret within the app management policy (reading the
// app and the admin's roles) and read the tenant for the bundle;
// finishNeeds read the app and the tenant (the journal's key) and remove
// secrets.
var (
	rotateNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteApplications, permissions.ReadAppManagementPolicy,
		permissions.ReadMyRoles, permissions.ReadOrganization)
	finishNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteApplications, permissions.ReadOrganization)
)

// RotateResult is the outcome of rotate: the new secret, or the one a run
// earlier today added.
type RotateResult struct {
	AppID       string        `json:"appId"`
	DisplayName string        `json:"displayName"`
	Secret      appreg.Secret `json:"secret"`
	// Existing is set when today's secret was there already: nothing was
	// added and its value cannot be shown again.
	Existing bool `json:"existing"`
	// Previous are the older secrets, kept until --finish.
	Previous []appreg.Credential `json:"previous"`
	// Handoff is the bundle file written, if any.
	Handoff  string `json:"handoffFile,omitempty"`
	NextStep string `json:"nextStep"`
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	g, err := opts.Graph(ctx, rotateNeeds...)
	if err != nil {
		return err
	}
	// The journal notes the secrets added so far before the app is read.
	pending := journal(opts.Deps)
	defer pending.Close()
	org, err := g.Organization(ctx)
	if err != nil {
		return err
	}
	pending.Tenant = org.ID
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	now := opts.Now()
	d := appreg.Desired{SecretName: appreg.RotationName(opts.Name, now), SecretEnd: opts.End, SecretEndExplicit: opts.EndGiven}
	if d.SecretEnd.IsZero() {
		d.SecretEnd = now.Add(appreg.DefaultSecretLifetime).UTC().Truncate(time.Second)
	}
	if p, err := g.DefaultAppManagementPolicy(ctx); err == nil {
		if err := appreg.CheckSecretPolicy(p, &d, now, opts.Warn); err != nil {
			return err
		}
	}
	if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
		return err
	}
	reg := &appreg.Registrar{Graph: g, Wait: opts.Waiter(0), Now: opts.Now, Warn: opts.Warn, Pending: pending}
	sec, _, err := reg.AddSecret(ctx, app, d)
	opts.IO.StopProgress()
	if err != nil {
		return err
	}
	res := &RotateResult{AppID: app.AppID, DisplayName: app.DisplayName, Secret: *sec, Existing: sec.Existing, Previous: []appreg.Credential{}}
	for _, c := range appreg.Secrets(app, now) {
		if c.KeyID != sec.KeyID {
			res.Previous = append(res.Previous, c)
		}
	}
	finish := fmt.Sprintf("teamsctl app secret rotate %s --name %s --finish", app.AppID, opts.Name)
	res.NextStep = "Give the vendor the new secret; once they use it, remove the old ones: " + finish
	if sec.Existing {
		res.NextStep = fmt.Sprintf("A secret was rotated today already (%q, %s...); its value cannot be shown again. If the vendor has it, finish with: %s; if it was lost, remove it ('teamsctl app secret remove %s %s') and rotate again.",
			sec.Name, sec.Hint, finish, app.AppID, sec.KeyID)
		if out := cmp.Or(opts.Handoff, opts.SecretFile); out != "" {
			opts.Warn(fmt.Sprintf("%s was not written: today's secret %q exists and its value cannot be read again", out, sec.Name))
		}
		return printRotate(opts, res)
	}
	value := sec.Value
	return pending.Deliver(app.ID, sec.KeyID, func() error {
		switch {
		case opts.SecretFile != "":
			if err := appreg.WriteSecretFile(opts.SecretFile, []byte(value+"\n")); err != nil {
				return err
			}
			res.Secret.Value, res.Secret.WrittenTo = "", opts.SecretFile
		case opts.Handoff != "":
			b := setup.Bundle{Vendor: cmp.Or(opts.Vendor, tagVendor(app), app.DisplayName), TenantID: org.ID, PrimaryDomain: org.DefaultDomain,
				ClientID: app.AppID, ClientSecret: value, SecretExpires: sec.EndDateTime,
				RedirectURIs: appreg.RedirectURIs(app, appreg.PlatformWeb), ConsentStatus: "unchanged (only the secret was rotated)"}
			data, err := b.Encode(opts.Handoff)
			if err != nil {
				return err
			}
			if err := appreg.WriteSecretFile(opts.Handoff, data); err != nil {
				return err
			}
			res.Secret.Value, res.Secret.WrittenTo, res.Handoff = "", opts.Handoff, opts.Handoff
		default:
			fmt.Fprintln(opts.IO.ErrOut, "The secret value is shown once: store it now.")
		}
		return printRotate(opts, res)
	}, opts.Warn)
}

func printRotate(opts *RotateOptions, res *RotateResult) error {
	if err := cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *RotateResult) error {
		fields := []ui.Field{{Key: "Application (client) ID", Value: res.AppID}, {Key: "New secret", Value: res.Secret.Name},
			{Key: "Key ID", Value: res.Secret.KeyID}, {Key: "Expires", Value: res.Secret.EndDateTime.Format("2006-01-02")}}
		switch {
		case res.Secret.Value != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: res.Secret.Value})
		case res.Secret.WrittenTo != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: "written to " + res.Secret.WrittenTo})
		case res.Existing:
			fields = append(fields, ui.Field{Key: "Client secret", Value: "added earlier today; cannot be shown again"})
		}
		fields = append(fields, ui.Field{Key: "Kept until --finish", Value: fmt.Sprintf("%d older secret(s)", len(res.Previous))})
		return s.KeyValues(w, fields)
	}); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.ErrOut, "Next: "+res.NextStep)
	return nil
}

// FinishResult is the outcome of rotate --finish.
type FinishResult struct {
	AppID       string              `json:"appId"`
	DisplayName string              `json:"displayName"`
	Kept        appreg.Credential   `json:"kept"`
	InFlight    []appreg.Credential `json:"inFlight,omitempty"`
	Removed     []appreg.Credential `json:"removed"`
}

func finishRun(ctx context.Context, opts *RotateOptions) error {
	g, err := opts.Graph(ctx, finishNeeds...)
	if err != nil {
		return err
	}
	pending := journal(opts.Deps)
	defer pending.Close()
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	// The journal's records are keyed by the organization's id, as app
	// create and rotate key them.
	org, err := g.Organization(ctx)
	if err != nil {
		return err
	}
	pending.Tenant = org.ID
	reg := &appreg.Registrar{Graph: g, Wait: opts.Waiter(0), Now: opts.Now, Warn: opts.Warn, Pending: pending}
	plan, err := reg.PlanFinish(ctx, app, opts.Name)
	if err != nil {
		return err
	}
	now := opts.Now()
	res := &FinishResult{AppID: app.AppID, DisplayName: app.DisplayName, Kept: credential(plan.Keep, now), Removed: []appreg.Credential{}}
	for _, c := range plan.Live {
		res.InFlight = append(res.InFlight, credential(c, now))
	}
	if len(plan.Remove) > 0 {
		q := fmt.Sprintf("Keep %q (%s, expires %s) and remove %d older secret(s) of %s named %s or %s-YYYY-MM-DD:", plan.Keep.DisplayName, plan.Keep.KeyID,
			plan.Keep.EndDateTime.Format("2006-01-02"), len(plan.Remove), app.DisplayName, plan.Name, plan.Name)
		for _, c := range plan.Remove {
			q += fmt.Sprintf("\n  %s (%s, expires %s)", c.DisplayName, c.KeyID, c.EndDateTime.Format("2006-01-02"))
		}
		if !opts.Yes && opts.IO.CanPrompt() {
			fmt.Fprintln(opts.IO.ErrOut, q)
			q = "Remove them"
		} else if !opts.Yes {
			q = fmt.Sprintf("Remove %d older secret(s) of %s", len(plan.Remove), app.DisplayName)
		}
		if err := shared.Confirm(opts.IO, opts.Yes, q); err != nil {
			return err
		}
		removed, err := reg.FinishRotation(ctx, app, plan)
		for _, c := range removed {
			res.Removed = append(res.Removed, credential(c, now))
		}
		if err != nil {
			return err
		}
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *FinishResult) error {
		for _, c := range res.Removed {
			fmt.Fprintf(w, "%s Removed secret %s (%s)\n", s.SuccessMark(), c.Name, c.KeyID)
		}
		if len(res.Removed) == 0 {
			fmt.Fprintf(w, "%s No older secret to remove\n", s.SuccessMark())
		}
		for _, c := range res.InFlight {
			fmt.Fprintf(w, "%s Left secret %s (%s): another teamsctl run is handing it out\n", s.WarnMark(), c.Name, c.KeyID)
		}
		fmt.Fprintf(w, "%s Kept secret %s (%s), expires %s\n", s.SuccessMark(), res.Kept.Name, res.Kept.KeyID, res.Kept.EndDateTime.Format("2006-01-02"))
		return nil
	})
}

func credential(c graph.PasswordCredential, now time.Time) appreg.Credential {
	list := appreg.Secrets(&graph.Application{PasswordCredentials: []graph.PasswordCredential{c}}, now)
	return list[0]
}

// journal is the pending-secret journal in the configuration directory
// (disabled when there is none); its tenant is set once known.
func journal(d shared.Deps) *appreg.Pending {
	if d.Getenv == nil {
		return appreg.NewPending("", "")
	}
	dir, err := config.Dir(d.Getenv)
	if err != nil {
		return appreg.NewPending("", "")
	}
	return appreg.NewPending(dir, "")
}

// tagVendor is the vendor of the preset app was registered from (its
// teamsctl:preset=NAME tag), or "" when it names no known preset.
func tagVendor(app *graph.Application) string {
	name := appreg.PresetOf(app.Tags)
	if name == "" {
		return ""
	}
	p, err := presets.Get(name)
	if err != nil {
		return ""
	}
	return p.Vendor
}

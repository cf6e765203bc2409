// Package create implements `teamsctl app create`.
package create

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/redirecturi"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app create.
type Options struct {
	shared.Deps

	Name          string
	AppID         string
	RedirectURIs  []string
	Platform      string
	Delegated     []string
	Application   []string
	MultiTenant   bool
	Secret        bool
	SecretName    string
	SecretExpires string
	SecretEnd     time.Time // parsed SecretExpires
	SecretFile    string
	Handoff       string
	Force         bool
	GrantConsent  bool
	Owner         string
	DryRun        bool
	Prune         bool
	Timeout       time.Duration
	// Preset fills what the flags leave out.
	Preset cmdutil.PresetFlags
	// PresetName is the loaded preset's name: with the instance, it
	// identifies the integration (appreg.UniqueName).
	PresetName string
}

// NewCmdCreate builds the command; runF replaces the run step in tests.
func NewCmdCreate(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	var delegated, application []string
	cmd := &cobra.Command{
		Use:   "create --name NAME",
		Short: "Register an app, idempotently: create or complete it, its enterprise app, secret and consent",
		Long: `Register an application for a vendor's integration, or complete one made
earlier: the desired state is compared with the tenant and turned into a plan,
which is printed (--dry-run) or carried out step by step: create the app
registration, add missing redirect URIs and permissions, create its service
principal (enterprise app), add a client secret and grant admin consent.

Re-running the same command changes nothing; after an interruption it
continues where it stopped. Nothing is removed unless --prune is given. An
app is found by its exact display name among the apps teamsctl manages
(tagged "teamsctl"); use --app-id to pick one when the name is taken. A new
app is registered under a uniqueName derived from the name (or from
--preset and --instance), with Graph's upsert: runs started at the same
time for the same integration make one app. An app made without one gets
it on the next run; app show prints it.

Writes that depend on a just-created object are retried while Entra
replicates it (up to --replication-timeout), with progress on stderr.

The secret value is printed once, or written to --secret-file (mode 0600).
--handoff writes what the vendor needs (tenant id, client id, redirect URIs,
secret, consent status) as JSON, or as a .env file by extension.

--preset (a customer-registered vendor preset, 'teamsctl presets list') or
--preset-file fills the name, redirect URIs (on --instance) and platform,
the permissions, and the secret (name, lifetime) from the preset. Flags
given explicitly win: --delegated or --application replace both preset
lists, --redirect-uri replaces its URIs, --secret=false adds no secret.`,
		Example: `  # elevato: single-tenant app, Web redirect URI, delegated permissions, secret, consent
  teamsctl app create --name "elevato - MS Teams integration" \
    --redirect-uri https://elevato.net/Integrations/BusinessIntegration/Microsoft/OAuth2.aspx \
    --delegated User.Read,OnlineMeetings.ReadWrite --secret --secret-expires 180d \
    --grant-consent --handoff elevato.env

  # the same from the elevato preset, on your instance
  teamsctl app create --preset elevato --instance https://acme.elevato.net --grant-consent --handoff elevato.env

  # see what would be done
  teamsctl app create --name "elevato - MS Teams integration" --delegated Calendars.ReadWrite --dry-run`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyPreset(cmd, opts, &delegated, &application); err != nil {
				return err
			}
			if strings.TrimSpace(opts.Name) == "" && opts.AppID == "" {
				return cmdutil.FlagErrorf("--name is required")
			}
			if len(opts.Name) > 120 {
				return cmdutil.FlagErrorf("--name is %d characters; Entra allows at most 120", len(opts.Name))
			}
			var err error
			if opts.Delegated, err = permissions.ParseLists(delegated); err != nil {
				return cmdutil.FlagErrorf("--delegated: %v", err)
			}
			if opts.Application, err = permissions.ParseLists(application); err != nil {
				return cmdutil.FlagErrorf("--application: %v", err)
			}
			// A URI given twice is one URI, as app redirect add counts it.
			opts.RedirectURIs = unique(opts.RedirectURIs)
			if err := redirecturi.ValidateAll(opts.RedirectURIs, opts.Platform, 0); err != nil {
				return cmdutil.FlagErrorWithHint(fmt.Errorf("--redirect-uri: %w", err),
					"Entra accepts https URIs (http only for localhost and 127.0.0.1), without #fragment, up to 256 characters and 256 URIs.")
			}
			secretFlags := opts.SecretFile != "" || cmd.Flags().Changed("secret-name") || cmd.Flags().Changed("secret-expires")
			if secretFlags && !opts.Secret {
				opts.Secret = true
			}
			if opts.SecretExpires != "" {
				end, err := appreg.ParseExpiry(opts.SecretExpires, opts.Now())
				if err != nil {
					return cmdutil.FlagErrorf("--secret-expires: %v", err)
				}
				opts.SecretEnd = end
			}
			if opts.SecretFile != "" && opts.SecretFile == opts.Handoff {
				return cmdutil.FlagErrorf("--secret-file and --handoff must be different files")
			}
			if !opts.DryRun {
				if err := appreg.CheckOutputFile(opts.SecretFile, opts.Force); err != nil {
					return cmdutil.FlagErrorf("--secret-file: %v", err)
				}
				if err := appreg.CheckOutputFile(opts.Handoff, opts.Force); err != nil {
					return cmdutil.FlagErrorf("--handoff: %v", err)
				}
			}
			if opts.AppID != "" && !appreg.IsGUID(opts.AppID) {
				return cmdutil.FlagErrorf("--app-id: %q is not a GUID", opts.AppID)
			}
			if runF != nil {
				return runF(opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Name, "name", "", "Display name of the app registration")
	fs.StringVar(&opts.AppID, "app-id", "", "Update this existing app (appId) instead of finding it by name")
	fs.StringArrayVar(&opts.RedirectURIs, "redirect-uri", nil, "Redirect URI (repeatable)")
	cmdutil.StringEnumFlag(cmd, fs, &opts.Platform, "platform", "", appreg.PlatformWeb, appreg.Platforms, "Platform of the redirect URIs")
	fs.StringArrayVar(&delegated, "delegated", nil, "Delegated Microsoft Graph permissions, comma or space separated (e.g. User.Read,OnlineMeetings.ReadWrite)")
	fs.StringArrayVar(&application, "application", nil, "Application Microsoft Graph permissions (app roles), comma or space separated")
	fs.BoolVar(&opts.MultiTenant, "multi-tenant", false, "Let other organisations' users sign in (AzureADMultipleOrgs)")
	fs.BoolVar(&opts.Secret, "secret", false, "Add a client secret (none is added when one of the same name exists)")
	fs.StringVar(&opts.SecretName, "secret-name", "teamsctl", "Description of the secret")
	fs.StringVar(&opts.SecretExpires, "secret-expires", "", "Secret lifetime (180d, 26w, 6m, 1y) or end date (2026-12-31); default 180d")
	fs.StringVar(&opts.SecretFile, "secret-file", "", "Write the secret value to this file (mode 0600) instead of printing it")
	fs.StringVar(&opts.Handoff, "handoff", "", "Write the vendor hand-off bundle to this file (.json or .env, mode 0600)")
	fs.BoolVar(&opts.Force, "force", false, "Overwrite an existing --secret-file or --handoff file")
	fs.BoolVar(&opts.GrantConsent, "grant-consent", false, "Grant admin consent for the permissions (tenant-wide)")
	fs.StringVar(&opts.Owner, "owner", "", "Add this user (UPN) as an owner")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	fs.BoolVar(&opts.Prune, "prune", false, "Remove redirect URIs and Graph permissions not given here")
	fs.DurationVar(&opts.Timeout, "replication-timeout", 0, "How long to wait for Entra to replicate new objects (default 2m)")
	cmdutil.AddPresetFlags(cmd, &opts.Preset, "name, redirect URIs, platform, permissions and secret", true)
	return cmd
}

// unique drops repeats (exact matches, as Entra compares redirect URIs),
// keeping the first of each.
func unique(uris []string) []string {
	var out []string
	for _, u := range uris {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// applyPreset fills what the flags left out from --preset or
// --preset-file; flags given explicitly win.
func applyPreset(cmd *cobra.Command, opts *Options, delegated, application *[]string) error {
	pre, err := opts.Preset.Load()
	if err != nil || pre == nil {
		return err
	}
	if pre.Shape != presets.CustomerRegistered {
		return cmdutil.FlagErrorWithHint(fmt.Errorf("preset %s is %s: the vendor registers the app, there is nothing to create here", pre.Name, pre.Shape),
			fmt.Sprintf("Run 'teamsctl setup %s', or 'teamsctl consent grant --preset %s'.", pre.Name, pre.Name))
	}
	opts.PresetName = pre.Name
	changed := cmd.Flags().Changed
	if opts.Name == "" && opts.AppID == "" {
		opts.Name = cmp.Or(pre.AppName, pre.Vendor)
	}
	if !changed("redirect-uri") {
		if opts.RedirectURIs, err = opts.Preset.RedirectURIs(pre); err != nil {
			return err
		}
	}
	if !changed("platform") && pre.Platform != "" {
		opts.Platform = pre.Platform
	}
	if len(*delegated)+len(*application) == 0 {
		*delegated, *application = pre.Delegated, pre.Application
	}
	if sec := pre.Secret; sec != nil && sec.Required {
		if !changed("secret") {
			opts.Secret = true
		}
		if !changed("secret-name") && sec.Name != "" {
			opts.SecretName = sec.Name
		}
		if !changed("secret-expires") && sec.Expires != "" {
			opts.SecretExpires = sec.Expires
		}
	}
	return nil
}

// needs are what app create does: find an existing registration, create
// or update it with its secret (within the app management policy) and
// owners, create its enterprise app, grant the permissions (reading the
// existing grants and assignments and the admin's roles), and read the
// tenant for the hand-off.
var needs = permissions.Of(permissions.ReadApplications, permissions.WriteApplications, permissions.ReadAppManagementPolicy,
	permissions.ReadUsers, permissions.AddOwners, permissions.WriteServicePrincipals, permissions.ReadGrants,
	permissions.WriteGrants, permissions.WriteAssignments, permissions.ReadMyRoles, permissions.ReadOrganization)

func createRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	// The journal notes the secrets added so far before the app is read.
	pending := pendingJournal(opts)
	defer pending.Close()
	// The independent reads go out together: one round trip.
	reads := appreg.NewReads(ctx, g)
	defer reads.Close()
	reads.Start(appreg.Prefetch{Name: cmpName(opts), Roles: opts.GrantConsent, Policy: opts.Secret && !opts.DryRun,
		GraphSP: opts.GrantConsent || len(opts.Delegated)+len(opts.Application) > 0})
	g = reads
	org, err := g.Organization(ctx)
	if err != nil {
		return err
	}
	pending.Tenant = org.ID
	loader := opts.Permissions(g, org.ID)
	del, app, err := shared.ResolvePermissions(ctx, loader, opts.Delegated, opts.Application)
	if err != nil {
		return err
	}
	reg := &appreg.Registrar{Graph: g, Wait: opts.Waiter(opts.Timeout), Now: opts.Now, DryRun: opts.DryRun,
		Roles: g, ConsentURL: opts.ConsentURL(org.ID), Warn: opts.Warn, Pending: pending}
	d := appreg.Desired{Name: opts.Name, UniqueName: appreg.UniqueName(opts.PresetName, opts.Preset.Instance, opts.Name), Preset: opts.PresetName, AppID: opts.AppID, RedirectURIs: opts.RedirectURIs, Platform: opts.Platform,
		Delegated: del, Application: app, MultiTenant: opts.MultiTenant, Secret: opts.Secret, SecretName: opts.SecretName,
		SecretEnd: opts.SecretEnd, SecretEndExplicit: !opts.SecretEnd.IsZero(), GrantConsent: opts.GrantConsent,
		Owner: opts.Owner, Prune: opts.Prune}
	if d.GrantConsent {
		var ops []consent.Operation
		if len(del) > 0 {
			ops = append(ops, consent.OpDelegatedTenantWide)
		}
		if len(app) > 0 {
			ops = append(ops, consent.OpGraphAppRoles)
		}
		if err := consent.CheckRoles(ctx, g, "", ops...); err != nil {
			return err
		}
	}
	res, err := reg.Apply(ctx, d)
	opts.IO.StopProgress()
	if res != nil {
		res.TenantID, res.PrimaryDomain = org.ID, org.DefaultDomain
	}
	if err != nil {
		if res != nil && len(res.Plan) > 0 {
			fmt.Fprintln(opts.IO.ErrOut, "Steps so far:")
			res.Plan.Render(opts.IO.ErrOut, opts.IO.ErrStyles())
		}
		return err
	}
	secretValue, keyID := "", ""
	if res.Secret != nil {
		secretValue, keyID = res.Secret.Value, res.Secret.KeyID
	}
	if secretValue == "" {
		return deliver(opts, res, "")
	}
	// The value is printed or written: the secret is the user's then.
	return pending.Deliver(res.ObjectID, keyID, func() error { return deliver(opts, res, secretValue) }, opts.Warn)
}

// deliver writes the secret file and the hand-off bundle, and prints the
// result.
func deliver(opts *Options, res *appreg.Result, secretValue string) error {
	if secretValue != "" && opts.SecretFile != "" {
		if err := appreg.WriteSecretFile(opts.SecretFile, []byte(secretValue+"\n")); err != nil {
			return err
		}
		res.Secret.Value, res.Secret.WrittenTo = "", opts.SecretFile
	}
	if opts.Handoff != "" && !opts.DryRun {
		data, err := appreg.HandoffFrom(res, secretValue).Encode(opts.Handoff)
		if err != nil {
			return err
		}
		if err := appreg.WriteSecretFile(opts.Handoff, data); err != nil {
			return err
		}
		if res.Secret != nil && res.Secret.Value != "" {
			// The value is in the hand-off file: print it nowhere else.
			res.Secret.Value, res.Secret.WrittenTo = "", opts.Handoff
		}
	}
	return cmdutil.Print(opts.IO, opts.Output(), res, Render)
}

// pendingJournal is the pending-secret journal in the configuration
// directory (disabled when there is none); its tenant is set once known.
func pendingJournal(opts *Options) *appreg.Pending {
	if opts.Getenv == nil {
		return appreg.NewPending("", "")
	}
	dir, err := config.Dir(opts.Getenv)
	if err != nil {
		return appreg.NewPending("", "")
	}
	return appreg.NewPending(dir, "")
}

// cmpName is the name to look the app up by, unless --app-id picks it.
func cmpName(opts *Options) string {
	if opts.AppID != "" {
		return ""
	}
	return opts.Name
}

// Render draws an app create result: the plan, then the hand-off.
func Render(w io.Writer, s *ui.Styles, r *appreg.Result) error {
	res := r
	if res.DryRun {
		fmt.Fprintln(w, "Plan (dry run, nothing was changed):")
	}
	res.Plan.Render(w, s)
	if res.DryRun {
		fmt.Fprintf(w, "%d change(s) planned.\n", res.Plan.Changes())
		return nil
	}
	fmt.Fprintln(w)
	fields := []ui.Field{
		{Key: "Tenant ID", Value: res.TenantID},
		{Key: "Primary domain", Value: res.PrimaryDomain},
		{Key: "Application (client) ID", Value: res.AppID},
		{Key: "Object ID", Value: res.ObjectID},
		{Key: "Redirect URIs", Value: strings.Join(res.RedirectURIs, " ")},
		{Key: "Consent", Value: res.ConsentStatus},
	}
	if sec := res.Secret; sec != nil {
		switch {
		case sec.Value != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: sec.Value + "  (shown once: store it now)"})
		case sec.WrittenTo != "":
			fields = append(fields, ui.Field{Key: "Client secret", Value: "written to " + sec.WrittenTo})
		case sec.Existing:
			fields = append(fields, ui.Field{Key: "Client secret", Value: fmt.Sprintf("%q exists (%s...); its value cannot be shown again: 'teamsctl app secret add' makes a new one", sec.Name, sec.Hint)})
		}
		fields = append(fields, ui.Field{Key: "Secret expires", Value: sec.EndDateTime.Format("2006-01-02")})
	}
	return s.KeyValues(w, fields)
}

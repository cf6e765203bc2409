// Package cert implements `teamsctl app cert add|list|remove`.
package cert

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/cmd/app/secret"
	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/consent"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// NewCmdCert builds `teamsctl app cert`.
func NewCmdCert(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cert <command>",
		Short: "Add, list and remove an app's certificates (the alternative to secrets)",
		Args:  cobra.ArbitraryArgs,
		RunE:  cmdutil.RunGroup,
	}
	cmd.AddCommand(NewCmdAction(f, "add", nil), NewCmdAction(f, "list", nil), NewCmdAction(f, "remove", nil))
	return cmd
}

// Options are the inputs of the cert commands.
type Options struct {
	shared.Deps
	Action   string
	App      string
	CertFile string
	CertPEM  []byte
	Name     string
	KeyID    string
	Yes      bool
}

// Result is the app's certificates after the command.
type Result struct {
	AppID        string              `json:"appId"`
	DisplayName  string              `json:"displayName"`
	Added        *appreg.Credential  `json:"added,omitempty"`
	Removed      *appreg.Credential  `json:"removed,omitempty"`
	Certificates []appreg.Credential `json:"certificates"`
}

// NewCmdAction builds one cert command; runF replaces the run step in tests.
func NewCmdAction(f *cmdutil.Factory, action string, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), Action: action}
	cmd := &cobra.Command{}
	switch action {
	case "add":
		cmd.Use = "add APP --cert FILE.pem"
		cmd.Short = "Upload a public certificate, keeping the existing ones"
		cmd.Long = `Upload a public X.509 certificate (PEM) as a credential of an app
registration: the alternative to client secrets, and the only one when the
tenant's app management policy blocks secrets. The vendor's service keeps
the private key and signs in with it; give the vendor the thumbprint printed
here. Existing certificates are kept; uploading one that is there changes
nothing. A file containing a private key is refused.`
		cmd.Example = `  openssl req -x509 -newkey rsa:2048 -nodes -keyout vendor.key -out vendor.pem -days 365 -subj /CN=vendor
  teamsctl app cert add "elevato - MS Teams integration" --cert vendor.pem`
		cmd.Args = cmdutil.ExactArgs("APP")
		cmd.Flags().StringVar(&opts.CertFile, "cert", "", "PEM file with the public certificate")
		cmd.Flags().StringVar(&opts.Name, "name", "", "Display name of the certificate (default: its subject CN)")
	case "list":
		cmd.Use = "list APP"
		cmd.Short = "List an app's certificates and when they expire"
		cmd.Long = `List an app registration's certificates: name, key id, thumbprint, start,
end and status (valid, expiring within 30 days, or expired).`
		cmd.Example = `  teamsctl app cert list "elevato - MS Teams integration"`
		cmd.Args = cmdutil.ExactArgs("APP")
	default:
		cmd.Use = "remove APP KEYID"
		cmd.Short = "Remove a certificate (asks first)"
		cmd.Long = `Remove a certificate by key id (or its first 8 or more characters), keeping
the others. Asks on a terminal; elsewhere pass --yes.`
		cmd.Example = `  teamsctl app cert remove "elevato - MS Teams integration" 9b2e41c0 --yes`
		cmd.Args = cmdutil.ExactArgs("APP", "KEYID")
		cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.App = args[0]
		if len(args) > 1 {
			opts.KeyID = args[1]
		}
		if action == "add" {
			if opts.CertFile == "" {
				return cmdutil.FlagErrorf("--cert is required: a PEM file with the public certificate")
			}
			data, err := os.ReadFile(opts.CertFile)
			if err != nil {
				return cmdutil.FlagErrorf("--cert: %v", err)
			}
			if _, err := appreg.ParseCertificatePEM(data, opts.Now()); err != nil {
				return cmdutil.FlagErrorf("--cert %s: %v", opts.CertFile, err)
			}
			opts.CertPEM = data
		}
		if runF != nil {
			return runF(opts)
		}
		return run(cmd.Context(), opts)
	}
	return cmd
}

// listNeeds are what cert list reads: the app registration; changeNeeds
// also update its certificates.
var (
	listNeeds   = permissions.Of(permissions.ReadApplications)
	changeNeeds = permissions.Of(permissions.ReadApplications, permissions.WriteApplications)
)

func run(ctx context.Context, opts *Options) error {
	needs := changeNeeds
	if opts.Action == "list" {
		needs = listNeeds
	}
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	app, err := appreg.Find(ctx, g, opts.App)
	if err != nil {
		return err
	}
	now := opts.Now()
	res := &Result{AppID: app.AppID, DisplayName: app.DisplayName}
	switch opts.Action {
	case "add":
		c, _ := appreg.ParseCertificatePEM(opts.CertPEM, now)
		name := opts.Name
		if name == "" {
			name = "CN=" + c.Subject
		}
		keys := appreg.KeysWith(app, c, name)
		res.Added = &appreg.Credential{Kind: "certificate", Name: name, Thumbprint: c.Thumbprint, StartDateTime: c.NotBefore, EndDateTime: c.NotAfter,
			Status: appreg.CredentialStatus(c.NotAfter, now)}
		if keys == nil {
			fmt.Fprintf(opts.IO.ErrOut, "The certificate %s is already uploaded; nothing changed.\n", c.Thumbprint)
			break
		}
		if err := write(ctx, opts, g, app, keys); err != nil {
			return err
		}
	case "remove":
		c, err := appreg.FindCredential(appreg.Certificates(app, now), opts.KeyID)
		if err != nil {
			return cmdutil.WithHint(fmt.Errorf("%s: %w", app.DisplayName, err), "Run 'teamsctl app cert list APP' to see the key ids.")
		}
		if err := shared.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Remove certificate %s (%s) of %s", c.Name, c.KeyID, app.DisplayName)); err != nil {
			return err
		}
		if err := write(ctx, opts, g, app, appreg.KeysWithout(app, c.KeyID)); err != nil {
			return err
		}
		res.Removed = c
	}
	if opts.Action != "list" {
		if app, err = g.Application(ctx, app.ID); err != nil {
			return err
		}
	}
	res.Certificates = appreg.Certificates(app, now)
	return cmdutil.Print(opts.IO, opts.Output(), res, func(w io.Writer, s *ui.Styles, res *Result) error {
		if res.Added != nil {
			fmt.Fprintf(w, "%s Certificate %s (thumbprint %s, expires %s)\n", s.SuccessMark(), res.Added.Name, res.Added.Thumbprint, res.Added.EndDateTime.Format("2006-01-02"))
		}
		if res.Removed != nil {
			fmt.Fprintf(w, "%s Removed certificate %s (%s)\n", s.SuccessMark(), res.Removed.Name, res.Removed.KeyID)
			return nil
		}
		if opts.Action == "list" {
			return secret.CredentialTable(w, s, res.Certificates)
		}
		return nil
	})
}

func write(ctx context.Context, opts *Options, g graph.Client, app *graph.Application, keys []graph.KeyCredential) error {
	if err := consent.CheckRoles(ctx, g, "", consent.OpManageApps); err != nil {
		return err
	}
	return g.UpdateApplication(ctx, app.ID, graph.ApplicationUpdate{KeyCredentials: &keys})
}

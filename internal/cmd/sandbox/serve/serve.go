// Package serve implements `teamsctl sandbox serve`.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/sandbox/fault"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/sandbox"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of sandbox serve.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time

	Addr           string
	TLSCert        string
	TLSKey         string
	StateFile      string
	SeedFile       string
	Large          bool
	CAOut          string
	Latency        time.Duration
	Jitter         time.Duration
	FaultRate      float64
	RetryAfter     time.Duration
	ReplicationLag time.Duration
	RequestLog     int
	AllowRemote    bool
}

// Result tells clients where the emulator listens and what to trust.
type Result struct {
	LoginURL string `json:"loginUrl"`
	GraphURL string `json:"graphUrl"`
	// ManagementURL serves Azure Resource Manager's GET /tenants and
	// GET /subscriptions.
	ManagementURL string `json:"managementUrl"`
	// Hosts is the hosts-file line that points unmodified clients at the
	// server (with the CA trusted and the server on port 443).
	Hosts        string            `json:"hosts"`
	TenantID     string            `json:"tenantId"`
	TenantDomain string            `json:"tenantDomain"`
	CAFile       string            `json:"caFile,omitempty"`
	Environment  map[string]string `json:"environment"`
	// ControlToken is the bearer token of the control API, with
	// --allow-remote only; it is printed here once.
	ControlToken string `json:"controlToken,omitempty"`
}

// NewCmdServe builds the command; runF replaces the run step in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now}
	cmd := &cobra.Command{
		Use:         "serve",
		Short:       "Run the emulated tenant as an HTTPS server",
		Annotations: map[string]string{cmdutil.AnnotationNoTimeout: "true"}, // it serves until stopped
		Long: `Run the emulated Entra login endpoints and Microsoft Graph on an HTTPS address,
for other tools, scripts and Graph SDKs. The login endpoints are under the
printed login URL (https://HOST:PORT/{tenant}/...), Graph under /v1.0 and
/beta, and the emulator's controls (device-code approval, faults, Teams
policies, state dump) under /_emulator.

Azure Resource Manager's two sign-in reads (GET /tenants and GET
/subscriptions, which az login and Connect-AzAccount make) are served at
the same address, as /tenants and /subscriptions or under any management.*
host name.

Without --tls-cert a throwaway CA is created and written to --ca-out; trust it
in the client. Its certificate also covers login.microsoftonline.com,
graph.microsoft.com, management.azure.com and management.core.windows.net:
with --addr 127.0.0.1:443 and hosts-file entries mapping those names to
127.0.0.1, unmodified clients (the Azure CLI, Azure PowerShell, Graph SDKs
and MSAL) reach the sandbox. With --tls-cert and --tls-key the server
presents that certificate for any host name instead.

--fault-rate R fails that fraction of Graph requests: 80% of them with 429
(Retry-After up to --retry-after), 10% with 503 and 10% with 504. Stop the
server with Ctrl-C.

The server listens on loopback only. --allow-remote lets --addr be any
address (e.g. 0.0.0.0:8443): anyone who reaches it can then use the tenant,
so the control API requires the control token printed at start
(Authorization: Bearer TOKEN). Request bodies are limited to Graph's 4 MB,
as sent and decompressed, and the request log (/_emulator/requests) keeps
the latest --request-log requests.`,
		Example: `  teamsctl sandbox serve --addr 127.0.0.1:8443
  teamsctl sandbox serve --seed smb
  teamsctl sandbox serve --state ./tenant.json --latency 100ms --fault-rate 0.2
  eval "$(teamsctl sandbox serve -o json | jq -r '.environment | to_entries[] | "export \(.key)=\(.value)"')"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.TLSCert == "") != (opts.TLSKey == "") {
				return cmdutil.FlagErrorf("--tls-cert and --tls-key go together")
			}
			if opts.Large && opts.SeedFile != "" {
				return cmdutil.FlagErrorf("--large grows the built-in tenant; it cannot be combined with --seed")
			}
			if opts.FaultRate < 0 || opts.FaultRate > 1 {
				return cmdutil.FlagErrorf("--fault-rate %v: want a fraction between 0 and 1, e.g. 0.2", opts.FaultRate)
			}
			if opts.RequestLog < 1 {
				return cmdutil.FlagErrorf("--request-log %d: want the number of requests to keep, at least 1", opts.RequestLog)
			}
			if !opts.AllowRemote && !sandbox.IsLoopbackAddr(opts.Addr) {
				return notLoopback(opts.Addr)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8443", "Address to listen on (port 0 picks a free port)")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "Certificate (PEM) to serve instead of a generated one")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "Private key (PEM) of --tls-cert")
	fl.StringVar(&opts.StateFile, "state", "", "Load the tenant from this file if it exists and save every change to it")
	fl.StringVar(&opts.SeedFile, "seed", "", "Built-in fixture (contoso, smb) or fixture file (YAML or JSON) to start from")
	fl.BoolVar(&opts.Large, "large", false, "Grow the built-in tenant to 100,000 users, 5,000 groups, 20,000 enterprise apps, 2,000 app registrations and 500 Conditional Access policies")
	fl.StringVar(&opts.CAOut, "ca-out", "", "Where to write the generated CA (default: sandbox/serve-ca.pem in the config directory)")
	cmdutil.DurationRangeFlag(fl, &opts.Latency, "latency", 0, fault.MaxDuration, "Delay added to every request")
	cmdutil.DurationRangeFlag(fl, &opts.Jitter, "jitter", 0, fault.MaxDuration, "Random extra delay of up to this much")
	fl.Float64Var(&opts.FaultRate, "fault-rate", 0, "Fraction of Graph requests that fail with 429, 503 or 504")
	cmdutil.DurationRangeFlag(fl, &opts.RetryAfter, "retry-after", time.Second, fault.MaxDuration, "Longest Retry-After of injected 429s")
	cmdutil.DurationRangeFlag(fl, &opts.ReplicationLag, "replication-lag", 0, fault.MaxDuration, "How long new directory objects stay invisible to other calls")
	fl.IntVar(&opts.RequestLog, "request-log", sandbox.DefaultRequestLogLimit, "How many of the latest requests the request log (/_emulator/requests) keeps")
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "Allow an --addr beyond loopback; the control API then requires the token printed at start")
	return cmd
}

func notLoopback(addr string) error {
	return cmdutil.FlagErrorWithHint(fmt.Errorf("--addr %s: %w", addr, &sandbox.NotLoopbackError{Addr: addr}),
		"Use --addr 127.0.0.1:PORT, or add --allow-remote to serve other machines (the control API then requires the token printed at start).")
}

// Faults turns the flags into the emulator's fault options.
func (o *Options) Faults() emulator.FaultOptions {
	return emulator.FaultOptions{
		Latency: o.Latency, Jitter: o.Jitter,
		Rate429: o.FaultRate * 0.8, Rate503: o.FaultRate * 0.1, Rate504: o.FaultRate * 0.1,
		RetryAfterMax: o.RetryAfter, RandomSeed: uint64(o.Now().UnixNano()),
		ReplicationLag: o.ReplicationLag,
	}
}

func serveRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	served, err := sandbox.Serve(sandbox.ServeOptions{
		Addr: opts.Addr, TLSCertFile: opts.TLSCert, TLSKeyFile: opts.TLSKey,
		StateFile: opts.StateFile, SeedFile: opts.SeedFile, Large: opts.Large, Faults: opts.Faults(),
		Now: opts.Now, Log: opts.IO.ErrOut, RequestLogLimit: opts.RequestLog, AllowRemote: opts.AllowRemote,
	})
	var nl *sandbox.NotLoopbackError
	if errors.As(err, &nl) {
		return notLoopback(opts.Addr)
	}
	if err != nil {
		return err
	}
	result, err := describe(served, opts, cfg.Dir())
	if err != nil {
		_ = served.Shutdown(context.Background())
		return err
	}
	if err := cmdutil.Print(opts.IO, cfg.Output, result, cmdutil.Method(Result.render)); err != nil {
		_ = served.Shutdown(context.Background())
		return err
	}
	if opts.AllowRemote {
		fmt.Fprintf(opts.IO.ErrOut, "warning: --allow-remote: %s may be reachable from other machines; anyone who reaches it can sign in as the sandbox's users. The control API (/_emulator) requires the control token printed above.\n", served.URL)
	}
	fmt.Fprintln(opts.IO.ErrOut, "Serving the sandbox tenant; press Ctrl-C to stop.")
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return served.Shutdown(shutdownCtx)
}

func describe(served *sandbox.Served, opts *Options, configDir string) (Result, error) {
	st, err := served.Server.Snapshot()
	if err != nil {
		return Result{}, err
	}
	home := st.HomeTenant()
	r := Result{
		LoginURL: served.URL, GraphURL: served.URL + "/v1.0", ManagementURL: served.URL,
		Hosts:    hostsLine(served.URL),
		TenantID: home.ID, TenantDomain: home.DefaultDomain(), ControlToken: served.ControlToken,
		Environment: map[string]string{
			"TEAMSCTL_LOGIN_URL": served.URL,
			"TEAMSCTL_GRAPH_URL": served.URL + "/v1.0",
			"TEAMSCTL_TENANT":    home.DefaultDomain(),
		},
	}
	if len(served.CAPEM) > 0 {
		r.CAFile = opts.CAOut
		if r.CAFile == "" {
			r.CAFile = filepath.Join(sandbox.Dir(configDir), "serve-ca.pem")
		}
		if err := fsutil.WriteFileAtomic(r.CAFile, served.CAPEM, 0o644); err != nil {
			return Result{}, fmt.Errorf("write the CA certificate: %w", err)
		}
		r.Environment["TEAMSCTL_CA_FILE"] = r.CAFile
		r.Environment["SSL_CERT_FILE"] = r.CAFile
	}
	return r, nil
}

// hostsLine maps Microsoft's service hosts to the server's IP address.
func hostsLine(serverURL string) string {
	host := strings.TrimPrefix(serverURL, "https://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host + " " + strings.Join(sandbox.MicrosoftHosts, " ")
}

func (r Result) render(w io.Writer, s *ui.Styles) error {
	fields := []ui.Field{
		{Key: "Login URL", Value: r.LoginURL},
		{Key: "Graph URL", Value: r.GraphURL},
		{Key: "ARM URL", Value: r.ManagementURL},
		{Key: "Hosts entry", Value: r.Hosts},
		{Key: "Tenant", Value: r.TenantDomain + " (" + r.TenantID + ")"},
	}
	if r.CAFile != "" {
		fields = append(fields, ui.Field{Key: "CA to trust", Value: r.CAFile})
	}
	if r.ControlToken != "" {
		fields = append(fields, ui.Field{Key: "Control token", Value: r.ControlToken + "  (Authorization: Bearer TOKEN on /_emulator)"})
	}
	if err := s.KeyValues(w, fields); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, k := range []string{"TEAMSCTL_LOGIN_URL", "TEAMSCTL_GRAPH_URL", "TEAMSCTL_TENANT", "TEAMSCTL_CA_FILE"} {
		if v, ok := r.Environment[k]; ok {
			fmt.Fprintf(w, "export %s=%s\n", k, v)
		}
	}
	return nil
}

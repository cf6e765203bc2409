// Package fault implements `teamsctl sandbox fault`.
package fault

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/sandbox"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// MaxDuration bounds every injected delay (latency, jitter, Retry-After,
// replication lag): anything longer outlasts every command's own waits
// and rehearses nothing.
const MaxDuration = time.Hour

// Options are the inputs of sandbox fault.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)

	Faults emulator.FaultOptions
	// Scripted holds --fail values: METHOD PATH NTH STATUS.
	Scripted []string
	Clear    bool
}

// NewCmdFault builds the command; runF replaces the run step in tests.
func NewCmdFault(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Make the sandbox tenant slow, throttled or eventually consistent",
		Long: `Configure the faults the sandbox tenant injects into Microsoft Graph calls, to
rehearse what real tenants do under load: latency, throttling (429 with
Retry-After; a client that retries early is throttled again), 503 and 504,
chosen failures of the Nth call to a path, and replication lag (objects
written a moment ago are not yet visible to other calls). The settings
replace the previous ones and persist until changed or --clear.

--fail takes "METHOD PATH NTH STATUS", e.g. "POST /servicePrincipals 1 503";
PATH is relative to /v1.0; a * segment matches one segment (an object id)
and a trailing * any suffix.`,
		Example: `  teamsctl sandbox fault --replication-lag 5s
  teamsctl sandbox fault --rate429 0.2 --retry-after 1s --latency 100ms
  teamsctl sandbox fault --fail "POST /applications/*/addPassword 1 503"
  teamsctl sandbox fault --clear`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, spec := range opts.Scripted {
				sf, err := parseScripted(spec)
				if err != nil {
					return cmdutil.FlagErrorWithHint(fmt.Errorf("--fail %q: %w", spec, err), `Write it as "METHOD PATH NTH STATUS", e.g. "POST /servicePrincipals 1 503".`)
				}
				opts.Faults.Scripted = append(opts.Faults.Scripted, sf)
			}
			for _, name := range []string{"rate429", "rate503", "rate504"} {
				rate, _ := cmd.Flags().GetFloat64(name)
				if rate < 0 || rate > 1 || math.IsNaN(rate) {
					return cmdutil.FlagErrorf("--%s %v: want a fraction between 0 and 1", name, rate)
				}
			}
			if sum := opts.Faults.Rate429 + opts.Faults.Rate503 + opts.Faults.Rate504; sum > 1 {
				return cmdutil.FlagErrorf("--rate429, --rate503 and --rate504 add up to %v: together they are the fraction of calls that fail, at most 1", sum)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return faultRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.DurationRangeFlag(fl, &opts.Faults.Latency, "latency", 0, MaxDuration, "Delay added to every request")
	cmdutil.DurationRangeFlag(fl, &opts.Faults.Jitter, "jitter", 0, MaxDuration, "Random extra delay of up to this much")
	fl.Float64Var(&opts.Faults.Rate429, "rate429", 0, "Fraction of Graph calls throttled with 429")
	fl.Float64Var(&opts.Faults.Rate503, "rate503", 0, "Fraction of Graph calls failing with 503")
	fl.Float64Var(&opts.Faults.Rate504, "rate504", 0, "Fraction of Graph calls failing with 504")
	cmdutil.DurationRangeFlag(fl, &opts.Faults.RetryAfterMax, "retry-after", time.Second, MaxDuration, "Longest Retry-After of injected 429s and 503s")
	cmdutil.DurationRangeFlag(fl, &opts.Faults.ReplicationLag, "replication-lag", 0, MaxDuration, "How long new directory objects stay invisible to other calls")
	fl.StringArrayVar(&opts.Scripted, "fail", nil, `Fail a chosen call: "METHOD PATH NTH STATUS" (repeatable)`)
	fl.BoolVar(&opts.Clear, "clear", false, "Remove every fault")
	return cmd
}

func parseScripted(spec string) (emulator.ScriptedFault, error) {
	parts := strings.Fields(spec)
	if len(parts) != 4 {
		return emulator.ScriptedFault{}, fmt.Errorf("want 4 fields, got %d", len(parts))
	}
	nth, err := strconv.Atoi(parts[2])
	if err != nil || nth < 1 {
		return emulator.ScriptedFault{}, fmt.Errorf("NTH %q is not a positive number", parts[2])
	}
	status, err := strconv.Atoi(parts[3])
	if err != nil || status < 400 || status > 599 {
		return emulator.ScriptedFault{}, fmt.Errorf("STATUS %q is not an HTTP error status (400-599)", parts[3])
	}
	return emulator.ScriptedFault{Method: strings.ToUpper(parts[0]), Path: parts[1], Nth: nth, Status: status}, nil
}

func faultRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	sb, err := sandbox.OpenForConfig(ctx, cfg.Dir())
	if err != nil {
		return err
	}
	faults := opts.Faults
	if opts.Clear {
		faults = emulator.FaultOptions{}
	}
	err = sb.Do(ctx, func(s *emulator.Server) error {
		s.SetFaults(faults)
		return nil
	})
	if err != nil {
		return err
	}
	return cmdutil.Print(opts.IO, cfg.Output, faults, render)
}

func render(w io.Writer, s *ui.Styles, f emulator.FaultOptions) error {
	fields := []ui.Field{
		{Key: "Latency", Value: fmt.Sprintf("%v (+ up to %v)", f.Latency, f.Jitter)},
		{Key: "429 / 503 / 504", Value: fmt.Sprintf("%.0f%% / %.0f%% / %.0f%%", f.Rate429*100, f.Rate503*100, f.Rate504*100)},
		{Key: "Retry-After", Value: "up to " + f.RetryAfterMax.String()},
		{Key: "Replication lag", Value: f.ReplicationLag.String()},
	}
	for _, sf := range f.Scripted {
		fields = append(fields, ui.Field{Key: "Fail", Value: fmt.Sprintf("%s %s call %d -> %d", sf.Method, sf.Path, sf.Nth, sf.Status)})
	}
	return s.KeyValues(w, fields)
}

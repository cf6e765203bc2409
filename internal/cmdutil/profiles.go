package cmdutil

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// ProfilesFlags are --all-profiles, --profiles and --max-parallel of the
// read-only commands that run across profiles.
type ProfilesFlags struct {
	All         bool
	List        []string
	MaxParallel int
}

// DefaultMaxParallel bounds how many profiles run at once: each signs in
// and reads its own tenant, so a handful at a time stays well under any
// tenant's throttling while an MSP's dozens of tenants finish in minutes.
const DefaultMaxParallel = 4

// AddProfilesFlags adds the flags to cmd.
func AddProfilesFlags(cmd *cobra.Command, p *ProfilesFlags) {
	fs := cmd.Flags()
	fs.BoolVar(&p.All, "all-profiles", false, "Run for every profile in the configuration, concurrently, into one result with a profile field")
	fs.StringSliceVar(&p.List, "profiles", nil, "Run for these profiles (comma separated), concurrently, into one result")
	fs.IntVar(&p.MaxParallel, "max-parallel", DefaultMaxParallel, "With --all-profiles or --profiles: how many profiles run at once")
}

// Enabled says whether the command runs across profiles.
func (p *ProfilesFlags) Enabled() bool { return p.All || len(p.List) > 0 }

// Validate checks the flags' combination; call it from RunE.
func (p *ProfilesFlags) Validate(cmd *cobra.Command) error {
	if p.All && len(p.List) > 0 {
		return FlagErrorf("--all-profiles and --profiles: give one of them")
	}
	if p.MaxParallel < 1 {
		return FlagErrorf("--max-parallel must be at least 1")
	}
	if p.Enabled() {
		if f := cmd.Flags().Lookup(config.ProfileFlag); f != nil && f.Changed {
			return FlagErrorf("--profile selects one profile: use --profiles a,b instead, or leave it out with --all-profiles")
		}
	}
	for _, n := range p.List {
		if strings.TrimSpace(n) == "" {
			return FlagErrorf("--profiles: empty profile name")
		}
	}
	return nil
}

// Names returns the profiles to run: every profile of the configuration
// file (--all-profiles) or the ones named, each checked to exist.
func (p *ProfilesFlags) Names(getenv func(string) string) ([]string, error) {
	dir, err := config.Dir(getenv)
	if err != nil {
		return nil, err
	}
	file, err := config.ReadFile(filepath.Join(dir, config.FileName))
	if err != nil {
		return nil, err
	}
	have := file.Profiles()
	if p.All {
		if len(have) == 0 {
			return nil, FlagErrorf("--all-profiles: the configuration has no profiles (teamsctl config set tenant DOMAIN --profile NAME)")
		}
		return have, nil
	}
	var out []string
	for _, n := range p.List {
		if !slices.Contains(have, n) {
			return nil, FlagErrorf("--profiles: no profile %q (profiles: %s)", n, strings.Join(have, ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// ProfileRun is one profile's outcome.
type ProfileRun[T any] struct {
	Profile string
	Result  T
	Err     error
}

// RunProfiles runs fn for each profile, at most maxParallel at once, each
// with its own factory (f.ForProfile). A profile's error is kept in its
// ProfileRun and does not stop the others. Results are in profile order.
func RunProfiles[T any](ctx context.Context, f *Factory, profiles []string, maxParallel int, fn func(ctx context.Context, pf *Factory) (T, error)) []ProfileRun[T] {
	runs := make([]ProfileRun[T], len(profiles))
	var g errgroup.Group
	g.SetLimit(max(1, maxParallel))
	for i, name := range profiles {
		runs[i].Profile = name
		g.Go(func() error {
			runs[i].Result, runs[i].Err = fn(ctx, f.ForProfile(name))
			return nil
		})
	}
	_ = g.Wait()
	return runs
}

// exitRank orders exit codes from best to worst for a run across
// profiles: a profile that could not run at all (an error, a sign-in or
// role problem, a cancellation) is worse than one whose checks failed.
var exitRank = []int{ExitOK, ExitCheckFailed, ExitUsage, ExitNeedsAdmin, ExitAuth, ExitError, ExitCancelled}

// WorstError returns the error of the worst profile, naming it, so the
// command exits with that profile's code; nil when every profile passed.
func WorstError[T any](runs []ProfileRun[T]) error {
	worst, rank := -1, 0
	for i, r := range runs {
		if r.Err == nil {
			continue
		}
		if k := slices.Index(exitRank, ExitCode(r.Err)); k > rank || worst < 0 {
			worst, rank = i, max(k, 0)
		}
	}
	if worst < 0 {
		return nil
	}
	return &ProfileError{Profile: runs[worst].Profile, Err: runs[worst].Err}
}

// ProfileError is a profile's failure in a run across profiles; it exits
// with the code of the error it wraps.
type ProfileError struct {
	Profile string
	Err     error
}

func (e *ProfileError) Error() string { return fmt.Sprintf("profile %s: %v", e.Profile, e.Err) }
func (e *ProfileError) Unwrap() error { return e.Err }

// ProfileOutcome is one profile's entry in the JSON of a run across
// profiles: its result, or its error, and its exit code.
type ProfileOutcome[T any] struct {
	Profile  string `json:"profile"`
	ExitCode int    `json:"exitCode"`
	Error    string `json:"error,omitempty"`
	Result   T      `json:"result,omitempty"` // a pointer: null when the profile failed before a result
}

// ProfilesDocument is the JSON of a run across profiles (-o json): one
// document, an entry per profile in the order given.
type ProfilesDocument[T any] struct {
	Profiles []ProfileOutcome[T] `json:"profiles"`
}

// PrintProfiles prints the runs as one result. JSON is a ProfilesDocument.
// Text is each profile's own rendering with the profile in front of every
// line: off a terminal "PROFILE<TAB>line", so the rows of all profiles form
// one tab-separated table; on a terminal under a heading per profile. A
// profile that failed is one line with its error. The command then returns
// WorstError(runs).
func PrintProfiles[T any](ios *iostreams.IOStreams, format string, runs []ProfileRun[*T], render RenderFunc[*T]) error {
	if format == config.OutputJSON {
		doc := ProfilesDocument[*T]{Profiles: []ProfileOutcome[*T]{}}
		for _, r := range runs {
			o := ProfileOutcome[*T]{Profile: r.Profile, ExitCode: ExitCode(r.Err), Result: r.Result}
			if r.Err != nil {
				o.Error = r.Err.Error()
			}
			doc.Profiles = append(doc.Profiles, o)
		}
		return Print(ios, format, doc, func(io.Writer, *ui.Styles, ProfilesDocument[*T]) error { return nil })
	}
	s := ios.Styles()
	var b strings.Builder
	for i, r := range runs {
		var body strings.Builder
		if r.Result != nil {
			if err := render(&body, s, ui.Escaped(r.Result)); err != nil {
				return err
			}
		}
		if r.Err != nil && r.Result == nil {
			fmt.Fprintf(&body, "error\t%s\n", ui.Escape(r.Err.Error()))
		}
		if s.Terminal() {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(s.Title.Render("Profile "+ui.Escape(r.Profile)) + "\n")
			if r.Err != nil && r.Result == nil {
				fmt.Fprintf(&b, "%s %s\n", s.FailMark(), ui.Escape(r.Err.Error()))
				continue
			}
			b.WriteString(body.String())
			continue
		}
		for _, line := range strings.SplitAfter(strings.TrimRight(body.String(), "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			b.WriteString(ui.Escape(r.Profile) + "\t" + strings.TrimSuffix(line, "\n") + "\n")
		}
	}
	_, err := io.WriteString(ios.Out, b.String())
	return err
}

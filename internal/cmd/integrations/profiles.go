package integrations

import (
	"context"
	"fmt"
	"io"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/integrations"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Combined is the inventory across profiles (-o json with --all-profiles
// or --profiles): one entry per profile, and every integration with the
// profile it was found in.
type Combined struct {
	SchemaVersion int              `json:"schemaVersion"`
	Profiles      []ProfileSummary `json:"profiles"`
	Integrations  []ProfiledEntry  `json:"integrations"`
}

// ProfileSummary is one profile's outcome: its summary, or its error.
type ProfileSummary struct {
	Profile   string                `json:"profile"`
	TenantID  string                `json:"tenantId,omitempty"`
	SignInLog string                `json:"signInLog,omitempty"`
	Summary   *integrations.Summary `json:"summary,omitempty"`
	Error     string                `json:"error,omitempty"`
	ExitCode  int                   `json:"exitCode"`
}

// ProfiledEntry is an integration with its profile.
type ProfiledEntry struct {
	Profile string `json:"profile"`
	integrations.Integration
}

// RunProfiles runs the inventory for each profile and prints one result.
func RunProfiles(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	names, err := opts.Profiles.Names(opts.factory.Getenv)
	if err != nil {
		return err
	}
	runs := cmdutil.RunProfiles(ctx, opts.factory, names, opts.Profiles.MaxParallel,
		func(ctx context.Context, pf *cmdutil.Factory) (*integrations.Report, error) {
			po := &Options{IO: opts.IO, Config: pf.Config, Auth: pf.Auth, Graph: pf.Graph, Now: pf.Now, ExpiringWithin: opts.ExpiringWithin}
			r, err := Inventory(ctx, po)
			if err != nil {
				return nil, err
			}
			return r, Verdict(r)
		})
	out := Combined{SchemaVersion: integrations.SchemaVersion, Profiles: []ProfileSummary{}, Integrations: []ProfiledEntry{}}
	for _, r := range runs {
		ps := ProfileSummary{Profile: r.Profile, ExitCode: cmdutil.ExitCode(r.Err)}
		if r.Err != nil {
			ps.Error = r.Err.Error()
		}
		if rep := r.Result; rep != nil {
			ps.TenantID, ps.SignInLog, ps.Summary = rep.TenantID, rep.SignInLog, &rep.Summary
			for _, it := range rep.Integrations {
				out.Integrations = append(out.Integrations, ProfiledEntry{Profile: r.Profile, Integration: it})
			}
		}
		out.Profiles = append(out.Profiles, ps)
	}
	if err := cmdutil.Print(opts.IO, cfg.Output, &out, cmdutil.Method((*Combined).Render)); err != nil {
		return err
	}
	return cmdutil.WorstError(runs)
}

// Render writes one table with a PROFILE column, then each profile's
// outcome.
func (c *Combined) Render(w io.Writer, s *ui.Styles) error {
	rows := make([][]string, 0, len(c.Integrations))
	for _, e := range c.Integrations {
		rows = append(rows, append([]string{e.Profile}, integrations.Row(e.Integration, s)...))
	}
	if len(rows) > 0 {
		if err := s.Table(w, append([]string{"PROFILE"}, integrations.Header...), rows); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	for _, p := range c.Profiles {
		if p.Error != "" && p.Summary == nil {
			fmt.Fprintf(w, "%s %s: %s\n", s.FailMark(), p.Profile, p.Error)
			continue
		}
		sum := p.Summary
		mark := s.SuccessMark()
		if p.Error != "" {
			mark = s.FailMark()
		}
		fmt.Fprintf(w, "%s %s: %s: %d ok, %d warning, %d failing; %s expiring, %d expired\n",
			mark, p.Profile, ui.Count(sum.Integrations, "integration"), sum.Healthy, sum.Warning, sum.Failing, ui.Count(sum.ExpiringCredentials, "credential"), sum.ExpiredCredentials)
	}
	return nil
}

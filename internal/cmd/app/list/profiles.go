package list

import (
	"context"
	"io"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Items are one profile's app registrations, read whole: across profiles
// the results are printed together, so pages are not streamed.
type Items []Item

// profilesRun lists each profile's app registrations and prints one
// result with the profile on every row.
func profilesRun(ctx context.Context, opts *Options) error {
	names, err := opts.Profiles.Names(opts.Getenv)
	if err != nil {
		return err
	}
	runs := cmdutil.RunProfiles(ctx, opts.factory, names, opts.Profiles.MaxParallel,
		func(ctx context.Context, pf *cmdutil.Factory) (*Items, error) {
			po := *opts
			po.Deps = shared.FromFactory(pf)
			return readAll(ctx, &po)
		})
	if err := cmdutil.PrintProfiles(opts.IO, opts.Output(), runs, renderItems); err != nil {
		return err
	}
	return cmdutil.WorstError(runs)
}

// readAll reads every page, within the same bound as the streamed list.
func readAll(ctx context.Context, opts *Options) (*Items, error) {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return nil, err
	}
	q := graph.ApplicationQuery{NamePrefix: opts.NamePrefix, PageSize: opts.PageSize}
	pages := graph.Pages{Max: maxObjects/opts.PageSize + 1,
		Hint: "List fewer apps per run with --name PREFIX, or read more per page with --page-size (up to 999)."}
	items := Items{}
	for {
		page, next, err := g.ListApplications(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			it := Item{AppID: a.AppID, ObjectID: a.ID, DisplayName: a.DisplayName, SignInAudience: a.SignInAudience}
			if !a.CreatedDateTime.IsZero() {
				it.CreatedAt = a.CreatedDateTime.UTC().Format("2006-01-02T15:04:05Z")
			}
			items = append(items, it)
		}
		if next == "" {
			return &items, nil
		}
		if err := pages.Follow(next); err != nil {
			return nil, err
		}
		q.NextLink = next
	}
}

func renderItems(w io.Writer, s *ui.Styles, items *Items) error {
	rows := make([][]string, 0, len(*items))
	for _, it := range *items {
		rows = append(rows, []string{it.AppID, it.ObjectID, it.DisplayName})
	}
	return s.Table(w, []string{"APP ID", "OBJECT ID", "NAME"}, rows)
}

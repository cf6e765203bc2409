// Package list implements `teamsctl app list`.
package list

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/permissions"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// Options are the inputs of app list.
type Options struct {
	shared.Deps
	NamePrefix string
	PageSize   int
}

// Item is one app registration in the list (the JSON output is an array
// of them).
type Item struct {
	AppID          string `json:"appId"`
	ObjectID       string `json:"objectId"`
	DisplayName    string `json:"displayName"`
	SignInAudience string `json:"signInAudience"`
	CreatedAt      string `json:"createdDateTime,omitempty"`
}

// NewCmdList builds the command; runF replaces the run step in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f)}
	cmd := &cobra.Command{
		Use:   "list [--name PREFIX]",
		Short: "List app registrations, page by page",
		Long: `List the app registrations of this tenant whose display name starts with
--name (all when not given). Pages are read from Graph and printed one at a
time, so a large tenant is never loaded at once; -o json prints one JSON
array.`,
		Example: `  teamsctl app list --name elevato
  teamsctl app list -o json | jq -r '.[].appId'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.PageSize < 1 || opts.PageSize > 999 {
				return cmdutil.FlagErrorf("--page-size must be between 1 and 999")
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.NamePrefix, "name", "", "Only apps whose display name starts with this")
	cmd.Flags().IntVar(&opts.PageSize, "page-size", 999, "Apps read per Graph request (1-999)")
	return cmd
}

// needs are what app list reads: the app registrations.
var needs = permissions.Of(permissions.ReadApplications)

// maxObjects bounds the apps app list reads: more than a tenant's
// directory holds (Entra's default quota is 50,000 objects, 300,000 with
// a verified domain; more only on request), so reaching it means the
// pages do not end.
const maxObjects = 1_000_000

func listRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	jsonOut := opts.Output() == config.OutputJSON
	out := opts.IO.Out
	tty := opts.IO.IsStdoutTTY()
	q := graph.ApplicationQuery{NamePrefix: opts.NamePrefix, PageSize: opts.PageSize}
	pages := graph.Pages{Max: maxObjects/opts.PageSize + 1,
		Hint: "List fewer apps per run with --name PREFIX, or read more per page with --page-size (up to 999)."}
	n := 0
	if jsonOut {
		fmt.Fprint(out, "[")
	} else if tty {
		fmt.Fprintf(out, "%-38s %-38s %s\n", "APP ID", "OBJECT ID", "NAME")
	}
	for {
		page, next, err := g.ListApplications(ctx, q)
		if err != nil {
			if jsonOut {
				fmt.Fprintln(out, "]")
			}
			return err
		}
		for _, a := range page {
			it := Item{AppID: a.AppID, ObjectID: a.ID, DisplayName: a.DisplayName, SignInAudience: a.SignInAudience}
			if !a.CreatedDateTime.IsZero() {
				it.CreatedAt = a.CreatedDateTime.UTC().Format("2006-01-02T15:04:05Z")
			}
			switch {
			case jsonOut:
				data, _ := json.MarshalIndent(it, "  ", "  ")
				sep := ","
				if n == 0 {
					sep = ""
				}
				fmt.Fprintf(out, "%s\n  %s", sep, data)
			// Pages are streamed, not passed to cmdutil.Print: the text
			// escapes names from Graph as Print does.
			case tty:
				fmt.Fprintf(out, "%-38s %-38s %s\n", ui.Escape(it.AppID), ui.Escape(it.ObjectID), ui.Escape(it.DisplayName))
			default:
				fmt.Fprintf(out, "%s\t%s\t%s\n", ui.Escape(it.AppID), ui.Escape(it.ObjectID), ui.Escape(it.DisplayName))
			}
			n++
		}
		if next == "" {
			break
		}
		if err := pages.Follow(next); err != nil {
			if jsonOut {
				fmt.Fprintln(out, "]")
			}
			return err
		}
		q.NextLink = next
	}
	if jsonOut {
		if n > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintln(out, "]")
	} else if n == 0 && tty {
		fmt.Fprintln(opts.IO.ErrOut, "No app registrations found.")
	}
	return nil
}

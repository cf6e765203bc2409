// Package list implements `teamsctl app list`.
package list

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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
	// Enterprise lists enterprise apps (service principals) instead of
	// app registrations.
	Enterprise bool
	// Profiles lists across profiles (profiles.go).
	Profiles cmdutil.ProfilesFlags
	factory  *cmdutil.Factory
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

// EnterpriseItem is one enterprise app (service principal) in the list of
// app list --enterprise (the JSON output is an array of them).
type EnterpriseItem struct {
	AppID       string `json:"appId"`
	ObjectID    string `json:"objectId"`
	DisplayName string `json:"displayName"`
	// OwnerTenantID is the tenant that registered the app
	// (appOwnerOrganizationId); Owner names it: Microsoft, or the id.
	OwnerTenantID string `json:"ownerTenantId"`
	Owner         string `json:"owner"`
	// VerifiedPublisher is the publisher Entra verified, "" when none.
	VerifiedPublisher  string `json:"verifiedPublisher"`
	Enabled            bool   `json:"accountEnabled"`
	AssignmentRequired bool   `json:"appRoleAssignmentRequired"`
}

// microsoftTenants own Microsoft's first-party apps: Microsoft Services
// and Microsoft's corporate tenant, the appOwnerOrganizationId values of
// first-party service principals.
var microsoftTenants = []string{"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"}

func enterpriseItem(sp graph.ServicePrincipal) EnterpriseItem {
	it := EnterpriseItem{AppID: sp.AppID, ObjectID: sp.ID, DisplayName: sp.DisplayName, OwnerTenantID: sp.AppOwnerOrganizationID,
		Owner: sp.AppOwnerOrganizationID, VerifiedPublisher: sp.VerifiedPublisher, Enabled: sp.AccountEnabled,
		AssignmentRequired: sp.AppRoleAssignmentRequired}
	if slices.Contains(microsoftTenants, strings.ToLower(sp.AppOwnerOrganizationID)) {
		it.Owner = "Microsoft"
	}
	if it.Owner == "" {
		it.Owner = "unknown"
	}
	return it
}

// NewCmdList builds the command; runF replaces the run step in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Deps: shared.FromFactory(f), factory: f}
	cmd := &cobra.Command{
		Use:   "list [--enterprise] [--name PREFIX]",
		Short: "List app registrations (or enterprise apps), page by page",
		Long: `List the app registrations of this tenant whose display name starts with
--name (all when not given). Pages are read from Graph and printed one at a
time, so a large tenant is never loaded at once; -o json prints one JSON
array.

--enterprise lists enterprise apps (service principals) instead: the apps
users can sign in to, a vendor's included, as the Entra admin center's
Enterprise applications shows them. Each line has the appId, object id,
name, the tenant that owns the app (Microsoft, or its tenant id), its
verified publisher, whether users may sign in (enabled) and whether
assignment is required. Vendors such as Recruitee create several
enterprise apps (one per sync); --name Recruitee lists them all for review.
--name matches the start of the name, ignoring case, as Graph's
startswith does.

--all-profiles (or --profiles a,b,c) lists each profile's tenant,
concurrently (at most --max-parallel at once), in one result with the
profile on every row (JSON: an entry per profile); a profile that fails does
not stop the others, and the exit status is the worst profile's.`,
		Example: `  teamsctl app list --name elevato
  teamsctl app list -o json | jq -r '.[].appId'
  teamsctl app list --enterprise --name Recruitee`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.PageSize < 1 || opts.PageSize > 999 {
				return cmdutil.FlagErrorf("--page-size must be between 1 and 999")
			}
			if err := opts.Profiles.Validate(cmd); err != nil {
				return err
			}
			if opts.Profiles.Enabled() && opts.Enterprise {
				return cmdutil.FlagErrorf("--enterprise lists one tenant's enterprise apps: leave out --all-profiles and --profiles")
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Profiles.Enabled() {
				return profilesRun(cmd.Context(), opts)
			}
			if opts.Enterprise {
				return enterpriseRun(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Enterprise, "enterprise", false, "List enterprise apps (service principals), vendors' apps included, instead of app registrations")
	cmd.Flags().StringVar(&opts.NamePrefix, "name", "", "Only apps whose display name starts with this")
	cmd.Flags().IntVar(&opts.PageSize, "page-size", 999, "Apps read per Graph request (1-999)")
	cmdutil.AddProfilesFlags(cmd, &opts.Profiles)
	return cmd
}

// needs are what app list reads: the app registrations, or the service
// principals (the same permissions read both).
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
	q := graph.ApplicationQuery{NamePrefix: opts.NamePrefix, PageSize: opts.PageSize}
	const row = "%-38s %-38s %s\n"
	return streamPages(opts, listing[Item]{
		header: fmt.Sprintf(row, "APP ID", "OBJECT ID", "NAME"), row: row, empty: "No app registrations found.",
		hint: "List fewer apps per run with --name PREFIX, or read more per page with --page-size (up to 999).",
		page: func(next string) ([]Item, string, error) {
			q.NextLink = next
			apps, next, err := g.ListApplications(ctx, q)
			items := make([]Item, len(apps))
			for i, a := range apps {
				items[i] = Item{AppID: a.AppID, ObjectID: a.ID, DisplayName: a.DisplayName, SignInAudience: a.SignInAudience}
				if !a.CreatedDateTime.IsZero() {
					items[i].CreatedAt = a.CreatedDateTime.UTC().Format("2006-01-02T15:04:05Z")
				}
			}
			return items, next, err
		},
		cols: func(it Item) []string {
			return []string{ui.Escape(it.AppID), ui.Escape(it.ObjectID), ui.Escape(it.DisplayName)}
		},
	})
}

// enterpriseRun streams the service principals page by page, as listRun
// streams app registrations.
func enterpriseRun(ctx context.Context, opts *Options) error {
	g, err := opts.Graph(ctx, needs...)
	if err != nil {
		return err
	}
	q := graph.ServicePrincipalQuery{NamePrefix: opts.NamePrefix, PageSize: opts.PageSize}
	const row = "%-38s %-38s %-32s %-38s %-20s %-8s %s\n"
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	return streamPages(opts, listing[EnterpriseItem]{
		header: fmt.Sprintf(row, "APP ID", "OBJECT ID", "NAME", "OWNER TENANT", "VERIFIED PUBLISHER", "ENABLED", "ASSIGNMENT REQUIRED"),
		row:    row, empty: "No enterprise apps found.",
		hint: "List fewer enterprise apps per run with --name PREFIX, or read more per page with --page-size (up to 999).",
		page: func(next string) ([]EnterpriseItem, string, error) {
			q.NextLink = next
			sps, next, err := g.ListServicePrincipals(ctx, q)
			items := make([]EnterpriseItem, len(sps))
			for i, sp := range sps {
				items[i] = enterpriseItem(sp)
			}
			return items, next, err
		},
		cols: func(it EnterpriseItem) []string {
			return []string{ui.Escape(it.AppID), ui.Escape(it.ObjectID), ui.Escape(it.DisplayName), ui.Escape(it.Owner),
				ui.Escape(cmp.Or(it.VerifiedPublisher, "-")), yesNo(it.Enabled), yesNo(it.AssignmentRequired)}
		},
	})
}

// listing is what streamPages needs of one kind of list: how to read a
// page (next is "" for the first) and how to show an item.
type listing[T any] struct {
	header, row, empty, hint string
	page                     func(next string) (items []T, nextLink string, err error)
	// cols are the item's escaped columns, for row or tab-separated.
	cols func(T) []string
}

// streamPages writes the pages as they arrive: one JSON array, a table
// with a header on a terminal, tab-separated rows otherwise. Pages are not
// passed to cmdutil.Print, so the columns escape names from Graph as Print
// does.
func streamPages[T any](opts *Options, l listing[T]) error {
	jsonOut := opts.Output() == config.OutputJSON
	out := opts.IO.Out
	tty := opts.IO.IsStdoutTTY()
	pages := graph.Pages{Max: maxObjects/opts.PageSize + 1, Hint: l.hint}
	n := 0
	if jsonOut {
		fmt.Fprint(out, "[")
	} else if tty {
		fmt.Fprint(out, l.header)
	}
	closeJSON := func() {
		if jsonOut {
			fmt.Fprintln(out, "]")
		}
	}
	next := ""
	for {
		items, nextLink, err := l.page(next)
		if err != nil {
			closeJSON()
			return err
		}
		for _, it := range items {
			switch cols := l.cols(it); {
			case jsonOut:
				data, _ := json.MarshalIndent(it, "  ", "  ")
				sep := ","
				if n == 0 {
					sep = ""
				}
				fmt.Fprintf(out, "%s\n  %s", sep, data)
			case tty:
				args := make([]any, len(cols))
				for i, c := range cols {
					args[i] = c
				}
				fmt.Fprintf(out, l.row, args...)
			default:
				fmt.Fprintln(out, strings.Join(cols, "\t"))
			}
			n++
		}
		if nextLink == "" {
			break
		}
		if err := pages.Follow(nextLink); err != nil {
			closeJSON()
			return err
		}
		next = nextLink
	}
	if jsonOut && n > 0 {
		fmt.Fprintln(out)
	}
	closeJSON()
	if !jsonOut && n == 0 && tty {
		fmt.Fprintln(opts.IO.ErrOut, l.empty)
	}
	return nil
}

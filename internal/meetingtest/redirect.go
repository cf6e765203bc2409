package meetingtest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/appreg"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Redirect platforms for the temporary loopback redirect (appreg's).
const (
	PlatformWeb    = appreg.PlatformWeb
	PlatformPublic = appreg.PlatformPublic
	// LoopbackRedirect is what Entra matches any loopback port against.
	LoopbackRedirect = "http://localhost"
)

// HasLoopback reports whether uris hold a loopback redirect URI, on which
// teamsctl can receive a browser sign-in.
func HasLoopback(uris []string) bool {
	return slices.ContainsFunc(uris, func(u string) bool {
		return strings.HasPrefix(u, "http://localhost") || strings.HasPrefix(u, "http://127.0.0.1")
	})
}

// AppEditor reads and updates an app registration.
type AppEditor interface {
	Application(ctx context.Context, objectID string) (*graph.Application, error)
	UpdateApplication(ctx context.Context, objectID string, u graph.ApplicationUpdate) error
}

// TempRedirect is the loopback redirect URI a test adds to the app (when
// the app has none) and removes afterwards.
type TempRedirect struct {
	Graph    AppEditor
	ObjectID string
	AppName  string // for messages
	Platform string // PlatformWeb or PlatformPublic
	URI      string
	// Log receives one line when the URI is added and when it is removed.
	Log io.Writer
	// Journal records the URI while it is on the app, so that a run
	// killed before Restore leaves it for the next run to remove (nil:
	// no journal).
	Journal *RedirectJournal
	// sent is set once the request adding the URI was sent: it may have
	// landed even when it failed (Ctrl-C while it was in flight).
	sent bool
	// added is set once the URI was added by this test (it was not there).
	added bool
}

// Add adds the redirect URI unless the app has it.
func (r *TempRedirect) Add(ctx context.Context) error {
	app, err := r.Graph.Application(ctx, r.ObjectID)
	if err != nil {
		return err
	}
	uris := appreg.RedirectURIs(app, r.Platform)
	if slices.Contains(uris, r.URI) {
		return nil
	}
	if err := r.Journal.begin(PendingRedirect{ObjectID: r.ObjectID, AppName: r.AppName, Platform: r.Platform, URI: r.URI}); err != nil {
		return fmt.Errorf("recording the temporary redirect URI %s in %s: %w", r.URI, r.Journal.Dir, err)
	}
	r.sent = true
	if err := r.Graph.UpdateApplication(ctx, r.ObjectID, appreg.RedirectUpdate(app, r.Platform, append(slices.Clone(uris), r.URI))); err != nil {
		return fmt.Errorf("adding the temporary redirect URI %s: %w", r.URI, err)
	}
	r.added = true
	fmt.Fprintf(r.Log, "Added the temporary redirect URI %s to %s; it is removed when the test ends.\n", r.URI, r.AppName)
	return nil
}

// Restore removes the redirect URI Add added, and its journal record. It
// runs after the test, whether it passed, failed or was cancelled, with a
// context of its own: the command's may already be cancelled by Ctrl-C.
// When Add's request failed, it may still have landed, so Restore looks.
// A nil TempRedirect does nothing.
func (r *TempRedirect) Restore(ctx context.Context) {
	if r == nil || !r.sent {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	_, removed, err := removeRedirect(ctx, r.Graph, r.ObjectID, r.Platform, r.URI)
	if err != nil {
		r.Journal.release(r.ObjectID, false)
		next := "Remove it"
		if r.Journal.enabled() {
			next = "The next 'teamsctl meeting test' or 'teamsctl setup' on this tenant removes it; or remove it"
		}
		fmt.Fprintf(r.Log, "Could not remove the temporary redirect URI %s from %s: %v\n%s in Entra admin center > App registrations > the app > Authentication.\n", r.URI, r.AppName, err, next)
		return
	}
	if removed || r.added {
		fmt.Fprintf(r.Log, "Removed the temporary redirect URI %s.\n", r.URI)
	}
	r.sent, r.added = false, false
	if err := r.Journal.done(r.ObjectID); err != nil {
		fmt.Fprintf(r.Log, "Could not clear the record of the temporary redirect URI: %v\n", err)
	}
}

// removeRedirect removes uri from the platform's redirect URIs of an app,
// keeping the others in their order. removed says whether it was there; an
// app that is gone (404) has nothing to remove. app is nil then.
func removeRedirect(ctx context.Context, g AppEditor, objectID, platform, uri string) (app *graph.Application, removed bool, err error) {
	app, err = g.Application(ctx, objectID)
	if graph.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	uris := appreg.RedirectURIs(app, platform)
	kept := slices.DeleteFunc(slices.Clone(uris), func(u string) bool { return u == uri })
	if len(kept) == len(uris) {
		return app, false, nil
	}
	err = g.UpdateApplication(ctx, objectID, appreg.RedirectUpdate(app, platform, kept))
	if graph.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return app, false, err
	}
	return app, true, nil
}

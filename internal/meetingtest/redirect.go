package test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/teamsctl/teamsctl/internal/graph"
)

// tempRedirect is the loopback redirect URI --temp-redirect adds to the
// app for the test and removes afterwards.
type tempRedirect struct {
	objectID string
	platform string
	uri      string
	// added is set once the URI was added by this test (it was not there).
	added bool
}

// addTempRedirect adds the redirect URI, if the plan needs one.
func (p *plan) addTempRedirect(ctx context.Context) error {
	r := p.redirect
	if r == nil {
		return nil
	}
	app, err := p.admin.Application(ctx, r.objectID)
	if err != nil {
		return err
	}
	uris := redirectURIs(app, r.platform)
	if slices.Contains(uris, r.uri) {
		return nil
	}
	if err := p.admin.UpdateApplication(ctx, r.objectID, redirectUpdate(app, r.platform, append(slices.Clone(uris), r.uri))); err != nil {
		return fmt.Errorf("adding the temporary redirect URI %s: %w", r.uri, err)
	}
	r.added = true
	fmt.Fprintf(p.o.IO.ErrOut, "Added the temporary redirect URI %s to %s; it is removed when the test ends.\n", r.uri, p.app.DisplayName)
	return nil
}

// restore removes the temporary redirect URI. It runs after the test,
// whether it passed, failed or was cancelled, with a context of its own:
// the command's may already be cancelled by Ctrl-C.
func (p *plan) restore(ctx context.Context) {
	r := p.redirect
	if r == nil || !r.added {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	err := func() error {
		app, err := p.admin.Application(ctx, r.objectID)
		if err != nil {
			return err
		}
		uris := redirectURIs(app, r.platform)
		kept := slices.DeleteFunc(slices.Clone(uris), func(u string) bool { return u == r.uri })
		if len(kept) == len(uris) {
			return nil
		}
		return p.admin.UpdateApplication(ctx, r.objectID, redirectUpdate(app, r.platform, kept))
	}()
	if err != nil {
		fmt.Fprintf(p.o.IO.ErrOut, "Could not remove the temporary redirect URI %s from %s: %v\nRemove it in Entra admin center > App registrations > the app > Authentication.\n", r.uri, p.app.DisplayName, err)
		return
	}
	r.added = false
	fmt.Fprintf(p.o.IO.ErrOut, "Removed the temporary redirect URI %s.\n", r.uri)
}

func redirectURIs(app *graph.Application, platform string) []string {
	if platform == platformPublic {
		return app.PublicClientRedirectURIs
	}
	return app.Web.RedirectURIs
}

// redirectUpdate replaces one platform's redirect URIs; Graph replaces
// the web settings as a whole, so they are carried over.
func redirectUpdate(app *graph.Application, platform string, uris []string) graph.ApplicationUpdate {
	if uris == nil {
		uris = []string{}
	}
	if platform == platformPublic {
		return graph.ApplicationUpdate{PublicClientRedirectURIs: &uris}
	}
	web := app.Web
	web.RedirectURIs = uris
	return graph.ApplicationUpdate{Web: &web}
}

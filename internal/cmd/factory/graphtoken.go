package factory

import (
	"context"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/build"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/graph/msgraph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// addGraphWithToken wires GraphWithToken: the same endpoints, HTTP client
// and retry policy as Graph, with tokens from the caller (the app under
// test) instead of the profile's sign-in.
func addGraphWithToken(f *cmdutil.Factory) {
	f.GraphWithToken = func(source func(ctx context.Context) (auth.Token, error)) (graph.Client, error) {
		endpoints, err := f.Endpoints()
		if err != nil {
			return nil, err
		}
		hc, err := f.HTTPClient()
		if err != nil {
			return nil, err
		}
		return msgraph.NewWithToken(msgraph.Options{Endpoints: endpoints, HTTPClient: hc,
			Version: build.Version, Retry: RetryPolicy(f)}, source)
	}
}

// RetryPolicy is the one retry policy of every Graph client, on the
// factory's clock when a test or benchmark injected one (f.Sleep), with
// the invocation's one throttle gate.
func RetryPolicy(f *cmdutil.Factory) retry.Policy {
	p := retry.Default()
	p.Gate = f.Throttle
	if f.Sleep != nil {
		p.Sleep = f.Sleep
		if f.Now != nil {
			p.Now = f.Now
		}
	}
	return p
}

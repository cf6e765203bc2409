// Package authtest builds command-test factories whose sign-in is real:
// MSAL against the emulator over TLS. It links no Graph SDK: tests supply
// their own graph client.
package authtest

import (
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
	"github.com/teamsctl/teamsctl/internal/emulator/emutest"
)

// Admin is the emulator seed's Global Administrator.
const Admin = "admin@contoso.onmicrosoft.com"

// Env is a command-test Env with a running emulator.
type Env struct {
	*cmdtest.Env
	Emulator *emutest.Env
}

// New returns an Env whose factory signs in to the emulator; env holds
// environment variables. Nobody approves device codes, so a device code
// sign-in would wait: use it for commands run without a sign-in.
func New(t *testing.T, env map[string]string) *Env { return newEnv(t, env, false) }

// NewSandbox is New with device codes approved by the seed admin as soon
// as they are issued, as --sandbox does.
func NewSandbox(t *testing.T, env map[string]string) *Env { return newEnv(t, env, true) }

func newEnv(t *testing.T, env map[string]string, sandbox bool) *Env {
	t.Helper()
	e := cmdtest.New(t, "", env)
	em := emutest.Start(t)
	endpoints, err := auth.ResolveEndpoints(auth.EndpointOptions{LoginURL: em.URL, GraphURL: em.GraphURL})
	if err != nil {
		t.Fatal(err)
	}
	f := e.Factory
	f.Endpoints = func() (auth.Endpoints, error) { return endpoints, nil }
	f.HTTPClient = func() (*http.Client, error) { return em.HTTPClient(), nil }
	f.Auth = sync.OnceValues(func() (*auth.Authenticator, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		o := auth.Options{
			Endpoints: endpoints, HTTPClient: em.HTTPClient(), Dir: filepath.Dir(e.ConfigPath), Profile: cfg.Profile,
			Tenant: cfg.Tenant, ClientID: cfg.ClientID, Getenv: f.Getenv, Now: f.Now, ErrOut: e.IO.ErrOut,
		}
		if sandbox {
			o.ApproveDeviceCode = func(code string) error { return em.Server.ApproveDeviceCode(code, Admin) }
		}
		return auth.New(o), nil
	})
	return &Env{Env: e, Emulator: em}
}

package bench

import (
	"context"
	"crypto/tls"
	"net/http"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

// TestUserBrowser plays the test user of a browser sign-in (meeting test,
// setup --test-user) against the emulator: it loads the authorize URL,
// where the emulator signs in the login_hint user, and delivers the answer
// to teamsctl's loopback listener, as the sandbox's browser does.
func (e *Env) TestUserBrowser() auth.Browser {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.Emu.CertPool, MinVersion: tls.VersionTLS12}}
	return meetingtest.SandboxBrowser{Client: &http.Client{Transport: tr}}
}

// RunWithBrowser runs one command line in process like Run, with
// TestUserBrowser as the browser. It counts requests but measures no
// waves, time or heap.
func (e *Env) RunWithBrowser(ctx context.Context, args ...string) Result {
	ios, _, out, errOut := iostreams.Test()
	deps := teamsctl.Deps{IOStreams: ios, Getenv: e.getenv, Now: time.Now, Browser: e.TestUserBrowser()}
	if e.Clock != nil {
		deps.Now, deps.Sleep = e.Clock.Now, e.Clock.Sleep
	}
	before := len(e.Emu.Server.RequestLog())
	code := teamsctl.Run(ctx, args, deps)
	log := e.Emu.Server.RequestLog()[before:]
	return Result{Args: args, Code: code, Stdout: out.String(), Stderr: errOut.String(), Log: log, Requests: len(log)}
}

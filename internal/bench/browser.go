package bench

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/meetingtest"
)

// envBrowserCA makes a child process play the test user's browser, over
// TLS trusting the CA in that file (the emulator's).
const envBrowserCA = "TEAMSCTL_BENCH_BROWSER_CA"

// testUserBrowser plays the test user of a browser sign-in (meeting test,
// setup --test-user) against the emulator: it loads the authorize URL,
// where the emulator signs in the login_hint user, and delivers the answer
// to teamsctl's loopback listener, as the sandbox's browser does.
func testUserBrowser(roots *x509.CertPool) auth.Browser {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	return meetingtest.SandboxBrowser{Client: &http.Client{Transport: tr}}
}

// childBrowser is the browser of a child process, if its parent asked
// for one (PlayTestUser).
func childBrowser() auth.Browser {
	path := os.Getenv(envBrowserCA)
	if path == "" {
		return nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	return testUserBrowser(roots)
}

// PlayTestUser makes the commands' browser sign-ins, in process and in
// child processes, sign in the login_hint user without a browser.
func (e *Env) PlayTestUser() {
	e.mu.Lock()
	e.browser = testUserBrowser(e.Emu.CertPool)
	e.mu.Unlock()
	e.Setenv(envBrowserCA, e.getenv("TEAMSCTL_CA_FILE"))
}

package meetingtest

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
)

type fakeApps struct {
	app     graph.Application
	updates int
}

func (f *fakeApps) Application(context.Context, string) (*graph.Application, error) {
	a := f.app
	return &a, nil
}

func (f *fakeApps) UpdateApplication(_ context.Context, _ string, u graph.ApplicationUpdate) error {
	f.updates++
	if u.Web != nil {
		f.app.Web = *u.Web
	}
	if u.PublicClientRedirectURIs != nil {
		f.app.PublicClientRedirectURIs = *u.PublicClientRedirectURIs
	}
	return nil
}

func TestTempRedirectAddsAndRestores(t *testing.T) {
	apps := &fakeApps{}
	apps.app.Web.RedirectURIs = []string{"https://acme.elevato.net/cb"}
	var log bytes.Buffer
	r := &TempRedirect{Graph: apps, ObjectID: "obj", AppName: "elevato", Platform: PlatformWeb, URI: LoopbackRedirect, Log: &log}
	if err := r.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(apps.app.Web.RedirectURIs, []string{"https://acme.elevato.net/cb", LoopbackRedirect}) {
		t.Errorf("after Add: %v", apps.app.Web.RedirectURIs)
	}
	r.Restore(context.Background())
	if !slices.Equal(apps.app.Web.RedirectURIs, []string{"https://acme.elevato.net/cb"}) || apps.updates != 2 {
		t.Errorf("after Restore: %v (%d updates)", apps.app.Web.RedirectURIs, apps.updates)
	}
	if !strings.Contains(log.String(), "Added the temporary redirect URI http://localhost to elevato") ||
		!strings.Contains(log.String(), "Removed the temporary redirect URI") {
		t.Errorf("log = %q", log.String())
	}
	// Already there: nothing is added, so nothing is removed.
	apps.app.PublicClientRedirectURIs = []string{LoopbackRedirect}
	p := &TempRedirect{Graph: apps, ObjectID: "obj", Platform: PlatformPublic, URI: LoopbackRedirect, Log: &log}
	if err := p.Add(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.Restore(context.Background())
	var none *TempRedirect
	none.Restore(context.Background())
	if apps.updates != 2 || !slices.Equal(apps.app.PublicClientRedirectURIs, []string{LoopbackRedirect}) {
		t.Errorf("existing loopback touched: %v (%d updates)", apps.app.PublicClientRedirectURIs, apps.updates)
	}
}

func TestHasLoopback(t *testing.T) {
	if !HasLoopback([]string{"https://x/cb", "http://127.0.0.1:8400"}) || HasLoopback([]string{"https://localhost/cb"}) {
		t.Error("HasLoopback")
	}
}

func TestScopes(t *testing.T) {
	if got := Scopes(KindEvent); !slices.Equal(got, auth.Scopes{"User.Read", "Calendars.ReadWrite"}) {
		t.Errorf("event: %v", got)
	}
	if got := Scopes(KindBoth); len(got) != 3 {
		t.Errorf("both: %v", got)
	}
}

func TestOwnSignIn(t *testing.T) {
	in := auth.AppSignIn{ClientID: "vendor", Secret: "s", CertificatePath: "c.pem", Flow: auth.AppFlowBrowser}
	notes := OwnSignIn(&in, "", "EBMS")
	if in.ClientID != auth.DefaultClientID || in.Flow != auth.AppFlowDeviceCode || in.Secret != "" || in.CertificatePath != "" {
		t.Errorf("sign-in = %+v", in)
	}
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "EBMS is hosted by its vendor") || !strings.Contains(notes[0], "was not exercised") {
		t.Errorf("notes = %q", notes)
	}
	if notes := OwnSignIn(&in, "mine", ""); in.ClientID != "mine" || !strings.HasPrefix(notes[0], "No APP was given") {
		t.Errorf("own client: %+v %q", in, notes)
	}
}

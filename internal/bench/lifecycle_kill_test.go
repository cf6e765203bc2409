package bench

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/emulator"
)

// rotatedAppID is the app the rotation tests rotate, put in the tenant
// without requests (the killed process's requests are counted from the
// emulator's start).
const rotatedAppID = "7d2c1b0a-5e4f-4a3b-9c8d-1e2f3a4b5c6d"

func withRotatedApp(e *Env) {
	e.TB.Helper()
	err := e.Emu.Server.Update(func(st *emulator.State) error {
		t := st.HomeTenant()
		now := time.Now().UTC()
		t.Applications = append(t.Applications, &emulator.Application{ID: st.NewGUID(), AppID: rotatedAppID, DisplayName: "Rotated",
			SignInAudience: "AzureADMyOrg", PublisherDomain: t.InitialDomain(), CreatedDateTime: now.Add(-200 * 24 * time.Hour), Tags: []string{"teamsctl"},
			PasswordCredentials: []*emulator.PasswordCredential{{KeyID: st.NewGUID(), DisplayName: "teamsctl", Hint: "abc",
				SecretText: "abc8Q~old", StartDateTime: now.Add(-200 * 24 * time.Hour), EndDateTime: now.Add(20 * 24 * time.Hour)}}})
		return nil
	})
	if err != nil {
		e.TB.Fatal(err)
	}
}

// TestKilledSecretRotateConverges kills `app secret rotate` (SIGKILL, as
// a process) at each of its requests and re-runs it: the app keeps its old
// secret and has exactly one new one, whose value the re-run showed (a
// secret the killed run created is removed, as nobody has its value).
func TestKilledSecretRotateConverges(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	args := []string{"app", "secret", "rotate", rotatedAppID, "-o", "json"}
	ref := Start(t, Options{Real: true, Latency: time.Millisecond})
	withRotatedApp(ref)
	total := ref.MustRun(args...).Requests
	orphans := 0
	killed := killEach(t, Options{}, withRotatedApp, args, total, exitedZero, func(what string, e *Env, rerun Result) {
		if strings.Contains(rerun.Stderr, "interrupted run created but never showed") {
			orphans++
		}
		var out struct {
			Secret struct{ KeyID, Value string }
		}
		if err := json.Unmarshal([]byte(rerun.Stdout), &out); err != nil || out.Secret.Value == "" {
			t.Errorf("%s: the re-run showed no new secret (%v)\n%s", what, err, rerun.Stdout)
			return
		}
		st, err := e.Emu.Server.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range st.HomeTenant().Applications {
			if a.AppID != rotatedAppID {
				continue
			}
			var names []string
			for _, p := range a.PasswordCredentials {
				names = append(names, p.DisplayName)
			}
			if len(a.PasswordCredentials) != 2 || !slices.Contains(names, "teamsctl") ||
				!slices.ContainsFunc(a.PasswordCredentials, func(p *emulator.PasswordCredential) bool { return p.KeyID == out.Secret.KeyID }) {
				t.Errorf("%s: the app's secrets are %v, want the old one and the shown %s", what, names, out.Secret.KeyID)
			}
		}
		if left := pendingLeft(e); len(left) > 0 {
			t.Errorf("%s: pending-secret records left after a delivered secret: %v", what, left)
		}
	})
	t.Logf("%d requests, %d kills, %d left a secret that the re-run removed", total, killed, orphans)
	if orphans == 0 {
		t.Error("no kill left an undelivered secret: the orphan removal was not exercised")
	}
}

// withConsentRequests puts two users' pending admin consent requests for
// Microsoft Graph Command Line Tools in the tenant, and gives the admin's
// token the permission to review them.
func withConsentRequests(e *Env) {
	e.TB.Helper()
	err := e.Emu.Server.Update(func(st *emulator.State) error {
		t := st.HomeTenant()
		req := &emulator.AppConsentRequest{ID: st.NewGUID(), AppID: emulator.GraphCommandLineToolsAppID, AppDisplayName: "Microsoft Graph Command Line Tools"}
		for _, u := range t.Users {
			if strings.EqualFold(u.UserPrincipalName, Admin) || len(req.UserRequests) == 2 {
				continue
			}
			req.UserRequests = append(req.UserRequests, &emulator.UserConsentRequest{ID: st.NewGUID(), Status: emulator.ConsentRequestInProgress,
				CreatedDateTime: time.Now().UTC(), UserID: u.ID, UserDisplayName: u.DisplayName, UserPrincipalName: u.UserPrincipalName,
				Scopes: []string{"Calendars.ReadWrite"}, Stage: emulator.ApprovalStage{ID: st.NewGUID(), Status: emulator.ConsentRequestInProgress,
					ReviewResult: emulator.ReviewNotReviewed}})
		}
		t.AppConsentRequests = append(t.AppConsentRequests, req)
		return nil
	})
	if err != nil {
		e.TB.Fatal(err)
	}
	e.Setenv("TEAMSCTL_ACCESS_TOKEN", e.Emu.Token(e.TB, Admin, "", append(slices.Clone(AdminScopes), "ConsentRequest.ReadWrite.All")...))
}

// TestKilledConsentApproveConverges kills `consent requests approve`
// (SIGKILL, as a process) at each of its requests and re-runs it: the app
// is granted Calendars.ReadWrite for all users once, and every user's
// request is approved.
func TestKilledConsentApproveConverges(t *testing.T) {
	// Child processes: run beside the others, after the virtual-clock tests.
	t.Parallel()
	args := []string{"consent", "requests", "approve", emulator.GraphCommandLineToolsAppID, "--yes", "-o", "json"}
	ref := Start(t, Options{Real: true, Latency: time.Millisecond})
	withConsentRequests(ref)
	total := ref.MustRun(args...).Requests
	killed := killEach(t, Options{}, withConsentRequests, args, total, exitedZero, func(what string, e *Env, rerun Result) {
		st, err := e.Emu.Server.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		ten := st.HomeTenant()
		sp := ten.ServicePrincipalByAppID(emulator.GraphCommandLineToolsAppID)
		grants := 0
		for _, g := range ten.Grants {
			if sp != nil && g.ClientID == sp.ID && g.ConsentType == "AllPrincipals" {
				grants++
				if !slices.Contains(strings.Fields(g.Scope), "Calendars.ReadWrite") {
					t.Errorf("%s: the grant is %q, want Calendars.ReadWrite in it", what, g.Scope)
				}
			}
		}
		if grants != 1 {
			t.Errorf("%s: %d tenant-wide grants to the app, want 1", what, grants)
		}
		for _, r := range ten.AppConsentRequests {
			for _, u := range r.UserRequests {
				if u.Status != emulator.ConsentRequestCompleted || u.Stage.ReviewResult != emulator.ReviewApprove {
					t.Errorf("%s: %s's request is %s / %s, want approved", what, u.UserPrincipalName, u.Status, u.Stage.ReviewResult)
				}
			}
		}
	})
	t.Logf("%d requests, %d kills", total, killed)
}

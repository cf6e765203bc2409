package meetingtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/teamsctl/teamsctl/internal/causes"
)

// The sandbox has no sign-in page: the sandbox plays the test user, as it
// plays the admin for teamsctl's own sign-in. These use the emulator's
// control API through the sandbox's in-process transport; they are only
// wired in --sandbox mode (meeting test, setup --test-user).

// SandboxApprover approves a device code as upn. A sign-in the emulator
// refuses (consent, assignment, Conditional Access) is recorded on the code
// and reaches MSAL's next poll as Entra's error.
func SandboxApprover(client *http.Client, loginURL, upn string) func(string) error {
	return func(userCode string) error {
		body, _ := json.Marshal(map[string]string{"user": upn})
		u := strings.TrimRight(loginURL, "/") + "/_emulator/devicecodes/" + url.PathEscape(userCode) + "/approve"
		resp, err := client.Post(u, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			msg, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("the sandbox refused the device code approval: %s", strings.TrimSpace(string(msg)))
		}
		return nil
	}
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formInput  = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"`)
)

// SandboxBrowser completes a browser sign-in against the sandbox: it loads
// the authorize URL (the sandbox signs in the login_hint user) and delivers
// the answer to the loopback listener, as a browser would: a redirect is
// followed, a form_post page is submitted.
type SandboxBrowser struct {
	Client *http.Client
}

// SignInNote is what the sign-in says instead of "Opened your browser":
// no browser opens, the sandbox signs the test user in.
func (SandboxBrowser) SignInNote() string {
	return "The sandbox signs the test user in (no browser opens)."
}

// Open implements auth.Browser.
func (b SandboxBrowser) Open(authorizeURL string) error {
	c := *b.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(authorizeURL)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loopback := &http.Client{}
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		go func() {
			if r, err := loopback.Get(loc); err == nil {
				r.Body.Close()
			}
		}()
		return nil
	}
	action := formAction.FindStringSubmatch(string(page))
	if action == nil {
		return errors.New("the sandbox sign-in page has no form")
	}
	form := url.Values{}
	for _, m := range formInput.FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	// The listener waits in another goroutine; post from a third.
	go func() {
		if r, err := loopback.PostForm(html.UnescapeString(action[1]), form); err == nil {
			r.Body.Close()
		}
	}()
	return nil
}

// SandboxAccessPolicy is a Teams application access policy as the
// sandbox's control API lists it.
type SandboxAccessPolicy struct {
	Identity string   `json:"identity"`
	AppIDs   []string `json:"appIds"`
	Users    []string `json:"users,omitempty"`
	Global   bool     `json:"global,omitempty"`
}

// SandboxAccessPolicies reads the sandbox's Teams application access
// policies, which it models because Graph cannot read them.
func SandboxAccessPolicies(client *http.Client, loginURL string) ([]SandboxAccessPolicy, error) {
	resp, err := client.Get(strings.TrimRight(loginURL, "/") + "/_emulator/teams-policies")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading the sandbox's Teams policies: %s", resp.Status)
	}
	var body struct {
		Value []SandboxAccessPolicy `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("reading the sandbox's Teams policies: %w", err)
	}
	return body.Value, nil
}

// PolicyFor returns the policy that lets appID create online meetings for
// the user (object id), as Teams decides it: one naming the app, granted
// to the user or globally; nil when there is none.
func PolicyFor(policies []SandboxAccessPolicy, appID, userID string) *SandboxAccessPolicy {
	for i, p := range policies {
		if slices.ContainsFunc(p.AppIDs, func(a string) bool { return strings.EqualFold(a, appID) }) &&
			(p.Global || slices.ContainsFunc(p.Users, func(u string) bool { return strings.EqualFold(u, userID) })) {
			return &policies[i]
		}
	}
	return nil
}

// StepAccessPolicy is the one step of an access-policy check.
const StepAccessPolicy = "access policy"

// PolicyCheck is the test of a vendor-hosted app-only integration: the
// app creates meetings with the vendor's credentials, which teamsctl does
// not hold, and Teams lets it only for organizers an application access
// policy naming the app is granted to. Policies are the sandbox's (nil
// outside it, where only Teams PowerShell can read them: the result then
// says how to verify).
type PolicyCheck struct {
	App          *App
	Policy       string
	Organizer    string // object id
	OrganizerUPN string
	Kind         Kind
	Policies     []SandboxAccessPolicy
	Sandbox      bool
	// Verify is the Teams PowerShell that shows the policy.
	Verify string
}

// Result checks the policy and reports it as a meeting test's result.
func (c PolicyCheck) Result() *Result {
	res := &Result{OK: true, As: AsApp, App: c.App, Organizer: c.OrganizerUPN, Kind: c.Kind, Created: []Created{},
		Notes: []string{fmt.Sprintf("%s is hosted by its vendor and creates meetings with its own credentials, which teamsctl does not hold: the test checks what Teams requires of it, the application access policy %s for the organizer.", c.App.DisplayName, c.Policy)}}
	step := Step{Name: StepAccessPolicy, Status: StatusOK}
	switch p := PolicyFor(c.Policies, c.App.AppID, c.Organizer); {
	case !c.Sandbox:
		step.Status, step.Detail = StatusSkipped, "Graph cannot read Teams policies"
		res.Notes = append(res.Notes, "Verify in Teams PowerShell: "+c.Verify)
	case p != nil && p.Global:
		step.Detail = fmt.Sprintf("%s names the app and is granted to everyone (checked in the sandbox)", p.Identity)
	case p != nil:
		step.Detail = fmt.Sprintf("%s names the app and is granted to %s (checked in the sandbox)", p.Identity, c.OrganizerUPN)
	default:
		step.Status, step.Error = StatusFailed, fmt.Sprintf("no Teams application access policy naming %s is granted to %s", c.App.AppID, c.OrganizerUPN)
		res.OK = false
		res.Failure = &Failure{Step: StepAccessPolicy, Error: step.Error}
		if cause, ok := causes.Lookup(causes.TeamsAccessPolicyAbsent); ok {
			cause = cause.With(causes.Subject{AppID: c.App.AppID, UserID: c.Organizer, User: c.OrganizerUPN, Policy: c.Policy})
			cause.Fix.Command = fmt.Sprintf("teamsctl sandbox teams-policy grant --name %s --app %s --user %s", c.Policy, c.App.AppID, c.OrganizerUPN)
			res.Failure.Cause = &cause
		}
	}
	res.Steps = []Step{step}
	return res
}

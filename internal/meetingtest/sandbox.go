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
	"strings"
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

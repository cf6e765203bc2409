package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/teamsctl/teamsctl/internal/emulator"
	"github.com/teamsctl/teamsctl/internal/sandbox"
)

// signInTarget is the emulator a scripted user signs in to: the in-process
// TLS emulator of `emu start`, or the script's sandbox tenant.
type signInTarget struct {
	rt      http.RoundTripper
	base    string
	approve func(userCode, upn string) error
}

func signInTargetFor(ts *testscript.TestScript) signInTarget {
	if v, ok := emulators.Load(ts); ok {
		srv := v.(*emulator.Server)
		return signInTarget{rt: handlerTransport{srv}, base: "https://login.emulator.invalid", approve: srv.ApproveDeviceCode}
	}
	sb, err := sandbox.OpenForConfig(context.Background(), ts.Getenv("TEAMSCTL_CONFIG_DIR"))
	ts.Check(err)
	return signInTarget{rt: sb.Transport(), base: sandbox.LoginURL(), approve: func(code, upn string) error {
		var approveErr error
		// Save the approval even when the sign-in failed (Do keeps the
		// state only when fn succeeds): the failure is reported here.
		ts.Check(sb.Do(context.Background(), func(s *emulator.Server) error {
			approveErr = s.ApproveDeviceCode(code, upn)
			return nil
		}))
		return approveErr
	}}
}

// handlerTransport serves requests with the emulator's handler directly.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	inner := req.Clone(req.Context())
	inner.RequestURI = req.URL.RequestURI()
	t.h.ServeHTTP(rec, inner)
	return rec.Result(), nil
}

// emuSignIn plays one of the app's users: the app asks for a device code,
// the user approves it at the (emulated) device-login page, the app
// redeems it. It prints "ok" or the AADSTS code of the first failure.
func emuSignIn(ts *testscript.TestScript, clientID, upn string, scopes []string) {
	if len(scopes) == 0 {
		scopes = []string{"https://graph.microsoft.com/.default"}
	}
	t := signInTargetFor(ts)
	hc := &http.Client{Transport: t.rt}
	post := func(path string, form url.Values) (map[string]any, int) {
		resp, err := hc.PostForm(t.base+"/organizations/oauth2/v2.0/"+path, form)
		ts.Check(err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		ts.Check(err)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			ts.Fatalf("emu signin: %s answered %d with %q", path, resp.StatusCode, body)
		}
		return m, resp.StatusCode
	}
	result := func(m map[string]any) string {
		if codes, ok := m["error_codes"].([]any); ok && len(codes) > 0 {
			return fmt.Sprintf("AADSTS%v", codes[0])
		}
		return fmt.Sprintf("error %v", m["error"])
	}
	dc, status := post("devicecode", url.Values{"client_id": {clientID}, "scope": {strings.Join(scopes, " ")}})
	if status != http.StatusOK {
		fmt.Fprintln(ts.Stdout(), result(dc))
		return
	}
	userCode, _ := dc["user_code"].(string)
	if err := t.approve(userCode, upn); err != nil {
		var f *emulator.LoginFailure
		if !errors.As(err, &f) {
			ts.Fatalf("emu signin: approving the device code: %v", err)
		}
		fmt.Fprintf(ts.Stdout(), "AADSTS%d\n", f.Code)
		return
	}
	tok, status := post("token", url.Values{"client_id": {clientID}, "device_code": {dc["device_code"].(string)},
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}})
	if status != http.StatusOK || tok["access_token"] == nil {
		fmt.Fprintln(ts.Stdout(), result(tok))
		return
	}
	fmt.Fprintln(ts.Stdout(), "ok")
}

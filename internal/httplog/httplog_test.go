package httplog

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

type fixed struct {
	status int
	header http.Header
	body   string
	got    string
}

func (f *fixed) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		f.got = string(b)
	}
	return &http.Response{StatusCode: f.status, Status: http.StatusText(f.status), Header: f.header, Body: io.NopCloser(strings.NewReader(f.body))}, nil
}

func TestTraceRedactsSecretsAndKeepsBodies(t *testing.T) {
	base := &fixed{status: 200, header: http.Header{"Content-Type": {"application/json"}, "X-Ms-Request-Id": {"rid-1"}},
		body: `{"access_token":"` + jwt + `","refresh_token":"1.Arefresh","scope":"User.Read","nested":[{"secretText":"s3cr3t~value"}]}`}
	var out bytes.Buffer
	tick := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tr := &Transport{Base: base, Out: &out, Now: func() time.Time { tick = tick.Add(5 * time.Millisecond); return tick }}
	form := "grant_type=authorization_code&code=AUTHCODE123&code_verifier=VERIFIER456&client_secret=SECRET789&client_id=abc"
	req, _ := http.NewRequest("POST", "https://login.example/t/oauth2/v2.0/token?code=QUERYCODE", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+jwt)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), jwt) || base.got != form {
		t.Error("the trace changed what the layers above and below see")
	}
	trace := out.String()
	for _, secret := range []string{jwt, "1.Arefresh", "AUTHCODE123", "VERIFIER456", "SECRET789", "QUERYCODE", "s3cr3t~value"} {
		if strings.Contains(trace, secret) {
			t.Errorf("trace leaks %q:\n%s", secret, trace)
		}
	}
	for _, want := range []string{"> POST https://login.example/t/oauth2/v2.0/token?code=%5BREDACTED%5D", "client_id=abc", "< OK in 5ms (x-ms-request-id: rid-1)", `"scope":"User.Read"`} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
}

// TestEveryFieldNamedForASecretIsRedacted: a field named code, secret,
// token, assertion or password (as a word of its name) is masked in
// forms, JSON at any depth, query strings and HTML form inputs; other
// fields stay.
func TestEveryFieldNamedForASecretIsRedacted(t *testing.T) {
	cases := []struct {
		contentType, body string
		leaks, keeps      []string
	}{
		{"application/json", `{"error":{"code":"Request_ResourceNotFound","message":"gone"}}`, []string{"Request_ResourceNotFound"}, []string{`"message":"gone"`}},
		{"application/json", `{"value":[{"deep":{"userCode":"UC1","client_assertion":"CA1","newPassword":"PW1","token_type":"TT1","displayName":"Elevato"}}]}`,
			[]string{"UC1", "CA1", "PW1", "TT1"}, []string{`"displayName":"Elevato"`}},
		{"application/x-www-form-urlencoded", "code=C1&client_assertion=A1&password=P1&username=u%40x&refresh_token=R1&scope=User.Read",
			[]string{"C1", "A1", "P1", "R1"}, []string{"username=u%40x", "scope=User.Read"}},
		{"text/html; charset=utf-8", `<html><body onload="document.forms[0].submit()"><form method="POST" action="https://app.example/cb">` +
			`<input type="hidden" name="code" value="AUTHCODE1" /><input type="hidden" name="id_token" value="IDTOK1" />` +
			`<INPUT VALUE='CODE2' NAME='code'><input name=state value=STATE1>` +
			`<noscript><input type="submit" value="Submit" /></noscript></form></body></html>`,
			[]string{"AUTHCODE1", "IDTOK1", "CODE2"}, []string{"name=state value=STATE1", `value="Submit"`}},
	}
	for _, c := range cases {
		got := RedactBody(c.contentType, []byte(c.body))
		for _, secret := range c.leaks {
			if strings.Contains(got, secret) {
				t.Errorf("%s: %q leaks:\n%s", c.contentType, secret, got)
			}
		}
		for _, keep := range c.keeps {
			if !strings.Contains(got, keep) {
				t.Errorf("%s: %q lost:\n%s", c.contentType, keep, got)
			}
		}
	}
	u, _ := url.Parse("https://login.example/t/oauth2/v2.0/authorize?client_id=abc&code_challenge=CH1&state=s1")
	if got := RedactURL(u); strings.Contains(got, "CH1") || !strings.Contains(got, "client_id=abc") {
		t.Errorf("RedactURL = %s", got)
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"code": true, "Code": true, "device_code": true, "code_verifier": true, "userCode": true, "secretText": true,
		"client_secret": true, "access_token": true, "id_token": true, "client_assertion": true, "password": true,
		"x-ms-token": true, "scope": false, "codec": false, "encoded": false, "displayName": false, "tokens": false,
		"countryCode": true, "state": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestJWTsAreMaskedAnywhere(t *testing.T) {
	if got := RedactText("token " + jwt + " end"); got != "token [REDACTED] end" {
		t.Errorf("RedactText = %q", got)
	}
}

package httplog

import (
	"bytes"
	"io"
	"net/http"
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

func TestGraphErrorCodesStayVisible(t *testing.T) {
	got := RedactBody("application/json", []byte(`{"error":{"code":"Request_ResourceNotFound","message":"x"}}`))
	if !strings.Contains(got, "Request_ResourceNotFound") {
		t.Errorf("error code redacted: %s", got)
	}
}

func TestJWTsAreMaskedAnywhere(t *testing.T) {
	if got := RedactText("token " + jwt + " end"); got != "token [REDACTED] end" {
		t.Errorf("RedactText = %q", got)
	}
}

// Package httplog traces HTTP traffic for -v/--verbose: method, URL,
// status, duration and request id, plus request and response bodies, with
// every credential redacted. It sits under both MSAL's and Graph's
// requests, so whatever either library sends is traced the same way.
//
// Redaction is by name (query parameters, form fields and JSON keys that
// carry tokens, secrets, codes, passwords or assertions) and, as a second
// line of defence, by shape: anything that looks like a JWT is masked
// wherever it appears. Headers are never printed, so Authorization and
// cookies cannot leak.
package httplog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Redacted replaces every secret value.
const Redacted = "[REDACTED]"

// maxBody is how much of a body is printed; Graph collections can be large.
const maxBody = 2048

// secretParams are query parameter and form field names whose values are
// never printed (compared case-insensitively): what OAuth requests carry.
var secretParams = names("access_token", "refresh_token", "id_token", "client_secret", "client_assertion",
	"assertion", "code", "device_code", "code_verifier", "password")

// secretKeys are JSON keys whose string values are never printed: tokens in
// token responses, device codes, and Graph's secretText (a new client
// secret). Unlike forms, "code" stays visible in JSON: there it is Graph's
// error code, which a trace exists to show.
var secretKeys = names("access_token", "refresh_token", "id_token", "device_code", "client_secret",
	"secretText", "password", "secret")

func names(list ...string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, n := range list {
		m[strings.ToLower(n)] = true
	}
	return m
}

// jwtPattern matches compact JWS/JWE tokens: base64url segments starting
// with the encoded '{"' of a JSON header.
var jwtPattern = lazyregexp.New(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){1,3}`)

// Transport traces each round trip through Base to Out.
type Transport struct {
	Base http.RoundTripper
	Out  io.Writer
	Now  func() time.Time
	mu   sync.Mutex // keeps a request's lines together
}

// RoundTrip traces req and its response. Bodies are read and replaced, so
// the layers above see them unchanged.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := peekRequestBody(req)
	if err != nil {
		return nil, err
	}
	start := t.Now()
	resp, err := t.Base.RoundTrip(req)
	elapsed := t.Now().Sub(start).Round(time.Millisecond)
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, RedactURL(req.URL))
	writeBody(&b, ">", req.Header.Get("Content-Type"), req.Header.Get("Content-Encoding"), reqBody)
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %s\n", elapsed, RedactText(err.Error()))
		t.write(b.String())
		return nil, err
	}
	respBody, rerr := peekResponseBody(resp)
	fmt.Fprintf(&b, "< %s in %s%s\n", resp.Status, elapsed, requestIDSuffix(resp.Header))
	writeBody(&b, "<", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"), respBody)
	t.write(b.String())
	if rerr != nil {
		return nil, rerr
	}
	return resp, nil
}

func (t *Transport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.Out, s) // tracing must never fail a request
}

// requestIDSuffix names the id Microsoft support asks for: Graph's
// request-id, or the login service's x-ms-request-id.
func requestIDSuffix(h http.Header) string {
	for _, name := range []string{"request-id", "x-ms-request-id", "client-request-id"} {
		if id := h.Get(name); id != "" {
			return fmt.Sprintf(" (%s: %s)", name, id)
		}
	}
	return ""
}

func peekRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	data, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	return data, nil
}

func peekResponseBody(resp *http.Response) ([]byte, error) {
	if resp.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return data, err
}

// writeBody prints a redacted, truncated body, one prefixed line.
func writeBody(b *strings.Builder, prefix, contentType, encoding string, body []byte) {
	if len(body) == 0 {
		return
	}
	if encoding != "" {
		fmt.Fprintf(b, "%s (%s-encoded body, %d bytes)\n", prefix, encoding, len(body))
		return
	}
	text := RedactBody(contentType, body)
	if len(text) > maxBody {
		text = text[:maxBody] + fmt.Sprintf("... (%d bytes)", len(body))
	}
	fmt.Fprintf(b, "%s %s\n", prefix, strings.ReplaceAll(text, "\n", " "))
}

// RedactURL prints u with secret query parameters masked.
func RedactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = redactValues(c.Query()).Encode()
	}
	return RedactText(c.String())
}

// RedactBody masks secrets in a form or JSON body; other bodies are only
// masked by shape.
func RedactBody(contentType string, body []byte) string {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		if values, err := url.ParseQuery(string(body)); err == nil {
			return RedactText(redactValues(values).Encode())
		}
	case strings.Contains(mediaType, "json"):
		var v any
		if err := json.Unmarshal(body, &v); err == nil {
			out, err := json.Marshal(redactJSON(v))
			if err == nil {
				return RedactText(string(out))
			}
		}
	}
	return RedactText(string(body))
}

// RedactText masks anything shaped like a JWT.
func RedactText(s string) string {
	return jwtPattern.ReplaceAllString(s, Redacted)
}

func redactValues(values url.Values) url.Values {
	out := url.Values{}
	for k, vs := range values {
		for _, v := range vs {
			if secretParams[strings.ToLower(k)] {
				v = Redacted
			}
			out.Add(k, v)
		}
	}
	return out
}

func redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretKeys[strings.ToLower(k)] {
				if _, isString := val.(string); isString {
					x[k] = Redacted
					continue
				}
			}
			x[k] = redactJSON(val)
		}
	case []any:
		for i := range x {
			x[i] = redactJSON(x[i])
		}
	}
	return v
}

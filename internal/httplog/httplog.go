// Package httplog traces HTTP traffic for -v/--verbose: method, URL,
// status, duration and request id, plus request and response bodies, with
// every credential redacted. It sits under both MSAL's and Graph's
// requests, so whatever either library sends is traced the same way.
//
// Redaction is by name (query parameters, form fields, JSON keys and HTML
// form inputs named for tokens, secrets, codes, passwords or assertions;
// see secretName) and, as a second
// line of defence, by shape: anything that looks like a JWT is masked
// wherever it appears. Headers are never printed, so Authorization and
// cookies cannot leak.
package httplog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/teamsctl/teamsctl/internal/lazyregexp"
)

// Redacted replaces every secret value.
const Redacted = "[REDACTED]"

// maxBody is how much of a body is printed; Graph collections can be large.
const maxBody = 2048

// secretWords are the words of a field name that mark its value secret:
// a query parameter, form field, JSON key or HTML input whose name has one
// of them as a word (client_secret, access_token, secretText, code,
// device_code, code_verifier, client_assertion, password) is never
// printed. "code" is redacted everywhere, JSON included, although there it
// is usually Graph's error code: an authorization code must never be
// printed, and teamsctl's error message names Graph's error code anyway.
var secretWords = map[string]bool{"code": true, "secret": true, "token": true, "assertion": true, "password": true}

// secretName reports whether a field called name carries a secret: one of
// its words (split at '_', '-', '.' and lower-to-upper case changes) is a
// secretWord.
func secretName(name string) bool {
	word := func(w string) bool { return secretWords[strings.ToLower(w)] }
	start := 0
	for i, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.':
			if word(name[start:i]) {
				return true
			}
			start = i + 1
		case i > start && unicode.IsUpper(r) && unicode.IsLower(rune(name[i-1])):
			if word(name[start:i]) {
				return true
			}
			start = i
		}
	}
	return word(name[start:])
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
	case mediaType == "text/html":
		return RedactText(redactHTMLInputs(string(body)))
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

// htmlInput matches an HTML input element, and htmlAttr one attribute of
// it (double-quoted, single-quoted or bare value).
var (
	htmlInput = lazyregexp.New(`(?is)<input\b[^>]*>`)
	htmlAttr  = lazyregexp.New(`(?is)\b([a-z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)`)
)

// redactHTMLInputs masks the value of every input whose name is secret:
// the form_post page that carries an authorization code (and id token)
// back to the redirect URI is such a form.
func redactHTMLInputs(page string) string {
	return htmlInput.ReplaceAllStringFunc(page, func(tag string) string {
		secret := false
		for _, m := range htmlAttr.FindAllStringSubmatch(tag, -1) {
			if strings.EqualFold(m[1], "name") && secretName(html.UnescapeString(strings.Trim(m[2], `"'`))) {
				secret = true
			}
		}
		if !secret {
			return tag
		}
		return htmlAttr.ReplaceAllStringFunc(tag, func(attr string) string {
			m := htmlAttr.FindStringSubmatch(attr)
			if !strings.EqualFold(m[1], "value") {
				return attr
			}
			return m[1] + `="` + Redacted + `"`
		})
	})
}

func redactValues(values url.Values) url.Values {
	out := url.Values{}
	for k, vs := range values {
		for _, v := range vs {
			if secretName(k) {
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
			if secretName(k) {
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

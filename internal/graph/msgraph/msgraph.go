// Package msgraph implements graph.Client over msgraph-sdk-go. It is the
// only package besides the command factory that imports the SDK: linking
// it costs every test binary 10-20 s and over a gigabyte of memory.
package msgraph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	kauth "github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
	"github.com/teamsctl/teamsctl/internal/retry"
)

// TokenSource is where Graph tokens come from: auth.Authenticator.TokenFor.
type TokenSource func(ctx context.Context, scopes auth.Scopes) (auth.Token, error)

// Options configure a Client.
type Options struct {
	Endpoints auth.Endpoints
	// HTTPClient is the shared client (CA file, sandbox, -v trace); its
	// transport carries Graph's requests under the SDK's middleware.
	HTTPClient *http.Client
	Tokens     TokenSource
	// Scopes are the permissions the command declared; every request's
	// token is asked for them.
	Scopes auth.Scopes
	// Version goes into the User-Agent, teamsctl/<version>.
	Version string
	Retry   retry.Policy
}

// Client is graph.Client over the Graph SDK.
type Client struct {
	sdk *msgraphsdk.GraphServiceClient
}

var _ graph.Client = (*Client)(nil)

// errorRegistry creates the SDK core's error-mapping registry once: it
// creates it on first use without a lock around the check, so page
// iterators started concurrently would race to create it.
var errorRegistry sync.Once

// New builds a Client on the endpoints.
func New(o Options) (*Client, error) {
	errorRegistry.Do(func() { _, _ = msgraphcore.GetErrorFactoryFromRegistry("") })
	tokens := &tokenProvider{tokens: o.Tokens, scopes: o.Scopes, hosts: newHostsValidator(o.Endpoints)}
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		kauth.NewBaseBearerTokenAuthenticationProvider(tokens), nil, nil, httpClient(o))
	if err != nil {
		return nil, fmt.Errorf("setting up the Graph client: %w", err)
	}
	adapter.SetBaseUrl(o.Endpoints.GraphURL)
	// NewGraphServiceClient would store the backing store factory in a
	// package variable the models read, on every call: commands running
	// side by side in one process (tests) would race on it. Passing none
	// leaves it as it is, the SDK's default in-memory store.
	return &Client{sdk: &msgraphsdk.GraphServiceClient{GraphBaseServiceClient: *msgraphsdk.NewGraphBaseServiceClient(adapter, nil)}}, nil
}

// httpClient puts the SDK's middleware in front of the shared transport.
// The chain is spelled out rather than taken from the SDK's defaults so
// that kiota's RetryHandler is replaced by teamsctl's retry policy (see
// package retry), which sits under the middleware so each attempt is
// traced and its request id kept.
func httpClient(o Options) *http.Client {
	middleware := []khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&msgraphcore.GraphClientOptions{GraphServiceVersion: "v1.0"}),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
		khttp.NewRedirectHandler(),
		khttp.NewCompressionHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandlerWithOptions(&khttp.UserAgentHandlerOptions{Enabled: true, ProductName: "teamsctl", ProductVersion: o.Version}),
		khttp.NewHeadersInspectionHandler(),
	}
	base := o.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(nullCheck{&retry.Transport{Base: base, Policy: o.Retry}}, middleware...),
		Timeout:       o.HTTPClient.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// nullCheck refuses, below the SDK, a JSON answer whose body is null:
// kiota's JSON parser turns it into a nil parse node and then calls a
// method on it, a panic no caller could catch.
type nullCheck struct{ base http.RoundTripper }

// nullPeek is how much of a JSON body nullCheck reads ahead: enough for
// "null" in any reasonable whitespace.
const nullPeek = 64

func (t nullCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil || resp.Header.Get("Content-Encoding") != "" {
		return resp, err
	}
	if mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); !strings.Contains(mediaType, "json") {
		return resp, nil
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, nullPeek))
	if err != nil {
		_ = resp.Body.Close()
		return nil, err
	}
	if len(head) < nullPeek && string(bytes.TrimSpace(head)) == "null" {
		_ = resp.Body.Close()
		u := *req.URL
		u.RawQuery = ""
		return nil, &graph.UnexpectedAnswerError{Request: req.Method + " " + u.String(), Status: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Problem: "no entity where Microsoft Graph returns one (a null body)"}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return resp, nil
}

// tokenProvider is kiota's AccessTokenProvider over auth. It hands out a
// token only for the Graph host of the endpoints, over https (or http to
// a loopback emulator), so an absolute URL elsewhere never gets one.
type tokenProvider struct {
	tokens TokenSource
	scopes auth.Scopes
	hosts  *kauth.AllowedHostsValidator
}

func (p *tokenProvider) GetAuthorizationToken(ctx context.Context, u *url.URL, _ map[string]any) (string, error) {
	if !p.hosts.IsUrlHostValid(u) {
		return "", nil
	}
	if u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("refusing to send a token over %s to %s", u.Scheme, u.Host)
	}
	tok, err := p.tokens(ctx, p.scopes)
	if err != nil {
		return "", err
	}
	return tok.Value, nil
}

// newHostsValidator allows exactly the Graph host of the endpoints. An
// empty list would allow every host.
func newHostsValidator(e auth.Endpoints) *kauth.AllowedHostsValidator {
	v := kauth.NewAllowedHostsValidator([]string{e.GraphHost()})
	return &v
}

func (p *tokenProvider) GetAllowedHostsValidator() *kauth.AllowedHostsValidator { return p.hosts }

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// The SDK answers (nil, nil) for an empty body, a 204, a JSON null, and a
// redirect its handler stopped following (after maxRedirects). Every SDK
// call therefore goes through one of two helpers, so no wrapper ever
// dereferences a nil result: call for requests answered with an entity or
// a collection page, upsert for PATCHes that create when missing, send for
// those whose answer teamsctl does not read.

// maxRedirects is how many redirects kiota's redirect handler follows.
const maxRedirects = 5

// call runs one SDK call answered with an entity. A nil answer is an
// *graph.UnexpectedAnswerError naming the request (or the context's error
// when the command was interrupted). It records the request ids of the
// attempts so a failure can name them all, and converts the error.
func call[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	ctx, attempts := retry.TrackAttempts(ctx)
	out, err := fn(ctx)
	if err != nil {
		var zero T
		return zero, convertError(ctx, err, attempts)
	}
	if isNil(out) {
		var zero T
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		return zero, unexpected(attempts, "no entity where Microsoft Graph returns one (an empty or null body)")
	}
	return out, nil
}

// upsert runs one PATCH sent with Prefer: create-if-missing, which Graph
// answers with 201 and the entity it created, or 204 No Content when the
// entity existed; created says which. Any other answer without an entity
// is an *graph.UnexpectedAnswerError, as for call.
func upsert[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (out T, created bool, err error) {
	ctx, attempts := retry.TrackAttempts(ctx)
	var zero T
	out, err = fn(ctx)
	switch {
	case err != nil:
		return zero, false, convertError(ctx, err, attempts)
	case !isNil(out):
		return out, true, nil
	case ctx.Err() != nil:
		return zero, false, ctx.Err()
	}
	if last, ok := attempts.Last(); ok && last.Status == http.StatusNoContent {
		return zero, false, nil
	}
	return zero, false, unexpected(attempts, "neither the entity created nor 204 No Content")
}

// send runs one SDK call whose answer teamsctl does not read: PATCH,
// DELETE and actions, which Graph answers with 204 No Content.
func send(ctx context.Context, fn func(ctx context.Context) error) error {
	ctx, attempts := retry.TrackAttempts(ctx)
	if err := fn(ctx); err != nil {
		return convertError(ctx, err, attempts)
	}
	if last, ok := attempts.Last(); ok && isRedirect(last.Status) {
		return unexpected(attempts, "")
	}
	return nil
}

// isNil reports a nil interface, pointer, map or slice inside v.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return rv.IsNil()
	}
	return false
}

// items drops the null entries of a nested collection (JSON [null]),
// which the SDK returns as nil values.
func items[V any](s []V) []V {
	return slices.DeleteFunc(slices.Clone(s), func(v V) bool { return isNil(v) })
}

func isRedirect(status int) bool { return status >= 300 && status < 400 }

// unexpected describes the last attempt's answer as one Graph does not
// give; a redirect still being redirected says so whatever problem is.
func unexpected(attempts *retry.Attempts, problem string) error {
	last, ok := attempts.Last()
	if !ok {
		return &graph.UnexpectedAnswerError{Request: "a Microsoft Graph request", Problem: problem}
	}
	if isRedirect(last.Status) {
		problem = fmt.Sprintf("still redirected after %d redirects; Microsoft Graph does not redirect this request", maxRedirects)
	}
	return &graph.UnexpectedAnswerError{Request: last.Request(), Status: last.Status, ContentType: last.ContentType, Problem: problem}
}

// convertError maps the SDK's errors to graph's typed errors. An answer
// the SDK could not read (an HTML page from a proxy, broken JSON, a
// redirect loop) becomes an *graph.UnexpectedAnswerError naming the
// request and the status. Errors that are not about an answer (sign-in,
// network, cancellation) pass through.
func convertError(ctx context.Context, err error, attempts *retry.Attempts) error {
	var answerErr *graph.UnexpectedAnswerError
	if errors.As(err, &answerErr) {
		return answerErr
	}
	var apiErr abstractions.ApiErrorable
	if !errors.As(err, &apiErr) {
		return unreadable(ctx, err, attempts)
	}
	e := &graph.APIError{Status: apiErr.GetStatusCode()}
	var odataErr *odataerrors.ODataError
	switch {
	case !errors.As(err, &odataErr):
		e.Message = err.Error()
	case odataErr.GetErrorEscaped() != nil:
		main := odataErr.GetErrorEscaped()
		e.Code, e.Message = deref(main.GetCode()), deref(main.GetMessage())
	default:
		// The SDK's ODataError.Error dereferences the missing error
		// object, so it is never called here.
		e.Message = "the answer holds no Microsoft Graph error object"
	}
	if last, ok := attempts.Last(); ok {
		e.Request = last.Request()
	}
	headers := apiErr.GetResponseHeaders()
	e.RequestID = header(headers, "request-id")
	e.EarlierRequestIDs = earlier(attempts.RequestIDs(), e.RequestID)
	retryAfter, _ := retry.RetryAfter(http.Header{"Retry-After": {header(headers, "Retry-After")}}, time.Now())
	return graph.Classify(e, retryAfter)
}

// unreadable turns the SDK's failure to read the last answer into an
// *graph.UnexpectedAnswerError. An error raised before or without an
// answer (network, sign-in, the context) is returned as it is.
func unreadable(ctx context.Context, err error, attempts *retry.Attempts) error {
	var stopped *retry.StoppedError
	if errors.As(err, &stopped) {
		return stopped // it names the request and the status; url.Error would name the request twice
	}
	var urlErr *url.Error
	if ctx.Err() != nil || errors.As(err, &urlErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	last, ok := attempts.Last()
	if !ok {
		return err
	}
	if mediaType, _, _ := mime.ParseMediaType(last.ContentType); !strings.Contains(mediaType, "json") {
		return unexpected(attempts, "not an answer from Microsoft Graph, which answers in JSON")
	}
	return unexpected(attempts, "the answer could not be read: "+err.Error())
}

func header(h *abstractions.ResponseHeaders, name string) string {
	if h == nil {
		return ""
	}
	for _, k := range h.ListKeys() {
		if strings.EqualFold(k, name) {
			if v := h.Get(k); len(v) > 0 {
				return v[0]
			}
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// earlier is the attempts before the final one.
func earlier(ids []string, final string) []string {
	var out []string
	for _, id := range ids {
		if id != final {
			out = append(out, id)
		}
	}
	return out
}

package graph

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
)

// APIError is a failed Graph call as Graph reported it. The specific types
// below embed it; anything else is returned as *APIError itself.
type APIError struct {
	Status  int
	Code    string // Graph's error code, e.g. Request_ResourceNotFound
	Message string
	// Request is the failed request, "METHOD URL" without the query; ""
	// when unknown.
	Request string
	// RequestID identifies the failed request for Microsoft support;
	// EarlierRequestIDs are the attempts retried before it.
	RequestID         string
	EarlierRequestIDs []string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Microsoft Graph: %d", e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var about []string
	if e.Request != "" {
		about = append(about, e.Request)
	}
	if e.RequestID != "" {
		id := "request-id " + e.RequestID
		if len(e.EarlierRequestIDs) > 0 {
			id += "; earlier attempts " + strings.Join(e.EarlierRequestIDs, ", ")
		}
		about = append(about, id)
	}
	if len(about) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(about, ", "))
	}
	return b.String()
}

// NotFound is a 404: the object does not exist, or (right after it was
// created) has not replicated yet.
type NotFound struct{ *APIError }

// Forbidden is a 403: the token lacks a permission, or the signed-in user
// lacks a directory role. Code says which, e.g. Authorization_RequestDenied.
type Forbidden struct{ *APIError }

// CodeNonPremiumTenant is Graph's 403 for an Entra ID P1 feature (the
// sign-in log, Conditional Access What If) in a tenant without P1 or P2.
const CodeNonPremiumTenant = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"

// Hint implements the hint convention (cmdutil.HintFor).
func (e *Forbidden) Hint() string {
	return "Run `teamsctl whoami` to see the permissions and roles of your sign-in."
}

// Throttled is a 429 or 503 that outlasted the retries.
type Throttled struct {
	*APIError
	// RetryAfter is how long Graph asked to wait, when it said.
	RetryAfter time.Duration
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *Throttled) Hint() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("Microsoft Graph is busy; try again in %s.", e.RetryAfter.Round(time.Second))
	}
	return "Microsoft Graph is busy; try again in a minute."
}

// BadRequest is a 400: Graph rejected the request (Code and Message say
// why).
type BadRequest struct{ *APIError }

// Unwrap exposes the embedded APIError to errors.As.
func (e *NotFound) Unwrap() error   { return e.APIError }
func (e *Forbidden) Unwrap() error  { return e.APIError }
func (e *Throttled) Unwrap() error  { return e.APIError }
func (e *BadRequest) Unwrap() error { return e.APIError }

// Classify returns the typed error for e. A 401 means Graph rejected the
// token itself (expired, revoked, wrong audience): signing in again is the
// fix, so it becomes auth's RequiredError (exit 4).
func Classify(e *APIError, retryAfter time.Duration) error {
	switch e.Status {
	case http.StatusBadRequest:
		return &BadRequest{e}
	case http.StatusUnauthorized:
		return &auth.RequiredError{Reason: "Microsoft Graph did not accept the token: " + e.Message, Err: e}
	case http.StatusForbidden:
		return &Forbidden{e}
	case http.StatusNotFound:
		return &NotFound{e}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return &Throttled{APIError: e, RetryAfter: retryAfter}
	default:
		return e
	}
}

// UnexpectedAnswerError is an answer Microsoft Graph does not give: no
// entity (an empty body, 204, or JSON null) where Graph always returns
// one, a body that is not Graph's JSON (an HTML page from a proxy or
// gateway), or redirects that do not end. Request names what was sent
// ("GET https://graph.microsoft.com/v1.0/..."), Status what came back (0:
// unknown).
type UnexpectedAnswerError struct {
	Request     string
	Status      int
	ContentType string
	// Problem says what is wrong with the answer, e.g. "no entity where
	// Microsoft Graph returns one".
	Problem string
}

func (e *UnexpectedAnswerError) Error() string {
	var b strings.Builder
	b.WriteString(e.Request)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": answered %d %s", e.Status, http.StatusText(e.Status))
		if e.ContentType != "" {
			fmt.Fprintf(&b, " (%s)", e.ContentType)
		}
	}
	b.WriteString(": " + e.Problem)
	return b.String()
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *UnexpectedAnswerError) Hint() string {
	return "Something between teamsctl and Microsoft Graph answered instead of Graph (a proxy, firewall or gateway), or Graph had an outage: check --graph-url and the network, then run the command again."
}

package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/teamsctl/teamsctl/internal/aadsts"
)

// RequiredError means the command needs a sign-in, or permissions the
// current sign-in lacks. It exits 4 (cmdutil.AuthRequiredError is this
// type) and tells the user the exact login command to run.
type RequiredError struct {
	// Scopes are the missing delegated permissions, e.g. Application.ReadWrite.All.
	Scopes []string
	// Profile is the profile to sign in for; empty means the default selection.
	Profile string
	// Tenant is the tenant to sign in to, when the sign-in belongs to
	// another one.
	Tenant string
	// Reason says why sign-in is needed when no scope is missing, e.g. "the
	// sign-in expired".
	Reason string
	// Fix replaces the login command in the hint when signing in again
	// cannot help, e.g. an expired TEAMSCTL_ACCESS_TOKEN.
	Fix string
	// Err is the underlying sign-in error, if any.
	Err error
}

func (e *RequiredError) Error() string {
	switch {
	case len(e.Scopes) > 0:
		return "sign-in lacks the permissions " + strings.Join(e.Scopes, ", ")
	case e.Reason != "":
		return "sign-in required: " + e.Reason
	default:
		return "sign-in required"
	}
}

func (e *RequiredError) Unwrap() error { return e.Err }

// LoginCommand is the teamsctl command that fixes the error.
func (e *RequiredError) LoginCommand() string {
	cmd := "teamsctl login"
	if e.Tenant != "" {
		cmd += " --tenant " + e.Tenant
	}
	if len(e.Scopes) > 0 {
		cmd += " --scopes " + strings.Join(e.Scopes, ",")
	}
	if e.Profile != "" {
		cmd += " --profile " + e.Profile
	}
	return cmd
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *RequiredError) Hint() string {
	if e.Fix != "" {
		return e.Fix
	}
	return "Run: " + e.LoginCommand()
}

// SignInError is an error answer of the Entra token endpoint, explained.
type SignInError struct {
	// Code is the AADSTS number, e.g. 7000215.
	Code int
	// OAuthError is the OAuth error, e.g. invalid_client.
	OAuthError    string
	SubError      string
	Description   string
	CorrelationID string
	TraceID       string
	// Summary and Fix explain the code (package aadsts); empty for codes
	// the table does not know.
	Summary string
	Fix     string
}

func (e *SignInError) Error() string {
	what := e.Summary
	if what == "" {
		what = firstLine(e.Description)
	}
	msg := fmt.Sprintf("sign-in failed: AADSTS%d: %s", e.Code, what)
	if e.CorrelationID != "" {
		msg += fmt.Sprintf(" (correlation id %s)", e.CorrelationID)
	}
	return msg
}

// Hint implements the hint convention (cmdutil.HintFor).
func (e *SignInError) Hint() string { return e.Fix }

// Unwrap makes a device code declined on the sign-in page a cancellation
// (exit 130): the user said no, nothing failed.
func (e *SignInError) Unwrap() error {
	if e.OAuthError == "authorization_declined" {
		return context.Canceled
	}
	return nil
}

// NeedsAdminConsent reports a sign-in that stopped at consent the user
// may not give: an administrator must consent, approve the request the
// user sent (90095), or sign in instead. Signing in again as the same user
// does not help.
func (e *SignInError) NeedsAdminConsent() bool {
	return e.Code == 65001 || e.Code == 90094 || e.Code == 90095
}

// kind says whether signing in again fixes the error.
func (e *SignInError) kind() aadsts.Kind {
	if entry, ok := aadsts.Lookup(e.Code); ok {
		return entry.Kind
	}
	return aadsts.Failure
}

// needsConsent reports an error that an interactive sign-in with the
// same scopes can resolve: consent, or MFA the silent path cannot do.
func (e *SignInError) needsConsent() bool {
	return e.Code == 65001 || e.SubError == "consent_required" ||
		(e.OAuthError == "interaction_required" && e.SubError != "message_only")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s, _, _ = strings.Cut(s, " Trace ID:")
	return strings.TrimSpace(s)
}

// tokenErrorBody is the token endpoint's error JSON.
type tokenErrorBody struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	SubError      string `json:"suberror"`
	CorrelationID string `json:"correlation_id"`
	TraceID       string `json:"trace_id"`
}

// signInErrorFrom extracts the token endpoint's error from an MSAL error,
// or returns nil when err is not one (a network error, a cancellation).
// MSAL keeps the response body of a failed call readable once; the device
// code flow has already drained it, leaving the body only in the text.
func signInErrorFrom(err error, c aadsts.Context) *SignInError {
	var callErr msalerrors.CallErr
	if !errors.As(err, &callErr) {
		return nil
	}
	var body tokenErrorBody
	if !decodeErrorBody(callErr, &body) {
		return nil
	}
	code := 0
	if len(body.Codes) > 0 {
		code = body.Codes[0]
	} else if n, ok := aadsts.FromText(body.Description); ok {
		code = n
	}
	se := &SignInError{Code: code, OAuthError: body.Error, SubError: body.SubError, Description: body.Description,
		CorrelationID: body.CorrelationID, TraceID: body.TraceID}
	if entry, ok := aadsts.Explain(code, c); ok {
		se.Summary, se.Fix = entry.Summary, entry.Fix
	}
	return se
}

func decodeErrorBody(callErr msalerrors.CallErr, body *tokenErrorBody) bool {
	if callErr.Resp != nil && callErr.Resp.Body != nil {
		if raw, err := io.ReadAll(callErr.Resp.Body); err == nil && json.Unmarshal(raw, body) == nil && body.Error != "" {
			return true
		}
	}
	// "http call(...)(POST) error: reply status code was 400:\n{...}"
	text := callErr.Error()
	if i := strings.Index(text, "{"); i >= 0 {
		if json.Unmarshal([]byte(text[i:]), body) == nil && body.Error != "" {
			return true
		}
	}
	return false
}

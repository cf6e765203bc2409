// Package meetingtest proves that an integration can create a Teams
// meeting: it signs in the way the integration does, creates an online
// meeting and/or a calendar event with a Teams link, reads it back and
// deletes it, timing each step. A failure is explained with the same
// causes and fixes as doctor (package causes) and sign-in (package
// aadsts).
//
// The package is plain Go over graph.Meetings and a sign-in function, so
// `teamsctl meeting test` and `teamsctl setup` drive it alike and tests
// run it over fakes.
package meetingtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// Kind is what the test creates.
type Kind string

const (
	// KindOnlineMeeting is a standalone Teams meeting
	// (POST /me/onlineMeetings), what eRecruiter, elevato and onlyfy create.
	KindOnlineMeeting Kind = "online-meeting"
	// KindEvent is a calendar event with a Teams meeting (POST /me/events),
	// what EBMS and Recruitee create.
	KindEvent Kind = "event"
	// KindBoth creates one of each.
	KindBoth Kind = "both"
)

// Kinds lists the --kind values.
var Kinds = []string{string(KindOnlineMeeting), string(KindEvent), string(KindBoth)}

func (k Kind) expand() []Kind {
	if k == KindBoth {
		return []Kind{KindOnlineMeeting, KindEvent}
	}
	return []Kind{k}
}

// As is whose identity the test uses.
type As string

const (
	// AsUser signs in with the app's client id as the test user (delegated).
	AsUser As = "user"
	// AsApp signs in as the app itself (application permissions).
	AsApp As = "app"
	// AsTeamsctl signs the user in with teamsctl's own client: it shows
	// whether the user can create meetings at all, not whether the app may.
	AsTeamsctl As = "teamsctl"
)

// Step names, in order.
const (
	StepToken    = "token"
	StepCreate   = "create"
	StepReadBack = "read back"
	StepDelete   = "delete"
)

// Step statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Session is a completed token step: who signed in, and Graph acting as
// them.
type Session struct {
	// Account is the user's UPN, or the app id of an app-only token.
	Account string
	// AppID is the client the token was issued to.
	AppID string
	// Scopes are the delegated permissions or application roles the
	// token carries.
	Permissions []string
	Graph       graph.Meetings
}

// Tester runs tests.
type Tester struct {
	// SignIn is the token step.
	SignIn func(ctx context.Context) (*Session, error)
	// Now times the steps and defaults the start time.
	Now func() time.Time
	// Progress, when set, is told what the test is doing (stderr).
	Progress func(msg string)
	// CleanupTimeout bounds deleting after a cancellation, and a create
	// request that outlives one (default 30s).
	CleanupTimeout time.Duration
}

// Request is one test.
type Request struct {
	As   As
	Kind Kind
	// App is the application under test (nil for AsTeamsctl without APP).
	App *App
	// Organizer is the user object id to create for with an app-only
	// token (/users/{id}); empty is the signed-in user (/me).
	Organizer string
	// OrganizerUPN names the organizer in output and explanations.
	OrganizerUPN string
	Subject      string
	// Start defaults to the next full hour; Duration to 30 minutes.
	Start     time.Time
	Duration  time.Duration
	Attendees []string
	// Keep leaves what was created in place.
	Keep bool
	// Notes are shown with the result (e.g. what the test did not cover).
	Notes []string
	// VendorHosted: App is a vendor's multi-tenant app, whose secrets and
	// certificates the tenant can neither see nor make.
	VendorHosted bool
}

// App identifies the application under test.
type App struct {
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName,omitempty"`
	// Flow is how its token was obtained (device-code, browser,
	// client-credentials).
	Flow string `json:"flow,omitempty"`
}

// Result is the outcome of a test; its JSON is the `-o json` contract.
type Result struct {
	OK  bool `json:"ok"`
	As  As   `json:"as"`
	App *App `json:"app,omitempty"`
	// SignedInAs is the account of the token.
	SignedInAs string `json:"signedInAs,omitempty"`
	// Organizer is the meeting organizer's UPN (or object id).
	Organizer string    `json:"organizer,omitempty"`
	Kind      Kind      `json:"kind"`
	Subject   string    `json:"subject"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	// Created lists what the test created, with join links.
	Created []Created `json:"created"`
	Steps   []Step    `json:"steps"`
	// Failure explains the first failed step.
	Failure *Failure `json:"failure,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Created is a meeting or event the test made.
type Created struct {
	Kind    Kind   `json:"kind"`
	ID      string `json:"id"`
	JoinURL string `json:"joinUrl,omitempty"`
	// JoinMeetingID is the numeric meeting id (online meetings) or the
	// conference id (events).
	JoinMeetingID string    `json:"joinMeetingId,omitempty"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	// Deleted is true once cleaned up; Kept when --keep left it.
	Deleted bool `json:"deleted"`
	Kept    bool `json:"kept"`
}

// Step is one timed step.
type Step struct {
	Name string `json:"name"`
	// Kind is the object the step works on (empty for the token step).
	Kind       Kind   `json:"kind,omitempty"`
	Status     string `json:"status"`
	DurationMS int64  `json:"durationMs"`
	Detail     string `json:"detail,omitempty"`
	Error      string `json:"error,omitempty"`
}

// Duration is the step's duration.
func (s Step) Duration() time.Duration { return time.Duration(s.DurationMS) * time.Millisecond }

// Failure explains why the test failed.
type Failure struct {
	Step  string `json:"step"`
	Kind  Kind   `json:"kind,omitempty"`
	Error string `json:"error"`
	// Cause is the explanation and fix, shared with doctor; nil when the
	// error is not one teamsctl recognises.
	Cause *causes.Cause `json:"cause,omitempty"`
}

// FailedChecks names the failure for cmdutil.CheckFailedError.
func (r *Result) FailedChecks() []string {
	if r.Failure == nil {
		return nil
	}
	name := r.Failure.Step
	if r.Failure.Kind != "" {
		name += " " + string(r.Failure.Kind)
	}
	if r.Failure.Cause != nil {
		name += ": " + r.Failure.Cause.Title
	}
	return []string{name}
}

// DefaultDuration is the meeting length without --duration.
const DefaultDuration = 30 * time.Minute

// DefaultSubject is the meeting subject without --subject.
const DefaultSubject = "teamsctl meeting test"

// Run performs the test. It returns a Result whenever the test ran, a
// failed check included (Result.OK false). It returns an error only when
// the test could not run or was cancelled; everything created is deleted
// first, unless Keep.
func (t *Tester) Run(ctx context.Context, req Request) (res *Result, err error) {
	if req.Kind == "" {
		req.Kind = KindOnlineMeeting
	}
	if req.Subject == "" {
		req.Subject = DefaultSubject
	}
	if req.Duration <= 0 {
		req.Duration = DefaultDuration
	}
	if req.Start.IsZero() {
		req.Start = t.now().UTC().Truncate(time.Hour).Add(time.Hour)
	}
	res = &Result{As: req.As, App: req.App, Kind: req.Kind, Subject: req.Subject, Organizer: req.OrganizerUPN,
		Start: req.Start.UTC(), End: req.Start.Add(req.Duration).UTC(), Created: []Created{}, Notes: req.Notes}

	var sess *Session
	if err := t.step(res, StepToken, "", func() (string, error) {
		t.progress("Signing in...")
		var err error
		sess, err = t.SignIn(ctx)
		if err != nil {
			return "", err
		}
		return sess.Account, nil
	}); err != nil {
		return t.fail(ctx, res, StepToken, "", err, req)
	}
	res.SignedInAs = sess.Account
	if res.Organizer == "" && req.Organizer == "" {
		res.Organizer = sess.Account
	}

	// Cleanup runs however the loop ends: failure, cancellation or panic.
	defer func() {
		if cerr := t.cleanup(ctx, sess.Graph, res, req); cerr != nil && err == nil && res.Failure == nil {
			res.Failure = &Failure{Step: StepDelete, Error: cerr.Error()}
		}
		res.OK = res.Failure == nil
	}()

	for _, kind := range req.Kind.expand() {
		if err := t.createAndReadBack(ctx, sess.Graph, res, req, kind); err != nil {
			return t.fail(ctx, res, lastStep(res), kind, err, req)
		}
	}
	return res, nil
}

func lastStep(res *Result) string { return res.Steps[len(res.Steps)-1].Name }

func (t *Tester) createAndReadBack(ctx context.Context, g graph.Meetings, res *Result, req Request, kind Kind) error {
	var c *Created
	err := t.step(res, StepCreate, kind, func() (string, error) {
		t.progress(fmt.Sprintf("Creating the %s...", kindName(kind)))
		var err error
		c, err = t.create(ctx, g, req, kind)
		if err != nil {
			return "", err
		}
		res.Created = append(res.Created, *c)
		if err := ctx.Err(); err != nil {
			return "", err // created all the same: cleanup deletes it
		}
		return c.ID, nil
	})
	if err != nil {
		return err
	}
	return t.step(res, StepReadBack, kind, func() (string, error) {
		got, err := readBack(ctx, g, req.Organizer, *c)
		if err != nil {
			return "", err
		}
		if got.JoinURL == "" {
			return "", errNoTeamsMeeting
		}
		res.Created[len(res.Created)-1].JoinURL = got.JoinURL
		if got.JoinMeetingID != "" {
			res.Created[len(res.Created)-1].JoinMeetingID = got.JoinMeetingID
		}
		return got.JoinURL, nil
	})
}

// errNoTeamsMeeting: Outlook created the event but attached no Teams
// meeting, which it does when the organizer has no Teams service plan.
var errNoTeamsMeeting = errors.New("the event was created without a Teams meeting (no join link)")

// create sends the create request with a context Ctrl-C does not cut
// off: a request in flight may create the meeting all the same, and only
// its answer says what to delete. The caller reports the cancellation.
func (t *Tester) create(ctx context.Context, g graph.Meetings, req Request, kind Kind) (*Created, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.cleanupTimeout())
	defer cancel()
	start, end := req.Start.UTC(), req.Start.Add(req.Duration).UTC()
	if kind == KindOnlineMeeting {
		m, err := g.CreateOnlineMeeting(ctx, req.Organizer, graph.MeetingCreate{Subject: req.Subject, Start: start, End: end})
		if err != nil {
			return nil, err
		}
		return &Created{Kind: kind, ID: m.ID, JoinURL: m.JoinURL, JoinMeetingID: m.JoinMeetingID, Start: m.Start, End: m.End}, nil
	}
	e, err := g.CreateEvent(ctx, req.Organizer, graph.EventCreate{Subject: req.Subject, Start: start, End: end,
		Attendees: req.Attendees, TeamsMeeting: true,
		BodyHTML: "<p>Created by <code>teamsctl meeting test</code> to check the Teams integration.</p>"})
	if err != nil {
		return nil, err
	}
	return &Created{Kind: kind, ID: e.ID, JoinURL: e.JoinURL, JoinMeetingID: e.ConferenceID, Start: e.Start, End: e.End}, nil
}

func readBack(ctx context.Context, g graph.Meetings, organizer string, c Created) (Created, error) {
	if c.Kind == KindOnlineMeeting {
		m, err := g.OnlineMeeting(ctx, organizer, c.ID)
		if err != nil {
			return c, err
		}
		c.JoinURL, c.JoinMeetingID = m.JoinURL, m.JoinMeetingID
		return c, nil
	}
	e, err := g.Event(ctx, organizer, c.ID)
	if err != nil {
		return c, err
	}
	c.JoinURL, c.JoinMeetingID = e.JoinURL, e.ConferenceID
	return c, nil
}

// cleanup deletes what was created, newest first, with a context that
// survives the command's cancellation.
func (t *Tester) cleanup(ctx context.Context, g graph.Meetings, res *Result, req Request) error {
	var errs []error
	for i := len(res.Created) - 1; i >= 0; i-- {
		c := &res.Created[i]
		if req.Keep {
			c.Kept = true
			continue
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.cleanupTimeout())
		err := t.step(res, StepDelete, c.Kind, func() (string, error) {
			t.progress(fmt.Sprintf("Deleting the %s...", kindName(c.Kind)))
			if c.Kind == KindOnlineMeeting {
				return c.ID, g.DeleteOnlineMeeting(cctx, req.Organizer, c.ID)
			}
			return c.ID, g.DeleteEvent(cctx, req.Organizer, c.ID)
		})
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("could not delete the %s %s (delete it in Teams or Outlook): %w", kindName(c.Kind), c.ID, err))
			continue
		}
		c.Deleted = true
	}
	return errors.Join(errs...)
}

func (t *Tester) cleanupTimeout() time.Duration {
	if t.CleanupTimeout <= 0 {
		return 30 * time.Second
	}
	return t.CleanupTimeout
}

// step runs fn as a timed step and records it.
func (t *Tester) step(res *Result, name string, kind Kind, fn func() (string, error)) error {
	start := t.now()
	detail, err := fn()
	s := Step{Name: name, Kind: kind, Status: StatusOK, DurationMS: t.now().Sub(start).Milliseconds(), Detail: detail}
	if err != nil {
		s.Status, s.Error, s.Detail = StatusFailed, err.Error(), ""
	}
	res.Steps = append(res.Steps, s)
	return err
}

// fail records a failed step's explanation. Cancellations and errors
// that say teamsctl itself could not run are returned as errors.
func (t *Tester) fail(ctx context.Context, res *Result, step string, kind Kind, err error, req Request) (*Result, error) {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return res, err
	}
	res.Failure = &Failure{Step: step, Kind: kind, Error: err.Error()}
	if c, ok := Explain(err, req); ok {
		res.Failure.Cause = &c
	}
	res.OK = false
	return res, nil
}

// Explain maps an error of the token or a Graph step to its cause: AADSTS
// codes through package aadsts (as auth explained them), Graph errors
// through causes.FromGraphError.
func Explain(err error, req Request) (causes.Cause, bool) {
	subject := causes.Subject{UserID: req.Organizer, User: req.OrganizerUPN}
	if req.App != nil {
		subject.AppID = req.App.AppID
	}
	var se *auth.SignInError
	if errors.As(err, &se) {
		c := causes.Cause{ID: causes.ID(fmt.Sprintf("aadsts-%d", se.Code)), Title: se.Summary, Why: firstLine(se.Description), Fix: causes.Fix{Note: se.Fix}}
		if c.Title == "" {
			c.Title = fmt.Sprintf("Sign-in failed with AADSTS%d", se.Code)
		}
		if req.VendorHosted && (se.Code == 7000215 || se.Code == 7000222) {
			// A customer cannot make a secret on a vendor's app.
			c.Fix.Note = "The app is hosted by its vendor: its secrets are the vendor's, and your tenant can neither see nor make them. Ask the vendor whether the integration works; teamsctl checks what your tenant decides without the secret (run the test again without it)."
		}
		return c, true
	}
	if errors.Is(err, errNoTeamsMeeting) {
		c, ok := causes.Lookup(causes.TeamsLicenceMissing)
		return c.With(subject), ok
	}
	var ae *graph.APIError
	if errors.As(err, &ae) {
		if c, ok := causes.FromGraphError(ae.Status, ae.Code, ae.Message); ok {
			if c.ID == causes.InsufficientPrivileges && req.As != AsTeamsctl && req.App != nil {
				if pc, ok := causes.Lookup(causes.AppPermissionMissing); ok {
					c = pc
				}
			}
			return c.With(subject), true
		}
	}
	return causes.Cause{}, false
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' || r == '\r' {
			return s[:i]
		}
	}
	return s
}

func kindName(k Kind) string {
	if k == KindEvent {
		return "calendar event"
	}
	return "online meeting"
}

func (t *Tester) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tester) progress(msg string) {
	if t.Progress != nil {
		t.Progress(msg)
	}
}

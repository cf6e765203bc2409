package meetingtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/causes"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// fakeMeetings stores meetings and events in memory; failCreateEvent and
// cancelOnEvent make the second kind of a "both" test fail.
type fakeMeetings struct {
	meetings, events map[string]bool
	failCreateEvent  error
	cancelOnEvent    context.CancelFunc
	noTeamsLink      bool
	// cancelInCreate is Ctrl-C while the create request is in flight: a
	// request the client cuts off fails, one it lets finish lands.
	cancelInCreate context.CancelFunc
}

func newFake() *fakeMeetings {
	return &fakeMeetings{meetings: map[string]bool{}, events: map[string]bool{}}
}

func (f *fakeMeetings) CreateOnlineMeeting(ctx context.Context, _ string, in graph.MeetingCreate) (*graph.OnlineMeeting, error) {
	if f.cancelInCreate != nil {
		f.cancelInCreate()
		if ctx.Err() != nil {
			f.meetings["m1"] = true // it landed, but nobody hears of it
			return nil, ctx.Err()
		}
	}
	f.meetings["m1"] = true
	return &graph.OnlineMeeting{ID: "m1", JoinURL: "https://teams.microsoft.com/l/meetup-join/x", Start: in.Start, End: in.End}, nil
}
func (f *fakeMeetings) OnlineMeeting(_ context.Context, _, id string) (*graph.OnlineMeeting, error) {
	return &graph.OnlineMeeting{ID: id, JoinURL: "https://teams.microsoft.com/l/meetup-join/x", JoinMeetingID: "123"}, nil
}
func (f *fakeMeetings) DeleteOnlineMeeting(ctx context.Context, _, id string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	delete(f.meetings, id)
	return nil
}
func (f *fakeMeetings) CreateEvent(context.Context, string, graph.EventCreate) (*graph.Event, error) {
	if f.cancelOnEvent != nil {
		f.cancelOnEvent()
		return nil, context.Canceled
	}
	if f.failCreateEvent != nil {
		return nil, f.failCreateEvent
	}
	f.events["e1"] = true
	return &graph.Event{ID: "e1"}, nil
}
func (f *fakeMeetings) Event(_ context.Context, _, id string) (*graph.Event, error) {
	if f.noTeamsLink {
		return &graph.Event{ID: id}, nil
	}
	return &graph.Event{ID: id, IsOnlineMeeting: true, JoinURL: "https://teams.microsoft.com/l/meetup-join/y"}, nil
}
func (f *fakeMeetings) DeleteEvent(ctx context.Context, _, id string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	delete(f.events, id)
	return nil
}

// tickingClock advances a second per reading, so durations are exact.
func tickingClock() func() time.Time {
	t := time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func tester(f *fakeMeetings) *Tester {
	return &Tester{Now: tickingClock(), SignIn: func(context.Context) (*Session, error) {
		return &Session{Account: "rita@contoso.com", Graph: f}, nil
	}}
}

func TestPassDeletesEverythingAndTimesSteps(t *testing.T) {
	f := newFake()
	res, err := tester(f).Run(context.Background(), Request{As: AsUser, Kind: KindBoth})
	if err != nil || !res.OK {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if len(f.meetings)+len(f.events) != 0 {
		t.Errorf("left behind: %v %v", f.meetings, f.events)
	}
	if len(res.Steps) != 7 || res.Steps[0].Name != StepToken || res.Steps[0].Duration() != time.Second {
		t.Errorf("steps = %+v", res.Steps)
	}
	if !res.Start.Equal(time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)) || res.End.Sub(res.Start) != DefaultDuration {
		t.Errorf("start/end = %v %v", res.Start, res.End)
	}
	if res.Created[0].JoinMeetingID != "123" || !res.Created[0].Deleted {
		t.Errorf("created = %+v", res.Created)
	}
}

func TestKeepLeavesThem(t *testing.T) {
	f := newFake()
	res, _ := tester(f).Run(context.Background(), Request{Kind: KindBoth, Keep: true})
	if len(f.meetings) != 1 || len(f.events) != 1 || !res.Created[0].Kept {
		t.Errorf("keep: %v %v %+v", f.meetings, f.events, res.Created)
	}
}

func TestFailureCleansUpAndExplains(t *testing.T) {
	f := newFake()
	f.failCreateEvent = &graph.APIError{Status: 404, Code: "MailboxNotEnabledForRESTAPI", Message: "The mailbox is either inactive"}
	res, err := tester(f).Run(context.Background(), Request{Kind: KindBoth, OrganizerUPN: "rita@contoso.com"})
	if err != nil || res.OK {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if len(f.meetings) != 0 {
		t.Error("the online meeting created before the failure was not deleted")
	}
	if res.Failure.Step != StepCreate || res.Failure.Kind != KindEvent || res.Failure.Cause == nil || res.Failure.Cause.ID != causes.MailboxMissing {
		t.Errorf("failure = %+v", res.Failure)
	}
	if got := res.FailedChecks(); len(got) != 1 || got[0] != "create event: rita@contoso.com has no Exchange Online mailbox" {
		t.Errorf("FailedChecks = %q", got)
	}
}

// Ctrl-C between steps, and while the create request is in flight (the
// request finishes, so the meeting it made is known): what the test made
// is deleted.
func TestCancellationStillCleansUp(t *testing.T) {
	for _, c := range []struct {
		name string
		kind Kind
		hook func(f *fakeMeetings, cancel context.CancelFunc)
	}{
		{"after the event", KindBoth, func(f *fakeMeetings, cancel context.CancelFunc) { f.cancelOnEvent = cancel }},
		{"during create", KindOnlineMeeting, func(f *fakeMeetings, cancel context.CancelFunc) { f.cancelInCreate = cancel }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c.hook(f, cancel)
			_, err := tester(f).Run(ctx, Request{Kind: c.kind})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want cancellation", err)
			}
			if len(f.meetings) != 0 {
				t.Error("a meeting was left behind after Ctrl-C")
			}
		})
	}
}

func TestEventWithoutTeamsLinkIsTheLicence(t *testing.T) {
	f := newFake()
	f.noTeamsLink = true
	res, _ := tester(f).Run(context.Background(), Request{Kind: KindEvent, OrganizerUPN: "nora@contoso.com"})
	if res.OK || res.Failure.Step != StepReadBack || res.Failure.Cause.ID != causes.TeamsLicenceMissing || len(f.events) != 0 {
		t.Errorf("result = %+v, events %v", res.Failure, f.events)
	}
}

func TestSignInFailureIsExplained(t *testing.T) {
	tr := &Tester{Now: tickingClock(), SignIn: func(context.Context) (*Session, error) {
		return nil, &auth.SignInError{Code: 50105, Summary: "not assigned", Fix: "assign the user"}
	}}
	res, err := tr.Run(context.Background(), Request{As: AsUser})
	if err != nil || res.OK || res.Failure.Step != StepToken || res.Failure.Cause.ID != "aadsts-50105" || res.Failure.Cause.Fix.Note != "assign the user" {
		t.Errorf("Run = %+v, %v", res.Failure, err)
	}
}

func TestAppOnlyForbiddenIsTheAccessPolicy(t *testing.T) {
	err := &graph.Forbidden{APIError: &graph.APIError{Status: 403, Code: "Forbidden", Message: "No Application Access Policy found for this app"}}
	c, ok := Explain(err, Request{As: AsApp, App: &App{AppID: "app-1"}, Organizer: "oid-1", OrganizerUPN: "rita@contoso.com"})
	if !ok || c.ID != causes.TeamsAccessPolicyAbsent || c.Title != "No Teams application access policy lets app app-1 create meetings for rita@contoso.com" {
		t.Errorf("Explain = %+v, %v", c, ok)
	}
}

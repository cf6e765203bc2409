package msgraph

import (
	"context"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/graph"
)

// NewWithToken builds a Client whose every request carries the tokens of
// source instead of a profile's sign-in: meeting test calls Graph as the
// application under test, with the token it obtained for it.
func NewWithToken(o Options, source func(ctx context.Context) (auth.Token, error)) (*Client, error) {
	o.Tokens = func(ctx context.Context, _ auth.Scopes) (auth.Token, error) { return source(ctx) }
	return New(o)
}

// user is /me for "" and /users/{id} otherwise. The SDK builds /me as
// /users/me-token-to-replace, which its URL replace handler rewrites.
func (c *Client) user(id string) *users.UserItemRequestBuilder {
	if id == "" {
		return c.sdk.Me()
	}
	return c.sdk.Users().ByUserId(id)
}

// CreateOnlineMeeting implements graph.Meetings.
func (c *Client) CreateOnlineMeeting(ctx context.Context, user string, in graph.MeetingCreate) (*graph.OnlineMeeting, error) {
	body := models.NewOnlineMeeting()
	body.SetSubject(ptr(in.Subject))
	start, end := in.Start.UTC(), in.End.UTC()
	body.SetStartDateTime(&start)
	body.SetEndDateTime(&end)
	m, err := call(ctx, func(ctx context.Context) (models.OnlineMeetingable, error) {
		return c.user(user).OnlineMeetings().Post(ctx, body, nil)
	})
	if err != nil {
		return nil, err
	}
	return toOnlineMeeting(m), nil
}

// OnlineMeeting implements graph.Meetings.
func (c *Client) OnlineMeeting(ctx context.Context, user, id string) (*graph.OnlineMeeting, error) {
	m, err := call(ctx, func(ctx context.Context) (models.OnlineMeetingable, error) {
		return c.user(user).OnlineMeetings().ByOnlineMeetingId(id).Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	return toOnlineMeeting(m), nil
}

// DeleteOnlineMeeting implements graph.Meetings.
func (c *Client) DeleteOnlineMeeting(ctx context.Context, user, id string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.user(user).OnlineMeetings().ByOnlineMeetingId(id).Delete(ctx, nil)
	})
}

func toOnlineMeeting(m models.OnlineMeetingable) *graph.OnlineMeeting {
	out := &graph.OnlineMeeting{ID: deref(m.GetId()), Subject: deref(m.GetSubject()), JoinURL: deref(m.GetJoinWebUrl()),
		Start: timeOf(m.GetStartDateTime()), End: timeOf(m.GetEndDateTime())}
	if s := m.GetJoinMeetingIdSettings(); s != nil {
		out.JoinMeetingID = deref(s.GetJoinMeetingId())
	}
	if p := m.GetParticipants(); p != nil && p.GetOrganizer() != nil {
		o := p.GetOrganizer()
		out.OrganizerUPN = deref(o.GetUpn())
		if id := o.GetIdentity(); id != nil && id.GetUser() != nil {
			out.OrganizerID = deref(id.GetUser().GetId())
		}
	}
	return out
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// outlookTimeLayout is how Outlook writes dateTimeTimeZone.dateTime.
const outlookTimeLayout = "2006-01-02T15:04:05.0000000"

func dateTimeTimeZone(t time.Time) models.DateTimeTimeZoneable {
	d := models.NewDateTimeTimeZone()
	d.SetDateTime(ptr(t.UTC().Format(outlookTimeLayout)))
	d.SetTimeZone(ptr("UTC"))
	return d
}

// CreateEvent implements graph.Meetings.
func (c *Client) CreateEvent(ctx context.Context, user string, in graph.EventCreate) (*graph.Event, error) {
	ev := models.NewEvent()
	ev.SetSubject(ptr(in.Subject))
	if in.BodyHTML != "" {
		b := models.NewItemBody()
		html := models.HTML_BODYTYPE
		b.SetContentType(&html)
		b.SetContent(ptr(in.BodyHTML))
		ev.SetBody(b)
	}
	ev.SetStart(dateTimeTimeZone(in.Start))
	ev.SetEnd(dateTimeTimeZone(in.End))
	var attendees []models.Attendeeable
	for _, addr := range in.Attendees {
		a := models.NewAttendee()
		e := models.NewEmailAddress()
		e.SetAddress(ptr(addr))
		a.SetEmailAddress(e)
		required := models.REQUIRED_ATTENDEETYPE
		a.SetTypeEscaped(&required)
		attendees = append(attendees, a)
	}
	if len(attendees) > 0 {
		ev.SetAttendees(attendees)
	}
	if in.TeamsMeeting {
		ev.SetIsOnlineMeeting(ptr(true))
		teams := models.TEAMSFORBUSINESS_ONLINEMEETINGPROVIDERTYPE
		ev.SetOnlineMeetingProvider(&teams)
	}
	created, err := call(ctx, func(ctx context.Context) (models.Eventable, error) {
		return c.user(user).Events().Post(ctx, ev, nil)
	})
	if err != nil {
		return nil, err
	}
	return toEvent(created), nil
}

// Event implements graph.Meetings.
func (c *Client) Event(ctx context.Context, user, id string) (*graph.Event, error) {
	ev, err := call(ctx, func(ctx context.Context) (models.Eventable, error) {
		return c.user(user).Events().ByEventId(id).Get(ctx, nil)
	})
	if err != nil {
		return nil, err
	}
	return toEvent(ev), nil
}

// DeleteEvent implements graph.Meetings.
func (c *Client) DeleteEvent(ctx context.Context, user, id string) error {
	return send(ctx, func(ctx context.Context) error {
		return c.user(user).Events().ByEventId(id).Delete(ctx, nil)
	})
}

func toEvent(ev models.Eventable) *graph.Event {
	out := &graph.Event{ID: deref(ev.GetId()), Subject: deref(ev.GetSubject()),
		Start: outlookTime(ev.GetStart()), End: outlookTime(ev.GetEnd())}
	if ev.GetIsOnlineMeeting() != nil {
		out.IsOnlineMeeting = *ev.GetIsOnlineMeeting()
	}
	if p := ev.GetOnlineMeetingProvider(); p != nil {
		out.OnlineMeetingProvider = p.String()
	}
	if m := ev.GetOnlineMeeting(); m != nil {
		out.JoinURL, out.ConferenceID = deref(m.GetJoinUrl()), deref(m.GetConferenceId())
	}
	if o := ev.GetOrganizer(); o != nil && o.GetEmailAddress() != nil {
		out.OrganizerName, out.OrganizerAddress = deref(o.GetEmailAddress().GetName()), deref(o.GetEmailAddress().GetAddress())
	}
	for _, a := range items(ev.GetAttendees()) {
		if a.GetEmailAddress() != nil {
			out.Attendees = append(out.Attendees, deref(a.GetEmailAddress().GetAddress()))
		}
	}
	return out
}

// outlookTime reads a dateTimeTimeZone. teamsctl sends UTC and Outlook
// answers in UTC unless asked otherwise (Prefer: outlook.timezone); a
// zone Go does not know is read as UTC.
func outlookTime(d models.DateTimeTimeZoneable) time.Time {
	if d == nil || d.GetDateTime() == nil {
		return time.Time{}
	}
	loc, err := time.LoadLocation(deref(d.GetTimeZone()))
	if err != nil {
		loc = time.UTC
	}
	for _, layout := range []string{outlookTimeLayout, "2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, *d.GetDateTime(), loc); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

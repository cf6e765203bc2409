package emulator

import (
	"net/url"
	"testing"
)

func newEventBody(subject, start, end string, teams bool) map[string]any {
	b := map[string]any{"subject": subject,
		"start": map[string]any{"dateTime": start, "timeZone": "UTC"},
		"end":   map[string]any{"dateTime": end, "timeZone": "UTC"}}
	if teams {
		b["isOnlineMeeting"], b["onlineMeetingProvider"] = true, "teamsForBusiness"
	}
	return b
}

// Events filter and sort on their times as Graph's "Use query parameters"
// page shows ($filter=start/dateTime ge '2017-07-01T08:00'); before, only
// id, subject and the meeting flags were filterable and this was a 400.
// calendarView returns the events overlapping its window ("List
// calendarView"), and needs both ends of it.
func TestEventTimeFiltersAndCalendarView(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita := g.token(upnRita, "Calendars.ReadWrite")
	g.must(201, g.do("POST", "/v1.0/me/events", rita, newEventBody("Early", "2026-03-02T08:00:00", "2026-03-02T09:00:00", false)))
	g.must(201, g.do("POST", "/v1.0/me/events", rita, newEventBody("Late", "2026-03-02T15:00:00", "2026-03-02T16:00:00", false)))
	g.must(201, g.do("POST", "/v1.0/me/events", rita, newEventBody("Next day", "2026-03-03T10:00:00", "2026-03-03T11:00:00", false)))

	subjects := func(res graphResult) []string {
		var out []string
		for _, v := range res.values() {
			out = append(out, v["subject"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"$filter=" + url.QueryEscape("start/dateTime ge '2026-03-02T12:00'"), []string{"Late", "Next day"}},
		{"$filter=" + url.QueryEscape("start/dateTime ge '2026-03-02T08:00' and end/dateTime le '2026-03-02T16:00:00'"), []string{"Early", "Late"}},
		{"$filter=" + url.QueryEscape("start/dateTime lt '2026-03-02T08:00:00Z'"), nil},
		{"$orderby=" + url.QueryEscape("start/dateTime desc"), []string{"Next day", "Late", "Early"}},
	} {
		got := subjects(g.must(200, g.do("GET", "/v1.0/me/events?"+tc.query, rita, nil)))
		if toJSON(got) != toJSON(tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}

	res := g.must(200, g.do("GET", "/v1.0/me/calendarView?startDateTime=2026-03-02T08:30:00Z&endDateTime=2026-03-02T15:30:00", rita, nil))
	if got := subjects(res); toJSON(got) != toJSON([]string{"Early", "Late"}) {
		t.Errorf("calendarView = %v", got)
	}
	if ctx := res.str("@odata.context"); ctx != "https://graph.microsoft.com/v1.0/$metadata#users('"+g.userID(upnRita)+"')/calendarView" {
		t.Errorf("@odata.context = %q", ctx)
	}
	if bad := g.do("GET", "/v1.0/me/calendarView?startDateTime=2026-03-02T08:30:00Z", rita, nil); bad.Status != 400 || bad.errCode() != "ErrorInvalidParameter" {
		t.Errorf("no endDateTime: %d %s", bad.Status, bad.errCode())
	}
	// Another user's calendar view needs an application permission.
	g.must(403, g.do("GET", "/v1.0/users/"+upnAdmin+"/calendarView?startDateTime=2026-03-02T00:00&endDateTime=2026-03-03T00:00", rita, nil))
}

// A Teams meeting created through a calendar event is an onlineMeeting
// too: "Get onlineMeeting" documents $filter=JoinWebUrl eq '...' precisely
// to reach meetings created outside the onlineMeetings API. Before, the
// lookup found nothing.
func TestEventTeamsMeetingFoundByJoinWebURL(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita := g.token(upnRita, "Calendars.ReadWrite", "OnlineMeetings.Read")
	ev := g.must(201, g.do("POST", "/v1.0/me/events", rita, newEventBody("Interview", "2026-03-02T10:00:00", "2026-03-02T11:00:00", true)))
	meeting, _ := ev.Body["onlineMeeting"].(map[string]any)
	join, _ := meeting["joinUrl"].(string)
	if join == "" {
		t.Fatalf("event without join URL: %v", ev.Body)
	}
	found := g.must(200, g.do("GET", "/v1.0/me/onlineMeetings?$filter="+url.QueryEscape("JoinWebUrl eq '"+join+"'"), rita, nil)).values()
	if len(found) != 1 || found[0]["joinWebUrl"] != join || found[0]["subject"] != "Interview" ||
		found[0]["startDateTime"] != "2026-03-02T10:00:00.0000000Z" {
		t.Fatalf("lookup = %v", found)
	}
	g.must(200, g.do("GET", "/v1.0/me/onlineMeetings/"+found[0]["id"].(string), rita, nil))
	// An event without a Teams meeting creates none.
	g.must(201, g.do("POST", "/v1.0/me/events", rita, newEventBody("Lunch", "2026-03-02T12:00:00", "2026-03-02T13:00:00", false)))
	var meetings int
	g.tenant(func(tn *Tenant) { meetings = len(tn.OnlineMeetings) })
	if meetings != 1 {
		t.Errorf("%d online meetings, want the event's one", meetings)
	}
}

// POST /me/onlineMeetings stores and echoes participants.attendees
// ("Create onlineMeeting", example 2); before, they were dropped.
func TestOnlineMeetingEchoesAttendees(t *testing.T) {
	g := newGraphEnv(t, FaultOptions{})
	rita := g.token(upnRita, "OnlineMeetings.ReadWrite")
	robID := g.userID("rob.recruiter@contoso.onmicrosoft.com")
	m := g.must(201, g.do("POST", "/v1.0/me/onlineMeetings", rita, map[string]any{"subject": "Panel",
		"participants": map[string]any{"attendees": []any{
			map[string]any{"identity": map[string]any{"user": map[string]any{"id": robID}}, "role": "presenter"},
			map[string]any{"upn": "candidate@fabrikam.example"},
		}}}))
	parts, _ := m.Body["participants"].(map[string]any)
	attendees, _ := parts["attendees"].([]any)
	if len(attendees) != 2 {
		t.Fatalf("attendees = %v", parts["attendees"])
	}
	rob := attendees[0].(map[string]any)
	user := rob["identity"].(map[string]any)["user"].(map[string]any)
	if rob["role"] != "presenter" || rob["upn"] != "rob.recruiter@contoso.onmicrosoft.com" || user["id"] != robID || user["tenantId"] != contosoID {
		t.Errorf("first attendee = %v", rob)
	}
	if ext := attendees[1].(map[string]any); ext["role"] != "attendee" || ext["upn"] != "candidate@fabrikam.example" {
		t.Errorf("second attendee = %v", ext)
	}
	again := g.must(200, g.do("GET", "/v1.0/me/onlineMeetings/"+m.str("id"), rita, nil))
	if toJSON(again.Body["participants"]) != toJSON(m.Body["participants"]) {
		t.Errorf("GET participants = %v", again.Body["participants"])
	}
	bad := g.do("POST", "/v1.0/me/onlineMeetings", rita, map[string]any{"participants": map[string]any{"attendees": []any{
		map[string]any{"upn": "x@contoso.onmicrosoft.com", "role": "boss"}}}})
	if bad.Status != 400 {
		t.Errorf("unknown role: %d", bad.Status)
	}
}

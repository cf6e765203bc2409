package emulator

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Online meetings and calendar events with Teams links (graph.md
// section 7). These belong to the Teams and Outlook workloads, whose
// errors differ from the directory's.

var typeOnlineMeeting = &graphType{
	Name: "microsoft.graph.onlineMeeting", Resource: "OnlineMeeting",
	Zero: func() map[string]any { return onlineMeetingView(&OnlineMeeting{}, &Tenant{}, &User{}) },
	// Teams documents the filter as "JoinWebUrl eq '...'"; property
	// names match case-insensitively.
	Filter: map[string]string{"joinWebUrl": "eq", "joinMeetingIdSettings/joinMeetingId": "eq"},
}

// Outlook filters and sorts events on their times as on their scalar
// properties ("Use query parameters", whose $filter example is
// start/dateTime ge '2017-07-01T08:00'; "List events" orders by
// createdDateTime). Times without an offset are UTC.
var typeEvent = &graphType{
	Name: "microsoft.graph.event", Resource: "Event",
	Zero: func() map[string]any { return eventView(&Event{}, &User{}) },
	Filter: map[string]string{
		"id": "eq", "subject": "eq ne startswith", "isOnlineMeeting": "eq ne", "onlineMeetingProvider": "eq ne",
		"start/dateTime": outlookOrdered, "end/dateTime": outlookOrdered, "createdDateTime": outlookOrdered,
		"lastModifiedDateTime": outlookOrdered, "organizer/emailAddress/address": "eq ne", "iCalUId": "eq",
		"isOrganizer": "eq ne", "isAllDay": "eq ne", "isCancelled": "eq ne", "showAs": "eq ne", "type": "eq ne",
		"importance": "eq ne", "sensitivity": "eq ne", "categories": "any", "attendees": "any",
		"attendees/emailAddress/address": "eq",
	},
	OrderBy:  []string{"subject", "start/dateTime", "end/dateTime", "createdDateTime", "lastModifiedDateTime"},
	PageSize: 10, // Outlook's default page size
}

const outlookOrdered = "eq ne gt ge lt le"

var onlineMeetingProps = propSpec{
	Type:     "microsoft.graph.onlineMeeting",
	Writable: []string{"startDateTime", "endDateTime", "subject", "participants"},
	// Options Teams accepts; the emulator keeps its defaults for them.
	Unmodelled: []string{"joinMeetingIdSettings", "lobbyBypassSettings", "allowedPresenters",
		"isEntryExitAnnounced", "allowMeetingChat", "allowTeamworkReactions", "recordAutomatically", "externalId",
		"allowAttendeeToEnableCamera", "allowAttendeeToEnableMic", "chatInfo", "audioConferencing", "watermarkProtection"},
	ReadOnly: []string{"id", "creationDateTime", "joinWebUrl", "joinInformation", "videoTeleconferenceId"},
}

func errMeetingNotFound() *graphError {
	// Teams' wording is unverified.
	return newGraphError(http.StatusNotFound, "NotFound", "The specified online meeting was not found.")
}

// errNoTeamsLicence: Teams refuses meetings for organizers without an
// enabled Teams service plan. Status and wording are unverified; 403 is the
// most plausible since the caller is otherwise authorized.
func errNoTeamsLicence(u *User) *graphError {
	return newGraphError(http.StatusForbidden, "Forbidden",
		fmt.Sprintf("User '%s' does not have a valid Teams license to organize online meetings.", u.ID))
}

// hasServicePlan reports an enabled plan among ids.
func hasServicePlan(u *User, ids []string) bool {
	for _, l := range u.Licenses {
		for _, p := range l.ServicePlans {
			if containsFold(ids, p.ServicePlanID) && p.ProvisioningStatus == "Success" {
				return true
			}
		}
	}
	return false
}

// meetingOrganizer resolves the organizer of /me or /users/{id}
// onlineMeetings and applies the Teams application access policy to
// app-only callers.
func (c *graphCall) meetingOrganizer() (*User, *graphError) {
	if c.viaMe {
		return c.caller, nil
	}
	ref := keyValue(c.params["user"])
	if !IsGUID(ref) {
		// Teams needs the object id, not a UPN; wording unverified.
		return nil, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The user id '%s' is not a valid object id.", ref))
	}
	u := c.tenant.UserByIDOrUPN(ref)
	if u == nil || !u.VisibleAtTime(c.now) {
		return nil, newGraphError(http.StatusNotFound, "NotFound", fmt.Sprintf("User '%s' was not found.", ref))
	}
	if c.claims.IsAppOnly() && !c.teamsPolicyAllows(u) {
		// Current documented body (graph.md section 7).
		return nil, newGraphError(http.StatusForbidden, "Forbidden", "No Application Access Policy found for this app")
	}
	return u, nil
}

// teamsPolicyAllows: a Teams application access policy naming the calling
// app must be granted to the user or globally.
func (c *graphCall) teamsPolicyAllows(u *User) bool {
	for _, p := range c.tenant.TeamsAccessPolicies {
		if containsFold(p.AppIDs, c.claims.AppID) && (p.Global || containsFold(p.Users, u.ID)) {
			return true
		}
	}
	return false
}

func (c *graphCall) createOnlineMeeting() *graphError {
	organizer, gerr := c.meetingOrganizer()
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, propSpec{Type: onlineMeetingProps.Type, Writable: append(onlineMeetingProps.Writable, onlineMeetingProps.Unmodelled...), ReadOnly: onlineMeetingProps.ReadOnly}); gerr != nil {
		return gerr
	}
	if !hasServicePlan(organizer, TeamsServicePlanIDs) {
		return errNoTeamsLicence(organizer)
	}
	m := &OnlineMeeting{OrganizerID: organizer.ID, CreationDateTime: c.now.UTC()}
	var start, end *time.Time
	for name, dst := range map[string]any{"startDateTime": &start, "endDateTime": &end, "subject": &m.Subject} {
		if gerr := field(body, name, dst); gerr != nil {
			return gerr
		}
	}
	// Teams defaults a missing time to now and one hour later.
	m.StartDateTime, m.EndDateTime = c.now.UTC(), c.now.UTC().Add(time.Hour)
	if start != nil {
		m.StartDateTime = start.UTC()
	}
	if end != nil {
		m.EndDateTime = end.UTC()
	}
	if m.Attendees, gerr = c.meetingAttendees(body); gerr != nil {
		return gerr
	}
	c.fillMeetingJoinInfo(m, organizer)
	if c.claims.IsAppOnly() {
		m.CreatedByAppID = c.claims.AppID
	}
	c.tenant.OnlineMeetings = append(c.tenant.OnlineMeetings, m)
	return c.writeRaw(http.StatusCreated, c.meetingEntity(m, organizer))
}

// meetingAttendees reads participants.attendees, which Teams stores and
// echoes ("Create onlineMeeting", example 2 adds attendees): each names a
// user by identity.user.id or upn, with a role (attendee by default).
// Users of this tenant are completed from the directory.
func (c *graphCall) meetingAttendees(body map[string]json.RawMessage) ([]MeetingAttendee, *graphError) {
	var in struct {
		Attendees []struct {
			UPN      string `json:"upn"`
			Role     string `json:"role"`
			Identity struct {
				User struct {
					ID       string `json:"id"`
					TenantID string `json:"tenantId"`
				} `json:"user"`
			} `json:"identity"`
		} `json:"attendees"`
	}
	if raw, ok := body["participants"]; ok && json.Unmarshal(raw, &in) != nil {
		return nil, errUnreadableJSON()
	}
	var out []MeetingAttendee
	for _, a := range in.Attendees {
		at := MeetingAttendee{UserID: a.Identity.User.ID, UPN: a.UPN, TenantID: a.Identity.User.TenantID, Role: a.Role}
		switch at.Role {
		case "":
			at.Role = "attendee"
		case "attendee", "presenter", "producer", "coorganizer":
		default:
			return nil, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'microsoft.graph.onlineMeetingRole'.", a.Role))
		}
		if at.UserID == "" && at.UPN == "" {
			return nil, newGraphError(http.StatusBadRequest, "BadRequest", "An attendee needs identity.user.id or upn.") // wording unverified
		}
		ref := cmp.Or(at.UserID, at.UPN)
		if u := c.tenant.UserByIDOrUPN(ref); u != nil {
			at.UserID, at.UPN, at.TenantID = u.ID, u.UserPrincipalName, c.tenant.ID
		}
		out = append(out, at)
	}
	return out, nil
}

// fillMeetingJoinInfo generates the thread, join URL, meeting id and
// passcode in Teams' formats.
func (c *graphCall) fillMeetingJoinInfo(m *OnlineMeeting, organizer *User) {
	token := strings.NewReplacer("-", "", "_", "").Replace(c.s.state.NewOpaqueID())
	m.ThreadID = "19:meeting_" + token + "@thread.v2"
	m.JoinWebURL = teamsJoinURL(m.ThreadID, c.tenant.ID, organizer.ID)
	m.ID = base64.RawURLEncoding.EncodeToString([]byte("1*" + organizer.ID + "*0**" + m.ThreadID))
	m.JoinMeetingID, m.Passcode = meetingDigits(m.ThreadID), NewSecret(6)
}

// teamsJoinURL builds https://teams.microsoft.com/l/meetup-join/... with
// Teams' lower-case percent escapes.
func teamsJoinURL(threadID, tenantID, organizerID string) string {
	thread := strings.NewReplacer(":", "%3a", "@", "%40").Replace(threadID)
	ctx := fmt.Sprintf("%%7b%%22Tid%%22%%3a%%22%s%%22%%2c%%22Oid%%22%%3a%%22%s%%22%%7d", tenantID, organizerID)
	return "https://teams.microsoft.com/l/meetup-join/" + thread + "/0?context=" + ctx
}

// meetingDigits derives a 12-digit numeric id (joinMeetingId, conferenceId).
func meetingDigits(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return fmt.Sprintf("%012d", binary.BigEndian.Uint64(sum[:8])%1_000_000_000_000)
}

func onlineMeetingView(m *OnlineMeeting, t *Tenant, organizer *User) map[string]any {
	return map[string]any{
		"@odata.type": "#microsoft.graph.onlineMeeting",
		"id":          m.ID, "creationDateTime": isoTime(m.CreationDateTime), "startDateTime": isoTime(m.StartDateTime),
		"endDateTime": isoTime(m.EndDateTime), "subject": nullable(m.Subject), "joinWebUrl": nullable(m.JoinWebURL),
		"videoTeleconferenceId": nil, "externalId": nil, "isEntryExitAnnounced": true, "allowedPresenters": "everyone",
		"allowMeetingChat": "enabled", "allowTeamworkReactions": true, "recordAutomatically": false,
		"allowAttendeeToEnableCamera": true, "allowAttendeeToEnableMic": true, "audioConferencing": nil,
		"lobbyBypassSettings": map[string]any{"scope": "organization", "isDialInBypassEnabled": false},
		"chatInfo":            map[string]any{"threadId": nullable(m.ThreadID), "messageId": "0", "replyChainMessageId": nil},
		"joinMeetingIdSettings": map[string]any{"isPasscodeRequired": true, "joinMeetingId": nullable(m.JoinMeetingID),
			"passcode": nullable(m.Passcode)},
		"joinInformation": map[string]any{"content": "data:text/html,%3cdiv%3eJoin+Microsoft+Teams+Meeting%3c%2fdiv%3e", "contentType": "html"},
		"participants": map[string]any{
			"organizer": map[string]any{"upn": nullable(organizer.UserPrincipalName), "role": "presenter",
				"identity": map[string]any{"user": map[string]any{"id": nullable(organizer.ID), "displayName": nil,
					"tenantId": nullable(t.ID), "identityProvider": "AAD"}}},
			"attendees": attendeeViews(m.Attendees),
		},
	}
}

func attendeeViews(list []MeetingAttendee) []map[string]any {
	out := []map[string]any{}
	for _, a := range list {
		out = append(out, map[string]any{"upn": nullable(a.UPN), "role": a.Role,
			"identity": map[string]any{"user": map[string]any{"id": nullable(a.UserID), "displayName": nil,
				"tenantId": nullable(a.TenantID), "identityProvider": "AAD"}}})
	}
	return out
}

func (c *graphCall) meetingEntity(m *OnlineMeeting, organizer *User) map[string]any {
	view := onlineMeetingView(m, c.tenant, organizer)
	view["@odata.context"] = fmt.Sprintf("https://graph.microsoft.com/%s/$metadata#users('%s')/onlineMeetings/$entity", c.version, organizer.ID)
	return view
}

func (c *graphCall) findMeeting(organizer *User) (*OnlineMeeting, *graphError) {
	id := keyValue(c.params["meeting"])
	for _, m := range c.tenant.OnlineMeetings {
		if m.ID == id && strings.EqualFold(m.OrganizerID, organizer.ID) {
			return m, nil
		}
	}
	return nil, errMeetingNotFound()
}

func (c *graphCall) getOnlineMeeting() *graphError {
	organizer, gerr := c.meetingOrganizer()
	if gerr != nil {
		return gerr
	}
	m, gerr := c.findMeeting(organizer)
	if gerr != nil {
		return gerr
	}
	return c.writeRaw(http.StatusOK, c.meetingEntity(m, organizer))
}

// listOnlineMeetings only answers lookups by $filter (JoinWebUrl or
// joinMeetingId); Graph cannot list a user's meetings.
func (c *graphCall) listOnlineMeetings() *graphError {
	organizer, gerr := c.meetingOrganizer()
	if gerr != nil {
		return gerr
	}
	if c.query.Filter == nil {
		// Wording unverified.
		return newGraphError(http.StatusBadRequest, "BadRequest", "A $filter on JoinWebUrl or joinMeetingIdSettings/joinMeetingId is required.")
	}
	views := []map[string]any{}
	for _, m := range c.tenant.OnlineMeetings {
		if strings.EqualFold(m.OrganizerID, organizer.ID) {
			views = append(views, onlineMeetingView(m, c.tenant, organizer))
		}
	}
	return c.writeCollection(fmt.Sprintf("users('%s')/onlineMeetings", organizer.ID), views)
}

func (c *graphCall) deleteOnlineMeeting() *graphError {
	organizer, gerr := c.meetingOrganizer()
	if gerr != nil {
		return gerr
	}
	m, gerr := c.findMeeting(organizer)
	if gerr != nil {
		return gerr
	}
	c.tenant.OnlineMeetings = removeByID(c.tenant.OnlineMeetings, m.ID, func(x *OnlineMeeting) string { return x.ID })
	return c.noContent()
}

// Events.

// calendarOwner resolves /me or /users/{id|upn} for the Outlook workload,
// which answers unknown users and missing mailboxes with its own errors.
func (c *graphCall) calendarOwner() (*User, *graphError) {
	u := c.caller
	if !c.viaMe {
		ref := keyValue(c.params["user"])
		u = c.tenant.UserByIDOrUPN(ref)
		if u == nil || !u.VisibleAtTime(c.now) {
			return nil, newGraphError(http.StatusNotFound, "ErrorInvalidUser", fmt.Sprintf("The requested user '%s' is invalid.", ref))
		}
	}
	if !u.HasMailbox {
		return nil, newGraphError(http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
	}
	return u, nil
}

var eventProps = propSpec{
	Type:     "microsoft.graph.event",
	Writable: []string{"subject", "body", "start", "end", "attendees", "isOnlineMeeting", "onlineMeetingProvider"},
	Unmodelled: []string{"location", "locations", "allowNewTimeProposals", "importance", "sensitivity", "showAs",
		"isReminderOn", "reminderMinutesBeforeStart", "categories", "responseRequested", "hideAttendees",
		"transactionId", "isAllDay", "recurrence"},
	ReadOnly: []string{"id", "createdDateTime", "lastModifiedDateTime", "onlineMeeting", "onlineMeetingUrl", "webLink", "organizer", "iCalUId"},
}

type eventBody struct {
	Subject string `json:"subject"`
	Body    struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Start     dateTimeTimeZone `json:"start"`
	End       dateTimeTimeZone `json:"end"`
	Attendees []struct {
		EmailAddress struct {
			Address string `json:"address"`
			Name    string `json:"name"`
		} `json:"emailAddress"`
		Type string `json:"type"`
	} `json:"attendees"`
	IsOnlineMeeting       bool   `json:"isOnlineMeeting"`
	OnlineMeetingProvider string `json:"onlineMeetingProvider"`
}

type dateTimeTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// windowsTimeZones maps the Windows zone names Outlook accepts to IANA
// names, for the zones the emulator knows.
var windowsTimeZones = map[string]string{
	"UTC": "UTC", "W. Europe Standard Time": "Europe/Berlin", "Central Europe Standard Time": "Europe/Budapest",
	"Romance Standard Time": "Europe/Paris", "GMT Standard Time": "Europe/London",
	"Pacific Standard Time": "America/Los_Angeles", "Eastern Standard Time": "America/New_York",
	"Central Standard Time": "America/Chicago",
}

// parseEventTime reads Outlook's dateTimeTimeZone.
func parseEventTime(v dateTimeTimeZone, prop string) (time.Time, *graphError) {
	zone := v.TimeZone
	if iana, ok := windowsTimeZones[zone]; ok {
		zone = iana
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || v.TimeZone == "" {
		if strings.HasSuffix(v.TimeZone, "Standard Time") {
			return time.Time{}, errNotModelled("time zone '" + v.TimeZone + "'")
		}
		return time.Time{}, newGraphError(http.StatusBadRequest, "TimeZoneNotSupportedException",
			fmt.Sprintf("A valid TimeZone value must be specified. The following TimeZone value is not supported: '%s'.", v.TimeZone))
	}
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v.DateTime, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type of property '%s'.", v.DateTime, prop))
}

func (c *graphCall) createEvent() *graphError {
	owner, gerr := c.calendarOwner()
	if gerr != nil {
		return gerr
	}
	body, gerr := c.decodeJSONBody()
	if gerr != nil {
		return gerr
	}
	if gerr := checkBodyProps(body, eventProps); gerr != nil {
		return gerr
	}
	var in eventBody
	if remarshal(body, &in) != nil {
		return errUnreadableJSON()
	}
	e := &Event{OwnerID: owner.ID, Subject: in.Subject, BodyHTML: in.Body.Content, TimeZone: in.Start.TimeZone,
		CreatedDateTime: c.now.UTC(), OnlineMeetingProvider: "unknown"}
	if e.Start, gerr = parseEventTime(in.Start, "start"); gerr != nil {
		return gerr
	}
	if e.End, gerr = parseEventTime(in.End, "end"); gerr != nil {
		return gerr
	}
	for _, a := range in.Attendees {
		e.Attendees = append(e.Attendees, Attendee{Address: a.EmailAddress.Address, Name: a.EmailAddress.Name, Type: a.Type})
	}
	e.ID = "AAMkAG" + c.s.state.NewOpaqueID() + "AAA="
	if gerr := c.attachTeamsMeeting(e, in, owner); gerr != nil {
		return gerr
	}
	if c.claims.IsAppOnly() {
		e.CreatedByAppID = c.claims.AppID
	}
	c.tenant.Events = append(c.tenant.Events, e)
	return c.writeRaw(http.StatusCreated, c.eventEntity(e, owner))
}

// attachTeamsMeeting adds a Teams meeting when asked. Outlook creates the
// event without one when the organizer has no Teams service plan
// (teamsForBusiness is then not an allowed provider of the calendar);
// this behaviour is plausible, not verified.
func (c *graphCall) attachTeamsMeeting(e *Event, in eventBody, owner *User) *graphError {
	switch in.OnlineMeetingProvider {
	case "", "unknown":
	case "teamsForBusiness":
		e.OnlineMeetingProvider = in.OnlineMeetingProvider
	case "skypeForBusiness", "skypeForConsumer":
		return errNotModelled("online meeting provider " + in.OnlineMeetingProvider)
	default:
		return newGraphError(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type of property 'onlineMeetingProvider'.", in.OnlineMeetingProvider))
	}
	if !in.IsOnlineMeeting || e.OnlineMeetingProvider != "teamsForBusiness" || !hasServicePlan(owner, TeamsServicePlanIDs) {
		if !hasServicePlan(owner, TeamsServicePlanIDs) {
			e.OnlineMeetingProvider = "unknown"
		}
		return nil
	}
	// Outlook creates the Teams meeting itself; Graph finds it with
	// GET /onlineMeetings?$filter=JoinWebUrl eq '...' ("Get onlineMeeting":
	// the way to reach meetings created through calendar events).
	m := &OnlineMeeting{OrganizerID: owner.ID, Subject: e.Subject, StartDateTime: e.Start, EndDateTime: e.End,
		CreationDateTime: c.now.UTC(), EventID: e.ID}
	c.fillMeetingJoinInfo(m, owner)
	c.tenant.OnlineMeetings = append(c.tenant.OnlineMeetings, m)
	e.IsOnlineMeeting, e.JoinURL, e.ConferenceID = true, m.JoinWebURL, m.JoinMeetingID
	return nil
}

func outlookTime(t time.Time) map[string]any {
	return map[string]any{"dateTime": t.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
}

func eventView(e *Event, owner *User) map[string]any {
	attendees := []map[string]any{}
	for _, a := range e.Attendees {
		attendees = append(attendees, map[string]any{"type": a.Type,
			"status":       map[string]any{"response": "none", "time": "0001-01-01T00:00:00Z"},
			"emailAddress": map[string]any{"name": a.Name, "address": a.Address}})
	}
	var meeting any
	if e.IsOnlineMeeting {
		meeting = map[string]any{"joinUrl": e.JoinURL, "conferenceId": e.ConferenceID, "tollNumber": nil}
	}
	preview := e.BodyHTML
	if len(preview) > 255 {
		preview = preview[:255]
	}
	return map[string]any{
		"id": e.ID, "createdDateTime": isoTime(e.CreatedDateTime), "lastModifiedDateTime": isoTime(e.CreatedDateTime),
		"changeKey": "DwAAABYAAAA=", "categories": []string{}, "transactionId": nil,
		"originalStartTimeZone": nullable(e.TimeZone), "originalEndTimeZone": nullable(e.TimeZone),
		"iCalUId": "040000008200E00074C5B7101A82E008" + e.ID, "reminderMinutesBeforeStart": 15, "isReminderOn": true,
		"hasAttachments": false, "subject": nullable(e.Subject), "bodyPreview": preview, "importance": "normal",
		"sensitivity": "normal", "isAllDay": false, "isCancelled": false, "isOrganizer": true, "responseRequested": true,
		"seriesMasterId": nil, "showAs": "busy", "type": "singleInstance", "webLink": "https://outlook.office365.com/owa/?itemid=" + e.ID,
		"onlineMeetingUrl": nil, "isOnlineMeeting": e.IsOnlineMeeting, "onlineMeetingProvider": nullable(e.OnlineMeetingProvider),
		"allowNewTimeProposals": true, "isDraft": false, "hideAttendees": false, "recurrence": nil,
		"responseStatus": map[string]any{"response": "organizer", "time": "0001-01-01T00:00:00Z"},
		"body":           map[string]any{"contentType": "html", "content": e.BodyHTML},
		"start":          outlookTime(e.Start), "end": outlookTime(e.End),
		"location":  map[string]any{"displayName": "", "locationType": "default", "uniqueIdType": "unknown", "address": map[string]any{}, "coordinates": map[string]any{}},
		"locations": []any{}, "attendees": attendees,
		"organizer":     map[string]any{"emailAddress": map[string]any{"name": nullable(owner.DisplayName), "address": nullable(owner.Mail)}},
		"onlineMeeting": meeting,
	}
}

func (c *graphCall) eventEntity(e *Event, owner *User) map[string]any {
	view := eventView(e, owner)
	view["@odata.context"] = fmt.Sprintf("https://graph.microsoft.com/%s/$metadata#users('%s')/events/$entity", c.version, owner.ID)
	view["@odata.etag"] = `W/"DwAAABYAAAA="`
	return view
}

func (c *graphCall) findEvent(owner *User) (*Event, *graphError) {
	id := keyValue(c.params["event"])
	for _, e := range c.tenant.Events {
		if e.ID == id && strings.EqualFold(e.OwnerID, owner.ID) {
			return e, nil
		}
	}
	return nil, newGraphError(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
}

func (c *graphCall) getEvent() *graphError {
	owner, gerr := c.calendarOwner()
	if gerr != nil {
		return gerr
	}
	e, gerr := c.findEvent(owner)
	if gerr != nil {
		return gerr
	}
	return c.writeRaw(http.StatusOK, c.eventEntity(e, owner))
}

func (c *graphCall) listEvents() *graphError {
	owner, gerr := c.calendarOwner()
	if gerr != nil {
		return gerr
	}
	views := []map[string]any{}
	for _, e := range c.tenant.Events {
		if strings.EqualFold(e.OwnerID, owner.ID) {
			views = append(views, eventView(e, owner))
		}
	}
	return c.writeCollection(fmt.Sprintf("users('%s')/events", owner.ID), views)
}

// listCalendarView answers GET /me/calendarView?startDateTime=&endDateTime=
// ("List calendarView"): the events of the default calendar that overlap
// the window, which both parameters must give. Times without an offset
// are UTC. Recurring events are not modelled, so there are no occurrences
// to expand.
func (c *graphCall) listCalendarView() *graphError {
	owner, gerr := c.calendarOwner()
	if gerr != nil {
		return gerr
	}
	from, okFrom := parseWindowTime(queryFold(c.r, "startDateTime"))
	to, okTo := parseWindowTime(queryFold(c.r, "endDateTime"))
	if !okFrom || !okTo {
		// Outlook's answer to a missing or unreadable window (observed).
		return newGraphError(http.StatusBadRequest, "ErrorInvalidParameter",
			"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
	}
	views := []map[string]any{}
	for _, e := range c.tenant.Events {
		if strings.EqualFold(e.OwnerID, owner.ID) && e.Start.Before(to) && e.End.After(from) {
			views = append(views, eventView(e, owner))
		}
	}
	return c.writeCollection(fmt.Sprintf("users('%s')/calendarView", owner.ID), views)
}

// queryFold reads a non-system query parameter case-insensitively, as
// Outlook does.
func queryFold(r *http.Request, name string) string {
	for k, v := range r.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// parseWindowTime reads an ISO 8601 time with or without an offset
// (without one it is UTC).
func parseWindowTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (c *graphCall) deleteEvent() *graphError {
	owner, gerr := c.calendarOwner()
	if gerr != nil {
		return gerr
	}
	e, gerr := c.findEvent(owner)
	if gerr != nil {
		return gerr
	}
	c.tenant.Events = removeByID(c.tenant.Events, e.ID, func(x *Event) string { return x.ID })
	return c.noContent()
}

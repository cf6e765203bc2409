package graph

import (
	"context"
	"time"
)

// Meetings is the Teams and Outlook area: online meetings and calendar
// events with a Teams link, created, read back and deleted the way a
// recruiting integration does (graph.md section 7).
//
// user names the organizer: "" is the signed-in user (/me, delegated
// tokens), otherwise a user's object id (/users/{id}, app-only tokens;
// Teams refuses a UPN there).
type Meetings interface {
	// CreateOnlineMeeting creates a standalone Teams meeting
	// (POST /me/onlineMeetings or /users/{id}/onlineMeetings).
	CreateOnlineMeeting(ctx context.Context, user string, in MeetingCreate) (*OnlineMeeting, error)
	// OnlineMeeting reads a meeting back by id.
	OnlineMeeting(ctx context.Context, user, id string) (*OnlineMeeting, error)
	// DeleteOnlineMeeting deletes a meeting.
	DeleteOnlineMeeting(ctx context.Context, user, id string) error

	// CreateEvent creates a calendar event, with a Teams meeting when
	// in.TeamsMeeting is set (POST /me/events or /users/{id}/events).
	CreateEvent(ctx context.Context, user string, in EventCreate) (*Event, error)
	// Event reads an event back by id.
	Event(ctx context.Context, user, id string) (*Event, error)
	// DeleteEvent deletes an event (attendees get a cancellation).
	DeleteEvent(ctx context.Context, user, id string) error
}

// MeetingCreate is a new online meeting.
type MeetingCreate struct {
	Subject string
	Start   time.Time
	End     time.Time
}

// OnlineMeeting is a Teams meeting.
type OnlineMeeting struct {
	ID            string    `json:"id"`
	Subject       string    `json:"subject"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	JoinURL       string    `json:"joinUrl"`
	JoinMeetingID string    `json:"joinMeetingId,omitempty"`
	// OrganizerID and OrganizerUPN identify the organizer as Teams
	// recorded it.
	OrganizerID  string `json:"organizerId,omitempty"`
	OrganizerUPN string `json:"organizerUpn,omitempty"`
}

// EventCreate is a new calendar event.
type EventCreate struct {
	Subject string
	// BodyHTML is the invitation text.
	BodyHTML string
	Start    time.Time
	End      time.Time
	// Attendees are e-mail addresses invited as required attendees.
	Attendees []string
	// TeamsMeeting adds a Teams meeting (isOnlineMeeting with the
	// teamsForBusiness provider), as EBMS does.
	TeamsMeeting bool
}

// Event is a calendar event.
type Event struct {
	ID      string    `json:"id"`
	Subject string    `json:"subject"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	// IsOnlineMeeting and OnlineMeetingProvider say whether Outlook
	// attached a Teams meeting; JoinURL is its link.
	IsOnlineMeeting       bool     `json:"isOnlineMeeting"`
	OnlineMeetingProvider string   `json:"onlineMeetingProvider,omitempty"`
	JoinURL               string   `json:"joinUrl,omitempty"`
	ConferenceID          string   `json:"conferenceId,omitempty"`
	OrganizerName         string   `json:"organizerName,omitempty"`
	OrganizerAddress      string   `json:"organizerAddress,omitempty"`
	Attendees             []string `json:"attendees,omitempty"`
}

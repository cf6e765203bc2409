package test

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/meetingtest"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// renderer is render, with the sign-in's trace and correlation ids in the
// "why" line only when verbose (-v); JSON always carries them.
func renderer(verbose bool) func(io.Writer, *ui.Styles, *meetingtest.Result) error {
	if verbose {
		return render
	}
	return func(w io.Writer, s *ui.Styles, r *meetingtest.Result) error {
		if r.Failure != nil && r.Failure.Cause != nil {
			f, c := *r.Failure, *r.Failure.Cause
			c.Why = withoutTraceIDs(c.Why)
			f.Cause = &c
			rr := *r
			rr.Failure = &f
			r = &rr
		}
		return render(w, s, r)
	}
}

// withoutTraceIDs cuts Entra's " Trace ID: ... Correlation ID: ...
// Timestamp: ..." tail off an error description.
func withoutTraceIDs(s string) string {
	s, _, _ = strings.Cut(s, " Trace ID:")
	return strings.TrimSpace(s)
}

// render draws the result: a headline, what was tested, what was created
// with its join link, the timed steps, and on failure the cause and fix.
func render(w io.Writer, s *ui.Styles, r *meetingtest.Result) error {
	headline := "Meeting test passed"
	mark := s.SuccessMark()
	if !r.OK {
		headline, mark = "Meeting test failed", s.FailMark()
	}
	if s.Terminal() {
		fmt.Fprintf(w, "%s %s\n\n", mark, s.Title.Render(headline))
	}
	fields := []ui.Field{{Key: "result", Value: map[bool]string{true: "passed", false: "failed"}[r.OK]}, {Key: "as", Value: string(r.As)}}
	if r.App != nil {
		app := r.App.AppID
		if r.App.DisplayName != "" {
			app = fmt.Sprintf("%s (%s)", r.App.DisplayName, r.App.AppID)
		}
		fields = append(fields, ui.Field{Key: "app", Value: app})
		if r.App.Flow != "" {
			fields = append(fields, ui.Field{Key: "sign-in", Value: r.App.Flow})
		}
	}
	fields = appendSet(fields, "signed in as", r.SignedInAs)
	fields = appendSet(fields, "organizer", r.Organizer)
	if !r.Start.IsZero() { // an access-policy check creates nothing
		fields = append(fields, ui.Field{Key: "subject", Value: r.Subject},
			ui.Field{Key: "start", Value: r.Start.Format(time.RFC3339)}, ui.Field{Key: "end", Value: r.End.Format(time.RFC3339)})
	}
	for _, c := range r.Created {
		name := string(c.Kind)
		fields = append(fields, ui.Field{Key: name + " id", Value: c.ID})
		fields = appendSet(fields, "join url", c.JoinURL)
		fields = appendSet(fields, "meeting id", c.JoinMeetingID)
		state := "not deleted"
		switch {
		case c.Kept:
			state = "kept (--keep)"
		case c.Deleted:
			state = "deleted"
		}
		fields = append(fields, ui.Field{Key: name, Value: state})
	}
	if err := s.KeyValues(w, fields); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows := make([][]string, 0, len(r.Steps))
	for _, st := range r.Steps {
		status := st.Status
		if s.Terminal() {
			status = map[bool]string{true: s.SuccessMark(), false: s.FailMark()}[st.Status == meetingtest.StatusOK] + " " + st.Status
		}
		detail := st.Detail
		if st.Error != "" {
			detail = st.Error
		}
		rows = append(rows, []string{"step", st.Name, string(st.Kind), status, formatDuration(st.Duration()), detail})
	}
	if err := s.Table(w, []string{"", "STEP", "KIND", "STATUS", "TIME", "DETAIL"}, rows); err != nil {
		return err
	}
	if f := r.Failure; f != nil {
		fmt.Fprintln(w)
		ff := []ui.Field{{Key: "failed step", Value: stepName(f)}, {Key: "error", Value: f.Error}}
		if c := f.Cause; c != nil {
			ff = append(ff, ui.Field{Key: "cause", Value: c.Title})
			ff = appendSet(ff, "why", c.Why)
			ff = appendSet(ff, "fix", c.Fix.Command)
			ff = appendSet(ff, "portal", c.Fix.Portal)
			ff = appendSet(ff, "powershell", c.Fix.PowerShell)
			ff = appendSet(ff, "note", c.Fix.Note)
		}
		if err := s.KeyValues(w, ff); err != nil {
			return err
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		nf := make([]ui.Field, 0, len(r.Notes))
		for _, n := range r.Notes {
			nf = append(nf, ui.Field{Key: "note", Value: n})
		}
		return s.KeyValues(w, nf)
	}
	return nil
}

func stepName(f *meetingtest.Failure) string {
	if f.Kind == "" {
		return f.Step
	}
	return f.Step + " " + string(f.Kind)
}

func appendSet(fields []ui.Field, key, value string) []ui.Field {
	if value == "" {
		return fields
	}
	return append(fields, ui.Field{Key: key, Value: value})
}

func formatDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

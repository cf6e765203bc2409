package iostreams

import (
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestColorDecision(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		tty     bool
		disable bool
		want    bool
	}{
		{name: "terminal", tty: true, want: true},
		{name: "pipe", tty: false, want: false},
		{name: "NO_COLOR on terminal", env: map[string]string{"NO_COLOR": "1"}, tty: true, want: false},
		{name: "CLICOLOR=0 on terminal", env: map[string]string{"CLICOLOR": "0"}, tty: true, want: false},
		{name: "CLICOLOR_FORCE on pipe", env: map[string]string{"CLICOLOR_FORCE": "1"}, want: true},
		{name: "CLICOLOR_FORCE=0 on pipe", env: map[string]string{"CLICOLOR_FORCE": "0"}, want: false},
		{name: "NO_COLOR beats CLICOLOR_FORCE", env: map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, want: false},
		{name: "--no-color beats CLICOLOR_FORCE", env: map[string]string{"CLICOLOR_FORCE": "1"}, disable: true, want: false},
		{name: "--no-color on terminal", tty: true, disable: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.applyEnv(envOf(tt.env))
			s.SetStdoutTTY(tt.tty)
			s.SetStderrTTY(tt.tty)
			if tt.disable {
				s.DisableColor()
			}
			if got := s.ColorEnabled(); got != tt.want {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.want)
			}
			if got := s.ErrColorEnabled(); got != tt.want {
				t.Errorf("ErrColorEnabled() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForceTTY(t *testing.T) {
	s, _, _, _ := Test()
	s.applyEnv(envOf(map[string]string{"TEAMSCTL_FORCE_TTY": "1", "NO_COLOR": "1"}))
	if !s.IsStdoutTTY() || !s.IsStderrTTY() {
		t.Fatal("TEAMSCTL_FORCE_TTY should make stdout and stderr terminals")
	}
	if s.ColorEnabled() {
		t.Error("NO_COLOR should still turn colour off on a forced TTY")
	}
	if s.IsStdinTTY() {
		t.Error("TEAMSCTL_FORCE_TTY must not pretend stdin is a terminal (it would enable prompts)")
	}
}

func TestCanPrompt(t *testing.T) {
	tests := []struct {
		name          string
		stdin, stdout bool
		noPrompt      string
		want          bool
	}{
		{"interactive", true, true, "", true},
		{"TEAMSCTL_NO_PROMPT", true, true, "1", false},
		{"stdin piped", false, true, "", false},
		{"stdout piped", true, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.applyEnv(envOf(map[string]string{"TEAMSCTL_NO_PROMPT": tt.noPrompt}))
			s.SetStdinTTY(tt.stdin)
			s.SetStdoutTTY(tt.stdout)
			if got := s.CanPrompt(); got != tt.want {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStylesFollowTheirStream(t *testing.T) {
	s, _, _, _ := Test()
	s.SetStdoutTTY(false)
	s.SetStderrTTY(true)
	if got := s.Styles().Success.Render("ok"); got != "ok" {
		t.Errorf("stdout is a pipe, want plain text, got %q", got)
	}
	if got := s.ErrStyles().Success.Render("ok"); !strings.Contains(got, "\x1b[") {
		t.Errorf("stderr is a terminal, want ANSI colour, got %q", got)
	}
}

// fakeTicker lets a test advance the spinner one frame at a time.
func fakeTicker(s *IOStreams) chan time.Time {
	ticks := make(chan time.Time)
	s.newTicker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
	return ticks
}

func TestProgressOnTerminal(t *testing.T) {
	s, _, _, errOut := Test()
	s.SetStderrTTY(true)
	ticks := fakeTicker(s)

	s.StartProgress("Waiting for consent")
	ticks <- time.Time{}
	ticks <- time.Time{}
	s.StopProgress()

	want := "\r⠋ Waiting for consent\r⠙ Waiting for consent\r⠹ Waiting for consent\r\x1b[K"
	if errOut.String() != want {
		t.Errorf("got %q, want %q", errOut.String(), want)
	}
}

func TestProgressSilentOffTerminal(t *testing.T) {
	s, _, out, errOut := Test()
	fakeTicker(s)

	s.StartProgress("Waiting")
	s.StopProgress()

	if errOut.Len() != 0 || out.Len() != 0 {
		t.Errorf("no spinner expected off a terminal, got stdout %q stderr %q", out, errOut)
	}
}

func TestStartProgressReplacesMessage(t *testing.T) {
	s, _, _, errOut := Test()
	s.SetStderrTTY(true)
	fakeTicker(s)

	s.StartProgress("first")
	s.StartProgress("second")
	s.StopProgress()
	s.StopProgress()

	want := "\r⠋ first\r\x1b[K\r⠋ second\r\x1b[K"
	if errOut.String() != want {
		t.Errorf("got %q, want %q", errOut.String(), want)
	}
}

func TestProfileFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want termenv.Profile
	}{
		{map[string]string{"COLORTERM": "truecolor"}, termenv.TrueColor},
		{map[string]string{"TERM": "xterm-256color"}, termenv.ANSI256},
		{map[string]string{"TERM": "xterm"}, termenv.ANSI},
	}
	for _, tt := range tests {
		if got := profileFromEnv(envOf(tt.env)); got != tt.want {
			t.Errorf("profileFromEnv(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

// Package iostreams is the one place that decides whether teamsctl talks to a
// terminal, whether it may use colour and whether it may prompt.
//
// Inputs, in order of strength:
//   - NO_COLOR (any value) or the user's no-color setting: never colour.
//   - CLICOLOR_FORCE (not "0"): colour even when the stream is not a terminal.
//   - CLICOLOR=0: no colour on terminals either.
//   - TEAMSCTL_FORCE_TTY (not "0"): treat stdout and stderr as terminals, so
//     tests and screenshots get the human layout.
//   - TEAMSCTL_NO_PROMPT (not "0"): never prompt, as if stdin were not a terminal.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/term"

	"github.com/teamsctl/teamsctl/internal/ui"
)

// IOStreams are the standard streams plus what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	noColor      bool
	forceColor   bool
	cliColorOff  bool
	colorProfile termenv.Profile
	noPrompt     bool

	progressMu sync.Mutex
	progress   *progress
	newTicker  tickerFunc
}

// System returns the process's streams, with TTY and colour decided from the
// files and from getenv.
func System(getenv func(string) string) *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		newTicker: realTicker,
	}
	s.applyEnv(getenv)
	return s
}

// Test returns streams backed by buffers: no TTY, no colour, no prompts.
// Tests flip the TTY setters to exercise the terminal layout.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{
		In:           in,
		Out:          out,
		ErrOut:       errOut,
		colorProfile: termenv.ANSI,
		newTicker:    realTicker,
	}
	return s, in, out, errOut
}

func (s *IOStreams) applyEnv(getenv func(string) string) {
	s.noColor = getenv("NO_COLOR") != ""
	s.forceColor = isOn(getenv("CLICOLOR_FORCE"))
	s.cliColorOff = getenv("CLICOLOR") == "0"
	s.noPrompt = isOn(getenv("TEAMSCTL_NO_PROMPT"))
	if isOn(getenv("TEAMSCTL_FORCE_TTY")) {
		s.stdoutTTY, s.stderrTTY = true, true
	}
	s.colorProfile = profileFromEnv(getenv)
}

// isOn reads an environment flag: set and not "0" or "false".
func isOn(v string) bool {
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// profileFromEnv picks how many colours the terminal shows, from the
// conventional variables, without querying the terminal.
func profileFromEnv(getenv func(string) string) termenv.Profile {
	colorTerm := strings.ToLower(getenv("COLORTERM"))
	switch {
	case colorTerm == "truecolor" || colorTerm == "24bit":
		return termenv.TrueColor
	case strings.Contains(getenv("TERM"), "256color"):
		return termenv.ANSI256
	default:
		return termenv.ANSI
	}
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether results are read by a person.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether progress and hints are seen by a person.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides TTY detection for stdin (tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides TTY detection for stdout (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY overrides TTY detection for stderr (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// DisableColor records the user's no-color choice (--no-color or the
// no-color config key). It beats every other input.
func (s *IOStreams) DisableColor() { s.noColor = true }

// ColorEnabled reports whether stdout may carry colour.
func (s *IOStreams) ColorEnabled() bool { return s.colorFor(s.stdoutTTY) }

// ErrColorEnabled reports whether stderr may carry colour.
func (s *IOStreams) ErrColorEnabled() bool { return s.colorFor(s.stderrTTY) }

func (s *IOStreams) colorFor(tty bool) bool {
	switch {
	case s.noColor:
		return false
	case s.forceColor:
		return true
	case s.cliColorOff:
		return false
	default:
		return tty
	}
}

// CanPrompt reports whether teamsctl may ask the user a question.
func (s *IOStreams) CanPrompt() bool {
	return !s.noPrompt && s.stdinTTY && s.stdoutTTY
}

// Styles returns the styles for results on stdout.
func (s *IOStreams) Styles() *ui.Styles {
	return ui.NewStyles(s.renderer(s.Out, s.ColorEnabled()), s.stdoutTTY)
}

// ErrStyles returns the styles for messages on stderr.
func (s *IOStreams) ErrStyles() *ui.Styles {
	return ui.NewStyles(s.renderer(s.ErrOut, s.ErrColorEnabled()), s.stderrTTY)
}

// renderer binds lipgloss to one stream. The default lipgloss renderer is
// never used: it inspects os.Stdout, whatever stream the text goes to.
func (s *IOStreams) renderer(w io.Writer, color bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	if color {
		r.SetColorProfile(s.colorProfile)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

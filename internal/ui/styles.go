// Package ui holds teamsctl's visual vocabulary: the styles results are drawn
// with and the two layouts every command uses, a key-value block and a table.
//
// Every helper has two faces. On a terminal output is aligned and styled for a
// person; otherwise it is plain, tab-separated and never truncated, so that
// scripts can cut and grep it.
package ui

import "github.com/charmbracelet/lipgloss"

// Styles draw text for one output stream. Build them with NewStyles from that
// stream's renderer so colour follows the stream's own TTY and colour settings.
type Styles struct {
	Title   lipgloss.Style
	Key     lipgloss.Style
	Success lipgloss.Style
	Warn    lipgloss.Style
	Fail    lipgloss.Style
	Muted   lipgloss.Style

	// terminal selects the human layout (aligned, with headers) over the
	// script layout (tab-separated rows).
	terminal bool
}

// NewStyles returns styles bound to r. terminal is whether the stream is a
// terminal, which decides layout; whether colour is used is r's business.
//
// Only the 16 basic ANSI colours are used: they follow the user's terminal
// theme, so output stays readable on light and dark backgrounds without
// querying the terminal.
func NewStyles(r *lipgloss.Renderer, terminal bool) *Styles {
	return &Styles{
		Title:    r.NewStyle().Bold(true),
		Key:      r.NewStyle().Bold(true),
		Success:  r.NewStyle().Foreground(lipgloss.Color("2")),
		Warn:     r.NewStyle().Foreground(lipgloss.Color("3")),
		Fail:     r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		Muted:    r.NewStyle().Foreground(lipgloss.Color("8")),
		terminal: terminal,
	}
}

// Terminal reports whether the styles lay out output for a person at a
// terminal rather than for a script.
func (s *Styles) Terminal() bool { return s.terminal }

// SuccessMark, WarnMark and FailMark prefix status lines on a terminal.
func (s *Styles) SuccessMark() string { return s.Success.Render("✓") }

// WarnMark prefixes a warning line; see SuccessMark.
func (s *Styles) WarnMark() string { return s.Warn.Render("!") }

// FailMark prefixes a failure line; see SuccessMark.
func (s *Styles) FailMark() string { return s.Fail.Render("✗") }

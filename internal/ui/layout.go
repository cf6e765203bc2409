package ui

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// columnGap separates aligned columns on a terminal.
const columnGap = "  "

// Field is one line of a key-value block.
type Field struct {
	Key   string
	Value string
}

// KeyValues writes fields as a block. On a terminal keys are styled and
// values aligned; otherwise each line is "key<TAB>value".
func (s *Styles) KeyValues(w io.Writer, fields []Field) error {
	if !s.terminal {
		for _, f := range fields {
			if _, err := fmt.Fprintf(w, "%s\t%s\n", f.Key, f.Value); err != nil {
				return err
			}
		}
		return nil
	}
	width := 0
	for _, f := range fields {
		width = max(width, lipgloss.Width(f.Key)+1)
	}
	for _, f := range fields {
		key := padRight(s.Key.Render(f.Key+":"), lipgloss.Width(f.Key)+1, width)
		if _, err := fmt.Fprintf(w, "%s%s%s\n", key, columnGap, f.Value); err != nil {
			return err
		}
	}
	return nil
}

// Table writes rows under header. On a terminal the header is styled and
// columns are aligned; otherwise the header is left out (scripts want data
// only) and cells are tab-separated. Cells are never truncated.
func (s *Styles) Table(w io.Writer, header []string, rows [][]string) error {
	if !s.terminal {
		for _, row := range rows {
			if _, err := fmt.Fprintln(w, strings.Join(row, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	widths := columnWidths(header, rows)
	styled := make([]string, len(header))
	for i, h := range header {
		styled[i] = s.Title.Render(h)
	}
	if err := writeAligned(w, styled, header, widths); err != nil {
		return err
	}
	for _, row := range rows {
		if err := writeAligned(w, row, row, widths); err != nil {
			return err
		}
	}
	return nil
}

// columnWidths measures the display width of every column, header included.
func columnWidths(header []string, rows [][]string) []int {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = lipgloss.Width(h)
	}
	for _, row := range rows {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], lipgloss.Width(cell))
			}
		}
	}
	return widths
}

// writeAligned writes one row. cells may carry styling; plain holds the same
// text unstyled so padding is computed on what the user sees. Trailing
// blanks are trimmed so lines end where their text does.
func writeAligned(w io.Writer, cells, plain []string, widths []int) error {
	var b strings.Builder
	for i, cell := range cells {
		b.WriteString(padRight(cell, lipgloss.Width(plain[i]), widths[i]))
		b.WriteString(columnGap)
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	return err
}

// padRight pads text whose visible width is known to the given width.
func padRight(text string, visible, width int) string {
	return text + strings.Repeat(" ", max(0, width-visible))
}

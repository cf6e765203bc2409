// Package plan is the shape app create and consent grant report their work
// in: a list of steps, each planned (dry run), done, unchanged or failed.
// The steps are part of the -o json contract.
package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/teamsctl/teamsctl/internal/ui"
)

// Status of a step.
type Status string

const (
	Planned   Status = "planned"   // --dry-run: would be done
	Done      Status = "done"      // written
	Unchanged Status = "unchanged" // already as desired
	Skipped   Status = "skipped"   // not attempted (an earlier step failed)
	Failed    Status = "failed"
)

// Step is one action of a plan.
type Step struct {
	Action string   `json:"action"` // e.g. create-application, add-redirect-uris
	Target string   `json:"target"` // what it acts on
	Detail []string `json:"detail,omitempty"`
	Status Status   `json:"status"`
	Error  string   `json:"error,omitempty"`
}

// Steps is an ordered plan.
type Steps []Step

// Add appends a step and returns its index.
func (s *Steps) Add(action, target string, status Status, detail ...string) int {
	*s = append(*s, Step{Action: action, Target: target, Status: status, Detail: detail})
	return len(*s) - 1
}

// Changes counts the steps that write (planned or done).
func (s Steps) Changes() int {
	n := 0
	for _, st := range s {
		if st.Status == Planned || st.Status == Done {
			n++
		}
	}
	return n
}

// Render writes the steps, one per line: a mark, the action, the target
// and the details.
func (s Steps) Render(w io.Writer, st *ui.Styles) {
	for _, step := range s {
		mark := "="
		switch step.Status {
		case Planned:
			mark = "+"
		case Done:
			mark = st.SuccessMark()
		case Failed:
			mark = st.FailMark()
		case Skipped:
			mark = "-"
		}
		line := fmt.Sprintf("%s %s %s", mark, strings.ReplaceAll(step.Action, "-", " "), step.Target)
		if len(step.Detail) > 0 {
			line += ": " + strings.Join(step.Detail, ", ")
		}
		if step.Status == Unchanged {
			line += " (unchanged)"
		}
		if step.Error != "" {
			line += " (" + step.Error + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// Added are step details for names a step adds: "+name".
func Added(names []string) []string { return prefixed("+", names) }

// Removed are step details for names a step removes: "-name".
func Removed(names []string) []string { return prefixed("-", names) }

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

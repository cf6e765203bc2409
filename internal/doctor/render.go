package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/teamsctl/teamsctl/internal/ui"
)

var groupTitles = map[Group]string{
	GroupTenant:        "Tenant",
	GroupApp:           "App registration",
	GroupEnterpriseApp: "Enterprise app",
	GroupUser:          "User",
	GroupTeams:         "Teams (outside Graph)",
}

// Render writes the report for a person (terminal) or a script (plain):
// grouped sections, one line per check with its mark, then for anything
// not passing why it matters and the fix, then the summary line.
func (r *Report) Render(w io.Writer, s *ui.Styles) error {
	var b strings.Builder
	if r.App != nil {
		name := r.App.DisplayName
		if name == "" {
			name = r.App.Ref
		}
		fmt.Fprintf(&b, "%s %s (%s app", s.Title.Render("Doctor:"), name, r.App.Kind)
		if r.App.AppID != "" {
			fmt.Fprintf(&b, ", appId %s", r.App.AppID)
		}
		b.WriteString(")\n")
	}
	// The licences the vendor supports are stated up front: without
	// --user no check shows them.
	for _, l := range r.Expectations.Licences {
		fmt.Fprintf(&b, "Requires for each recruiter: %s (one of %s)\n", l.Name, strings.Join(l.SKUs, ", "))
	}
	var last string
	for _, c := range r.Checks {
		section := groupTitles[c.Group]
		if c.Group == GroupUser {
			section += " " + c.Subject
		}
		if section != last {
			if last != "" || r.App != nil {
				b.WriteString("\n")
			}
			b.WriteString(s.Title.Render(section) + "\n")
			last = section
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", mark(s, c.Status), c.Title, c.Observed)
		if c.Status == Pass || c.Status == Skip {
			continue
		}
		if c.Status == Downstream {
			fmt.Fprintf(&b, "      because: %s (fixing it fixes this)\n", c.Because)
			continue
		}
		if c.Why != "" {
			fmt.Fprintf(&b, "      why: %s\n", c.Why)
		}
		if c.Fix != nil {
			writeFix(&b, c.Fix)
		}
	}
	if len(r.Fixes) > 0 {
		b.WriteString("\n" + s.Title.Render("Fixes applied") + "\n")
		for _, f := range r.Fixes {
			if f.Done {
				fmt.Fprintf(&b, "  %s %s\n", s.SuccessMark(), f.Action.Describe())
			} else {
				fmt.Fprintf(&b, "  %s %s: %s\n", s.FailMark(), f.Action.Describe(), f.Error)
			}
		}
	}
	sum := r.Summary
	fmt.Fprintf(&b, "\n%d passed, %s, %d failed", sum.Pass, ui.Count(sum.Warn, "warning"), sum.Fail)
	if sum.Downstream > 0 {
		fmt.Fprintf(&b, " (%s only because of them)", ui.Count(sum.Downstream, "more check"))
	}
	fmt.Fprintf(&b, ", %d skipped, %d to check by hand\n", sum.Skip, sum.Info)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFix(b *strings.Builder, f *Fix) {
	line := func(label, text string) {
		if text == "" {
			return
		}
		lines := strings.Split(text, "\n")
		fmt.Fprintf(b, "      %s %s\n", label, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "      %s %s\n", strings.Repeat(" ", len(label)), l)
		}
	}
	line("fix:", f.Command)
	line("portal:", f.Portal)
	line("powershell:", f.PowerShell)
	line("note:", f.Note)
	line("trade-off:", f.TradeOff)
	if f.Automatic {
		fmt.Fprintf(b, "      (teamsctl doctor --fix can do this)\n")
	}
}

func mark(s *ui.Styles, st Status) string {
	switch st {
	case Pass:
		return s.SuccessMark()
	case Warn:
		return s.WarnMark()
	case Fail:
		return s.FailMark()
	case Skip:
		return s.Muted.Render("-")
	case Downstream:
		return s.Muted.Render("↳")
	default:
		return s.Muted.Render("i")
	}
}

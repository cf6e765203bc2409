// Package report writes doctor's and integrations' results as one
// self-contained HTML file (--report FILE.html) that a helpdesk can mail
// to a vendor's support: inline CSS only (no script, no external style,
// font or image), checks grouped as in the terminal, statuses as a symbol
// and a word beside their colour so the page reads in black and white, and
// fixes as commands that select with one click.
//
// Everything from the tenant (names, messages, URLs) is attacker-controlled
// and goes through html/template's contextual escaping. The results hold
// no secret values or tokens (a secret is printed once, never kept in a
// result); the report shows what the results show: tenant and user
// identifiers stay.
package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/doctor"
	"github.com/teamsctl/teamsctl/internal/fsutil"
	"github.com/teamsctl/teamsctl/internal/integrations"
	"github.com/teamsctl/teamsctl/internal/ui"
)

//go:embed report.html.tmpl
var files embed.FS

var pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"status": statusOf,
	"date":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"lines":  func(s string) []string { return strings.Split(s, "\n") },
}).ParseFS(files, "report.html.tmpl"))

// Meta is what the page says about the run.
type Meta struct {
	// Profile is the configuration profile the run used ("" for none).
	Profile string
	// Version is teamsctl's version.
	Version string
	// Generated is when the tenant was read.
	Generated time.Time
}

// Status is how a status is shown: a symbol and a word, and the CSS class
// that colours it.
type Status struct {
	Symbol, Word, Class string
}

func statusOf(s string) Status {
	switch s {
	case string(doctor.Pass), integrations.HealthOK, integrations.CredentialValid:
		return Status{"✓", "PASS", "pass"}
	case string(doctor.Warn), integrations.HealthWarning, integrations.CredentialExpiring:
		return Status{"!", "WARN", "warn"}
	case string(doctor.Fail), integrations.HealthFailing, integrations.CredentialExpired:
		return Status{"✗", "FAIL", "fail"}
	case string(doctor.Skip):
		return Status{"–", "SKIPPED", "skip"}
	case string(doctor.Downstream):
		return Status{"↳", "BECAUSE", "skip"}
	default:
		return Status{"i", "INFO", "info"}
	}
}

// Section is a titled group of checks, as the terminal groups them.
type Section struct {
	Title  string
	Checks []doctor.Check
}

// Document is what the template renders.
type Document struct {
	Title    string
	Subtitle string
	Meta     Meta
	Summary  string
	Result   string // pass, warn or fail
	Sections []Section
	// Integrations is set for the integrations report.
	Integrations *integrations.Report
}

// Doctor builds the page of a doctor report.
func Doctor(r *doctor.Report, meta Meta) *Document {
	d := &Document{Title: "teamsctl doctor", Meta: meta}
	if r.App != nil {
		d.Subtitle = fmt.Sprintf("%s (%s app, appId %s)", firstNonEmpty(r.App.DisplayName, r.App.Ref), r.App.Kind, r.App.AppID)
	}
	if r.Token.TenantID != "" {
		d.Subtitle = strings.TrimSpace(d.Subtitle + " · tenant " + r.Token.TenantID)
	}
	d.Sections = sections(r.Checks)
	s := r.Summary
	d.Summary = fmt.Sprintf("%d passed, %s, %d failed, %d skipped, %d to check by hand", s.Pass, ui.Count(s.Warn, "warning"), s.Fail, s.Skip, s.Info)
	d.Result = resultClass(s.Result)
	return d
}

// Integrations builds the page of an integrations report.
func Integrations(r *integrations.Report, meta Meta) *Document {
	d := &Document{Title: "teamsctl integrations", Subtitle: "tenant " + r.TenantID, Meta: meta, Integrations: r}
	if len(r.TenantChecks) > 0 {
		d.Sections = []Section{{Title: "Tenant", Checks: r.TenantChecks}}
	}
	s := r.Summary
	d.Summary = r.SummaryLine()
	switch {
	case s.Failing > 0 || s.ExpiredCredentials > 0:
		d.Result = "fail"
	case s.Warning > 0 || s.ExpiringCredentials > 0:
		d.Result = "warn"
	default:
		d.Result = "pass"
	}
	return d
}

var groupTitles = map[doctor.Group]string{
	doctor.GroupTenant:        "Tenant",
	doctor.GroupApp:           "App registration",
	doctor.GroupEnterpriseApp: "Enterprise app",
	doctor.GroupUser:          "User",
	doctor.GroupTeams:         "Teams (outside Graph)",
}

// sections groups checks as doctor's terminal report does: by group, and
// per user for the user checks, in report order.
func sections(checks []doctor.Check) []Section {
	var out []Section
	for _, c := range checks {
		title := groupTitles[c.Group]
		if c.Group == doctor.GroupUser {
			title += " " + c.Subject
		}
		if len(out) == 0 || out[len(out)-1].Title != title {
			out = append(out, Section{Title: title})
		}
		out[len(out)-1].Checks = append(out[len(out)-1].Checks, c)
	}
	return out
}

func resultClass(result string) string {
	switch result {
	case "failed":
		return "fail"
	case "warnings":
		return "warn"
	}
	return "pass"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Render writes the page.
func (d *Document) Render(w io.Writer) error { return pageTemplate.Execute(w, d) }

// WriteFile renders the page to path (mode 0600: the report names the
// tenant's apps and users), replacing the file atomically so a reader never
// sees half a report.
func (d *Document) WriteFile(path string) error {
	var b bytes.Buffer
	if err := d.Render(&b); err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write the report %s: %w", filepath.Base(path), err)
	}
	return nil
}

// CheckPath refuses a --report path that cannot be written as a new or
// replaced regular file (a directory, a symbolic link, a device) or whose
// directory does not exist, before the command reads anything.
func CheckPath(path string) error {
	if path == "" {
		return fmt.Errorf("empty file name")
	}
	if err := fsutil.CheckParentDir(path); err != nil {
		return err
	}
	return fsutil.CheckReplaceable(path)
}

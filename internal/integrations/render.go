package integrations

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/teamsctl/teamsctl/internal/ui"
)

// Render writes the inventory as a table, one integration a row, then
// for each integration not healthy its problems (failing or warning
// checks, credentials needing attention), then the summary line. Off a terminal the rows are
// tab-separated without a header (ui.Styles.Table).
func (r *Report) Render(w io.Writer, s *ui.Styles) error {
	rows := make([][]string, 0, len(r.Integrations))
	for _, it := range r.Integrations {
		rows = append(rows, Row(it, s))
	}
	if len(rows) > 0 {
		if err := s.Table(w, Header, rows); err != nil {
			return err
		}
	}
	var b strings.Builder
	for _, it := range r.Integrations {
		if it.Health == HealthOK {
			continue
		}
		fmt.Fprintf(&b, "\n%s %s (%s)\n", healthMark(s, it.Health), s.Title.Render(it.Name), it.AppID)
		for _, p := range it.Problems {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	b.WriteString("\n" + r.SummaryLine())
	if r.SignInLog != SignInLogAvailable {
		fmt.Fprintf(&b, "; last sign-ins %s", r.SignInLog)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// SummaryLine counts the integrations by health and the credentials
// needing attention, singular or plural as the numbers ask.
func (r *Report) SummaryLine() string {
	sum := r.Summary
	expire := "expire"
	if sum.ExpiringCredentials == 1 {
		expire = "expires"
	}
	return fmt.Sprintf("%s: %d ok, %d warning, %d failing; %s %s within %s, %d expired",
		ui.Count(sum.Integrations, "integration"), sum.Healthy, sum.Warning, sum.Failing,
		ui.Count(sum.ExpiringCredentials, "credential"), expire, ui.Count(r.ExpiringWithinDays, "day"), sum.ExpiredCredentials)
}

// Header is the table's header; Row is an integration's row under it.
var Header = []string{"NAME", "APP ID", "VENDOR", "HOSTING", "ENABLED", "ASSIGNED", "CONSENT", "CREDENTIALS", "LAST SIGN-IN", "HEALTH"}

// Row is an integration's row of the table.
func Row(it Integration, s *ui.Styles) []string {
	vendor := it.Vendor
	if it.Preset != "" {
		vendor += " (" + it.Preset + ")"
	}
	enabled, assigned := "-", "-"
	if ea := it.EnterpriseApp; ea != nil {
		enabled = yesNo(ea.Enabled)
		assigned = strconv.Itoa(ea.Assigned)
		if ea.AssignmentRequired {
			assigned += " (required)"
		}
	}
	return []string{it.Name, it.AppID, dash(vendor), it.Hosting, enabled, assigned, it.Consent.short(), it.credentialsShort(),
		it.lastSignIn(), healthMark(s, it.Health) + " " + it.Health}
}

func (c Consent) short() string {
	var parts []string
	if len(c.TenantWideScopes) > 0 {
		parts = append(parts, "admin: "+strings.Join(c.TenantWideScopes, " "))
	}
	if c.PerUserGrants > 0 {
		parts = append(parts, ui.Count(c.PerUserGrants, "user"))
	}
	if len(c.ApplicationPermissions) > 0 {
		parts = append(parts, "app: "+strings.Join(c.ApplicationPermissions, " "))
	}
	return dash(strings.Join(parts, "; "))
}

// credentialsShort names the credential ending first, and how many more.
func (it Integration) credentialsShort() string {
	if len(it.Credentials) == 0 {
		if it.Hosting == VendorHosted {
			return "held by the vendor"
		}
		return "none"
	}
	out := it.Credentials[0].Type + " " + it.Credentials[0].describe()
	if n := len(it.Credentials) - 1; n > 0 {
		out += fmt.Sprintf(" (+%d)", n)
	}
	return out
}

func (c Credential) describe() string {
	date := c.EndDateTime.Format("2006-01-02")
	switch c.Status {
	case CredentialExpired:
		return fmt.Sprintf("expired %s (%s ago)", date, ui.Count(-c.DaysLeft, "day"))
	case CredentialExpiring:
		return fmt.Sprintf("expires %s (in %s)", date, ui.Count(c.DaysLeft, "day"))
	}
	return "valid until " + date
}

func (it Integration) lastSignIn() string {
	if it.LastSignIn != nil {
		return it.LastSignIn.Format("2006-01-02 15:04Z")
	}
	return it.LastSignInNote
}

func healthMark(s *ui.Styles, h string) string {
	switch h {
	case HealthOK:
		return s.SuccessMark()
	case HealthWarning:
		return s.WarnMark()
	default:
		return s.FailMark()
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

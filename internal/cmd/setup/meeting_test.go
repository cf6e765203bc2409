package setup

import (
	"errors"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmd/app/shared"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/iostreams"
)

// On a terminal setup explains the test's grant and asks; "n" makes no
// grant, "y" does; --yes does not ask.
func TestConfirmGrantAsksOnATerminal(t *testing.T) {
	for _, tt := range []struct {
		answer string
		yes    bool
		ok     bool
	}{{"y\n", false, true}, {"n\n", false, false}, {"", true, true}} {
		ios, in, _, errOut := iostreams.Test()
		ios.SetStdinTTY(true)
		ios.SetStdoutTTY(true)
		in.WriteString(tt.answer)
		opts := &Options{Deps: shared.Deps{IO: ios}, Yes: tt.yes}
		err := confirmGrant(opts, "EBMS Kalenderintegration", "rita@contoso.com")([]string{"User.Read", "Calendars.ReadWrite"})
		if (err == nil) != tt.ok {
			t.Fatalf("answer %q, --yes %v: err %v", tt.answer, tt.yes, err)
		}
		var ce *cmdutil.CancelError
		if !tt.ok && !errors.As(err, &ce) {
			t.Errorf("a refusal is a cancellation, got %v", err)
		}
		asked := strings.Contains(errOut.String(), "Grant User.Read Calendars.ReadWrite for rita@contoso.com for the test [y/N]")
		explained := strings.Contains(errOut.String(), "for rita@contoso.com only (a per-user grant; nothing tenant-wide)")
		if asked == tt.yes || explained == tt.yes {
			t.Errorf("--yes %v: stderr %q", tt.yes, errOut.String())
		}
	}
}

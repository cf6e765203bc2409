package url

import (
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdURL(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	cmd := NewCmdURL(env.Factory, func(o *Options) error { got = o; return nil })
	if err := cmdtest.Execute(cmd, "EBMS --delegated User.Read,OnlineMeetings.ReadWrite --redirect-uri https://vendor.example.com/consented"); err != nil {
		t.Fatal(err)
	}
	if got.App != "EBMS" || !slices.Equal(got.Delegated, []string{"User.Read", "OnlineMeetings.ReadWrite"}) || got.RedirectURI != "https://vendor.example.com/consented" {
		t.Errorf("options = %+v", got)
	}
	for args, want := range map[string]string{
		"":                                      "missing APP",
		"a b":                                   `unexpected argument "b"`,
		"a --delegated User.Read!":              "--delegated",
		"a --redirect-uri http://example.com":   "--redirect-uri",
		"a --redirect-uri https://x.example/#f": "--redirect-uri",
	} {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdURL(env.Factory, func(*Options) error { return nil }), args), want)
	}
}

package redirect

import (
	"slices"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

func TestNewCmdAction(t *testing.T) {
	env := cmdtest.New(t, "", nil)
	var got *Options
	capture := func(o *Options) error { got = o; return nil }
	if err := cmdtest.Execute(NewCmdAction(env.Factory, ActionAdd, capture), "elevato https://a.example.com/cb http://localhost:8080/cb --platform spa --dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || !slices.Equal(got.URIs, []string{"https://a.example.com/cb", "http://localhost:8080/cb"}) || got.Platform != "spa" || !got.DryRun {
		t.Errorf("add options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAction(env.Factory, ActionRemove, capture), "elevato https://old.example.com/cb"); err != nil {
		t.Fatal(err)
	}
	if got.Platform != "web" || !slices.Equal(got.URIs, []string{"https://old.example.com/cb"}) {
		t.Errorf("remove options = %+v", got)
	}
	if err := cmdtest.Execute(NewCmdAction(env.Factory, ActionList, capture), "elevato"); err != nil {
		t.Fatal(err)
	}
	if got.App != "elevato" || got.Platform != "" {
		t.Errorf("list options = %+v", got)
	}
	tests := []struct{ action, args, want string }{
		{ActionAdd, "", "missing APP and URI..."},
		{ActionAdd, "elevato", "missing URI..."},
		{ActionRemove, "elevato", "missing URI..."},
		{ActionAdd, "elevato http://example.com/cb", "http"},
		{ActionAdd, "elevato https://example.com/cb#frag", "fragment"},
		{ActionList, "", "missing APP"},
		{ActionList, "elevato https://example.com/cb", `unexpected argument "https://example.com/cb"`},
	}
	for _, tt := range tests {
		cmdtest.WantUsageError(t, cmdtest.Execute(NewCmdAction(env.Factory, tt.action, capture), tt.args), tt.want)
	}
	if err := cmdtest.Execute(NewCmdAction(env.Factory, ActionAdd, capture), "elevato https://a.example.com/cb --platform desktop"); err == nil {
		t.Error("--platform desktop was accepted")
	}
}

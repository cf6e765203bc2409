package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/cmdutil/cmdtest"
)

const ebms = "c0ec60b5-60a8-4768-8053-870f11315492"

func TestNewCmdDoctor(t *testing.T) {
	tests := []struct {
		args    string
		check   func(*testing.T, *Options)
		wantErr string
	}{
		{args: ebms + " --user rita@contoso.onmicrosoft.com --public-client", check: func(t *testing.T, o *Options) {
			if o.Expectations.App != ebms || !o.Expectations.NeedsPublicClient || len(o.Users) != 1 {
				t.Errorf("options = %+v", o)
			}
		}},
		{args: "--public-client", wantErr: "need an APP"},
		{args: "--fix", wantErr: "need an APP"},
		{args: "a b", wantErr: "takes one APP"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			env := cmdtest.New(t, "", nil)
			var got *Options
			err := cmdtest.Execute(NewCmdDoctor(env.Factory, func(_ context.Context, o *Options) error { got = o; return nil }), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Fatalf("err = %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

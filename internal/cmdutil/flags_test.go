package cmdutil

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestStringEnumFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{args: nil, want: "text"},
		{args: []string{"-o", "json"}, want: "json"},
		{args: []string{"--output", "yaml"}, wantErr: `invalid argument "yaml" for "-o, --output" flag: valid values are {text|json}`},
	}
	for _, tt := range tests {
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		var output string
		StringEnumFlag(cmd, cmd.Flags(), &output, "output", "o", "text", []string{"text", "json"}, "Output format")
		err := cmd.ParseFlags(tt.args)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%v: got error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || output != tt.want {
			t.Errorf("%v: got %q, %v; want %q", tt.args, output, err, tt.want)
		}
	}
}

func TestStringEnumFlagUsageListsOptions(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	var cloud string
	f := StringEnumFlag(cmd, cmd.Flags(), &cloud, "cloud", "", "", []string{"global", "china"}, "Microsoft cloud")
	if f.Usage != "Microsoft cloud: {global|china}" {
		t.Errorf("usage = %q", f.Usage)
	}
}

func TestCheckedStringFlag(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	var tenant string
	CheckedStringFlag(cmd.Flags(), &tenant, "tenant", "", "", "Tenant", func(v string) error {
		if !strings.Contains(v, ".") {
			return errors.New("not a domain")
		}
		return nil
	})
	if err := cmd.ParseFlags([]string{"--tenant", "contoso"}); err == nil || !strings.Contains(err.Error(), `invalid argument "contoso" for "--tenant" flag: not a domain`) {
		t.Errorf("got %v", err)
	}
	if err := cmd.ParseFlags([]string{"--tenant", "contoso.com"}); err != nil || tenant != "contoso.com" {
		t.Errorf("got %q, %v", tenant, err)
	}
}

func TestExactArgs(t *testing.T) {
	cmd := &cobra.Command{Use: "set"}
	check := ExactArgs("KEY", "VALUE")
	tests := []struct {
		args []string
		want string
	}{
		{nil, "set: missing KEY and VALUE"},
		{[]string{"tenant"}, "set: missing VALUE"},
		{[]string{"tenant", "a.com", "extra"}, `set: unexpected argument "extra" (expects KEY VALUE)`},
	}
	for _, tt := range tests {
		err := check(cmd, tt.args)
		var flagErr *FlagError
		if !errors.As(err, &flagErr) || err.Error() != tt.want {
			t.Errorf("%v: got %v, want FlagError %q", tt.args, err, tt.want)
		}
	}
	if err := check(cmd, []string{"tenant", "a.com"}); err != nil {
		t.Errorf("valid args rejected: %v", err)
	}
}

func TestRunGroupRejectsUnknownSubcommand(t *testing.T) {
	parent := &cobra.Command{Use: "config", RunE: RunGroup}
	parent.AddCommand(&cobra.Command{Use: "view", Run: func(*cobra.Command, []string) {}})
	err := RunGroup(parent, []string{"veiw"})
	if ExitCode(err) != ExitUsage {
		t.Fatalf("want a usage error, got %v", err)
	}
	if err.Error() != `unknown command "veiw" for "config"` || HintFor(err) != "Did you mean view?" {
		t.Errorf("got %q hint %q", err, HintFor(err))
	}
}

func TestDurationRangeFlag(t *testing.T) {
	tests := []struct {
		arg     string
		want    time.Duration
		wantErr string
	}{
		{"", time.Second, ""},
		{"0", 0, ""},
		{"5s", 5 * time.Second, ""},
		{"1h", time.Hour, ""},
		{"-5s", 0, `invalid argument "-5s" for "--lag" flag: must be zero or more, e.g. 5s`},
		{"61m", 0, `invalid argument "61m" for "--lag" flag: must be at most 1h0m0s`},
		{"soon", 0, `invalid argument "soon" for "--lag" flag: not a duration such as 500ms, 5s or 2m`},
	}
	for _, tt := range tests {
		cmd := &cobra.Command{Use: "x"}
		var lag time.Duration
		DurationRangeFlag(cmd.Flags(), &lag, "lag", time.Second, time.Hour, "Lag")
		var args []string
		if tt.arg != "" {
			args = []string{"--lag", tt.arg}
		}
		err := cmd.ParseFlags(args)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: error %v, want %q", tt.arg, err, tt.wantErr)
			}
			continue
		}
		if err != nil || lag != tt.want {
			t.Errorf("%q: %v, %v; want %v", tt.arg, lag, err, tt.want)
		}
	}
}

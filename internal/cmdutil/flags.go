package cmdutil

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// StringEnumFlag defines a string flag on fs that accepts only options.
// An unknown value is a usage error listing the valid ones, and shells
// complete the options. cmd is the command the flag set belongs to.
func StringEnumFlag(cmd *cobra.Command, fs *pflag.FlagSet, p *string, name, shorthand, defaultValue string, options []string, usage string) *pflag.Flag {
	*p = defaultValue
	check := func(v string) error {
		for _, o := range options {
			if v == o {
				return nil
			}
		}
		return fmt.Errorf("valid values are %s", formatOptions(options))
	}
	fs.VarP(&checkedString{value: p, check: check}, name, shorthand, fmt.Sprintf("%s: %s", usage, formatOptions(options)))
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(options, cobra.ShellCompDirectiveNoFileComp))
	return fs.Lookup(name)
}

// CheckedStringFlag defines a string flag on fs whose value must pass check;
// the check's message becomes the usage error.
func CheckedStringFlag(fs *pflag.FlagSet, p *string, name, shorthand, defaultValue, usage string, check func(string) error) *pflag.Flag {
	*p = defaultValue
	fs.VarP(&checkedString{value: p, check: check}, name, shorthand, usage)
	return fs.Lookup(name)
}

func formatOptions(options []string) string {
	return "{" + strings.Join(options, "|") + "}"
}

// checkedString is a pflag.Value that validates on Set, so bad values are
// rejected while parsing, before any command runs.
type checkedString struct {
	value *string
	check func(string) error
}

func (s *checkedString) String() string { return *s.value }

func (s *checkedString) Type() string { return "string" }

func (s *checkedString) Set(v string) error {
	if err := s.check(v); err != nil {
		return err
	}
	*s.value = v
	return nil
}

// DurationRangeFlag defines a duration flag on fs whose value must lie
// within [0, max]: a negative or absurd duration is a usage error while
// parsing, before any command runs.
func DurationRangeFlag(fs *pflag.FlagSet, p *time.Duration, name string, value, max time.Duration, usage string) *pflag.Flag {
	*p = value
	fs.Var(&durationRange{value: p, max: max}, name, usage)
	f := fs.Lookup(name)
	if value == 0 {
		f.DefValue = "0" // what pflag's help leaves out as the zero value
	}
	return f
}

type durationRange struct {
	value *time.Duration
	max   time.Duration
}

func (d *durationRange) String() string { return d.value.String() }

func (d *durationRange) Type() string { return "duration" }

func (d *durationRange) Set(v string) error {
	parsed, err := time.ParseDuration(v)
	switch {
	case err != nil:
		return fmt.Errorf("not a duration such as 500ms, 5s or 2m")
	case parsed < 0:
		return fmt.Errorf("must be zero or more, e.g. 5s")
	case parsed > d.max:
		return fmt.Errorf("must be at most %v", d.max)
	}
	*d.value = parsed
	return nil
}

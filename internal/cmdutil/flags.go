package cmdutil

import (
	"fmt"
	"strings"

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

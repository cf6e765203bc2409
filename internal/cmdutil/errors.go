package cmdutil

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teamsctl/teamsctl/internal/auth"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/ui"
)

// FlagError is a usage mistake: a bad flag, argument or combination. It
// exits 2, and the message names the offending flag or argument.
type FlagError struct {
	Err error
	// HintText tells the user what to type instead. When empty, the user is
	// pointed at the command's --help.
	HintText string
}

func (e *FlagError) Error() string { return e.Err.Error() }

func (e *FlagError) Unwrap() error { return e.Err }

// Hint implements the hint convention; see HintFor.
func (e *FlagError) Hint() string { return e.HintText }

// FlagErrorf returns a FlagError with a formatted message.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// FlagErrorWithHint returns a FlagError for err that suggests hint.
func FlagErrorWithHint(err error, hint string) error {
	return &FlagError{Err: err, HintText: hint}
}

// SilentError makes teamsctl exit 1 without printing anything: the
// command has already told the user what went wrong.
var SilentError = errors.New("SilentError")

// CancelError reports that the user stopped the command, for example by
// answering no at a confirmation. It exits 130, like Ctrl-C.
type CancelError struct {
	Reason string
}

func (e *CancelError) Error() string {
	if e.Reason == "" {
		return "cancelled"
	}
	return "cancelled: " + e.Reason
}

// AuthRequiredError means the command needs a sign-in, or permissions the
// current sign-in lacks. It exits 4 and tells the user the exact login
// command to run. It is defined in package auth, which returns it and
// cannot import cmdutil.
type AuthRequiredError = auth.RequiredError

// CheckFailedError means a diagnostic (doctor, meeting test) ran to the end
// and at least one check failed. The report is already on stdout; the
// error summarises it and exits 6 so scripts can tell "broken tenant" from
// "teamsctl could not run".
type CheckFailedError struct {
	Failed []string
}

func (e *CheckFailedError) Error() string {
	if len(e.Failed) == 1 {
		return "check failed: " + e.Failed[0]
	}
	return fmt.Sprintf("%s failed: %s", ui.Count(len(e.Failed), "check"), strings.Join(e.Failed, ", "))
}

// AdminRequiredError means the command stopped before writing anything
// because the signed-in account lacks an administrator role: the message
// names the roles, the hint the admin-consent link to hand on. It exits 5.
type AdminRequiredError struct {
	Err error
}

func (e *AdminRequiredError) Error() string { return e.Err.Error() }

func (e *AdminRequiredError) Unwrap() error { return e.Err }

// ErrorWithHint attaches a next step to an error, e.g. a 403 from Graph
// suggesting "Run: teamsctl consent grant ...".
type ErrorWithHint struct {
	Err      error
	HintText string
}

func (e *ErrorWithHint) Error() string { return e.Err.Error() }

func (e *ErrorWithHint) Unwrap() error { return e.Err }

// Hint implements the hint convention; see HintFor.
func (e *ErrorWithHint) Hint() string { return e.HintText }

// WithHint wraps err with a suggestion. A nil err stays nil.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &ErrorWithHint{Err: err, HintText: hint}
}

// HintFor returns the first non-empty suggestion in err's tree, joined
// errors included. Any error type can take part by having a Hint() string
// method, so packages below cmdutil (config, later auth and graph) offer
// hints without importing it.
func HintFor(err error) string {
	if err == nil {
		return ""
	}
	if h, ok := err.(interface{ Hint() string }); ok && h.Hint() != "" {
		return h.Hint()
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return HintFor(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if h := HintFor(e); h != "" {
				return h
			}
		}
	}
	return ""
}

// CheckedConfig is what Factory.Config returns: the loaded configuration,
// or, when the selected profile does not exist, a usage error (exit 2)
// naming the profiles there are. Commands that create profiles get the
// configuration back with config.AllowNewProfile.
func CheckedConfig(cfg *config.Config, err error) (*config.Config, error) {
	if err == nil {
		err = cfg.CheckProfile()
	}
	var unknown *config.UnknownProfileError
	if errors.As(err, &unknown) {
		return nil, FlagErrorWithHint(err, unknown.Hint())
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// TimeoutError ends a command that ran longer than its --timeout. It
// exits 1.
type TimeoutError struct {
	Limit time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("gave up after %s, the --timeout", e.Limit)
}

// Hint implements the hint convention; see HintFor.
func (e *TimeoutError) Hint() string {
	return "Run the command again with a longer --timeout (0: no limit), or set it for a profile: teamsctl config set timeout 1h"
}

// AnnotationNoTimeout marks a command (in cobra.Command.Annotations) that
// runs until it is stopped, such as a server: --timeout does not apply.
const AnnotationNoTimeout = "teamsctl/no-timeout"

package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/teamsctl/teamsctl/internal/auth"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"plain error", errors.New("boom"), 1},
		{"silent", SilentError, 1},
		{"flag error", FlagErrorf("unknown flag: --bogus"), 2},
		{"wrapped flag error", fmt.Errorf("parsing: %w", FlagErrorf("bad")), 2},
		{"auth required", &AuthRequiredError{Scopes: []string{"User.Read"}}, 4},
		{"auth required with hint", WithHint(&AuthRequiredError{}, "sign in"), 4},
		{"admin required", &AdminRequiredError{Err: errors.New("ask an administrator")}, 5},
		{"sign-in needs admin approval", fmt.Errorf("setup: %w", &auth.SignInError{Code: 90095}), 5},
		{"sign-in needs admin consent", &auth.SignInError{Code: 90094}, 5},
		{"sign-in not consented", &auth.SignInError{Code: 65001}, 5},
		{"sign-in other failure", &auth.SignInError{Code: 7000215}, 1},
		{"check failed", &CheckFailedError{Failed: []string{"consent"}}, 6},
		{"cancel", &CancelError{}, 130},
		{"context cancelled", fmt.Errorf("calling Graph: %w", context.Canceled), 130},
		{"hint keeps the plain code", WithHint(errors.New("403"), "grant consent"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestExitCodesAreSortedAndUnique(t *testing.T) {
	docs := ExitCodes()
	want := []int{0, 1, 2, 4, 5, 6, 130}
	if len(docs) != len(want) {
		t.Fatalf("got %d codes, want %d", len(docs), len(want))
	}
	for i, d := range docs {
		if d.Code != want[i] || d.Meaning == "" {
			t.Errorf("row %d = %+v, want code %d with a meaning", i, d, want[i])
		}
	}
}

func TestHintFor(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no hint", errors.New("boom"), ""},
		{"with hint", WithHint(errors.New("403"), "Run: teamsctl consent grant"), "Run: teamsctl consent grant"},
		{"wrapped", fmt.Errorf("creating app: %w", WithHint(errors.New("403"), "grant it")), "grant it"},
		{"auth", &AuthRequiredError{Scopes: []string{"Application.ReadWrite.All", "User.Read"}, Profile: "contoso"},
			"Run: teamsctl login --scopes Application.ReadWrite.All,User.Read --profile contoso"},
		{"flag error without hint falls through", FlagErrorf("bad"), ""},
		{"joined", errors.Join(errors.New("a"), WithHint(errors.New("b"), "fix b")), "fix b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HintFor(tt.err); got != tt.want {
				t.Errorf("HintFor = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&AuthRequiredError{Scopes: []string{"User.Read"}}, "sign-in lacks the permissions User.Read"},
		{&AuthRequiredError{Reason: "the sign-in expired"}, "sign-in required: the sign-in expired"},
		{&AuthRequiredError{}, "sign-in required"},
		{&CheckFailedError{Failed: []string{"consent"}}, "check failed: consent"},
		{&CheckFailedError{Failed: []string{"consent", "redirect URI"}}, "2 checks failed: consent, redirect URI"},
		{&CancelError{Reason: "declined"}, "cancelled: declined"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestWithHintNil(t *testing.T) {
	if WithHint(nil, "x") != nil {
		t.Error("WithHint(nil) should be nil")
	}
}

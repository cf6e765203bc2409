package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/teamsctl/teamsctl/internal/iostreams"
)

func TestReportError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"plain", errors.New("Graph returned 500"), "error: Graph returned 500\n"},
		{"silent", SilentError, ""},
		{"auth", &AuthRequiredError{Scopes: []string{"Application.ReadWrite.All"}},
			"error: sign-in lacks the permissions Application.ReadWrite.All\nhint: Run: teamsctl login --scopes Application.ReadWrite.All\n"},
		{"cancelled", fmt.Errorf("calling Graph: %w", context.Canceled), "cancelled\n"},
		{"declined", &CancelError{Reason: "declined at the prompt"}, "error: cancelled: declined at the prompt\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, errOut := iostreams.Test()
			ReportError(ios, nil, tt.err)
			if errOut.String() != tt.want {
				t.Errorf("stderr %q, want %q", errOut, tt.want)
			}
		})
	}
}

// Package meeting groups the `teamsctl meeting` commands.
package meeting

import (
	"github.com/spf13/cobra"

	testcmd "github.com/teamsctl/teamsctl/internal/cmd/meeting/test"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
)

// NewCmdMeeting returns `teamsctl meeting`.
func NewCmdMeeting(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "meeting <command>",
		Short: "Prove an integration can create Teams meetings",
		Args:  cobra.ArbitraryArgs,
		RunE:  cmdutil.RunGroup,
	}
	cmd.AddCommand(testcmd.NewCmdTest(f, nil))
	return cmd
}

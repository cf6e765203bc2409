// Command teamsctl enables recruiting vendors' Microsoft Teams integrations
// in Entra ID. See internal/teamsctl for how it runs.
package main

import (
	"os"

	"github.com/teamsctl/teamsctl/internal/teamsctl"
)

func main() { os.Exit(teamsctl.Main()) }

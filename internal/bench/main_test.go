package bench

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	RunAsTeamsctlIfAsked()
	os.Exit(m.Run())
}

package build

import (
	"runtime/debug"
	"testing"
)

func TestFillFromBuildInfo(t *testing.T) {
	resetVars(t, "", "", "")

	fillFromBuildInfo(&debug.BuildInfo{
		Main: debug.Module{Version: "v0.3.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abc"},
			{Key: "vcs.time", Value: "2025-05-01T10:00:00Z"},
		},
	})

	if Version != "v0.3.0" || Commit != "0123abc" || Date != "2025-05-01T10:00:00Z" {
		t.Errorf("got %q %q %q", Version, Commit, Date)
	}
}

func TestStampedValuesWin(t *testing.T) {
	resetVars(t, "v9.9.9", "stamped", "2020-01-01")

	fillFromBuildInfo(&debug.BuildInfo{
		Main:     debug.Module{Version: "v0.3.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"}},
	})

	if Version != "v9.9.9" || Commit != "stamped" || Date != "2020-01-01" {
		t.Errorf("got %q %q %q", Version, Commit, Date)
	}
}

func TestDevelBuildFallsBackToDev(t *testing.T) {
	resetVars(t, "", "", "")

	fillFromBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}})
	fillUnknown()

	if Version != "dev" || Commit != "unknown" || Date != "unknown" {
		t.Errorf("got %q %q %q", Version, Commit, Date)
	}
}

// resetVars sets the build variables for one test and restores them after.
func resetVars(t *testing.T, version, commit, date string) {
	t.Helper()
	saved := [3]string{Version, Commit, Date}
	Version, Commit, Date = version, commit, date
	t.Cleanup(func() { Version, Commit, Date = saved[0], saved[1], saved[2] })
}

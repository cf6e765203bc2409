// Package build reports which teamsctl binary is running.
//
// Release builds stamp the variables through the linker:
//
//	go build -ldflags "-X github.com/teamsctl/teamsctl/internal/build.Version=v1.2.3 \
//	  -X github.com/teamsctl/teamsctl/internal/build.Commit=abc1234 \
//	  -X github.com/teamsctl/teamsctl/internal/build.Date=2025-01-02T03:04:05Z"
//
// Unstamped builds (go install, go run) fall back to what the Go toolchain
// records in the binary, so a bug report always names a version and commit.
package build

import "runtime/debug"

// Version, Commit and Date describe the build; see the package comment.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

func init() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fillUnknown()
		return
	}
	fillFromBuildInfo(info)
	fillUnknown()
}

// fillFromBuildInfo sets the variables the linker left empty from the module
// version and the VCS stamp that go build records (vcs.revision, vcs.time).
func fillFromBuildInfo(info *debug.BuildInfo) {
	if Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && Commit == "":
			Commit = s.Value
		case s.Key == "vcs.time" && Date == "":
			Date = s.Value
		}
	}
}

func fillUnknown() {
	if Version == "" {
		Version = "dev"
	}
	if Commit == "" {
		Commit = "unknown"
	}
	if Date == "" {
		Date = "unknown"
	}
}

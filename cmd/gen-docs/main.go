// Command gen-docs writes teamsctl's reference documentation from the
// command tree: one markdown page per command and docs/exit-codes.md, and,
// with -man-dir, man pages.
//
//	go run ./cmd/gen-docs                         # docs/reference, docs/exit-codes.md
//	go run ./cmd/gen-docs -man-dir share/man/man1 # also man pages (release builds)
//
// The committed docs must match what this writes; .ci/run checks it. Man
// pages are generated at release time only, because their header carries a
// date and they would otherwise change on every run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/teamsctl/teamsctl/internal/cmd/root"
	"github.com/teamsctl/teamsctl/internal/cmdutil"
	"github.com/teamsctl/teamsctl/internal/config"
	"github.com/teamsctl/teamsctl/internal/iostreams"
	"github.com/teamsctl/teamsctl/internal/presets"
	"github.com/teamsctl/teamsctl/internal/setup"
)

func main() {
	docsDir := flag.String("docs-dir", "docs", "directory for reference/ and exit-codes.md")
	manDir := flag.String("man-dir", "", "directory for man pages; none are written when empty")
	flag.Parse()
	if err := run(*docsDir, *manDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}

func run(docsDir, manDir string) error {
	cmd := newRoot()
	if err := writeMarkdown(cmd, filepath.Join(docsDir, "reference")); err != nil {
		return err
	}
	if err := writeExitCodes(filepath.Join(docsDir, "exit-codes.md")); err != nil {
		return err
	}
	if err := writeVendorPages(filepath.Join(docsDir, "vendors")); err != nil {
		return err
	}
	if manDir == "" {
		return nil
	}
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return err
	}
	return doc.GenManTree(cmd, &doc.GenManHeader{Title: "TEAMSCTL", Section: "1", Source: "teamsctl", Manual: "teamsctl manual"}, manDir)
}

// newRoot builds the command tree with a factory that can do nothing:
// documentation needs the commands' help, never their dependencies.
func newRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{
		IOStreams: ios,
		Config: func() (*config.Config, error) {
			return nil, errors.New("gen-docs does not load configuration")
		},
		Now:    time.Now,
		Getenv: func(string) string { return "" },
	}
	cmd := root.NewCmdRoot(f)
	// No "Auto generated on <date>" footer: the docs must be reproducible.
	cmd.DisableAutoGenTag = true
	return cmd
}

// writeMarkdown replaces dir with one page per command, so pages of
// removed commands disappear too.
func writeMarkdown(cmd *cobra.Command, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	prepend := func(string) string { return "" }
	link := func(name string) string { return strings.ToLower(name) }
	return doc.GenMarkdownTreeCustom(cmd, dir, prepend, link)
}

func writeExitCodes(path string) error {
	var b strings.Builder
	if err := cmdutil.WriteExitCodesMarkdown(&b); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeVendorPages writes docs/vendors: one page per preset (the vendor's
// portal steps beside the teamsctl commands) and an index.
func writeVendorPages(dir string) error {
	all, err := presets.List()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range all {
		if err := os.WriteFile(filepath.Join(dir, p.Name+".md"), []byte(setup.VendorPage(p)), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), []byte(setup.VendorIndex(all)), 0o644)
}

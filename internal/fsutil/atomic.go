// Package fsutil holds the file primitives that teamsctl's persisted state
// (config, token cache, sandbox state) shares: atomic private writes and
// cross-process locks.
package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteFileAtomic writes data to path so that readers see either the old or
// the new content, never a torn file: it writes a temporary file in the
// same directory with mode perm, syncs it and renames it over path. The
// directory is created with mode 0700 when missing. The temporary file's
// name holds the writer's process id, so that temporary files of path
// that a killed process left behind are removed (removeStaleTemps).
//
// Only a regular file or a new path is ever replaced: a symbolic link, a
// device, a named pipe, a socket or a directory at path is refused (see
// CheckReplaceable), before anything is written and again just before the
// rename.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	if err := CheckReplaceable(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	removeStaleTemps(path)
	tmp, err := os.CreateTemp(dir, fmt.Sprintf("%s%d-*", tempPrefix(path), os.Getpid()))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name()) // best effort: the error being returned matters more
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := CheckReplaceable(path); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// NotRegularError says that path exists and is not a regular file, so
// teamsctl will not write over it.
type NotRegularError struct {
	Path string
	// Kind names what is there: "a symbolic link", "a directory", ...
	Kind string
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s; teamsctl only writes over regular files: give the path of a regular file or a new one", e.Path, e.Kind)
}

// CheckReplaceable returns nil when path does not exist or is a regular
// file, and a *NotRegularError otherwise. A symbolic link is never
// followed: writing through /dev/stdout or a link planted in a shared
// directory would put a secret where the caller did not ask, and renaming
// over the link would destroy it. Nothing is opened, so a named pipe
// cannot block the caller.
func CheckReplaceable(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if kind := fileKind(st.Mode()); kind != "" {
		return &NotRegularError{Path: path, Kind: kind}
	}
	return nil
}

// fileKind describes a mode that is not a regular file; "" for a regular
// file.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a regular file"
	}
}

// RemoveFile removes path (missing is fine) and the temporary files that
// killed writers of it left behind.
func RemoveFile(path string) error {
	removeStaleTemps(path)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// removeStaleTemps removes the temporary files of path whose writer is no
// longer running: a process killed (SIGKILL, power loss) between creating
// its temporary file and renaming it. A live writer's file, this
// process's included, is left alone. Best effort: a file that cannot be
// removed is only litter.
func removeStaleTemps(path string) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
}

// CheckParentDir refuses an output path whose directory does not exist
// or is not a directory: a mistyped directory is the user's mistake, and
// creating it would hide the mistake and leave a stray directory.
// (WriteFileAtomic itself creates the directories of teamsctl's own state.)
func CheckParentDir(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("directory %s does not exist: create it first or give a path in an existing directory", dir)
	}
	if err != nil {
		return fmt.Errorf("cannot use directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory: give a path in an existing directory", dir)
	}
	return nil
}

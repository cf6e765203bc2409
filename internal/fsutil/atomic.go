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
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
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
	return os.Rename(tmp.Name(), path)
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

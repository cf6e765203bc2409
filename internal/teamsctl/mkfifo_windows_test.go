package teamsctl

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }

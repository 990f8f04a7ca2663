//go:build !linux

package s3test

import (
	"os/exec"
	"syscall"
)

// ownGroup leaves cmd in the test's process group: only Linux has the
// process-group handling below, and the tests run on Linux.
func ownGroup(*exec.Cmd) {}

// signalGroup ends cmd itself.
func signalGroup(cmd *exec.Cmd, _ syscall.Signal) {
	_ = cmd.Process.Kill()
}

// alive keeps every directory elsewhere: only Linux cleans up after a
// killed test binary.
func alive(int) bool { return true }

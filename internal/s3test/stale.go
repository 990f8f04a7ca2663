package s3test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// dirPattern names the temporary directory of each server.
const dirPattern = "webadmit-weed-"

// leftovers is the file, in a server's directory, that lists what Stop
// removes besides the directory: weed's gRPC sockets in /tmp.
const leftovers = "leftovers"

// recordLeftovers writes weed's pid and the sockets it will leave, so that
// a later Start can clean up after a test binary that died without Stop
// (a test timeout panics; the kernel then kills weed, see ownGroup).
func (w *Weed) recordLeftovers() error {
	lines := []string{strconv.Itoa(w.cmd.Process.Pid)}
	lines = append(lines, w.sockets()...)
	return os.WriteFile(filepath.Join(w.dir, leftovers), []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// removeStale removes the directories, and the sockets they list, of
// servers whose weed is gone. A directory without the list (a server
// starting right now) is left alone.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPattern+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, leftovers))
		if err != nil {
			continue
		}
		lines := strings.Fields(string(b))
		if len(lines) == 0 {
			continue
		}
		if pid, err := strconv.Atoi(lines[0]); err != nil || alive(pid) {
			continue
		}
		for _, sock := range lines[1:] {
			if strings.HasPrefix(sock, "/tmp/seaweedfs-") && strings.HasSuffix(sock, ".sock") {
				_ = os.Remove(sock)
			}
		}
		_ = os.RemoveAll(dir)
	}
}

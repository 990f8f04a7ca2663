package dest

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing n bytes of f from off to
// disk, without waiting (sync_file_range with SYNC_FILE_RANGE_WRITE), so
// that the fsync at the end of a large download has little left to do.
// Best effort: a file system that cannot (tmpfs, some network ones) is
// simply left to the final fsync.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}

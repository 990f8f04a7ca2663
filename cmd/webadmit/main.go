// Command webadmit runs WebAdMIT exports from the terminal: list identities
// and exports, start a run, wait for it with backoff and download the file the
// moment it is ready. `webadmit --sandbox ...` runs every command against an
// in-process fake WebAdMIT with demo data, no account needed.
//
// Exit codes: 0 done, 1 error, 2 usage, 3 export Failed, 4 Empty List,
// 5 timed out, 6 unauthorized.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

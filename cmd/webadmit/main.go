// Command webadmit runs WebAdMIT exports and PDF Manager batches from the
// terminal: list identities, exports and templates, start a run or batch,
// wait for it with backoff and download its files the moment they are ready.
// `webadmit --sandbox ...` runs every command against an in-process fake
// WebAdMIT with demo data, no account needed.
//
// Exit codes: 0 done, 1 error, 2 usage, 3 export or batch Failed, 4 Empty
// List, 5 timed out, 6 unauthorized; 130 after SIGINT, 143 after SIGTERM.
package main

import (
	"context"
	"os"
	"syscall"
)

func main() {
	ctx, stop := notifyCause(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

package wrapper

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the tests, then checks that no goroutine leaked and that
// no error string or log line collected by any test holds a secret.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if bad := leaks(scannedLines()); len(bad) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d error or log lines hold a secret, e.g.:\n%s\n", len(bad), bad[0])
			code = 1
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: goroutines leaked: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

package conformance_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind (the sandbox,
// the readers of Prism's output, HTTP connections).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

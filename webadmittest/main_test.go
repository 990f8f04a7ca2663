package webadmittest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: servers,
// callbacks and delayed faults must all end on Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

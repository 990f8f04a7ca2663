package s3test_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/webadmit-go/webadmit/internal/s3test"
)

func TestMain(m *testing.M) {
	code := s3test.Main(m)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

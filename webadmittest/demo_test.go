package webadmittest_test

import (
	"io"
	"testing"

	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestDemoExportsCanBeChanged(t *testing.T) {
	t.Parallel()
	exports := webadmittest.DemoExports()
	if len(exports) != 10 {
		t.Fatalf("%d demo exports, want 10", len(exports))
	}
	const size = 12345
	for i := range exports {
		if exports[i].ID == webadmittest.DemoExportFullDump {
			exports[i].Size = size
		}
		if len(exports[i].Content) > 0 {
			exports[i].Content[0] = '!' // must not reach later copies
		}
	}
	for _, e := range webadmittest.DemoExports() {
		if e.ID == webadmittest.DemoExportFullDump && e.Size != webadmittest.DemoFullDumpSize {
			t.Errorf("a changed copy altered the demo data: size %d", e.Size)
		}
		if len(e.Content) > 0 && e.Content[0] == '!' {
			t.Errorf("export %d: content shared between copies", e.ID)
		}
	}

	srv := webadmittest.NewTest(t, webadmittest.DemoData(), webadmittest.WithExports(exports...))
	n, err := io.Copy(io.Discard, srv.ExportContent(webadmittest.DemoExportFullDump))
	if err != nil || n != size {
		t.Errorf("full dump: %d bytes, %v; want %d", n, err, size)
	}
	c := newClient(t, srv)
	startRun(t, c, webadmittest.DemoIdentityID, webadmittest.DemoExportNightlyBanner) // the demo identities are kept
}

package wrapper

import (
	"context"
	"io"
	"testing"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/webadmittest"
)

func TestDbg(t *testing.T) {
	srv := sandbox(t, webadmittest.WithExports(webadmittest.Export{ID: 7, IdentityID: sandboxIdentity, Size: 10_000,
		Timeline: quick(generated.ExportFileStatusAvailable)}), webadmittest.WithFaults(webadmittest.Fault{Endpoint: webadmittest.EndpointGetExportFile, Kind: webadmittest.FaultMalformedJSON}))
	c := sandboxClient(t, srv)
	run, err := c.Initiate(context.Background(), 42, 7)
	t.Log(run, err)
	r, err := c.API().GetExportFileWithResponse(context.Background(), 7, run.ExportFileID)
	t.Log(string(r.Body), err)
	_, err = c.RunExport(context.Background(), sandboxIdentity, 7, ToWriter(io.Discard))
	t.Log(err, srv.Recorder())
}

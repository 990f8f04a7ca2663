package s3test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// Weed is a running `weed server -s3`.
type Weed struct {
	// Endpoint is the S3 gateway's base URL, e.g. "http://127.0.0.1:38333".
	Endpoint string
	// Version is what `weed version` printed.
	Version string

	cmd       *exec.Cmd
	dir       string
	log       *os.File
	done      chan struct{}
	grpcPorts map[string]int // by service, for the sockets weed leaves
}

// Start runs `bin server -s3` on free loopback ports with its data in a new
// temporary directory, and returns once its S3 gateway creates a bucket.
func Start(bin string) (*Weed, error) {
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s version: %v: %s", bin, err, out)
	}
	removeStale()
	dir, err := os.MkdirTemp("", dirPattern)
	if err != nil {
		return nil, err
	}
	version, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	w := &Weed{dir: dir, Version: strings.TrimPrefix(version, "version "), done: make(chan struct{})}
	if err := w.start(bin); err != nil {
		_ = w.Stop()
		return nil, err
	}
	return w, nil
}

func (w *Weed) start(bin string) error {
	config, err := json.Marshal(map[string]any{"identities": []map[string]any{{
		"name":        "webadmit",
		"credentials": []map[string]string{{"accessKey": AccessKeyID, "secretKey": SecretAccessKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}})
	if err != nil {
		return err
	}
	configFile := filepath.Join(w.dir, "s3.json")
	if err := os.WriteFile(configFile, config, 0o600); err != nil {
		return err
	}
	ports, err := freePortPairs(4)
	if err != nil {
		return err
	}
	data := filepath.Join(w.dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return err
	}
	if w.log, err = os.Create(filepath.Join(w.dir, "weed.log")); err != nil {
		return err
	}
	w.Endpoint = "http://127.0.0.1:" + strconv.Itoa(ports[3])
	w.grpcPorts = map[string]int{"master": ports[0] + 10000, "volume": ports[1] + 10000, "filer": ports[2] + 10000, "s3": ports[3] + 10000}
	w.cmd = exec.Command(bin, "server",
		"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir="+data,
		"-master.port="+strconv.Itoa(ports[0]), "-volume.port="+strconv.Itoa(ports[1]),
		"-filer.port="+strconv.Itoa(ports[2]), "-s3", "-s3.port="+strconv.Itoa(ports[3]),
		"-s3.config="+configFile,
		// Off: ports of their own that are fixed by default (8181, 9101).
		"-s3.port.iceberg=0", "-s3.port.lance=0",
		// Unix sockets in the temporary directory, not /tmp.
		"-filer.localSocket="+filepath.Join(w.dir, "filer.sock"), "-s3.localSocket="+filepath.Join(w.dir, "s3.sock"),
		"-master.volumeSizeLimitMB=64", "-volume.max=32",
	)
	w.cmd.Dir = w.dir
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	ownGroup(w.cmd)
	if err := w.cmd.Start(); err != nil {
		return fmt.Errorf("starting weed: %w", err)
	}
	go func() { _ = w.cmd.Wait(); close(w.done) }()
	if err := w.recordLeftovers(); err != nil {
		return err
	}
	return w.waitReady(60 * time.Second)
}

// waitReady polls until the gateway creates (and so can serve) a bucket.
func (w *Weed) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-w.done:
			return fmt.Errorf("weed exited before its S3 gateway answered (%v); its log:\n%s", w.cmd.ProcessState, w.logTail())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		last = w.probe(ctx)
		cancel()
		if last == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("weed's S3 gateway at %s not ready after %v: %v; its log:\n%s", w.Endpoint, limit, last, w.logTail())
}

// probe creates a bucket and puts an object into it: the first Put waits
// for the volume server to join and volumes to grow, which should not
// count against the first test.
func (w *Weed) probe(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.Endpoint+"/", nil)
	if err != nil {
		return err
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	store, err := s3store.New(ctx, s3store.Options{Endpoint: w.Endpoint, Bucket: Bucket, Region: Region,
		AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey})
	if err != nil {
		return err
	}
	if err := store.CreateBucket(ctx); err != nil {
		return err
	}
	return store.Put(ctx, webadmittest.Object{Key: "s3test-probe", Body: strings.NewReader("ok"), Size: 2, ContentType: "text/plain"})
}

// logTail is the end of weed's log, for errors.
func (w *Weed) logTail() string {
	b, err := os.ReadFile(filepath.Join(w.dir, "weed.log"))
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Stop ends weed's process group and removes what it left: its
// temporary directory, and the gRPC sockets it makes in /tmp whatever its
// flags say (/tmp/seaweedfs-<service>-grpc-<port>.sock, for this server's
// ports only). weed's own shutdown on SIGTERM can hang for minutes; its
// data is thrown away, so after a short grace it is killed.
func (w *Weed) Stop() error {
	if w.cmd != nil && w.cmd.Process != nil {
		signalGroup(w.cmd, syscall.SIGTERM)
		select {
		case <-w.done:
		case <-time.After(stopGrace):
		}
		// The whole group, weed and anything it started.
		signalGroup(w.cmd, syscall.SIGKILL)
		<-w.done
	}
	for _, sock := range w.sockets() {
		_ = os.Remove(sock)
	}
	if w.log != nil {
		_ = w.log.Close()
	}
	return os.RemoveAll(w.dir)
}

// sockets are the gRPC sockets weed makes in /tmp, whatever its flags say.
func (w *Weed) sockets() []string {
	var out []string
	for _, svc := range []string{"master", "volume", "filer", "s3"} {
		if port, ok := w.grpcPorts[svc]; ok {
			out = append(out, fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", svc, port))
		}
	}
	return out
}

// stopGrace is how long Stop waits for weed to end on SIGTERM.
const stopGrace = 2 * time.Second

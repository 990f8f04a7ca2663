// Package s3test runs tests against a real S3 implementation: SeaweedFS's
// S3 gateway, started on loopback from the `weed` binary named by
// $WEBADMIT_WEED (`make test-s3` builds it once, pinned, and sets it).
// Without WEBADMIT_WEED the tests skip and say how to run them.
//
// A test package calls [Main] from its TestMain, which starts one `weed
// server -s3` for the package (on free loopback ports, data in a temporary
// directory, credentials from an s3 config file) and stops it, with its
// whole process group, when the tests end. Each test then takes a bucket
// store on the server's bucket with [NewStore].
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/webadmittest/s3store"
)

// EnvWeed names the environment variable holding the path of the weed
// binary.
const EnvWeed = "WEBADMIT_WEED"

// Credentials of the S3 identity the config file gives every action.
const (
	AccessKeyID     = "WEBADMITTESTACCESSKEY"
	SecretAccessKey = "webadmit-test-secret-access-key-000000000"
	Region          = "us-east-1"
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

// running is the package's server, set by Main.
var running atomic.Pointer[Weed]

// skipReason is why the tests skip, when they do.
var skipReason string

// Main runs the package's tests with a SeaweedFS server when $WEBADMIT_WEED
// names a weed binary, and returns the exit code for os.Exit. Without it
// the tests run and skip. When weed does not start, Main fails.
func Main(m *testing.M) int {
	bin := os.Getenv(EnvWeed)
	if bin == "" {
		skipReason = EnvWeed + " is not set: the tests against SeaweedFS's S3 gateway skip (run them with `make test-s3`, which builds the pinned weed once and caches it)"
		return m.Run()
	}
	w, err := Start(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3test:", err)
		return 1
	}
	running.Store(w)
	fmt.Fprintf(os.Stderr, "s3test: SeaweedFS %s serving S3 at %s\n", w.Version, w.Endpoint)
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "s3test: the end of weed's log:\n%s\n", w.logTail())
	}
	if err := w.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "s3test:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Server returns the package's server, or skips tb when there is none.
func Server(tb testing.TB) *Weed {
	tb.Helper()
	w := running.Load()
	if w == nil {
		if skipReason == "" {
			tb.Fatal("s3test: no SeaweedFS server: call s3test.Main from TestMain")
		}
		tb.Skip(skipReason)
	}
	return w
}

// Bucket is the one bucket of the server, made when it starts. SeaweedFS
// grows seven volumes for each bucket (its collection), so tests share one
// and keep their keys apart: the sandbox's keys hold a random part of
// each server's.
const Bucket = "webadmit"

// NewStore returns a store on the package server's bucket (or skips tb
// when there is none). opts may set PartSize and HTTPClient; the endpoint,
// bucket and credentials are the server's.
func NewStore(tb testing.TB, opts s3store.Options) *s3store.Store {
	tb.Helper()
	w := Server(tb)
	opts.Endpoint, opts.Bucket, opts.Region = w.Endpoint, Bucket, Region
	opts.AccessKeyID, opts.SecretAccessKey = AccessKeyID, SecretAccessKey
	store, err := s3store.New(tb.Context(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return store
}

// Start runs `bin server -s3` on free loopback ports with its data in a new
// temporary directory, and returns once its S3 gateway creates a bucket.
func Start(bin string) (*Weed, error) {
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s version: %v: %s", bin, err, out)
	}
	dir, err := os.MkdirTemp("", "webadmit-weed-")
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
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := w.cmd.Start(); err != nil {
		return fmt.Errorf("starting weed: %w", err)
	}
	go func() { _ = w.cmd.Wait(); close(w.done) }()
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
	resp, err := http.DefaultClient.Do(req)
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
		pgid := w.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-w.done:
		case <-time.After(stopGrace):
		}
		// The whole group, weed and anything it started.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-w.done
	}
	for _, svc := range []string{"master", "volume", "filer", "s3"} {
		if port, ok := w.grpcPorts[svc]; ok {
			_ = os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", svc, port))
		}
	}
	if w.log != nil {
		_ = w.log.Close()
	}
	return os.RemoveAll(w.dir)
}

// stopGrace is how long Stop waits for weed to end on SIGTERM.
const stopGrace = 2 * time.Second

// freePortPairs returns n distinct loopback ports p that are free together
// with p+10000, which weed takes for each port's gRPC. They are drawn from
// 20000-32767, below Linux's ephemeral range, where outgoing connections
// take their ports.
func freePortPairs(n int) ([]int, error) {
	var ports []int
	var held []io.Closer
	defer func() {
		for _, c := range held {
			_ = c.Close()
		}
	}()
	for tries := 0; len(ports) < n && tries < 500; tries++ {
		var b [2]byte
		_, _ = rand.Read(b[:])
		p := 20000 + (int(b[0])<<8|int(b[1]))%12768
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		grpc, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			_ = ln.Close()
			continue
		}
		held = append(held, ln, grpc)
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, errors.New("no free loopback ports p with p+10000 free too")
	}
	return ports, nil
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

// manyFailed is the error of a multi-export run in which some exports did
// not deliver their file. It wraps the first failure (in the order given),
// whose exit code it takes.
type manyFailed struct {
	first         error
	export        int
	failed, total int
}

func (e manyFailed) Error() string {
	return fmt.Sprintf("%d of %d exports did not deliver their file; the first, export %d: %v", e.failed, e.total, e.export, e.first)
}

func (e manyFailed) Unwrap() error { return e.first }

// runMany runs several exports at once (run with several --export flags,
// or --manifest) and prints a summary of them.
func (a *app) runMany(cmd *cobra.Command, identity int, exports []int, manifest string, timeout time.Duration, ff *fetchFlags) error {
	entries, err := a.manyEntries(identity, exports, manifest, ff)
	if err != nil {
		return err
	}
	if err := checkConnections(ff.conns); err != nil {
		return err
	}
	switch {
	case ff.extract != "":
		return usagef("--extract takes one export; run several into -o DIR, then extract each")
	case ff.output == "-" || isStdoutPath(ff.output):
		return usagef("-o - (stdout) takes one export; with several, -o names a directory")
	}
	if strings.HasPrefix(ff.output, "s3://") {
		return usagef("-o s3://… takes one export; for several, give each its own 'output: s3://…' in a --manifest")
	}
	dir := ff.output
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return usagef("-o %s is not a directory: with several exports, -o names the directory for their files", dir)
	}
	jobs := make([]wrapper.ExportJob, len(entries))
	ids := make([]int, len(entries))
	var (
		closers []func()
		intoDir bool // some export goes to dir under the server's name
	)
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for i, e := range entries {
		jobs[i] = wrapper.ExportJob{IdentityID: e.Identity, ExportID: e.Export}
		ids[i] = e.Export
		if e.UTF8 || ff.utf8 {
			jobs[i].Opts = []wrapper.RunOption{wrapper.TranscodeToUTF8()}
		}
		if e.Output == "" {
			intoDir = true
			continue
		}
		one := fetchFlags{output: e.Output, force: ff.force, conns: ff.conns, label: "output"}
		t, err := one.target(a)
		if err != nil {
			return fmt.Errorf("export %d (manifest line %d): %w", e.Export, e.line, err)
		}
		closers = append(closers, t.close)
		jobs[i].Dst = t.dst
	}
	p := a.newManyProgress(ids)
	opts := []wrapper.RunOption{wrapper.OnProgress(p.handle), wrapper.MaxWait(timeout), wrapper.Connections(ff.conns)}
	if intoDir { // else -o's directory is neither needed nor created
		opts = append(opts, wrapper.ExportsInto(wrapper.ZipFilesToDir(dir, wrapper.FileOptions{UniqueName: ff.force})))
	}
	out := a.client.RunExports(cmd.Context(), jobs, opts...)
	p.finish(out, ids)
	return a.reportMany(entries, out)
}

// manyEntries are the exports to run: --manifest's, or --identity with
// each --export.
func (a *app) manyEntries(identity int, exports []int, manifest string, ff *fetchFlags) ([]manifestEntry, error) {
	if manifest != "" {
		if len(exports) > 0 {
			return nil, usagef("give --export or --manifest, not both")
		}
		return readManifest(manifest, identity, ff.output, ff.force)
	}
	if identity <= 0 {
		return nil, usagef("give --identity (the user identity of the exports), or a --manifest that names one per export")
	}
	seen := map[int]bool{}
	var entries []manifestEntry
	for _, e := range exports {
		if e <= 0 {
			return nil, usagef("--export %d is not an export id", e)
		}
		if seen[e] {
			return nil, usagef("--export %d is given twice", e)
		}
		seen[e] = true
		entries = append(entries, manifestEntry{Identity: identity, Export: e})
	}
	return entries, nil
}

// manyResult is one row of the summary.
type manyResult struct {
	IdentityID   int      `json:"identity_id"`
	ExportID     int      `json:"export_id"`
	ExportFileID int      `json:"export_file_id,omitempty"`
	Status       string   `json:"status,omitempty"`
	Bytes        int64    `json:"bytes"`
	SHA256       string   `json:"sha256,omitempty"`
	Paths        []string `json:"paths"`
	Error        string   `json:"error,omitempty"`
}

// reportMany prints each failure (with its advice) on stderr, the summary
// on stdout, and returns the first failure as a manyFailed.
func (a *app) reportMany(entries []manifestEntry, out []wrapper.ExportOutcome) error {
	rows := make([]manyResult, len(out))
	t := table{header: []string{"EXPORT", "RUN", "STATUS", "BYTES", "FILE"}}
	var first manyFailed
	for i, o := range out {
		r := manyResult{IdentityID: entries[i].Identity, ExportID: entries[i].Export, Paths: []string{}}
		run, status, file, size := "-", "not started", "-", "-"
		if res := o.Result; res != nil {
			r.ExportFileID, r.Status, r.Bytes, r.SHA256 = res.ExportFileID, res.Status.String(), res.Bytes, res.SHA256
			if res.Paths != nil {
				r.Paths = res.Paths
			}
			if res.ExportFileID != 0 {
				run = fmt.Sprint(res.ExportFileID)
			}
			if res.Status != "" {
				status = res.Status.String()
			}
		}
		a.again, a.one = "", &entries[i]
		if r.ExportFileID != 0 {
			a.again = fmt.Sprintf("webadmit download --export %d --file %d", r.ExportID, r.ExportFileID)
		}
		switch {
		case o.Err != nil:
			first.failed++
			if first.first == nil {
				first.first, first.export = o.Err, r.ExportID
			}
			r.Error = a.describe(o.Err)
			msg := r.Error
			if !strings.HasPrefix(msg, fmt.Sprintf("export %d ", r.ExportID)) {
				msg = fmt.Sprintf("export %d: %s", r.ExportID, msg)
			}
			fmt.Fprintln(a.stderr, termSafe("webadmit: "+msg)) // even when quiet: it is an error
			if status == "Available" || status == "Success With Errors" {
				status = "not delivered"
			}
		default:
			size, file = humanBytes(r.Bytes), strings.Join(r.Paths, ", ")
			if len(r.Paths) == 1 {
				file = filepath.Clean(r.Paths[0])
			}
			if o.Result.SuccessWithErrors {
				a.warnf("export %d run %d ended %q: the file may lack some records; check the run in WebAdMIT", r.ExportID, r.ExportFileID, status)
			}
			a.warnStoredCoding(o.Result.ContentEncoding, fmt.Sprintf("the file of export %d", r.ExportID))
		}
		rows[i] = r
		t.rows = append(t.rows, []string{fmt.Sprint(r.ExportID), run, status, size, file})
	}
	a.again, a.one = "", nil
	if err := a.print(rows, t); err != nil {
		return err
	}
	if first.first == nil {
		a.notef("all %d exports delivered", len(out))
		return nil
	}
	first.total = len(out)
	return first
}

// errManyFailed reports whether err is a manyFailed.
func errManyFailed(err error) (manyFailed, bool) {
	var m manyFailed
	return m, errors.As(err, &m)
}

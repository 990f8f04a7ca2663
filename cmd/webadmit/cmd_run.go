package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

func (a *app) runCommand() *cobra.Command {
	var (
		identity int
		exports  []int
		manifest string
		timeout  time.Duration
		ff       fetchFlags
	)
	cmd := &cobra.Command{
		Use:   "run --identity ID --export ID [--export ID ...] [-o FILE|DIR|-] [--manifest FILE] [--timeout 30m] [--utf8] [--extract DIR] [--force] [--connections N]",
		Short: "Start an export, wait for it and download the file",
		Long: `run starts a run of the export (or joins the one already running), checks its status with
growing intervals until it ends, and downloads the file the moment it is available. The file is
written atomically with mode 0600: on any failure nothing is left behind. Without -o it takes
the server's name in the current directory and never replaces a file there; --force replaces
only the file named by -o. '-o -' writes to stdout; a device or FIFO is written to as a stream.

Several --export flags (or --manifest) run the exports at once: their waits share one status
list per identity, so they cost the status calls of one, and each file is downloaded the
moment its run has one. -o then names the directory (default: the current one, created if
missing) that takes each file under the server's name, two never the same; a summary table
(or --output json) follows. --manifest FILE (YAML or JSON, '-' for stdin) lists the exports:

  - {identity: 42, export: 29897}
  - {identity: 42, export: 29898, output: recommendations.csv, utf8: true}

The exit code is that of the first export (in the order given) that did not deliver its
file, as a run of it alone would give; the others are still delivered.

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeout <= 0 {
				return usagef("--timeout must be positive")
			}
			if len(exports) > 1 || manifest != "" {
				return a.runMany(cmd, identity, exports, manifest, timeout, &ff)
			}
			var missing []string
			if identity <= 0 {
				missing = append(missing, `"identity"`)
			}
			if len(exports) == 0 {
				missing = append(missing, `"export"`)
			}
			if len(missing) > 0 {
				return usagef("required flag(s) %s not set (or give --manifest)", strings.Join(missing, ", "))
			}
			export := exports[0]
			out, err := ff.target(a)
			if err != nil {
				return err
			}
			defer out.close()
			a.written = out.written
			p := a.newProgress()
			opts := append(ff.runOptions(p), wrapper.MaxWait(timeout))
			res, err := a.client.RunExport(cmd.Context(), identity, export, out.dst, opts...)
			return a.report(res, err, out)
		},
	}
	idVar(cmd.Flags(), &identity, "identity", "user identity id that owns the export(s)")
	idSliceVar(cmd.Flags(), &exports, "export", "export id (from 'webadmit exports'); repeat it, or give a comma-separated list, to run several at once")
	cmd.Flags().StringVar(&manifest, "manifest", "", "YAML or JSON list of {identity, export, output, utf8} to run at once ('-' for stdin)")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up waiting after this long")
	ff.register(cmd)
	return cmd
}

func (a *app) downloadCommand() *cobra.Command {
	var (
		export, file int
		ff           fetchFlags
	)
	cmd := &cobra.Command{
		Use:   "download --export ID --file ID [-o FILE|-] [--utf8] [--extract DIR] [--force] [--connections N]",
		Short: "Download the file of a run that already finished",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := ff.target(a)
			if err != nil {
				return err
			}
			defer out.close()
			a.written = out.written
			res, err := a.client.ExportRun(export, file).Download(cmd.Context(), out.dst, ff.runOptions(a.newProgress())...)
			return a.report(res, err, out)
		},
	}
	idVar(cmd.Flags(), &export, "export", "export id")
	idVar(cmd.Flags(), &file, "file", "export file id (the run, from 'webadmit files')")
	ff.register(cmd)
	_ = cmd.MarkFlagRequired("export")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// report prints the outcome of a run or download on stderr (and, with
// --output json, the result on stdout unless the file itself went there).
func (a *app) report(res *wrapper.Result, err error, out *fetchTarget) error {
	if res != nil && res.ExportFileID != 0 {
		a.again = fmt.Sprintf("webadmit download --export %d --file %d", res.ExportID, res.ExportFileID)
	}
	if err != nil {
		return err
	}
	if res.SuccessWithErrors {
		a.warnf("export %d run %d ended %q: the file may lack some records; check the run in WebAdMIT",
			res.ExportID, res.ExportFileID, res.Status.String())
	}
	a.warnStoredCoding(res.ContentEncoding, "the file")
	where := out.where
	if len(res.Paths) == 1 {
		where = res.Paths[0]
	} else if len(res.Paths) > 1 {
		where = fmt.Sprintf("%d files", len(res.Paths))
	}
	size := humanBytes(res.Bytes)
	if res.Transcoded {
		size = fmt.Sprintf("%s (%s received, converted to UTF-8)", size, humanBytes(res.Received))
	}
	a.notef("wrote %s to %s (sha256 %s, %s, %s)",
		size, where, res.SHA256, count(res.StatusCalls, "status check"), res.Elapsed.Round(time.Millisecond))
	if a.g.output == "json" && out.where != "stdout" {
		j := resultJSON(res)
		if out.where != "" {
			j.Paths = []string{out.where}
		}
		return a.print(j, table{})
	}
	return nil
}

// runResult is the JSON form of a finished run.
type runResult struct {
	ExportID          int      `json:"export_id"`
	ExportFileID      int      `json:"export_file_id"`
	Status            string   `json:"status"`
	SuccessWithErrors bool     `json:"success_with_errors"`
	Bytes             int64    `json:"bytes"`
	BytesReceived     int64    `json:"bytes_received"`
	Transcoded        bool     `json:"transcoded_to_utf8"`
	ContentEncoding   string   `json:"content_encoding,omitempty"`
	SHA256            string   `json:"sha256"`
	Paths             []string `json:"paths"`
	StatusCalls       int      `json:"status_calls"`
	ElapsedSeconds    float64  `json:"elapsed_seconds"`
}

func resultJSON(r *wrapper.Result) runResult {
	return runResult{
		ExportID: r.ExportID, ExportFileID: r.ExportFileID, Status: r.Status.String(),
		SuccessWithErrors: r.SuccessWithErrors, Bytes: r.Bytes, BytesReceived: r.Received, Transcoded: r.Transcoded,
		ContentEncoding: r.ContentEncoding, SHA256: r.SHA256, Paths: r.Paths,
		StatusCalls: r.StatusCalls, ElapsedSeconds: r.Elapsed.Seconds(),
	}
}

// warnStoredCoding warns that a file was saved compressed, as the object
// store keeps it (Content-Encoding): the client never decodes it, so what
// is on disk is the compressed bytes, and --utf8 could not convert it.
func (a *app) warnStoredCoding(coding, what string) {
	if coding == "" {
		return
	}
	msg := fmt.Sprintf("the object store keeps %s compressed (Content-Encoding: %s) and it was saved as stored, still compressed", what, coding)
	if a.hasFlag("utf8") && a.flag("utf8") == "true" {
		msg += "; --utf8 could not convert it"
	}
	if strings.EqualFold(coding, "gzip") || strings.EqualFold(coding, "x-gzip") {
		msg += "; 'gzip -dc FILE > PLAIN' decompresses it"
	}
	a.warnf("%s", msg)
}

package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

// fetchFlags are the flags run and download share.
type fetchFlags struct {
	output  string
	utf8    bool
	extract string
	force   bool
}

func (f *fetchFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output-file", "o", "", "file to write; '-' for stdout; default: the server's file name in the current directory")
	fl.BoolVar(&f.utf8, "utf8", false, "convert the file from ISO-8859-1 to UTF-8 while downloading")
	fl.StringVar(&f.extract, "extract", "", "extract a zip export (CSV in multiple files) into this directory")
	fl.BoolVar(&f.force, "force", false, "replace existing files")
}

// destination resolves -o / --extract into a wrapper destination.
func (f *fetchFlags) destination(a *app) (wrapper.Destination, error) {
	switch {
	case f.extract != "" && f.output != "":
		return nil, usagef("give -o or --extract, not both")
	case f.extract != "":
		return wrapper.ToDir(f.extract, wrapper.ExtractOptions{Overwrite: f.force}), nil
	case f.output == "-":
		return wrapper.ToWriter(a.stdout), nil
	case f.output == "":
		return wrapper.ToFile("."+string(os.PathSeparator), wrapper.FileOptions{Overwrite: f.force}), nil
	}
	return wrapper.ToFile(f.output, wrapper.FileOptions{Overwrite: f.force}), nil
}

func (f *fetchFlags) runOptions(p *progress) []wrapper.RunOption {
	opts := []wrapper.RunOption{wrapper.OnProgress(p.handle)}
	if f.utf8 {
		opts = append(opts, wrapper.TranscodeToUTF8())
	}
	return opts
}

func (a *app) runCommand() *cobra.Command {
	var (
		identity, export int
		timeout          time.Duration
		ff               fetchFlags
	)
	cmd := &cobra.Command{
		Use:   "run --identity ID --export ID [-o FILE|-] [--timeout 30m] [--utf8] [--extract DIR] [--force]",
		Short: "Start an export, wait for it and download the file",
		Long: `run starts a run of the export (or joins the one already running), checks its status with
growing intervals until it ends, and downloads the file the moment it is available. The file is
written atomically with mode 0600: on any failure nothing is left behind.

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeout <= 0 {
				return usagef("--timeout must be positive")
			}
			dst, err := ff.destination(a)
			if err != nil {
				return err
			}
			p := a.newProgress()
			opts := append(ff.runOptions(p), wrapper.MaxWait(timeout))
			res, err := a.client.RunExport(cmd.Context(), identity, export, dst, opts...)
			return a.report(res, err)
		},
	}
	cmd.Flags().IntVar(&identity, "identity", 0, "user identity id that owns the export")
	cmd.Flags().IntVar(&export, "export", 0, "export id (from 'webadmit exports')")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Minute, "give up waiting after this long")
	ff.register(cmd)
	_ = cmd.MarkFlagRequired("identity")
	_ = cmd.MarkFlagRequired("export")
	return cmd
}

func (a *app) downloadCommand() *cobra.Command {
	var (
		export, file int
		ff           fetchFlags
	)
	cmd := &cobra.Command{
		Use:   "download --export ID --file ID [-o FILE|-] [--utf8] [--extract DIR] [--force]",
		Short: "Download the file of a run that already finished",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dst, err := ff.destination(a)
			if err != nil {
				return err
			}
			res, err := a.client.Download(cmd.Context(), export, file, dst, ff.runOptions(a.newProgress())...)
			return a.report(res, err)
		},
	}
	cmd.Flags().IntVar(&export, "export", 0, "export id")
	cmd.Flags().IntVar(&file, "file", 0, "export file id (the run, from 'webadmit files')")
	ff.register(cmd)
	_ = cmd.MarkFlagRequired("export")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// report prints the outcome of a run or download on stderr (and, with
// --output json, the result on stdout unless the file itself went there).
func (a *app) report(res *wrapper.Result, err error) error {
	if err != nil {
		return err
	}
	if res.SuccessWithErrors && !a.g.quiet {
		fmt.Fprintf(a.stderr, "webadmit: warning: export %d run %d ended %q: the file may lack some records; check the run in WebAdMIT\n",
			res.ExportID, res.ExportFileID, res.Status.String())
	}
	if !a.g.quiet {
		where := "stdout"
		if len(res.Paths) == 1 {
			where = res.Paths[0]
		} else if len(res.Paths) > 1 {
			where = fmt.Sprintf("%d files", len(res.Paths))
		}
		fmt.Fprintf(a.stderr, "webadmit: wrote %s to %s (sha256 %s, %s, %s)\n",
			humanBytes(res.Bytes), where, res.SHA256, count(res.StatusCalls, "status check"), res.Elapsed.Round(time.Millisecond))
	}
	if a.g.output == "json" && len(res.Paths) > 0 {
		return a.print(resultJSON(res), table{})
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
	SHA256            string   `json:"sha256"`
	Paths             []string `json:"paths"`
	StatusCalls       int      `json:"status_calls"`
	ElapsedSeconds    float64  `json:"elapsed_seconds"`
}

func resultJSON(r *wrapper.Result) runResult {
	return runResult{
		ExportID: r.ExportID, ExportFileID: r.ExportFileID, Status: r.Status.String(),
		SuccessWithErrors: r.SuccessWithErrors, Bytes: r.Bytes, SHA256: r.SHA256, Paths: r.Paths,
		StatusCalls: r.StatusCalls, ElapsedSeconds: r.Elapsed.Seconds(),
	}
}

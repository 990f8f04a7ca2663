package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

func (a *app) pdfCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pdf",
		Short: "Run PDF Manager templates and download their zip files of applicant PDFs",
		Long: `pdf runs WebAdMIT's PDF Manager: a template (set up in WebAdMIT) collects applicants' PDFs;
each run of it, a batch, produces one or more zip files. 'pdf run' starts a batch, waits for it
and downloads every zip file; the API hands each one out through a redirect to the object store,
which the key never reaches.

  webadmit --sandbox pdf templates --identity 42
  webadmit --sandbox pdf run --identity 42 --template 2 -o pdfs/

` + exitCodesHelp,
	}
	cmd.AddCommand(a.pdfTemplatesCommand(), a.pdfBatchesCommand(), a.pdfStatusCommand(), a.pdfRunCommand(), a.pdfDownloadCommand())
	for _, c := range cmd.Commands() {
		c.Flags().SetInterspersed(true)
	}
	a.groupRun(cmd)
	return cmd
}

func (a *app) pdfTemplatesCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "templates --identity ID",
		Short: "List the PDF Manager templates of an identity",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListPdfManagerTemplatesWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.PdfManagerTemplates)
			t := table{header: []string{"ID", "NAME", "LIST", "DOCUMENTS"}}
			for _, tpl := range list {
				t.rows = append(t.rows, []string{strconv.Itoa(tpl.Id), tpl.Name, tpl.ListName, tpl.DocumentSourceTitle})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	return cmd
}

func (a *app) pdfBatchesCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "batches --identity ID",
		Short: "List the recent PDF Manager batches of an identity and their state",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListPdfManagerBatchesWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.PdfManagerBatches)
			t := table{header: []string{"BATCH ID", "TEMPLATE ID", "TEMPLATE", "STATE", "UPDATED"}}
			for _, b := range list {
				t.rows = append(t.rows, []string{strconv.Itoa(b.Id), strconv.Itoa(b.PdfManagerTemplate.Id), b.PdfManagerTemplate.Name,
					wrapper.ParseStatus(string(b.State)).String(), b.UpdatedAt.UTC().Format(time.RFC3339)})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	return cmd
}

func (a *app) pdfStatusCommand() *cobra.Command {
	var identity, batch int
	cmd := &cobra.Command{
		Use:   "status --identity ID --batch ID",
		Short: "Show the state of one PDF Manager batch and its zip files",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().GetPdfManagerBatchWithResponse(cmd.Context(), identity, batch)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			b := r.JSON200.PdfManagerBatch
			st := wrapper.ParseStatus(string(b.State))
			var zips []string
			for _, h := range listOrEmpty(b.DownloadHrefs) {
				if m := zipIDInHref.FindStringSubmatch(h); m != nil {
					zips = append(zips, m[1])
				}
			}
			zipText := "-"
			if len(zips) > 0 {
				zipText = strings.Join(zips, ",")
			}
			t := table{
				header: []string{"BATCH ID", "TEMPLATE", "STATE", "TERMINAL", "ZIP FILE IDS", "UPDATED"},
				rows: [][]string{{strconv.Itoa(b.Id), b.PdfManagerTemplate.Name, st.String(), strconv.FormatBool(st.IsTerminal()),
					zipText, b.UpdatedAt.UTC().Format(time.RFC3339)}},
			}
			return a.print(b, t)
		},
	}
	identityFlag(cmd, &identity)
	idVar(cmd.Flags(), &batch, "batch", "PDF Manager batch id (from 'webadmit pdf batches')")
	_ = cmd.MarkFlagRequired("batch")
	return cmd
}

// zipIDInHref finds the zip file id in a download_hrefs entry.
var zipIDInHref = regexp.MustCompile(`/pdf_manager_zip_files/(\d+)/download`)

// pdfFetchFlags are the flags pdf run and pdf download share.
type pdfFetchFlags struct {
	dir     string
	extract bool
	force   bool
	timeout time.Duration
	conns   int
}

func (f *pdfFetchFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.dir, "output-dir", "o", ".", "directory for the zip files (created if missing)")
	fl.BoolVar(&f.extract, "extract", false, "extract the PDFs from each zip file into the directory instead of keeping the zip files")
	fl.BoolVar(&f.force, "force", false, "a zip file name already taken gets a number (Name-2.zip); with --extract, replace existing files (all or nothing)")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Minute, "give up waiting after this long")
	connectionsFlag(cmd, &f.conns)
}

// runOptions are the options of the flags and the progress display.
func (f *pdfFetchFlags) runOptions(p *progress) []wrapper.RunOption {
	return []wrapper.RunOption{wrapper.OnProgress(p.handle), wrapper.MaxWait(f.timeout), wrapper.Connections(f.conns)}
}

// written says what an interrupted batch download has written so far.
func (f *pdfFetchFlags) written() string {
	return "nothing was written" // a batch is all or nothing, files replaced by --extract --force included
}

func (f *pdfFetchFlags) destination() (wrapper.BatchDestination, error) {
	if f.timeout <= 0 {
		return nil, usagef("--timeout must be positive")
	}
	if err := checkConnections(f.conns); err != nil {
		return nil, err
	}
	if strings.TrimSpace(f.dir) == "" || f.dir == "-" {
		return nil, usagef("-o takes a directory: the zip files of a batch cannot go to stdout")
	}
	if f.extract {
		return wrapper.ExtractZipFilesTo(f.dir, wrapper.ExtractOptions{Overwrite: f.force}), nil
	}
	// The server names the zip files: --force numbers a taken name.
	return wrapper.ZipFilesToDir(f.dir, wrapper.FileOptions{UniqueName: f.force}), nil
}

func (a *app) pdfRunCommand() *cobra.Command {
	var (
		identity, template int
		ff                 pdfFetchFlags
	)
	cmd := &cobra.Command{
		Use:   "run --identity ID --template ID [-o DIR] [--timeout 30m] [--extract] [--force] [--connections N]",
		Short: "Start a PDF Manager batch, wait for it and download its zip files",
		Long: `pdf run starts a batch of the template (or joins the one already running), checks its state with
growing intervals until it ends, and downloads each of its zip files into the directory (the
current one by default), each named as the server proposes. Files are written atomically with
mode 0600, and the batch is all or nothing: on any failure the zip files already written are
removed again. --extract unpacks the PDFs instead (safely: nothing outside the directory).

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dst, err := ff.destination()
			if err != nil {
				return err
			}
			a.written = ff.written
			p := a.newProgress()
			res, err := a.client.RunPDFBatch(cmd.Context(), identity, template, dst, ff.runOptions(p)...)
			return a.reportPDF(res, err, &ff)
		},
	}
	identityFlag(cmd, &identity)
	idVar(cmd.Flags(), &template, "template", "PDF Manager template id (from 'webadmit pdf templates')")
	ff.register(cmd)
	_ = cmd.MarkFlagRequired("template")
	return cmd
}

func (a *app) pdfDownloadCommand() *cobra.Command {
	var (
		identity, batch int
		wait            bool
		ff              pdfFetchFlags
	)
	cmd := &cobra.Command{
		Use:   "download --identity ID --batch ID [-o DIR] [--wait] [--extract] [--force] [--connections N]",
		Short: "Download the zip files of a PDF Manager batch",
		Long: `pdf download downloads every zip file of a batch that has finished, as 'pdf run' does; with --wait
it first waits for a batch still running (for at most --timeout).

` + exitCodesHelp,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dst, err := ff.destination()
			if err != nil {
				return err
			}
			a.written = ff.written
			opts := ff.runOptions(a.newProgress())
			b := a.client.PDFBatch(identity, batch)
			if wait {
				if _, err := b.Wait(cmd.Context(), opts...); err != nil {
					return a.reportPDF(&wrapper.PDFResult{IdentityID: identity, BatchID: batch}, err, &ff)
				}
			}
			res, err := b.Download(cmd.Context(), dst, opts...)
			return a.reportPDF(res, err, &ff) // a batch still running: describe gives the --wait command
		},
	}
	identityFlag(cmd, &identity)
	idVar(cmd.Flags(), &batch, "batch", "PDF Manager batch id (from 'webadmit pdf batches')")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for a batch that is still running")
	ff.register(cmd)
	_ = cmd.MarkFlagRequired("batch")
	return cmd
}

func identityFlag(cmd *cobra.Command, identity *int) {
	idVar(cmd.Flags(), identity, "identity", "user identity id (from 'webadmit identities')")
	_ = cmd.MarkFlagRequired("identity")
}

// reportPDF prints the outcome of a PDF Manager batch on stderr (and, with
// --output json, the result on stdout).
func (a *app) reportPDF(res *wrapper.PDFResult, err error, ff *pdfFetchFlags) error {
	if res != nil && res.BatchID != 0 {
		a.again = fmt.Sprintf("webadmit pdf download --identity %d --batch %d", res.IdentityID, res.BatchID)
	}
	if err != nil {
		if errors.Is(err, wrapper.ErrTimeout) && res != nil && res.BatchID != 0 {
			return advised{err, fmt.Sprintf("the batch may still finish: 'webadmit pdf download --identity %d --batch %d --wait' picks it up, or raise --timeout", res.IdentityID, res.BatchID)}
		}
		return err
	}
	if res.SuccessWithErrors {
		a.warnf("PDF Manager batch %d ended %q: some applicants' PDFs may be missing; check the batch in WebAdMIT's PDF Manager",
			res.BatchID, res.State.String())
	}
	for _, z := range res.ZipFiles {
		a.warnStoredCoding(z.ContentEncoding, fmt.Sprintf("zip file %d (%s)", z.ZipFileID, z.FileName))
	}
	what := fmt.Sprintf("%d zip files", len(res.ZipFiles))
	if len(res.ZipFiles) == 1 {
		what = "1 zip file"
	}
	if ff.extract {
		what += fmt.Sprintf(" (%d files extracted)", len(res.Paths))
	}
	a.notef("wrote %s, %s, to %s (batch %d, %s, %s)",
		what, humanBytes(res.Bytes), ff.dir, res.BatchID, count(res.StatusCalls, "status check"), res.Elapsed.Round(time.Millisecond))
	if a.g.output == "json" {
		return a.print(pdfResultJSON(res), table{})
	}
	return nil
}

// pdfResult is the JSON form of a downloaded batch.
type pdfResult struct {
	IdentityID        int          `json:"identity_id"`
	BatchID           int          `json:"pdf_manager_batch_id"`
	TemplateID        int          `json:"pdf_manager_template_id"`
	TemplateName      string       `json:"template_name"`
	State             string       `json:"state"`
	SuccessWithErrors bool         `json:"success_with_errors"`
	ZipFiles          []pdfZipJSON `json:"zip_files"`
	Paths             []string     `json:"paths"`
	Bytes             int64        `json:"bytes"`
	StatusCalls       int          `json:"status_calls"`
	ElapsedSeconds    float64      `json:"elapsed_seconds"`
}

type pdfZipJSON struct {
	ZipFileID int      `json:"pdf_manager_zip_file_id"`
	FileName  string   `json:"file_name"`
	Bytes     int64    `json:"bytes"`
	SHA256    string   `json:"sha256"`
	Paths     []string `json:"paths"`
}

func pdfResultJSON(r *wrapper.PDFResult) pdfResult {
	out := pdfResult{
		IdentityID: r.IdentityID, BatchID: r.BatchID, TemplateID: r.TemplateID, TemplateName: r.TemplateName,
		State: r.State.String(), SuccessWithErrors: r.SuccessWithErrors, ZipFiles: []pdfZipJSON{}, Paths: r.Paths,
		Bytes: r.Bytes, StatusCalls: r.StatusCalls, ElapsedSeconds: r.Elapsed.Seconds(),
	}
	if out.Paths == nil {
		out.Paths = []string{}
	}
	for _, z := range r.ZipFiles {
		out.ZipFiles = append(out.ZipFiles, pdfZipJSON{ZipFileID: z.ZipFileID, FileName: z.FileName, Bytes: z.Bytes, SHA256: z.SHA256, Paths: z.Paths})
	}
	return out
}

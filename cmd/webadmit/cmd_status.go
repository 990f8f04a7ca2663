package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/wrapper"
)

func (a *app) statusCommand() *cobra.Command {
	var (
		export, file int
		showURL      bool
	)
	cmd := &cobra.Command{
		Use:   "status --export ID --file ID [--show-url]",
		Short: "Show the status of one run of an export",
		Long: `status shows one run's status. When the file is ready the API also issues a download URL
valid for under 30 seconds; it is a credential, so it is shown only with --show-url.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().GetExportFileWithResponse(cmd.Context(), export, file)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			ef := r.JSON200.ExportFiles
			if !showURL {
				ef.DownloadUrl = nil
			}
			st := wrapper.StatusOf(ef.Status)
			t := table{header: []string{"FILE ID", "EXPORT ID", "STATUS", "TERMINAL"}}
			row := []string{strconv.Itoa(ef.Id), strconv.Itoa(ef.ExportId), st.String(), strconv.FormatBool(st.IsTerminal())}
			if showURL {
				t.header = append(t.header, "DOWNLOAD URL (expires in <30 s)")
				row = append(row, orDash(ef.DownloadUrl))
			}
			t.rows = [][]string{row}
			return a.print(ef, t)
		},
	}
	idVar(cmd.Flags(), &export, "export", "export id")
	idVar(cmd.Flags(), &file, "file", "export file id (the run)")
	cmd.Flags().BoolVar(&showURL, "show-url", false, "also print the pre-signed download URL (a short-lived credential)")
	_ = cmd.MarkFlagRequired("export")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper"
)

func (a *app) identitiesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "identities",
		Short: "List the user identities the API key can act as",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListUserIdentitiesWithResponse(cmd.Context())
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			ids := listOrEmpty(r.JSON200.UserIdentities)
			t := table{header: []string{"ID", "TYPE", "ORGANIZATION", "INSTITUTION", "ASSOCIATION", "CYCLE"}}
			for _, id := range ids {
				t.rows = append(t.rows, []string{intOrDash(id.Id), orDash(id.Type), orDash(id.Organization), orDash(id.Institution), orDash(id.Association), orDash(id.Cycle)})
			}
			return a.print(ids, t)
		},
	}
}

func (a *app) exportsCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "exports [--identity ID]",
		Short: "List export templates, of one identity or of all",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var exports []generated.Export
			if cmd.Flags().Changed("identity") {
				r, err := a.client.API().ListUserIdentityExportsWithResponse(cmd.Context(), identity)
				if err != nil {
					return err
				}
				if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
					return err
				}
				exports = listOrEmpty(r.JSON200.Exports)
			} else {
				r, err := a.client.API().ListExportsWithResponse(cmd.Context())
				if err != nil {
					return err
				}
				if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
					return err
				}
				exports = listOrEmpty(r.JSON200.Exports)
			}
			t := table{header: []string{"ID", "NAME", "FORMAT", "LIST", "MIME TYPE"}}
			for _, e := range exports {
				t.rows = append(t.rows, []string{strconv.Itoa(e.Id), e.Name, string(e.Format), orDash(e.ListType), string(e.MimeType)})
			}
			return a.print(exports, t)
		},
	}
	idVar(cmd.Flags(), &identity, "identity", "user identity id (from 'webadmit identities')")
	return cmd
}

func (a *app) filesCommand() *cobra.Command {
	var (
		identity int
		showURL  bool
	)
	cmd := &cobra.Command{
		Use:   "files --identity ID [--show-url]",
		Short: "List the recent runs of an identity's exports and their status",
		Long: `files lists the recent runs of an identity's exports. Should the API add a run's download URL
(valid for under 30 seconds), it is a credential, so it is shown only with --show-url.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListUserIdentityExportFilesWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			files := listOrEmpty(r.JSON200.ExportFiles)
			t := table{header: []string{"FILE ID", "EXPORT ID", "STATUS"}}
			if showURL {
				t.header = append(t.header, "DOWNLOAD URL (expires in <30 s)")
			}
			for i, f := range files {
				row := []string{strconv.Itoa(f.Id), strconv.Itoa(f.ExportId), wrapper.StatusOf(f.Status).String()}
				if showURL {
					row = append(row, orDash(f.DownloadUrl))
				} else {
					files[i].DownloadUrl = nil
				}
				t.rows = append(t.rows, row)
			}
			return a.print(files, t)
		},
	}
	idVar(cmd.Flags(), &identity, "identity", "user identity id (from 'webadmit identities')")
	cmd.Flags().BoolVar(&showURL, "show-url", false, "also print each run's pre-signed download URL, if the API gives one (a short-lived credential)")
	_ = cmd.MarkFlagRequired("identity")
	return cmd
}

// noArgs rejects positional arguments as a usage error.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q: this command takes flags only", args[0])
	}
	return nil
}

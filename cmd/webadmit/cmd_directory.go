package main

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// The read-only lists of an identity's directory: organizations, programs,
// decisions and a program's custom fields.

func (a *app) organizationsCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "organizations --identity ID",
		Short: "List the organizations an identity belongs to",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListOrganizationsWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.Organizations)
			t := table{header: []string{"ID", "NAME", "ASSOCIATION", "CYCLE", "CAS3"}}
			for _, o := range list {
				t.rows = append(t.rows, []string{strconv.FormatInt(o.Id, 10), o.Name, orDash(o.AssociationName), orDash(o.CycleName), strconv.FormatBool(o.Cas3)})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	return cmd
}

func (a *app) programsCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "programs --identity ID",
		Short: "List the programs an identity can see",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListProgramsWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.Programs)
			t := table{header: []string{"ID", "NAME", "ORGANIZATION"}}
			for _, p := range list {
				t.rows = append(t.rows, []string{strconv.FormatInt(p.Id, 10), p.Name, orDash(p.OrganizationName)})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	return cmd
}

func (a *app) decisionsCommand() *cobra.Command {
	var identity int
	cmd := &cobra.Command{
		Use:   "decisions --identity ID",
		Short: "List the decisions a designation can record",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListDecisionsWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.Decisions)
			t := table{header: []string{"ID", "NAME"}}
			for _, d := range list {
				t.rows = append(t.rows, []string{strconv.Itoa(d.Id), d.Name})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	return cmd
}

func (a *app) customFieldsCommand() *cobra.Command {
	var (
		identity int
		program  int64
	)
	cmd := &cobra.Command{
		Use:   "custom-fields --identity ID --program ID",
		Short: "List the custom fields of a program",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ListCustomFieldsWithResponse(cmd.Context(), identity, program)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			list := listOrEmpty(r.JSON200.CustomFields)
			t := table{header: []string{"ID", "LABEL", "TYPE", "OPTIONS"}}
			for _, f := range list {
				opts := "-"
				if f.Options != nil {
					opts = strings.Join(*f.Options, ", ")
				}
				t.rows = append(t.rows, []string{strconv.Itoa(f.Id), f.Label, string(f.FieldType), opts})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	idVar(cmd.Flags(), &program, "program", "program id (from 'webadmit programs')")
	_ = cmd.MarkFlagRequired("program")
	return cmd
}

package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/generated"
)

// applicantFlags name one applicant of a program, as an identity sees it.
type applicantFlags struct {
	identity  int
	program   int64
	applicant string
}

func (f *applicantFlags) register(cmd *cobra.Command) {
	identityFlag(cmd, &f.identity)
	idVar(cmd.Flags(), &f.program, "program", "program id (from 'webadmit programs')")
	cmd.Flags().StringVar(&f.applicant, "applicant", "", "the applicant's CAS ID")
	_ = cmd.MarkFlagRequired("program")
	_ = cmd.MarkFlagRequired("applicant")
}

func (a *app) designationsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "designations",
		Aliases: []string{"designation"},
		Short:   "Read or set the decision of an applicant's designation to a program",
		Long: `designations reads an applicant's designation to a program (its decision and local status)
and sets or clears its decision. 'webadmit decisions --identity ID' lists the decisions.

  webadmit --sandbox designations get --identity 42 --program 42023191739237 --applicant 1000001
  webadmit --sandbox designations set --identity 42 --program 42023191739237 --applicant 1000002 --decision 43`,
	}
	cmd.AddCommand(a.designationGetCommand(), a.designationSetCommand())
	a.groupRun(cmd)
	return cmd
}

func (a *app) designationGetCommand() *cobra.Command {
	var af applicantFlags
	cmd := &cobra.Command{
		Use:   "get --identity ID --program ID --applicant CAS_ID",
		Short: "Show an applicant's designation: its decision and local status",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().GetDesignationWithResponse(cmd.Context(), af.identity, af.program, af.applicant)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			return a.printDesignation(af.applicant, r.JSON200.Designation)
		},
	}
	af.register(cmd)
	return cmd
}

func (a *app) designationSetCommand() *cobra.Command {
	var (
		af       applicantFlags
		decision int
		clearIt  bool
	)
	cmd := &cobra.Command{
		Use:   "set --identity ID --program ID --applicant CAS_ID (--decision ID | --clear)",
		Short: "Set (or clear) the decision of an applicant's designation",
		Long: `set records a decision on the applicant's designation, or clears it with --clear. The API
refuses (422) a designation that has a local status, unless Liaison has turned on "Disassociate
Decision Codes from Local Status", and one in Received status with preliminary data handling
on; it also answers 422, not 404, for an applicant or decision it does not know. The local
status itself cannot be set through the API.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := cmd.Flags().Changed("decision")
			switch {
			case set && clearIt:
				return usagef("give --decision or --clear, not both")
			case !set && !clearIt:
				return usagef("give --decision ID (from 'webadmit decisions --identity %d') or --clear", af.identity)
			}
			body := generated.UpdateDesignationJSONRequestBody{}
			if set {
				body.Designation.DecisionId = &decision
			}
			r, err := a.client.API().UpdateDesignationWithResponse(cmd.Context(), af.identity, af.program, af.applicant, body)
			if err != nil {
				return err
			}
			if err := a.answeredChange(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			return a.printDesignation(af.applicant, *r.JSON200)
		},
	}
	af.register(cmd)
	idVar(cmd.Flags(), &decision, "decision", "decision id to record (from 'webadmit decisions')")
	cmd.Flags().BoolVar(&clearIt, "clear", false, "clear the decision")
	return cmd
}

// printDesignation prints a designation: the API's object as JSON, or a
// row.
func (a *app) printDesignation(applicant string, d generated.Designation) error {
	t := table{header: []string{"APPLICANT", "DECISION ID", "DECISION", "LOCAL STATUS ID", "LOCAL STATUS"}}
	row := []string{applicant, "-", "-", "-", "-"}
	if d.Decision != nil {
		row[1], row[2] = strconv.Itoa(d.Decision.Id), d.Decision.Name
	}
	if d.LocalStatus != nil {
		row[3], row[4] = strconv.Itoa(d.LocalStatus.Id), d.LocalStatus.Title
	}
	t.rows = [][]string{row}
	return a.print(d, t)
}

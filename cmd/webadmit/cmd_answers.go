package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/generated"
)

// answerFlags name one applicant's answer to one custom field.
type answerFlags struct {
	applicantFlags
	field int
}

func (f *answerFlags) register(cmd *cobra.Command) {
	f.applicantFlags.register(cmd)
	idVar(cmd.Flags(), &f.field, "field", "custom field id (from 'webadmit custom-fields')")
	_ = cmd.MarkFlagRequired("field")
}

func (a *app) answersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "answers",
		Aliases: []string{"answer"},
		Short:   "Read, set or clear an applicant's answer to a custom field",
		Long: `answers reads, stores and clears an applicant's answer to one of a program's custom fields.
'set' first reads the field's definition, so that --value is checked against its type before
anything is sent: true or false for a boolean, a decimal number, a date as YYYY-MM-DD, any
text for a string, and for a select field exactly one of its options.
'webadmit custom-fields --identity ID --program ID' lists the fields, their types and options.

  webadmit --sandbox answers get --identity 42 --program 42023191739237 --applicant 1000001 --field 5
  webadmit --sandbox answers set --identity 42 --program 42023191739237 --applicant 1000002 --field 5 --value Remote
  webadmit --sandbox answers clear --identity 42 --program 42023191739237 --applicant 1000001 --field 5`,
	}
	cmd.AddCommand(a.answerGetCommand(), a.answerSetCommand(), a.answerClearCommand())
	a.groupRun(cmd)
	return cmd
}

func (a *app) answerGetCommand() *cobra.Command {
	var af answerFlags
	cmd := &cobra.Command{
		Use:   "get --identity ID --program ID --applicant CAS_ID --field ID",
		Short: "Show an applicant's answer to a custom field ('-' when none is stored)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().GetCustomFieldAnswerWithResponse(cmd.Context(), af.identity, af.program, af.applicant, af.field)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			return a.printAnswer(af.applicant, r.JSON200.CustomFieldAnswer)
		},
	}
	af.register(cmd)
	return cmd
}

func (a *app) answerSetCommand() *cobra.Command {
	var (
		af    answerFlags
		value string
	)
	cmd := &cobra.Command{
		Use:   "set --identity ID --program ID --applicant CAS_ID --field ID --value VALUE",
		Short: "Store an applicant's answer to a custom field, checked against the field's type",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := a.customField(cmd.Context(), af.identity, af.program, af.field)
			if err != nil {
				return err
			}
			in, err := answerInput(f, value)
			if err != nil {
				return err
			}
			r, err := a.client.API().StoreCustomFieldAnswerWithResponse(cmd.Context(), af.identity, af.program, af.applicant, af.field,
				generated.StoreCustomFieldAnswerJSONRequestBody{CustomFieldAnswer: in})
			if err != nil {
				return err
			}
			if err := a.answeredChange(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			return a.printAnswer(af.applicant, r.JSON200.CustomFieldAnswer)
		},
	}
	af.register(cmd)
	cmd.Flags().StringVar(&value, "value", "", "the answer: true/false, a number, YYYY-MM-DD, text, or one of a select field's options")
	_ = cmd.MarkFlagRequired("value")
	return cmd
}

func (a *app) answerClearCommand() *cobra.Command {
	var af answerFlags
	cmd := &cobra.Command{
		Use:   "clear --identity ID --program ID --applicant CAS_ID --field ID",
		Short: "Clear an applicant's answer to a custom field",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.client.API().ClearCustomFieldAnswerWithResponse(cmd.Context(), af.identity, af.program, af.applicant, af.field)
			if err != nil {
				return err
			}
			if err := a.answeredChange(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			return a.printAnswer(af.applicant, r.JSON200.CustomFieldAnswer)
		},
	}
	af.register(cmd)
	return cmd
}

// customField reads the definition of a program's custom field.
func (a *app) customField(ctx context.Context, identity int, program int64, id int) (generated.CustomField, error) {
	r, err := a.client.API().ListCustomFieldsWithResponse(ctx, identity, program)
	if err != nil {
		return generated.CustomField{}, err
	}
	if err := a.answered(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
		return generated.CustomField{}, err
	}
	for _, f := range listOrEmpty(r.JSON200.CustomFields) {
		if f.Id == id {
			return f, nil
		}
	}
	return generated.CustomField{}, advised{
		fmt.Errorf("custom field %d is not one of the custom fields of program %d", id, program),
		fmt.Sprintf("'webadmit custom-fields --identity %d --program %d' lists them", identity, program),
	}
}

// printAnswer prints an answer: the API's object as JSON, or a row.
func (a *app) printAnswer(applicant string, ans generated.CustomFieldAnswer) error {
	t, err := answerTable(applicant, ans)
	if err != nil {
		return err
	}
	return a.print(ans, t)
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/generated"
)

// maxApplicantDetails is how many applicants one update may name.
const maxApplicantDetails = 1000

func (a *app) applicantsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "applicants",
		Short: "Update details of applicants (whether each is eligible for redirect)",
	}
	cmd.AddCommand(a.applicantsUpdateCommand())
	a.groupRun(cmd)
	return cmd
}

func (a *app) applicantsUpdateCommand() *cobra.Command {
	var (
		identity   int
		applicants []string
		redirect   bool
		input      string
	)
	cmd := &cobra.Command{
		Use:   "update --identity ID (--applicant CAS_ID... --redirect-eligible=true|false | --input FILE|-)",
		Short: "Set whether applicants are eligible for redirect (up to 1,000 per call)",
		Long: `update sets the editable details of applicants, named by CAS ID: for now only whether each is
eligible for redirect (the docs mark this resource as a prototype). Give the applicants with
--applicant (repeated, or comma-separated) and the value with --redirect-eligible, or give
--input FILE (- for stdin) holding the API's body or just its list:

  {"applicants": [{"applicant_cas_id": "1000002", "redirect_eligible": true}, ...]}
  [{"applicant_cas_id": "1000002", "redirect_eligible": true}, ...]

The API takes at most 1,000 applicants per call, and changes none when it does not know one.

  webadmit --sandbox applicants update --identity 42 --applicant 1000002 --applicant 1000003 --redirect-eligible=true`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var (
				list []generated.ApplicantDetailsUpdate
				err  error
			)
			switch byFlags := len(applicants) > 0 || cmd.Flags().Changed("redirect-eligible"); {
			case byFlags && input != "":
				return usagef("give --applicant and --redirect-eligible, or --input, not both")
			case input != "":
				if list, err = readApplicantDetails(input); err != nil {
					return err
				}
			case len(applicants) == 0:
				return usagef("give --applicant CAS_ID (repeatable) with --redirect-eligible=true|false, or --input FILE")
			case !cmd.Flags().Changed("redirect-eligible"):
				return usagef("give --redirect-eligible=true or --redirect-eligible=false: it is the detail to set")
			default:
				for _, cas := range applicants {
					list = append(list, generated.ApplicantDetailsUpdate{ApplicantCasId: cas, RedirectEligible: &redirect})
				}
			}
			if err := checkApplicantDetails(list); err != nil {
				return err
			}
			r, err := a.client.API().UpdateApplicantDetailsWithResponse(cmd.Context(), identity,
				generated.UpdateApplicantDetailsJSONRequestBody{Applicants: list})
			if err != nil {
				return err
			}
			if err := a.answeredChange(r.HTTPResponse, r.Body, r.JSON200 != nil); err != nil {
				return err
			}
			a.notef("updated %s", count(len(list), "applicant"))
			t := table{header: []string{"APPLICANT", "REDIRECT ELIGIBLE"}}
			for _, u := range list {
				re := "-"
				if u.RedirectEligible != nil {
					re = strconv.FormatBool(*u.RedirectEligible)
				}
				t.rows = append(t.rows, []string{u.ApplicantCasId, re})
			}
			return a.print(list, t)
		},
	}
	identityFlag(cmd, &identity)
	cmd.Flags().StringSliceVar(&applicants, "applicant", nil, "CAS ID of an applicant to update (repeatable, or comma-separated)")
	cmd.Flags().BoolVar(&redirect, "redirect-eligible", false, "whether the applicants are eligible for redirect (give =true or =false)")
	cmd.Flags().StringVar(&input, "input", "", "JSON file (- for stdin) of the applicants and their details")
	return cmd
}

// readApplicantDetails reads --input: the API's body, or its list. Unknown
// keys are refused, so that a misspelt detail is not silently dropped.
func readApplicantDetails(name string) ([]generated.ApplicantDetailsUpdate, error) {
	b, err := readInput(name)
	if err != nil {
		return nil, err
	}
	var list []generated.ApplicantDetailsUpdate
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = strictJSON(trimmed, &list)
	} else {
		var body generated.UpdateApplicantDetailsRequest
		err = strictJSON(trimmed, &body)
		list = body.Applicants
	}
	if err != nil {
		return nil, usagef("--input %s: %v; expected {\"applicants\": [{\"applicant_cas_id\": \"...\", \"redirect_eligible\": true}]} or the list alone", name, err)
	}
	return list, nil
}

// strictJSON decodes b into v, refusing unknown keys; its errors speak of
// JSON, not of Go types.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("%s must be %s, not a %s", te.Field, jsonKind(te.Type.Kind()), te.Value)
	case errors.As(err, &te):
		return fmt.Errorf("the JSON must be %s, not a %s", jsonKind(te.Type.Kind()), te.Value)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names the JSON a Go kind decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a number"
}

// checkApplicantDetails refuses what the API would: no applicants, more
// than it takes in one call, or one without a CAS ID.
func checkApplicantDetails(list []generated.ApplicantDetailsUpdate) error {
	switch n := len(list); {
	case n == 0:
		return usagef("no applicants to update")
	case n > maxApplicantDetails:
		return usagef("%d applicants: the API takes at most %d per call; split them", n, maxApplicantDetails)
	}
	for i, u := range list {
		if strings.TrimSpace(u.ApplicantCasId) == "" {
			return usagef("applicant %d of the list has no CAS ID (applicant_cas_id)", i+1)
		}
	}
	return nil
}

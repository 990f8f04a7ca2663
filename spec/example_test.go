package spec_test

import (
	"encoding/json"
	"fmt"

	"github.com/webadmit-go/webadmit/generated"
)

// Reading a custom field answer: ValueByDiscriminator returns the answer as
// the Go type of its field type, with a typed (nil when cleared) value.
func Example_customFieldAnswer() {
	body := []byte(`{"custom_field_answer":{"href":"/api/v1/user_identities/1/programs/2/applicants_by_cas_id/3/custom_field_answers/4",
		"custom_field_id":4,"label":"Acceptance letter mailed on","field_type":"date","value":"2016-01-31"}}`)
	var env generated.CustomFieldAnswerEnvelope // what GetCustomFieldAnswerWithResponse's JSON200 holds
	if err := json.Unmarshal(body, &env); err != nil {
		panic(err)
	}
	answer, err := env.CustomFieldAnswer.ValueByDiscriminator()
	if err != nil {
		panic(err)
	}
	switch a := answer.(type) {
	case generated.BooleanAnswer:
		fmt.Println(a.Label, "=", a.Value != nil && *a.Value)
	case generated.DateAnswer:
		if a.Value != nil {
			fmt.Println(a.Label, "=", *a.Value)
		}
	}
	// Output: Acceptance letter mailed on = 2016-01-31
}

// Storing a custom field answer: the From… constructor sets field_type.
func Example_storeCustomFieldAnswer() {
	selected := "Gryffindor"
	var in generated.CustomFieldAnswerInput
	if err := in.FromSelectAnswerInput(generated.SelectAnswerInput{Value: &selected}); err != nil {
		panic(err)
	}
	body, _ := json.Marshal(generated.StoreCustomFieldAnswerJSONRequestBody{CustomFieldAnswer: in})
	fmt.Println(string(body))
	// Output: {"custom_field_answer":{"field_type":"select","value":"Gryffindor"}}
}

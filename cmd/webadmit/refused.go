package main

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper"
)

// answeredChange is answered for a call that changes data: a 422 answer
// says every reason the API gave, field by field ("decision_id: Can't set
// the decision_id when the local_status is not null"), where the
// library's message quotes only the reasons under "schema".
func (a *app) answeredChange(resp *http.Response, body []byte, decoded bool) error {
	err := a.answered(resp, body, decoded)
	var ae *wrapper.APIError
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnprocessableEntity || !errors.As(err, &ae) {
		return err
	}
	var v generated.ValidationErrors
	if json.Unmarshal(body, &v) != nil || len(v.Errors) == 0 {
		return err
	}
	var reasons []string
	for _, k := range slices.Sorted(maps.Keys(v.Errors)) {
		msg := strings.Join(v.Errors[k], "; ")
		if k != "schema" {
			msg = k + ": " + msg
		}
		reasons = append(reasons, msg)
	}
	return &refusedError{
		text: ae.Method + " " + ae.URL + ": " + ae.Status + ": the API refused the change: " + strings.Join(reasons, "; "),
		err:  err,
	}
}

// refusedError is a 422 answer in full; it unwraps to the library's error.
type refusedError struct {
	text string
	err  error
}

func (e *refusedError) Error() string { return e.text }
func (e *refusedError) Unwrap() error { return e.err }

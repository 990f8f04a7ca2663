package main

import (
	"fmt"
	"net/http"
)

// answered turns a generated call's answer into an error: the API's error
// answer (through the wrapper's one mapping point), or a 2xx answer that did
// not decode into the documented type. Call it after checking the transport
// error.
func (a *app) answered(resp *http.Response, body []byte, decoded bool) error {
	if err := a.client.CheckResponse(resp, body); err != nil {
		return err
	}
	if !decoded {
		return fmt.Errorf("the API answered %s with a body that is not the documented JSON; try again, and report it if it persists", resp.Status)
	}
	return nil
}

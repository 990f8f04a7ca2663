package webadmittest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/webadmit-go/webadmit/generated"
)

// specRouter returns a router over the spec embedded in package generated,
// loaded once per process. The spec's servers are dropped so that routes
// match whatever host the sandbox listens on.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	spec, err := generated.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("webadmittest: loading the embedded spec: %w", err)
	}
	spec.Servers = nil
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("webadmittest: routing the embedded spec: %w", err)
	}
	return router, nil
})

// errWrongKey is returned by the spec's security check for a bad key.
var errWrongKey = errors.New("x-api-key missing or wrong")

// validateRequest checks a request against its operation in the spec:
// path and query parameters, body and security. It returns nil, or the
// failure: its one-line message and whether a path parameter failed.
func (s *Server) validateRequest(r *http.Request, route *routers.Route, pathParams map[string]string) *invalidRequest {
	err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
				if !s.authorized(in.RequestValidationInput.Request) {
					return errWrongKey
				}
				return nil
			},
		},
	})
	if err == nil {
		return nil
	}
	msg := err.Error()
	inPath := false
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
		msg = reqErr.Error()
		inPath = reqErr.Parameter != nil && reqErr.Parameter.In == openapi3.ParameterInPath
	}
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		msg = me[0].Error()
	}
	first, _, _ := strings.Cut(msg, "\n")
	return &invalidRequest{message: first, inPath: inPath}
}

// invalidRequest is a request the spec refuses.
type invalidRequest struct {
	message string
	inPath  bool // a path parameter does not match its schema
}

// answer writes what the spec declares for the refused request: the legacy
// 404 when a path parameter is malformed (no resource has such a path, as
// for a path the spec does not have), else the operation's 422 with the
// message under "schema", as the service words it. Every operation that
// takes a body or a query parameter declares 422 (TestEveryInputDeclares422).
func (v *invalidRequest) answer(w http.ResponseWriter, op *openapi3.Operation) {
	if v.inPath || op.Responses.Value("422") == nil {
		writeJSON(w, http.StatusNotFound, generated.ErrorMessage{Message: msgNotFound})
		return
	}
	writeJSON(w, http.StatusUnprocessableEntity, generated.ValidationErrors{
		Errors: map[string][]string{"schema": {v.message}}})
}

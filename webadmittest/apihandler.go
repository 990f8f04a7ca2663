package webadmittest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// maxRequestBody bounds what the API reads of a request body.
const maxRequestBody = 1 << 20

// Messages of the API's error bodies.
const (
	msgNotFound    = "Not Found" // the legacy generic 404
	msgRateLimited = "Rate limit exceeded"
)

// serveAPI answers one API request, in the order the real service does:
// injected faults (they stand for the network and proxies), the key (401,
// empty body), the call budget (429), the route (legacy 404), validation
// against the spec (400), then the operation.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	route, pathParams, routeErr := s.router.FindRoute(r)
	var endpoint Endpoint
	if routeErr == nil {
		endpoint = endpointOf(route.Operation.OperationID)
		s.rec.addCall(endpoint)
	}
	s.log.Debug("webadmittest: API request", "method", r.Method, "path", r.URL.Path, "endpoint", endpoint)
	s.serveWithFaults(w, r, endpoint, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if !s.authorized(r) {
			setRateHeaders(w, s.limiter.limit, s.limiter.remaining(now))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		remaining, retryAfter, ok := s.limiter.take(now)
		if !ok {
			s.writeRateLimited(w, retryAfter)
			return
		}
		setRateHeaders(w, s.limiter.limit, remaining)
		if routeErr != nil {
			writeJSON(w, http.StatusNotFound, generated.ErrorMessage{Message: msgNotFound})
			return
		}
		if msg := s.validateRequest(r, route, pathParams); msg != "" {
			if route.Operation.Responses.Value("422") != nil {
				// Operations that document 422 report a body that does
				// not match the request schema as the service does.
				writeJSON(w, http.StatusUnprocessableEntity, generated.ValidationErrors{
					Errors: map[string][]string{"schema": {strings.TrimPrefix(msg, "Invalid request: ")}}})
				return
			}
			writeJSON(w, http.StatusBadRequest, generated.ErrorMessage{Message: msg})
			return
		}
		s.handler.ServeHTTP(w, r)
	}))
}

// endpointOf names an operation of the embedded spec, which keeps the
// operationIds of spec/webadmit.yaml ("listExports"; see gen/config.yaml).
func endpointOf(operationID string) Endpoint {
	return Endpoint(operationID)
}

// authorized reports whether the request carries the server's API key.
func (s *Server) authorized(r *http.Request) bool {
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("x-api-key")), []byte(s.apiKey)) == 1
}

func setRateHeaders(w http.ResponseWriter, limit, remaining int) {
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
}

// writeJSON sends v as a JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// generatedHandler routes validated requests to the strict server through
// the generated std-http handler; binding errors answer 400 JSON.
func (s *Server) generatedHandler() http.Handler {
	badRequest := func(w http.ResponseWriter, _ *http.Request, err error) {
		writeJSON(w, http.StatusBadRequest, generated.ErrorMessage{Message: "Invalid request: " + err.Error()})
	}
	internal := func(w http.ResponseWriter, _ *http.Request, err error) {
		s.log.Error("webadmittest: handler failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, generated.ErrorMessage{Message: "Internal Server Error"})
	}
	strict := generated.NewStrictHandlerWithOptions(&api{s: s}, nil, generated.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badRequest,
		ResponseErrorHandlerFunc: internal,
	})
	return generated.HandlerWithOptions(strict, generated.StdHTTPServerOptions{
		BaseRouter:       http.NewServeMux(),
		ErrorHandlerFunc: badRequest,
	})
}

// errorResponse is a JSON error answer for any operation, for statuses the
// generated response types do not cover (400).
type errorResponse struct {
	status  int
	message string
}

func (e errorResponse) visit(w http.ResponseWriter) error {
	writeJSON(w, e.status, generated.ErrorMessage{Message: e.message})
	return nil
}

// VisitInitiateExportFileResponse implements generated.InitiateExportFileResponseObject.
func (e errorResponse) VisitInitiateExportFileResponse(w http.ResponseWriter) error {
	return e.visit(w)
}

// VisitInitiatePdfManagerBatchResponse implements generated.InitiatePdfManagerBatchResponseObject.
func (e errorResponse) VisitInitiatePdfManagerBatchResponse(w http.ResponseWriter) error {
	return e.visit(w)
}

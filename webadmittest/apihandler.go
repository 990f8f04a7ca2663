package webadmittest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
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
// against the spec (404 for a malformed path parameter, else 422), then
// the operation.
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
		if invalid := s.validateRequest(r, route, pathParams); invalid != nil {
			invalid.answer(w, route.Operation)
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
// the generated std-http handler. Validation has already refused what the
// handler could not bind; should binding still fail, a parameter answers
// the legacy 404 and a body 422, as validation would.
func (s *Server) generatedHandler() http.Handler {
	badParam := func(w http.ResponseWriter, _ *http.Request, err error) {
		s.log.Error("webadmittest: a validated parameter did not bind", "err", err)
		writeJSON(w, http.StatusNotFound, generated.ErrorMessage{Message: msgNotFound})
	}
	badBody := func(w http.ResponseWriter, _ *http.Request, err error) {
		s.log.Error("webadmittest: a validated body did not decode", "err", err)
		writeJSON(w, http.StatusUnprocessableEntity, generated.ValidationErrors{
			Errors: map[string][]string{"schema": {err.Error()}}})
	}
	internal := func(w http.ResponseWriter, _ *http.Request, err error) {
		s.log.Error("webadmittest: handler failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, generated.ErrorMessage{Message: "Internal Server Error"})
	}
	strict := generated.NewStrictHandlerWithOptions(&api{s: s}, nil, generated.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badBody,
		ResponseErrorHandlerFunc: internal,
	})
	return generated.HandlerWithOptions(strict, generated.StdHTTPServerOptions{
		BaseRouter:       http.NewServeMux(),
		ErrorHandlerFunc: badParam,
	})
}

package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// fakeAPIKey is the key the CLI sends to a fakeAPI.
const fakeAPIKey = "fake-key-0123456789abcdef"

// fakeAPI serves routes ("GET /api/v1/user_identities" and the like, as
// http.ServeMux patterns) on loopback, for answers the sandbox never gives.
// Every route answers 401 to a request without fakeAPIKey.
func fakeAPI(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("x-api-key") != fakeAPIKey {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			h(w, r)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fakeStore serves routes as an object store would: on its own loopback
// listener (another host than the fakeAPI's), with no key.
func fakeStore(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fakeEnv is the environment that points the CLI at a fakeAPI.
func fakeEnv(srv *httptest.Server) []string {
	return []string{"WEBADMIT_BASE_URL=" + srv.URL, "WEBADMIT_API_KEY=" + fakeAPIKey}
}

// jsonAnswer answers 200 with body as JSON.
func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}
}

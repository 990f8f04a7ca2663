package wrapper

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCallbackHandlerAnswers(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	h := c.CallbackHandler()
	tests := []struct {
		name   string
		method string
		body   string
		want   int
	}{
		{"valid", http.MethodPost, "export_file[id]=99752&export_file[export_id]=123316&export_file[status]=Available", 204},
		{"snake status", http.MethodPost, "export_file%5Bid%5D=1&export_file%5Bstatus%5D=empty_list", 204},
		{"GET", http.MethodGet, "", 405},
		{"missing id", http.MethodPost, "export_file[status]=Available", 400},
		{"bad id", http.MethodPost, "export_file[id]=abc", 400},
		{"negative id", http.MethodPost, "export_file[id]=-4", 400},
		{"bad export id", http.MethodPost, "export_file[id]=4&export_file[export_id]=x", 400},
		{"huge body", http.MethodPost, "export_file[id]=1&pad=" + strings.Repeat("x", 100<<10), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/cb", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("%s: %d, want %d", tt.name, w.Code, tt.want)
			}
		})
	}
}

func TestParseCallbackForm(t *testing.T) {
	t.Parallel()
	cb, err := ParseCallbackForm(url.Values{"export_file[id]": {"99752"}, "export_file[export_id]": {"123316"}, "export_file[status]": {"success_with_errors"}})
	if err != nil || cb != (Callback{ExportFileID: 99752, ExportID: 123316, Status: StatusSuccessWithErrors}) {
		t.Errorf("ParseCallbackForm = %+v, %v", cb, err)
	}
}

// postCallback sends WebAdMIT's form to the handler at u.
func postCallback(t *testing.T, u, status string) {
	t.Helper()
	form := url.Values{"export_file[id]": {"555"}, "export_file[export_id]": {"7"}, "export_file[status]": {status}}
	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	resp, err := hc.PostForm(u, form)
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Errorf("callback answered %d", resp.StatusCode)
	}
}

func waitForCalls(t *testing.T, api *fakeAPI, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for api.getCalls() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d status calls", api.getCalls())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestCallbackWakesWaiter: the waiter sleeps 50 s between calls, a callback
// wakes it at once, and it confirms through the API; a callback the API
// contradicts does not end the wait.
func TestCallbackWakesWaiter(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{statuses: []string{"In Progress", "In Progress", "In Progress", "Available"}}
	c := newTestClient(t, server(t, api).URL,
		WithPollPolicy(PollPolicy{MinDelay: 50 * time.Millisecond, MaxDelay: time.Hour, Multiplier: 1000, MaxWait: time.Hour}))
	cb := server(t, c.CallbackHandler())

	type result struct {
		run *ExportFile
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		run, err := c.ExportRun(7, 555).Wait(context.Background())
		done <- result{run, err}
	}()
	waitForCalls(t, api, 2) // now sleeping for 50 s
	postCallback(t, cb.URL, "Available")
	waitForCalls(t, api, 3) // woken; the API still says In Progress
	select {
	case r := <-done:
		t.Fatalf("Wait trusted the callback: %+v %v", r.run, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	postCallback(t, cb.URL, "Available")
	r := <-done
	if r.err != nil || r.run.Status != StatusAvailable {
		t.Fatalf("Wait = %+v, %v", r.run, collect(r.err))
	}
	if api.getCalls() != 4 {
		t.Errorf("%d status calls, want 4", api.getCalls())
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("took %v: the callback did not cut the delay", el)
	}
}

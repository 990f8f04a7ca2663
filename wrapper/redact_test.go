package wrapper

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestScrubText(t *testing.T) {
	t.Parallel()
	const key = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, in string
		secrets  []string
		gone     []string // must not survive
		kept     []string // must survive
	}{
		{"header echo", "<pre>x-api-key: TOPSECRET1</pre>", nil, []string{"TOPSECRET1"}, []string{"x-api-key: REDACTED"}},
		{"header echo, no space, capitals", "X-Api-Key:TOPSECRET2 next", nil, []string{"TOPSECRET2"}, []string{"next"}},
		{"JSON field", `{"api_key": "TOPSECRET3", "id": 4}`, nil, []string{"TOPSECRET3"}, []string{`"id": 4`}},
		{"bearer", "Authorization: Bearer TOPSECRET4", nil, []string{"TOPSECRET4"}, []string{"Authorization"}},
		{"query signature", "GET /x?Signature=TOPSECRET5&Expires=1", nil, []string{"TOPSECRET5"}, []string{"Expires=1"}},
		{"amz signature", "X-Amz-Signature=TOPSECRET6", nil, []string{"TOPSECRET6"}, nil},
		{"the client's key anywhere", "proxy said " + key + " is bad", []string{key}, []string{key}, []string{"proxy said"}},
		{"plain text untouched", "502 Bad Gateway: upstream timed out", nil, nil, []string{"502 Bad Gateway: upstream timed out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scrubText(tt.in, tt.secrets...)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("scrubText(%q) = %q, still holds %q", tt.in, got, g)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("scrubText(%q) = %q, lost %q", tt.in, got, k)
				}
			}
		})
	}
}

// TestClientCheckResponseScrubsKey: an error page that echoes the request's
// key in a form no pattern knows is still scrubbed by the client's method.
func TestClientCheckResponseScrubsKey(t *testing.T) {
	t.Parallel()
	const key = "k3y-that-looks-like-nothing-special"
	c, err := New(key, WithBaseURL("https://api.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.example.org/api/v1/user_identities")
	resp := &http.Response{StatusCode: 502, Status: "502 Bad Gateway", Header: http.Header{}, Request: &http.Request{Method: "GET", URL: u}}
	body := []byte("<html><body>upstream refused key " + key + "</body></html>")
	err = c.CheckResponse(resp, body)
	if err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("Client.CheckResponse = %v; want an error without the key", err)
	}
	if err := CheckResponse(resp, []byte("<pre>x-api-key: "+key+"</pre>")); err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("CheckResponse = %v; want an error without the echoed header", err)
	}
}

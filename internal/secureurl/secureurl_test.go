package secureurl

import (
	"net/url"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://api.webadmit.org/api/v1", true},
		{"HTTPS://store.example/x", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost/x", true},
		{"http://LOCALHOST/x", true},
		{"http://[::1]:9000/x", true},
		{"http://api.webadmit.org/api/v1", false},
		{"http://127.0.0.1.example.com/x", false},
		{"http://10.0.0.1/x", false},
		{"ftp://127.0.0.1/x", false},
		{"file:///etc/passwd", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(u); (err == nil) != tt.ok {
			t.Errorf("Check(%s) = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

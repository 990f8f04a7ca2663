package answer

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {"7", 7 * time.Second}, {" 60 ", time.Minute},
		{"999999999", 24 * time.Hour}, {"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-30 * time.Second).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := RetryAfter(tt.in, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseNotFound(f *testing.F) {
	f.Add("User identity", "999")
	f.Add("CustomeField", "1")
	f.Add("Program", "x y")
	f.Fuzz(func(t *testing.T, word, id string) {
		msg := fmt.Sprintf("%s '%s' not found.", word, id)
		kind, got := NotFound(msg)
		if kind != NotFoundUnknown && kind != NotFoundLegacy && strings.Contains(id, "'") {
			return // the quote ends the id early; any reading is fine
		}
		if kind != NotFoundUnknown && kind != NotFoundLegacy && got != id {
			t.Fatalf("NotFound(%q) = %v %q", msg, kind, got)
		}
	})
}

package s3store

import (
	"testing"
	"time"
)

func TestPresignTimes(t *testing.T) {
	t.Parallel()
	at := func(h, m, s int) time.Time { return time.Date(2026, 12, 1, h, m, s, 0, time.UTC) }
	now := at(10, 0, 0).Add(400 * time.Millisecond)
	tests := []struct {
		name         string
		expires      time.Time
		wantLifetime time.Duration
	}{
		{"the documented 30 s", now.Add(30 * time.Second), 30 * time.Second},
		{"on a whole second", at(10, 0, 30), 30 * time.Second},
		{"two seconds", now.Add(2 * time.Second), 2 * time.Second},
		{"one and a half", now.Add(1500 * time.Millisecond), time.Second},
		{"into the next second", now.Add(900 * time.Millisecond), time.Second},
		{"within this second", now.Add(100 * time.Millisecond), time.Second},
		{"now", now, time.Second},
		{"at the second's start", at(10, 0, 0), time.Second},
		{"past", now.Add(-500 * time.Millisecond), time.Second},
		{"long past", now.Add(-time.Hour), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lifetime, backdate := presignTimes(now, tt.expires)
			if lifetime != tt.wantLifetime {
				t.Errorf("lifetime %v, want %v", lifetime, tt.wantLifetime)
			}
			if backdate < 0 {
				t.Errorf("backdate %v is negative", backdate)
			}
			// X-Amz-Date has whole seconds.
			if end := now.Add(-backdate).Truncate(time.Second).Add(lifetime); !end.Equal(tt.expires.Truncate(time.Second)) {
				t.Errorf("URL ends %v, want %v: the last whole second at or before %v", end, tt.expires.Truncate(time.Second), tt.expires)
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
	}{
		{"no bucket", Options{Endpoint: "http://127.0.0.1:1"}},
		{"endpoint not a URL", Options{Endpoint: "127.0.0.1:8333", Bucket: "b"}},
		{"endpoint of another scheme", Options{Endpoint: "ftp://127.0.0.1", Bucket: "b"}},
		{"part too small", Options{Endpoint: "http://127.0.0.1:1", Bucket: "b", PartSize: 1 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(t.Context(), tt.opts); err == nil {
				t.Error("New accepted them")
			}
		})
	}
}

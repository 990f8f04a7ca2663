package s3store

import (
	"testing"
	"time"
)

func TestPresignTimes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 10, 0, 0, 400_000_000, time.UTC) // 10:00:00.4
	tests := []struct {
		name         string
		expires      time.Time
		wantLifetime time.Duration
		wantEnd      time.Time // signing time + lifetime
	}{
		{"whole seconds", now.Add(30 * time.Second), 30 * time.Second, now.Add(30 * time.Second)},
		{"rounded up", now.Add(1500 * time.Millisecond), 2 * time.Second, now.Add(2 * time.Second)},
		{"just below a second", now.Add(900 * time.Millisecond), time.Second, time.Date(2026, 12, 1, 10, 0, 1, 0, time.UTC)},
		{"now", now, time.Second, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{"past", now.Add(-time.Millisecond), time.Second, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{"long past", now.Add(-time.Hour), time.Second, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
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
			end := now.Add(-backdate).Truncate(time.Second).Add(lifetime) // X-Amz-Date has seconds
			if backdate == 0 {
				end = now.Add(lifetime)
			}
			if !end.Equal(tt.wantEnd) {
				t.Errorf("URL ends %v, want %v", end, tt.wantEnd)
			}
			if tt.expires.Before(now) && end.After(now) {
				t.Errorf("a URL asked to have expired ends %v, after now", end)
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

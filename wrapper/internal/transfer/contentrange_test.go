package transfer

import (
	"testing"
)

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/100", "bytes 5-9/*", "bytes */100", "bytes 9-5/10", "bytes 0-0/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		start, end, size, err := parseContentRange(v)
		if err != nil {
			return
		}
		if start < 0 || end < start || (size != -1 && size <= end) {
			t.Fatalf("parseContentRange(%q) = %d, %d, %d", v, start, end, size)
		}
	})
}

func TestParseContentRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in               string
		start, end, size int64
		ok               bool
	}{
		{"bytes 0-99/100", 0, 99, 100, true},
		{"bytes 100-199/*", 100, 199, -1, true},
		{" bytes 5-5/6 ", 5, 5, 6, true},
		{"bytes 5-4/6", 0, 0, 0, false},
		{"bytes 0-99/99", 0, 0, 0, false},
		{"bytes */100", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
		{"bytes -1-5/9", 0, 0, 0, false},
		{"bytes 0-99", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tt := range tests {
		s, e, z, err := parseContentRange(tt.in)
		if (err == nil) != tt.ok || (tt.ok && (s != tt.start || e != tt.end || z != tt.size)) {
			t.Errorf("parseContentRange(%q) = %d %d %d %v", tt.in, s, e, z, err)
		}
	}
}

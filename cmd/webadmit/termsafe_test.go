package main

import "testing"

func TestTermSafe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Nightly Banner Export", "Nightly Banner Export"},
		{"accents and CJK", "Zoë, São Paulo, 東京", "Zoë, São Paulo, 東京"},
		{"OSC title with BEL", "\x1b]0;pwned\x07name", "]0;pwnedname"},
		{"CSI colour", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"C1 CSI", "\u009b2Jx", "2Jx"},
		{"carriage return", "ok\rpwned", "okpwned"},
		{"bidi override and isolates", "evil\u202etxt.exe\u2066x\u2069\u202c", "eviltxt.exex"},
		{"zero width and BOM", "a\u200bb\ufeffc", "abc"},
		{"line separators", "a\u2028b\u2029c", "abc"},
		{"tab and newline become spaces", "a\tb\nc", "a b c"},
		{"invalid UTF-8", "a\xffb\x9bc", "a\ufffdb\ufffdc"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := termSafe(tt.in); got != tt.want {
				t.Errorf("termSafe(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

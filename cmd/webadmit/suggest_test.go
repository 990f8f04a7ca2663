package main

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"identity", "export", "output-file", "timeout", "utf8", "extract", "force", "base-url", "sandbox"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"identiy", []string{"identity"}},
		{"IDENTITY", []string{"identity"}},
		{"exprot", []string{"export"}},
		{"ex", []string{"export", "extract"}},
		{"base-ur", []string{"base-url"}},
		{"sandbx", []string{"sandbox"}},
		{"frobnicate", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := closest(tt.typed, names); !slices.Equal(got, tt.want) {
			t.Errorf("closest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"identiy", "identity", 1},
		{"exprot", "export", 2}, {"kitten", "sitting", 3}, {"für", "fur", 1},
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    []string
		want string
	}{
		{[]string{"--identity"}, "Did you mean --identity?"},
		{[]string{"a", "b"}, "Did you mean a or b?"},
		{[]string{"a", "b", "c"}, "Did you mean a, b or c?"},
	} {
		if got := didYouMean(tt.s); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

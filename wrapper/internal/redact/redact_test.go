package redact

import (
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
			got := Scrub(tt.in, tt.secrets...)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("Scrub(%q) = %q, still holds %q", tt.in, got, g)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("Scrub(%q) = %q, lost %q", tt.in, got, k)
				}
			}
		})
	}
}

const testKey = "test-KEY-0123456789abcdef-5ecr3t"

// TestSnippetRedactsBeforeCutting: an error page that echoes the key near
// the cut shows no part of it, and a long prefix of the key left at the
// end of a body is removed too.
func TestSnippetRedactsBeforeCutting(t *testing.T) {
	t.Parallel()
	for _, pad := range []int{130, 140, 150, 155, 159, 270, 290} {
		body := strings.Repeat("x", pad) + " key=" + testKey + " was refused"
		for _, max := range []int{160, 300} {
			got := Snippet([]byte(body), max, testKey)
			if leaked := keyPrefixIn(got, testKey); leaked != "" {
				t.Errorf("pad %d, max %d: snippet holds %q of the key: %q", pad, max, leaked, got)
			}
		}
	}
	// The body itself ends inside the key (a proxy cut it).
	cut := "<html>your key " + testKey[:20]
	if got := Snippet([]byte(cut), 160, testKey); keyPrefixIn(got, testKey) != "" {
		t.Errorf("snippet of a body cut inside the key: %q", got)
	}
}

// keyPrefixIn returns the longest prefix of key, 8 characters or more,
// that s contains, or "".
func keyPrefixIn(s, key string) string {
	for n := len(key); n >= 8; n-- {
		if strings.Contains(s, key[:n]) {
			return key[:n]
		}
	}
	return ""
}

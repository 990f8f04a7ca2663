package docscheck

import "testing"

// FuzzPageKinds: type words come from the pages. Whatever pageKinds accepts
// renders back to words it accepts again, with the same kinds.
func FuzzPageKinds(f *testing.F) {
	for _, s := range []string{"string", "nullable [boolean, string, number, date, select]", "date-time", "nullable", "[", "uri"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typ string) {
		k, ok := pageKinds(typ)
		if !ok || len(k) == 0 || (len(k) == 1 && k["null"]) {
			return
		}
		again, ok := pageKinds(k.String())
		if !ok || !again.equal(k) {
			t.Fatalf("pageKinds(%q) = %s, which reads back as %s (ok %v)", typ, k, again, ok)
		}
	})
}

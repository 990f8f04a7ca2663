package charset

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// TestCP1252EveryByteAtEveryAlignment puts each of the 256 bytes at each
// position of a word, among ASCII and among other high bytes.
func TestCP1252EveryByteAtEveryAlignment(t *testing.T) {
	t.Parallel()
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for lead := range 9 {
		for _, filler := range []byte{'a', 0xe9} {
			src := append(append(bytes.Repeat([]byte{filler}, lead), all...), bytes.Repeat([]byte{filler}, 8-lead)...)
			var got bytes.Buffer
			w := &cp1252Writer{w: &got}
			if n, err := w.Write(src); err != nil || n != len(src) {
				t.Fatalf("Write = %d, %v", n, err)
			}
			if want := cp1252Reference(t, src); !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("lead %d filler %#x: got %q, want %q", lead, filler, got.Bytes(), want)
			}
		}
	}
}

// FuzzCP1252MatchesXText holds the fast converter to x/text's output, for
// any input written in pieces of any size.
func FuzzCP1252MatchesXText(f *testing.F) {
	f.Add([]byte("Zo\xeb,\x93Caf\xe9\x94,S\xe3o Paulo \x96 1\x80\n"), uint16(7))
	f.Add([]byte("plain ASCII, longer than one word of eight bytes"), uint16(0))
	f.Add([]byte("\x81\x8d\x8f\x90\x9d\xff\x00\x7f"), uint16(1))
	f.Fuzz(func(t *testing.T, src []byte, piece uint16) {
		var got bytes.Buffer
		w := &cp1252Writer{w: &got}
		size := int(piece)%(2*cp1252Chunk) + 1
		for rest := src; len(rest) > 0; {
			n := min(size, len(rest))
			if k, err := w.Write(rest[:n]); err != nil || k != n {
				t.Fatalf("Write = %d, %v", k, err)
			}
			rest = rest[n:]
		}
		if want := cp1252Reference(t, src); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("pieces of %d: got %q, want %q", size, got.Bytes(), want)
		}
		if !utf8.Valid(got.Bytes()) {
			t.Fatalf("not UTF-8: %q", got.Bytes())
		}
	})
}

// cp1252Reference decodes with x/text, the table cp1252Writer is built from.
func cp1252Reference(t testing.TB, b []byte) []byte {
	want, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

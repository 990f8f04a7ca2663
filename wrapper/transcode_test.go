package wrapper

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func TestTranscodeToUTF8(t *testing.T) {
	t.Parallel()
	// "Zoë,“Café”,São Paulo – 1€\n" in Windows-1252 (ISO-8859-1 plus the
	// curly quotes, dash and euro of 0x80–0x9F).
	latin := []byte("Zo\xeb,\x93Caf\xe9\x94,S\xe3o Paulo \x96 1\x80\n")
	const want = "Zoë,“Café”,São Paulo – 1€\n"
	big := bytes.Repeat(latin, 4000)
	tests := []struct {
		name      string
		ctype     string
		content   []byte
		transcode bool
		want      []byte
		cut       int // cut the first answer after this many bytes
	}{
		{name: "iso-8859-1", ctype: "text/csv;charset=iso-8859-1", content: latin, transcode: true, want: []byte(want)},
		{name: "windows-1252, quoted label", ctype: `text/csv; charset="Windows-1252"`, content: latin, transcode: true, want: []byte(want)},
		{name: "latin1 resumed mid-file", ctype: "text/csv;charset=latin1", content: big, transcode: true,
			want: bytes.Repeat([]byte(want), 4000), cut: 12345},
		{name: "utf-8 declared: unchanged", ctype: "text/csv;charset=utf-8", content: []byte(want), transcode: true, want: []byte(want)},
		{name: "no charset: unchanged", ctype: "application/zip", content: latin, transcode: true, want: latin},
		{name: "option off: unchanged", ctype: "text/csv;charset=iso-8859-1", content: latin, want: latin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newFakeStore(tt.content)
			store.ctype = tt.ctype
			if tt.cut > 0 {
				store.fault = func(n int, w http.ResponseWriter, r *http.Request) bool {
					if n == 1 {
						cutAfter(store, w, r, tt.cut)
						return true
					}
					return false
				}
			}
			c, _ := setupDownload(t, store)
			var opts []RunOption
			if tt.transcode {
				opts = append(opts, TranscodeToUTF8())
			}
			var buf bytes.Buffer
			res, err := c.Download(context.Background(), 7, 555, ToWriter(&buf), opts...)
			if err != nil {
				t.Fatal(collect(err))
			}
			if !bytes.Equal(buf.Bytes(), tt.want) {
				t.Fatalf("got %q…, want %q…", buf.Bytes()[:min(40, buf.Len())], tt.want[:min(40, len(tt.want))])
			}
			if res.Bytes != int64(len(tt.want)) || res.Received != int64(len(tt.content)) || res.SHA256 != sha(tt.want) {
				t.Errorf("Bytes %d Received %d SHA %s", res.Bytes, res.Received, res.SHA256)
			}
			if res.Transcoded != (tt.transcode && !bytes.Equal(tt.want, tt.content)) {
				t.Errorf("Transcoded = %v", res.Transcoded)
			}
			if tt.transcode && !utf8.Valid(buf.Bytes()) && tt.ctype != "application/zip" {
				t.Error("output is not UTF-8")
			}
		})
	}
}

// cp1252Reference decodes with x/text, the table cp1252Writer is built from.
func cp1252Reference(t testing.TB, b []byte) []byte {
	want, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

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

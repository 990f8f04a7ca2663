package wrapper

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"unicode/utf8"
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
			res, err := c.ExportRun(7, 555).Download(context.Background(), ToWriter(&buf), opts...)
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

// Package charset converts the Latin-1 files WebAdMIT exports into UTF-8
// while they stream.
package charset

import (
	"encoding/binary"
	"io"
	"math/bits"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// latin1Charsets are the charset labels decoded as Windows-1252.
// ISO-8859-1 is decoded as Windows-1252, as browsers do (the WHATWG Encoding
// Standard): the two differ only in 0x80–0x9F, where Latin-1 has unused
// control codes and Windows-1252 has the curly quotes and dashes such files
// really contain.
var latin1Charsets = map[string]bool{
	"iso-8859-1": true, "iso8859-1": true, "iso_8859-1": true, "latin1": true, "latin-1": true,
	"l1": true, "cp819": true, "ibm819": true,
	"windows-1252": true, "cp1252": true, "x-cp1252": true,
}

// declaredCharset returns the lower-case charset parameter of a Content-Type.
func declaredCharset(contentType string) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["charset"]))
}

// UTF8Writer returns a writer that decodes Windows-1252 into UTF-8 before
// writing to w, when contentType declares a Latin-1 charset; otherwise nil.
func UTF8Writer(w io.Writer, contentType string) io.WriteCloser {
	if !latin1Charsets[declaredCharset(contentType)] {
		return nil
	}
	return &cp1252Writer{w: w}
}

// cp1252UTF8 is the UTF-8 form of every Windows-1252 byte, taken from
// x/text's table (the WHATWG Encoding Standard's), packed little-endian in
// the low bytes of u (at most 3 of them), with its length n.
var cp1252UTF8 = func() (table [256]struct {
	u uint32
	n int
}) {
	for i := range table {
		var b [4]byte
		table[i].n = utf8.EncodeRune(b[:], charmap.Windows1252.DecodeByte(byte(i)))
		table[i].u = binary.LittleEndian.Uint32(b[:])
	}
	return table
}()

// cp1252Chunk is how much input cp1252Writer converts per write to w.
const cp1252Chunk = 64 << 10

// cp1252Writer decodes Windows-1252 into UTF-8 while writing to w. Each
// byte decodes on its own (the charset has no multi-byte sequences), so it
// keeps no state between writes: a resumed download continues through it,
// and Close has nothing to flush. It copies runs of ASCII whole, which is
// three times as fast as x/text's byte-at-a-time transform.Writer on CSV
// (BenchmarkOutput); FuzzCP1252MatchesXText holds it to the same output.
type cp1252Writer struct {
	w   io.Writer
	buf []byte
}

// Write converts p and writes it. On a write error it reports the bytes
// of p whose conversion was written in full.
func (c *cp1252Writer) Write(p []byte) (int, error) {
	if c.buf == nil {
		c.buf = make([]byte, 3*cp1252Chunk+8)
	}
	done := 0
	for len(p) > 0 {
		src := p[:min(len(p), cp1252Chunk)]
		if _, err := c.w.Write(c.buf[:decodeCP1252(c.buf, src)]); err != nil {
			return done, err
		}
		done += len(src)
		p = p[len(src):]
	}
	return done, nil
}

// Close does nothing: nothing is ever held back.
func (c *cp1252Writer) Close() error { return nil }

// decodeCP1252 writes the UTF-8 form of src into dst and returns its
// length. dst must hold 3*len(src)+8 bytes: eight ASCII bytes are stored
// as one word, and a word is stored whole even when only its first bytes
// count (the next store overwrites the rest).
func decodeCP1252(dst, src []byte) int {
	const high = 0x8080808080808080
	i, j := 0, 0
	for i+8 <= len(src) {
		w := binary.LittleEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(dst[j:], w)
		if w&high == 0 {
			i, j = i+8, j+8
			continue
		}
		ascii := bits.TrailingZeros64(w&high) / 8 // bytes before the first non-ASCII one
		i, j = i+ascii, j+ascii
		e := &cp1252UTF8[src[i]]
		binary.LittleEndian.PutUint32(dst[j:], e.u)
		i, j = i+1, j+e.n
	}
	for ; i < len(src); i++ {
		e := &cp1252UTF8[src[i]]
		binary.LittleEndian.PutUint32(dst[j:], e.u)
		j += e.n
	}
	return j
}

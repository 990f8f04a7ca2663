package webadmittest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
)

// content is the file of an export: given bytes or generated ones.
type content interface {
	io.ReaderAt
	// Size is the file's length in bytes.
	Size() int64
	// ETag is a stable quoted entity tag of the bytes.
	ETag() string
}

// contentOf returns the file every run of e serves.
func contentOf(e *Export) content {
	if e.Content != nil {
		sum := sha256.Sum256(e.Content)
		return &givenContent{Reader: bytes.NewReader(e.Content), etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	}
	var seed [16]byte
	binary.BigEndian.PutUint64(seed[:8], uint64(e.ID))
	binary.BigEndian.PutUint64(seed[8:], uint64(e.Size))
	sum := sha256.Sum256(seed[:])
	return &generatedContent{exportID: e.ID, size: e.Size, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

type givenContent struct {
	*bytes.Reader
	etag string
}

func (c *givenContent) ETag() string { return c.etag }

// Generated files are fixed-width CSV: a header row, then one row per
// applicant, every row genRowLen bytes of ISO-8859-1, so the bytes at any
// offset follow from (export id, offset) alone and a GiB is never held in
// memory.
const (
	genIDWidth    = 10
	genFirstWidth = 10
	genLastWidth  = 12
	genCityWidth  = 12
	genScoreWidth = 5
	// genRowLen counts the four commas and the newline.
	genRowLen = genIDWidth + genFirstWidth + genLastWidth + genCityWidth + genScoreWidth + 5
)

var (
	genHeader = latin1Row("cas_id", "first_name", "last_name", "city", "score")
	genFirst  = latin1Column(genFirstWidth, "José", "Zoë", "Chloé", "Renée", "Søren", "Björn", "Ana", "Maëlle",
		"Joaquín", "Inês", "Aoife", "Noémie", "Ólafur", "Åsa", "François", "Jürgen")
	genLast = latin1Column(genLastWidth, "García", "Müller", "Lefèvre", "Ångström", "Núñez", "O'Brien",
		"Ødegaard", "Brontë", "Gonçalves", "Þórsson", "Nguyen", "Smith", "Kowalski", "Çelik", "Dubois", "Åberg")
	genCity = latin1Column(genCityWidth, "São Paulo", "Zürich", "Montréal", "Malmö", "Reykjavík", "Kraków",
		"Besançon", "Düsseldorf", "Århus", "Boston", "A Coruña", "Genève", "Tromsø", "Québec", "Köln", "Lübeck")
)

// latin1 encodes s, which must hold only runes below 256, as ISO-8859-1.
func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			panic(fmt.Sprintf("webadmittest: %q is not Latin-1", r))
		}
		out = append(out, byte(r))
	}
	return out
}

// latin1Column encodes names as ISO-8859-1, each padded with spaces to width.
func latin1Column(width int, names ...string) [][]byte {
	out := make([][]byte, len(names))
	for i, n := range names {
		b := latin1(n)
		if len(b) > width {
			panic(fmt.Sprintf("webadmittest: %q is wider than %d", n, width))
		}
		out[i] = append(b, bytes.Repeat([]byte{' '}, width-len(b))...)
	}
	return out
}

// latin1Row builds the header row from its five column titles.
func latin1Row(id, first, last, city, score string) []byte {
	widths := []int{genIDWidth, genFirstWidth, genLastWidth, genCityWidth, genScoreWidth}
	var row []byte
	for i, title := range []string{id, first, last, city, score} {
		if i > 0 {
			row = append(row, ',')
		}
		row = append(row, latin1Column(widths[i], title)[0]...)
	}
	return append(row, '\n')
}

// mix is the SplitMix64 finaliser: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

type generatedContent struct {
	exportID int
	size     int64
	etag     string
}

func (c *generatedContent) Size() int64  { return c.size }
func (c *generatedContent) ETag() string { return c.etag }

// row writes row i (0 is the header) into dst, which is genRowLen long.
func (c *generatedContent) row(dst []byte, i int64) {
	if i == 0 {
		copy(dst, genHeader)
		return
	}
	h := mix(uint64(c.exportID)<<40 ^ uint64(i))
	b := dst[:0]
	var digits [20]byte
	id := strconv.AppendInt(digits[:0], 1_000_000+i, 10)
	for range genIDWidth - len(id) {
		b = append(b, '0')
	}
	b = append(b, id...)
	b = append(b, ',')
	b = append(b, genFirst[h&15]...)
	b = append(b, ',')
	b = append(b, genLast[(h>>4)&15]...)
	b = append(b, ',')
	b = append(b, genCity[(h>>8)&15]...)
	b = append(b, ',')
	score := strconv.AppendUint(digits[:0], (h>>12)%100000, 10)
	for range genScoreWidth - len(score) {
		b = append(b, '0')
	}
	b = append(b, score...)
	_ = append(b, '\n')
}

// ReadAt fills p with the bytes at off.
func (c *generatedContent) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("webadmittest: negative offset %d", off)
	}
	if off >= c.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := c.size - off; int64(want) > rest {
		want = int(rest)
	}
	var buf [genRowLen]byte
	n := 0
	for n < want {
		pos := off + int64(n)
		i, within := pos/genRowLen, int(pos%genRowLen)
		c.row(buf[:], i)
		n += copy(p[n:want], buf[within:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

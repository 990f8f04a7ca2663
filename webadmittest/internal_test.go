package webadmittest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/webadmit-go/webadmit/generated"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		size   int64
		want   byteRange
		out    rangeOutcome
	}{
		{"bytes=0-0", 10, byteRange{0, 0}, rangePartial},
		{"bytes=2-5", 10, byteRange{2, 5}, rangePartial},
		{"bytes=2-", 10, byteRange{2, 9}, rangePartial},
		{"bytes=-3", 10, byteRange{7, 9}, rangePartial},
		{"bytes=-30", 10, byteRange{0, 9}, rangePartial},
		{"bytes=5-500", 10, byteRange{5, 9}, rangePartial},
		{" bytes= 1-2 ", 10, byteRange{1, 2}, rangePartial},
		{"bytes=10-", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=10-20", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=-0", 10, byteRange{}, rangeUnsatisfiable},
		{"bytes=0-", 0, byteRange{}, rangeUnsatisfiable},
		{"bytes=-1", 0, byteRange{}, rangeUnsatisfiable},
		{"", 10, byteRange{}, rangeWhole},
		{"bytes=", 10, byteRange{}, rangeWhole},
		{"bytes=-", 10, byteRange{}, rangeWhole},
		{"bytes=5-2", 10, byteRange{}, rangeWhole},
		{"bytes=0-1,3-4", 10, byteRange{}, rangeWhole},
		{"bytes=a-", 10, byteRange{}, rangeWhole},
		{"bytes=1-b", 10, byteRange{}, rangeWhole},
		{"bytes=--1", 10, byteRange{}, rangeWhole},
		{"bytes=+1-2", 10, byteRange{1, 2}, rangePartial}, // strconv accepts a leading +
		{"lines=0-1", 10, byteRange{}, rangeWhole},
		{"bytes=99999999999999999999-", 10, byteRange{}, rangeWhole},
	}
	for _, tt := range tests {
		got, out := parseRange(tt.header, tt.size)
		if got != tt.want || out != tt.out {
			t.Errorf("parseRange(%q, %d) = %v, %v; want %v, %v", tt.header, tt.size, got, out, tt.want, tt.out)
		}
	}
}

// FuzzParseRange checks that any Range header yields either the whole
// object, an unsatisfiable range, or a range inside the object.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=-5", "bytes=3-", "bytes=1-2,4-5", "bytes=x", ""} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 { // math.MinInt64
			return
		}
		rg, out := parseRange(header, size)
		if out == rangePartial && (rg.start < 0 || rg.end >= size || rg.start > rg.end) {
			t.Errorf("parseRange(%q, %d) = %v outside the object", header, size, rg)
		}
	})
}

func TestGeneratedContent(t *testing.T) {
	t.Parallel()
	e := &Export{ID: 29902, Size: 10*genRowLen + 17}
	c := contentOf(e)
	all, err := io.ReadAll(io.NewSectionReader(c, 0, c.Size()))
	if err != nil || int64(len(all)) != e.Size {
		t.Fatalf("read %d bytes: %v", len(all), err)
	}
	lines := strings.Split(string(all), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], "cas_id    ,first_name,") || len(lines[10]) != 17 {
		t.Errorf("unexpected layout: %q", lines)
	}
	for i, l := range lines[:10] {
		if len(l) != genRowLen-1 || strings.Count(l, ",") != 4 {
			t.Errorf("row %d %q: %d bytes, want %d", i, l, len(l), genRowLen-1)
		}
	}
	if utf8.Valid(all) {
		t.Errorf("generated rows should hold Latin-1 bytes")
	}
	again, _ := io.ReadAll(io.NewSectionReader(contentOf(e), 0, e.Size))
	if !bytes.Equal(all, again) {
		t.Errorf("generated content is not deterministic")
	}
	other, _ := io.ReadAll(io.NewSectionReader(contentOf(&Export{ID: 1, Size: e.Size}), 0, e.Size))
	if bytes.Equal(all, other) {
		t.Errorf("two exports generate the same bytes")
	}
	if n, err := c.ReadAt(make([]byte, 4), e.Size); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the end = %d, %v", n, err)
	}
	if n, err := c.ReadAt(make([]byte, 40), e.Size-5); n != 5 || err != io.EOF {
		t.Errorf("ReadAt across the end = %d, %v", n, err)
	}
}

// FuzzGeneratedContent checks that reading at any offset gives the same
// bytes as reading from the start.
func FuzzGeneratedContent(f *testing.F) {
	f.Add(int64(0), uint16(1))
	f.Add(int64(63), uint16(200))
	f.Add(int64(5000), uint16(1))
	const size = 64 << 10
	e := &Export{ID: 7, Size: size}
	c := contentOf(e)
	all, err := io.ReadAll(io.NewSectionReader(c, 0, size))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, off int64, n uint16) {
		if off < 0 || off > size {
			return
		}
		p := make([]byte, n)
		got, _ := c.ReadAt(p, off)
		if want := min(int(n), size-int(off)); got != want || !bytes.Equal(p[:got], all[off:off+int64(got)]) {
			t.Errorf("ReadAt(%d bytes, %d) = %d bytes, differs from a sequential read", n, off, got)
		}
	})
}

func TestRandomOffsetsMatch(t *testing.T) {
	t.Parallel()
	e := &Export{ID: 3, Size: 1 << 20}
	c := contentOf(e)
	all, _ := io.ReadAll(io.NewSectionReader(c, 0, e.Size))
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		off := r.Int64N(e.Size)
		p := make([]byte, r.IntN(3*genRowLen)+1)
		n, _ := c.ReadAt(p, off)
		if !bytes.Equal(p[:n], all[off:off+int64(n)]) {
			t.Fatalf("ReadAt(%d, %d) differs", len(p), off)
		}
	}
}

func TestStatusSpelling(t *testing.T) {
	t.Parallel()
	for title, snake := range snakeOf {
		if spell(title, SpellingSnakeCase) != snake || spell(title, SpellingTitleCase) != title {
			t.Errorf("spelling of %q", title)
		}
		if got, ok := titleCase(snake); !ok || got != title {
			t.Errorf("titleCase(%q) = %q, %v", snake, got, ok)
		}
		if !title.Valid() || !snake.Valid() {
			t.Errorf("%q or %q not in the spec's enum", title, snake)
		}
	}
	if _, ok := titleCase("Archived"); ok {
		t.Errorf("an unknown status was accepted")
	}
}

func TestPresigner(t *testing.T) {
	t.Parallel()
	p := &presigner{secret: []byte("secret")}
	key := p.objectKey(74780, ".csv")
	if !strings.HasPrefix(key, "export_files/reports/000/074/780/") || !strings.HasSuffix(key, "_original.csv") {
		t.Errorf("key %q does not follow the docs' layout", key)
	}
	now := time.Now()
	raw := p.sign("http://127.0.0.1:1", key, now.Add(time.Second), "attachment; filename=A B.csv", string(generated.ExportMimeTypeCSVLatin1))
	if !strings.Contains(raw, "response-content-disposition=attachment%3B%20filename%3DA%20B.csv") {
		t.Errorf("disposition not escaped as the docs show: %s", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if e := p.verify(u.Query(), key, now, false); e != nil {
		t.Errorf("fresh URL refused: %+v", e)
	}
	if e := p.verify(u.Query(), key, now.Add(2*time.Second), false); e == nil || e.Message != "Request has expired" {
		t.Errorf("late use accepted: %+v", e)
	}
	if e := p.verify(u.Query(), key, now, true); e == nil || e.Code != "AccessDenied" {
		t.Errorf("forced expiry ignored: %+v", e)
	}
	other := &presigner{secret: []byte("other")}
	if e := other.verify(u.Query(), key, now, false); e == nil || e.Code != "SignatureDoesNotMatch" {
		t.Errorf("another server's secret accepted: %+v", e)
	}
}

func TestNormalizeExports(t *testing.T) {
	t.Parallel()
	ids := []Identity{{ID: 42}}
	bad := []struct {
		name string
		e    Export
	}{
		{"zero id", Export{IdentityID: 42}},
		{"unknown identity", Export{ID: 1, IdentityID: 7}},
		{"bad format", Export{ID: 1, IdentityID: 42, Format: "PDF"}},
		{"bad mime type", Export{ID: 1, IdentityID: 42, MimeType: "text/csv"}},
		{"bad list type", Export{ID: 1, IdentityID: 42, ListType: ptr(generated.ExportListType("favourites"))}},
		{"negative size", Export{ID: 1, IdentityID: 42, Size: -1}},
		{"path in file name", Export{ID: 1, IdentityID: 42, FileName: "../x.csv"}},
		{"non-terminal outcome", Export{ID: 1, IdentityID: 42, Timeline: Timeline{Outcome: "Queued"}}},
		{"unknown outcome", Export{ID: 1, IdentityID: 42, Timeline: Timeline{Outcome: "Done"}}},
		{"negative duration", Export{ID: 1, IdentityID: 42, Timeline: Timeline{Queued: -time.Second}}},
	}
	for _, tt := range bad {
		if _, err := normalizeExports([]Export{tt.e}, ids); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if _, err := normalizeExports([]Export{{ID: 1, IdentityID: 42}, {ID: 1, IdentityID: 42}}, ids); err == nil {
		t.Errorf("duplicate export ids accepted")
	}
	got, err := normalizeExports([]Export{{ID: 1, IdentityID: 42, Name: "Décisions 2015/16", Format: generated.ExportFormatCSVMultipleFiles,
		Timeline: Timeline{Outcome: generated.ExportFileStatusEmptyListSnake}}}, ids)
	if err != nil {
		t.Fatal(err)
	}
	if e := got[0]; e.MimeType != generated.ExportMimeTypeZip || e.FileName != "D-cisions-2015-16.zip" || e.Timeline.Outcome != generated.ExportFileStatusEmptyList {
		t.Errorf("defaults: %+v", e)
	}
	for _, id := range []Identity{{ID: 0}, {ID: 1, Type: "Robot"}, {ID: 1, Cycle: "2015"}} {
		if _, err := normalizeIdentities([]Identity{id}); err == nil {
			t.Errorf("identity %+v accepted", id)
		}
	}
}

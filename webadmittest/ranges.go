package webadmittest

import (
	"strconv"
	"strings"
)

// byteRange is the inclusive byte range [start, end] of an object.
type byteRange struct{ start, end int64 }

// length is the number of bytes in the range.
func (r byteRange) length() int64 { return r.end - r.start + 1 }

// rangeOutcome is how a Range header applies to an object.
type rangeOutcome int

const (
	rangeWhole         rangeOutcome = iota // no usable Range: 200 with the whole object
	rangePartial                           // 206 with the range
	rangeUnsatisfiable                     // 416
)

// parseRange interprets a Range header for an object of size bytes as S3
// does: one range of bytes (a-b, a- or -n); a header that does not parse,
// names another unit or asks for several ranges is ignored (the whole
// object is sent); a range that starts at or after the end of the object,
// or asks for the last 0 bytes, is unsatisfiable.
func parseRange(header string, size int64) (byteRange, rangeOutcome) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return byteRange{}, rangeWhole
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return byteRange{}, rangeWhole
	}
	if first == "" { // suffix: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return byteRange{}, rangeWhole
		}
		if n == 0 || size == 0 {
			return byteRange{}, rangeUnsatisfiable
		}
		return byteRange{start: max(0, size-n), end: size - 1}, rangePartial
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return byteRange{}, rangeWhole
	}
	end := size - 1
	if last != "" {
		end, err = strconv.ParseInt(last, 10, 64)
		if err != nil || end < start {
			return byteRange{}, rangeWhole
		}
	}
	if start >= size {
		return byteRange{}, rangeUnsatisfiable
	}
	return byteRange{start: start, end: min(end, size-1)}, rangePartial
}

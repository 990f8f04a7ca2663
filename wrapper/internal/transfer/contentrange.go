package transfer

import (
	"errors"
	"strconv"
	"strings"
)

// parseContentRange reads "bytes START-END/SIZE" (SIZE may be "*", then -1).
func parseContentRange(v string) (start, end, size int64, err error) {
	bad := errors.New("malformed Content-Range")
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, 0, 0, bad
	}
	span, total, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return 0, 0, 0, bad
	}
	if start, err = strconv.ParseInt(a, 10, 64); err != nil || start < 0 {
		return 0, 0, 0, bad
	}
	if end, err = strconv.ParseInt(b, 10, 64); err != nil || end < start {
		return 0, 0, 0, bad
	}
	if total == "*" {
		return start, end, -1, nil
	}
	if size, err = strconv.ParseInt(total, 10, 64); err != nil || size <= end {
		return 0, 0, 0, bad
	}
	return start, end, size, nil
}

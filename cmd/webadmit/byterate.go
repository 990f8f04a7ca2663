package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteRate is a flag value of bytes a second, written as a size: 50MB
// (decimal: 50,000,000), 48MiB (binary), 1.5GB, 800k, 65536 (bytes). 0 means
// no cap.
type byteRate int64

// byteUnits are the size suffixes byteRate takes, longest first.
var byteUnits = []struct {
	suffix string
	factor float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1},
}

// parseByteRate reads a size as byteRate documents it (a trailing "/s" is
// allowed).
func parseByteRate(s string) (int64, error) {
	v := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "/s")
	factor := 1.0
	for _, u := range byteUnits {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			v, factor = strings.TrimSpace(n), u.factor
			break
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f*factor > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is not a rate in bytes a second (e.g. 50MB, 48MiB, 65536)", s)
	}
	n := int64(math.Round(f * factor))
	if n == 0 && f > 0 { // not 0, which means no cap
		return 0, errBelowOneByte
	}
	return n, nil
}

// errBelowOneByte is the error of a rate that is positive but rounds to 0
// bytes a second, which would mean no cap.
var errBelowOneByte = errors.New("less than 1 byte a second")

// String is the rate in bytes a second, for the flag's help.
func (r *byteRate) String() string { return strconv.FormatInt(int64(*r), 10) }

// Set parses a size (see byteRate).
func (r *byteRate) Set(s string) error {
	n, err := parseByteRate(s)
	if err != nil {
		return err
	}
	*r = byteRate(n)
	return nil
}

// Type names the value in the help: --store-conn-rate rate.
func (r *byteRate) Type() string { return "rate" }

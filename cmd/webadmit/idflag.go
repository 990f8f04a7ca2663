package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// The flags that take ids read them in decimal only: pflag's int flags
// read 042 as octal (34) and 0x2a as hex (42), so --identity 042 would
// name another identity. A leading zero is read as decimal (042 is 42); a
// base prefix (0x, 0o, 0b) is refused.

// errNotDecimal is the error of an id written with a base prefix.
var errNotDecimal = errors.New("ids are decimal")

// parseDecimalID reads an id in decimal: digits, with an optional sign
// (a value below 1 is refused later, by checkIDs, in its own words).
func parseDecimalID(s string, bits int) (int64, error) {
	digits := strings.TrimLeft(s, "+-")
	if len(digits) > 1 && digits[0] == '0' && strings.ContainsRune("xXoObB", rune(digits[1])) {
		return 0, errNotDecimal
	}
	return strconv.ParseInt(s, 10, bits)
}

// idValue is a flag of one id, kept in an int or an int64.
type idValue[T int | int64] struct{ p *T }

func (v idValue[T]) Set(s string) error {
	var zero T
	bits := 64
	if _, ok := any(zero).(int); ok {
		bits = strconv.IntSize
	}
	n, err := parseDecimalID(s, bits)
	if err != nil {
		return err
	}
	*v.p = T(n)
	return nil
}

func (v idValue[T]) String() string { return strconv.FormatInt(int64(*v.p), 10) }

// Type names the value in the help, as pflag's own int flags do.
func (v idValue[T]) Type() string {
	var zero T
	if _, ok := any(zero).(int); ok {
		return "int"
	}
	return "int64"
}

// idVar adds an id flag (see idValue) to fs.
func idVar[T int | int64](fs *pflag.FlagSet, p *T, name, usage string) {
	*p = 0
	fs.Var(idValue[T]{p}, name, usage)
}

// idSliceValue is a flag of several ids: repeated, or comma-separated.
type idSliceValue struct {
	p       *[]int
	changed bool
}

func (v *idSliceValue) Set(s string) error {
	ids, err := parseIDs(strings.Split(s, ","))
	if err != nil {
		return err
	}
	if !v.changed {
		*v.p = ids
	} else {
		*v.p = append(*v.p, ids...)
	}
	v.changed = true
	return nil
}

func parseIDs(values []string) ([]int, error) {
	ids := make([]int, 0, len(values))
	for _, s := range values {
		n, err := parseDecimalID(strings.TrimSpace(s), strconv.IntSize)
		if err != nil {
			return nil, err
		}
		ids = append(ids, int(n))
	}
	return ids, nil
}

func (v *idSliceValue) String() string { return "[" + strings.Join(v.GetSlice(), ",") + "]" }

// Type names the value in the help, as pflag's IntSlice does.
func (v *idSliceValue) Type() string { return "intSlice" }

// Append, Replace and GetSlice make it a pflag.SliceValue.
func (v *idSliceValue) Append(s string) error {
	ids, err := parseIDs([]string{s})
	if err != nil {
		return err
	}
	*v.p = append(*v.p, ids...)
	return nil
}

func (v *idSliceValue) Replace(values []string) error {
	ids, err := parseIDs(values)
	if err != nil {
		return err
	}
	*v.p = ids
	return nil
}

func (v *idSliceValue) GetSlice() []string {
	out := make([]string, len(*v.p))
	for i, n := range *v.p {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// idSliceVar adds a flag of several ids (see idSliceValue) to fs.
func idSliceVar(fs *pflag.FlagSet, p *[]int, name, usage string) {
	*p = nil
	fs.Var(&idSliceValue{p: p}, name, usage)
	fs.Lookup(name).DefValue = "" // no "(default [])" in the help
}

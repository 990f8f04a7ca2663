package main

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// hinted is an error followed by a hint the CLI prints on a line of its
// own, such as "Did you mean --identity?".
type hinted struct {
	err  error
	hint string
}

// Error is the first line of the message.
func (e hinted) Error() string { return e.err.Error() }

// Unwrap returns the error the lines add to.
func (e hinted) Unwrap() error { return e.err }

// maxTypoDistance is how many edits a typo may be from what it meant, as
// cobra's SuggestionsMinimumDistance defaults to.
const maxTypoDistance = 2

// flagError is the root's flag error function: a usage error, with the
// closest flag of the command (its own or a global one) as a hint when the
// flag does not exist; for a group whose subcommand is unknown, that.
func flagError(c *cobra.Command, err error) error {
	var (
		ne *pflag.NotExistError
		iv *pflag.InvalidValueError
	)
	if errors.As(err, &iv) {
		return usageError{invalidValue(iv)}
	}
	if !errors.As(err, &ne) {
		return usageError{err}
	}
	if rest := c.Flags().Args(); c.HasAvailableSubCommands() && len(rest) > 0 {
		// 'pdf templats --identity 42': the flag is another command's;
		// the mistake is the command's name.
		return unknownCommand(c, rest[0])
	}
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	typed := ne.GetSpecifiedName()
	if group := ne.GetSpecifiedShortnames(); group != "" {
		typed = group // -identity: a long flag with one dash
	}
	if s := closest(typed, names); len(s) > 0 {
		for i := range s {
			s[i] = "--" + s[i]
		}
		return usageError{hinted{err, didYouMean(s)}}
	}
	return usageError{err}
}

// invalidValue says what a flag takes, in place of the parser's words
// (strconv.ParseInt: parsing "eight": invalid syntax, time: missing unit
// in duration "5").
func invalidValue(iv *pflag.InvalidValueError) error {
	f, v := iv.GetFlag(), termSafe(iv.GetValue())
	name := "--" + f.Name
	var takes string
	switch t := f.Value.Type(); t {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		takes = "a whole number"
	case "intSlice", "int32Slice", "int64Slice", "uintSlice":
		takes = "whole numbers (repeat it, or give a comma-separated list)"
	case "float32", "float64":
		takes = "a number"
	case "duration":
		if durationSyntax.MatchString(iv.GetValue()) { // well formed: too large for time.Duration
			return fmt.Errorf("%s %q is too large: the longest is %v (about 292 years)", name, v, time.Duration(math.MaxInt64).Truncate(time.Second))
		}
		takes = "a duration such as 30m, 90s or 1h30m"
	case "durationSlice":
		takes = "durations such as 30m, 90s or 1h30m"
	case "bool":
		takes = "true or false"
	case "rate":
		takes = "a rate in bytes a second such as 50MB, 48MiB or 65536"
	default: // the flag's own message, which says what is wrong
		return fmt.Errorf("%s %q: %v", name, v, iv.Unwrap())
	}
	if errors.Is(iv.Unwrap(), errBelowOneByte) {
		return fmt.Errorf("%s %q is less than 1 byte a second: give at least 1B, or 0 for no cap", name, v)
	}
	if errors.Is(iv.Unwrap(), errNotDecimal) {
		return fmt.Errorf("%s takes %s, not %q: ids are decimal (no 0x, 0o or 0b)", name, takes, v)
	}
	return fmt.Errorf("%s takes %s, not %q", name, takes, v)
}

// durationSyntax is the form time.ParseDuration reads; a value of this
// form that it refuses is too large.
var durationSyntax = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))*$`)

// unknownCommand is the usage error for an unknown subcommand of c (below
// the root, with the list of its commands), with the closest commands as a
// hint.
func unknownCommand(c *cobra.Command, typed string) error {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	err := usagef("unknown command %q for %q", typed, c.CommandPath())
	if c.HasParent() {
		err = usagef("unknown command %q for %q: give one of %s", typed, c.CommandPath(), strings.Join(names, ", "))
	}
	if s := closest(typed, names); len(s) > 0 {
		return hinted{err, didYouMean(s)}
	}
	return err
}

// didYouMean asks about the suggestions: "Did you mean --identity?".
func didYouMean(s []string) string {
	if len(s) == 1 {
		return "Did you mean " + s[0] + "?"
	}
	return "Did you mean " + strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1] + "?"
}

// closest returns the names nearest to typed: those it is a prefix of, or
// else those within maxTypoDistance edits (case ignored), nearest first.
func closest(typed string, names []string) []string {
	typed = strings.ToLower(typed)
	if typed == "" {
		return nil
	}
	var prefixed []string
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), typed) {
			prefixed = append(prefixed, n)
		}
	}
	if len(prefixed) > 0 {
		return prefixed
	}
	best, out := maxTypoDistance+1, []string(nil)
	for _, n := range names {
		switch d := levenshtein(typed, strings.ToLower(n)); {
		case d < best:
			best, out = d, []string{n}
		case d == best:
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// levenshtein is the number of single-rune insertions, deletions and
// substitutions that turn a into b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

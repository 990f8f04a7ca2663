package wrapper

import (
	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
)

// Status is the state of a job, normalised from either spelling the API
// uses ("In Progress" in the current docs, "in_progress" in older ones and
// in PDF Manager batch states) to the constants below. A value the package
// does not know is kept as sent (trimmed): Known and IsTerminal report
// false, so waiting goes on until it changes or the budget ends.
type Status string

// The statuses the API documents.
const (
	StatusInitializing      Status = "Initializing"
	StatusQueued            Status = "Queued"
	StatusInProgress        Status = "In Progress"
	StatusAvailable         Status = "Available"
	StatusSuccessWithErrors Status = "Success With Errors"
	StatusEmptyList         Status = "Empty List"
	StatusFailed            Status = "Failed"
)

// ParseStatus normalises a status as the server spells it: case,
// underscores, hyphens and white space (any amount, any kind) do not
// matter. Unknown values are returned trimmed but otherwise unchanged.
func ParseStatus(s string) Status { return Status(answer.Status(s)) }

// StatusOf normalises a generated.ExportFileStatus.
func StatusOf(s generated.ExportFileStatus) Status { return ParseStatus(string(s)) }

// String returns the status as text.
func (s Status) String() string { return string(s) }

// Known reports whether s is one of the documented statuses.
func (s Status) Known() bool {
	switch s {
	case StatusInitializing, StatusQueued, StatusInProgress, StatusAvailable,
		StatusSuccessWithErrors, StatusEmptyList, StatusFailed:
		return true
	}
	return false
}

// IsTerminal reports whether the run has ended: Available, Success With
// Errors, Empty List or Failed. Unknown statuses are not terminal.
func (s Status) IsTerminal() bool {
	switch s {
	case StatusAvailable, StatusSuccessWithErrors, StatusEmptyList, StatusFailed:
		return true
	}
	return false
}

// HasFile reports whether a run with this status has a file to download:
// Available or Success With Errors.
func (s Status) HasFile() bool { return s == StatusAvailable || s == StatusSuccessWithErrors }

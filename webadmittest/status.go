package webadmittest

import "github.com/webadmit-go/webadmit/generated"

// snakeOf maps each Title Case status to its snake_case spelling.
var snakeOf = map[generated.ExportFileStatus]generated.ExportFileStatus{
	generated.ExportFileStatusInitializing:      generated.ExportFileStatusInitializingSnake,
	generated.ExportFileStatusQueued:            generated.ExportFileStatusQueuedSnake,
	generated.ExportFileStatusInProgress:        generated.ExportFileStatusInProgressSnake,
	generated.ExportFileStatusAvailable:         generated.ExportFileStatusAvailableSnake,
	generated.ExportFileStatusSuccessWithErrors: generated.ExportFileStatusSuccessWithErrorsSnake,
	generated.ExportFileStatusEmptyList:         generated.ExportFileStatusEmptyListSnake,
	generated.ExportFileStatusFailed:            generated.ExportFileStatusFailedSnake,
}

// titleCase returns the Title Case spelling of a known status in either
// spelling.
func titleCase(s generated.ExportFileStatus) (generated.ExportFileStatus, bool) {
	if _, ok := snakeOf[s]; ok {
		return s, true
	}
	for title, snake := range snakeOf {
		if snake == s {
			return title, true
		}
	}
	return s, false
}

// spell returns a Title Case status in the given spelling.
func spell(s generated.ExportFileStatus, sp Spelling) generated.ExportFileStatus {
	if sp == SpellingSnakeCase {
		if snake, ok := snakeOf[s]; ok {
			return snake
		}
	}
	return s
}

// isTerminal reports whether a Title Case status ends a run.
func isTerminal(s generated.ExportFileStatus) bool {
	switch s {
	case generated.ExportFileStatusAvailable, generated.ExportFileStatusSuccessWithErrors,
		generated.ExportFileStatusEmptyList, generated.ExportFileStatusFailed:
		return true
	}
	return false
}

// hasFile reports whether a Title Case status comes with a download URL.
func hasFile(s generated.ExportFileStatus) bool {
	return s == generated.ExportFileStatusAvailable || s == generated.ExportFileStatusSuccessWithErrors
}

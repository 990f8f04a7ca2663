package webadmittest

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// Identity is one user identity the fake API lists. Its fields mirror
// [generated.UserIdentity]; an empty string is sent as an absent (null) value.
type Identity struct {
	// ID is the identity's id (> 0, unique).
	ID int
	// Type is the kind of access; empty means Admissions User.
	Type generated.UserIdentityType
	// Association, e.g. "SOPHAS".
	Association string
	// Institution, e.g. "Demo University".
	Institution string
	// Organization, e.g. "Demo University School of Public Health".
	Organization string
	// Cycle, e.g. "2014 - 2015" (must match `^\d{4} - \d{4}$` when set).
	Cycle string
}

// Export is one export template and the file its runs produce.
type Export struct {
	// ID is the export's id (> 0, unique).
	ID int
	// IdentityID is the id of the identity that owns the export.
	IdentityID int
	// Name as listed by the API.
	Name string
	// Format; empty means Comma-Separated Values.
	Format generated.ExportFormat
	// MimeType of the file; empty means the usual type of Format
	// (text/csv;charset=iso-8859-1 for CSV, application/zip for CSV in
	// Multiple Files, and so on).
	MimeType generated.ExportMimeType
	// ListType is the kind of list the export runs on; nil is sent as null.
	ListType *generated.ExportListType
	// Content is the exact file a run serves. When nil, the file is Size
	// bytes generated deterministically from the export id and the offset
	// (fixed-width CSV rows with Latin-1 names), never held in memory.
	Content []byte
	// Size of the generated file; ignored when Content is set.
	Size int64
	// FileName sent in Content-Disposition; empty means a name derived from
	// Name and the format, e.g. "Nightly-Banner-Export.csv".
	FileName string
	// ContentEncoding is the content coding the file is stored with, as S3
	// keeps an object uploaded with Content-Encoding: gzip, say. The store
	// sends it with every answer, to Range requests too, and serves Content
	// as it is (already encoded): a client must write those bytes as they
	// are. Empty means none.
	ContentEncoding string
	// Timeline of every run of the export.
	Timeline Timeline
	// FinishedRuns are the ids of runs that have already ended, with the
	// Timeline's outcome, when the server starts: listed by
	// listUserIdentityExportFiles and readable (with a fresh download URL
	// when they have a file) like any run. Ids must be positive and unique
	// across all exports; new runs skip them.
	FinishedRuns []int
}

// Timeline says how a run moves through its states. A run is Initializing
// for Initializing, then Queued for Queued, then In Progress for InProgress,
// and then has its Outcome for good. Durations are measured from the POST
// that started the run; a zero duration skips the state, so the zero
// Timeline makes a run Available at once.
type Timeline struct {
	Initializing time.Duration
	Queued       time.Duration
	InProgress   time.Duration
	// Outcome is the terminal status: Available (the default), Success With
	// Errors, Empty List or Failed, in Title Case (snake_case is accepted).
	// Available and Success With Errors runs have a file to download.
	Outcome generated.ExportFileStatus
}

// total is how long a run takes to reach its outcome.
func (tl Timeline) total() time.Duration {
	return tl.Initializing + tl.Queued + tl.InProgress
}

var cyclePattern = regexp.MustCompile(`^\d{4} - \d{4}$`)

// mimeTypeOf is the mime type a format usually has.
func mimeTypeOf(f generated.ExportFormat) generated.ExportMimeType {
	switch f {
	case generated.ExportFormatExcel:
		return generated.ExportMimeTypeExcel
	case generated.ExportFormatWebsiteHTML:
		return generated.ExportMimeTypeHTML
	case generated.ExportFormatFixedWidth:
		return generated.ExportMimeTypeText
	case generated.ExportFormatCSVMultipleFiles:
		return generated.ExportMimeTypeZip
	default:
		return generated.ExportMimeTypeCSVLatin1
	}
}

// extensionOf is the file name extension of a mime type.
func extensionOf(m generated.ExportMimeType) string {
	switch m {
	case generated.ExportMimeTypeExcel:
		return ".xls"
	case generated.ExportMimeTypeHTML:
		return ".html"
	case generated.ExportMimeTypeText:
		return ".txt"
	case generated.ExportMimeTypeZip:
		return ".zip"
	default:
		return ".csv"
	}
}

// fileNameOf derives a download file name from an export's name.
func fileNameOf(name string, m generated.ExportMimeType) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	base := strings.Trim(b.String(), "-.")
	if base == "" {
		base = "export"
	}
	return base + extensionOf(m)
}

// normalizeIdentities checks identities and fills in defaults.
func normalizeIdentities(in []Identity) ([]Identity, error) {
	out := make([]Identity, 0, len(in))
	seen := map[int]bool{}
	for _, id := range in {
		if id.ID <= 0 {
			return nil, fmt.Errorf("webadmittest: identity id %d: ids must be positive", id.ID)
		}
		if seen[id.ID] {
			return nil, fmt.Errorf("webadmittest: identity id %d given twice", id.ID)
		}
		seen[id.ID] = true
		if id.Type == "" {
			id.Type = generated.UserIdentityTypeAdmissionsUser
		}
		if !id.Type.Valid() {
			return nil, fmt.Errorf("webadmittest: identity %d: type %q is not in the spec", id.ID, id.Type)
		}
		if id.Cycle != "" && !cyclePattern.MatchString(id.Cycle) {
			return nil, fmt.Errorf("webadmittest: identity %d: cycle %q does not look like \"2014 - 2015\"", id.ID, id.Cycle)
		}
		out = append(out, id)
	}
	return out, nil
}

// normalizeExports checks exports against the identities and fills in
// defaults.
func normalizeExports(in []Export, identities []Identity) ([]Export, error) {
	known := map[int]bool{}
	for _, id := range identities {
		known[id.ID] = true
	}
	out := make([]Export, 0, len(in))
	seen, seenRuns := map[int]bool{}, map[int]bool{}
	for _, e := range in {
		if e.ID <= 0 {
			return nil, fmt.Errorf("webadmittest: export id %d: ids must be positive", e.ID)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("webadmittest: export id %d given twice", e.ID)
		}
		seen[e.ID] = true
		if !known[e.IdentityID] {
			return nil, fmt.Errorf("webadmittest: export %d belongs to identity %d, which is not configured (add it with WithIdentities)", e.ID, e.IdentityID)
		}
		if e.Name == "" {
			e.Name = fmt.Sprintf("Export %d", e.ID)
		}
		if e.Format == "" {
			e.Format = generated.ExportFormatCSV
		}
		if !e.Format.Valid() {
			return nil, fmt.Errorf("webadmittest: export %d: format %q is not in the spec", e.ID, e.Format)
		}
		if e.MimeType == "" {
			e.MimeType = mimeTypeOf(e.Format)
		}
		if !e.MimeType.Valid() {
			return nil, fmt.Errorf("webadmittest: export %d: mime type %q is not in the spec", e.ID, e.MimeType)
		}
		if e.ListType != nil && !e.ListType.Valid() {
			return nil, fmt.Errorf("webadmittest: export %d: list type %q is not in the spec", e.ID, *e.ListType)
		}
		if e.Content == nil && e.Size < 0 {
			return nil, fmt.Errorf("webadmittest: export %d: negative size %d", e.ID, e.Size)
		}
		if e.Content != nil {
			e.Content = bytes.Clone(e.Content) // the caller may reuse its slice
			e.Size = int64(len(e.Content))
		}
		if e.FileName == "" {
			e.FileName = fileNameOf(e.Name, e.MimeType)
		}
		if e.FileName != path.Base(e.FileName) || strings.ContainsAny(e.FileName, "\"\r\n") {
			return nil, fmt.Errorf("webadmittest: export %d: file name %q must be a plain name", e.ID, e.FileName)
		}
		tl, err := normalizeTimeline(e.Timeline)
		if err != nil {
			return nil, fmt.Errorf("webadmittest: export %d: %w", e.ID, err)
		}
		e.Timeline = tl
		for _, id := range e.FinishedRuns {
			if id <= 0 || seenRuns[id] {
				return nil, fmt.Errorf("webadmittest: export %d: finished run id %d must be positive and unique", e.ID, id)
			}
			seenRuns[id] = true
		}
		e.FinishedRuns = slices.Clone(e.FinishedRuns)
		out = append(out, e)
	}
	return out, nil
}

// normalizeTimeline checks a timeline and spells its outcome in Title Case
// (Available when empty).
func normalizeTimeline(tl Timeline) (Timeline, error) {
	if tl.Initializing < 0 || tl.Queued < 0 || tl.InProgress < 0 {
		return tl, fmt.Errorf("negative timeline duration")
	}
	if tl.Outcome == "" {
		tl.Outcome = generated.ExportFileStatusAvailable
	}
	outcome, ok := titleCase(tl.Outcome)
	if !ok || !isTerminal(outcome) {
		return tl, fmt.Errorf("outcome %q is not a terminal status (Available, Success With Errors, Empty List, Failed)", tl.Outcome)
	}
	tl.Outcome = outcome
	return tl, nil
}

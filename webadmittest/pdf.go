package webadmittest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// PDFTemplate is a PDF Manager template and what its batches produce.
type PDFTemplate struct {
	// ID of the template (> 0, unique).
	ID int
	// IdentityID is the id of the identity that owns the template.
	IdentityID int
	// Name, e.g. "Accepted Offers for Review"; empty means "Template <id>".
	Name string
	// ListName is the list the template runs on; empty means "All Applicants".
	ListName string
	// DocumentSource is what the template collects; empty means "Full
	// Application PDF".
	DocumentSource string
	// ZipFiles are the zip files every batch of the template produces, in
	// download_hrefs order. Nil means one small generated zip of PDFs.
	ZipFiles [][]byte
	// Timeline of every batch: Initializing, Queued, In Progress, then the
	// outcome (Available, Success With Errors, Empty List or Failed, either
	// spelling), sent in the snake_case the docs give batch states.
	// Available and Success With Errors batches have zip files.
	Timeline Timeline
	// FinishedBatches are batches of the template that have already ended,
	// with the Timeline's outcome, when the server starts; new batches and
	// zip files skip their ids.
	FinishedBatches []FinishedPDFBatch
}

// FinishedPDFBatch is a PDF Manager batch that exists, finished, from the
// moment the server starts (see [PDFTemplate.FinishedBatches]).
type FinishedPDFBatch struct {
	// ID of the batch (> 0, unique among all finished batches).
	ID int
	// ZipFileIDs are the ids of its zip files, one for each of the
	// template's ZipFiles, in order (> 0, unique among all finished
	// batches).
	ZipFileIDs []int
}

// firstPDFBatchID and firstZipFileID are the docs' example ids; later ones
// count up.
const (
	firstPDFBatchID = 42
	firstZipFileID  = 2
)

// normalizePDFTemplates checks templates against the identities and fills
// in defaults.
func normalizePDFTemplates(in []PDFTemplate, identities []Identity) ([]PDFTemplate, error) {
	known := map[int]bool{}
	for _, id := range identities {
		known[id.ID] = true
	}
	out := make([]PDFTemplate, 0, len(in))
	seen, seenBatches, seenZips := map[int]bool{}, map[int]bool{}, map[int]bool{}
	for _, t := range in {
		if t.ID <= 0 || seen[t.ID] {
			return nil, fmt.Errorf("webadmittest: PDF template id %d must be positive and unique", t.ID)
		}
		seen[t.ID] = true
		if !known[t.IdentityID] {
			return nil, fmt.Errorf("webadmittest: PDF template %d belongs to identity %d, which is not configured", t.ID, t.IdentityID)
		}
		if t.Name == "" {
			t.Name = fmt.Sprintf("Template %d", t.ID)
		}
		if t.ListName == "" {
			t.ListName = "All Applicants"
		}
		if t.DocumentSource == "" {
			t.DocumentSource = "Full Application PDF"
		}
		if t.ZipFiles == nil {
			t.ZipFiles = [][]byte{pdfZip(t.Name, 1)}
		}
		zips := make([][]byte, len(t.ZipFiles))
		for i, z := range t.ZipFiles {
			zips[i] = bytes.Clone(z)
		}
		t.ZipFiles = zips
		tl, err := normalizeTimeline(t.Timeline)
		if err != nil {
			return nil, fmt.Errorf("webadmittest: PDF template %d: %w", t.ID, err)
		}
		t.Timeline = tl
		finished := make([]FinishedPDFBatch, 0, len(t.FinishedBatches))
		for _, b := range t.FinishedBatches {
			if b.ID <= 0 || seenBatches[b.ID] {
				return nil, fmt.Errorf("webadmittest: PDF template %d: finished batch id %d must be positive and unique", t.ID, b.ID)
			}
			seenBatches[b.ID] = true
			if len(b.ZipFileIDs) != len(t.ZipFiles) {
				return nil, fmt.Errorf("webadmittest: PDF template %d: finished batch %d has %d zip file ids for %d zip files", t.ID, b.ID, len(b.ZipFileIDs), len(t.ZipFiles))
			}
			for _, z := range b.ZipFileIDs {
				if z <= 0 || seenZips[z] {
					return nil, fmt.Errorf("webadmittest: PDF template %d: finished batch %d: zip file id %d must be positive and unique", t.ID, b.ID, z)
				}
				seenZips[z] = true
			}
			finished = append(finished, FinishedPDFBatch{ID: b.ID, ZipFileIDs: slices.Clone(b.ZipFileIDs)})
		}
		t.FinishedBatches = finished
		out = append(out, t)
	}
	return out, nil
}

// pdfBatch is one run of a PDF Manager template. Like an export run, its
// state follows from its start time and the template's Timeline.
type pdfBatch struct {
	id       int
	template *PDFTemplate
	started  time.Time
	zips     []*zipFile
	// callbacks are the URLs notified when the batch ends; guarded by
	// pdfStore.mu.
	callbacks []string
}

// zipFile is one zip of a batch, served by the object store.
type zipFile struct {
	id      int
	batch   *pdfBatch
	key     string
	name    string
	content content
}

// stateAt is the batch's Title Case status at now.
func (b *pdfBatch) stateAt(now time.Time) generated.ExportFileStatus {
	return b.template.Timeline.statusAfter(now.Sub(b.started))
}

// changedAt is when the batch last changed state, at or before now.
func (b *pdfBatch) changedAt(now time.Time) time.Time {
	tl := b.template.Timeline
	at := b.started
	for _, d := range []time.Duration{tl.Initializing, tl.Queued, tl.InProgress} {
		next := at.Add(d)
		if next.After(now) {
			break
		}
		at = next
	}
	return at
}

func (b *pdfBatch) endsAt() time.Time { return b.started.Add(b.template.Timeline.total()) }

// pdfState spells a Title Case status as a PDF Manager batch state.
func pdfState(s generated.ExportFileStatus) generated.PdfManagerBatchState {
	return generated.PdfManagerBatchState(snakeOf[s])
}

// pdfStore holds the batches and zip files of a server.
type pdfStore struct {
	mu         sync.Mutex
	nextBatch  int
	nextZip    int
	batches    []*pdfBatch // oldest first
	byID       map[int]*pdfBatch
	zipByID    map[int]*zipFile
	zipByKey   map[string]*zipFile
	latest     map[int]*pdfBatch // by template id
	zipContent map[int][]content // template id → one content per zip
	timers     []*time.Timer     // callback timers
}

func newPDFStore(templates []PDFTemplate) *pdfStore {
	ps := &pdfStore{
		nextBatch: firstPDFBatchID, nextZip: firstZipFileID,
		byID: map[int]*pdfBatch{}, zipByID: map[int]*zipFile{}, zipByKey: map[string]*zipFile{},
		latest: map[int]*pdfBatch{}, zipContent: map[int][]content{},
	}
	for _, t := range templates {
		for i, z := range t.ZipFiles {
			ps.zipContent[t.ID] = append(ps.zipContent[t.ID], contentOf(&Export{ID: t.ID*1000 + i, Content: z}))
		}
	}
	return ps
}

// start returns the template's batch still running at now, or starts one
// (the service's guard against duplicate runs). New ids skip those of
// finished batches and their zip files.
func (ps *pdfStore) start(t *PDFTemplate, now time.Time, key func(zipID int) string) (b *pdfBatch, created bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if cur := ps.latest[t.ID]; cur != nil && !isTerminal(cur.stateAt(now)) {
		return cur, false
	}
	ps.nextBatch = nextFreeID(ps.nextBatch, ps.byID)
	id := ps.nextBatch
	ps.nextBatch++
	zipIDs := make([]int, len(ps.zipContent[t.ID]))
	for i := range zipIDs {
		ps.nextZip = nextFreeID(ps.nextZip, ps.zipByID)
		zipIDs[i] = ps.nextZip
		ps.nextZip++
	}
	return ps.add(t, id, now, zipIDs, key), true
}

// add records a batch of t with the given ids. Call with ps.mu held.
func (ps *pdfStore) add(t *PDFTemplate, id int, started time.Time, zipIDs []int, key func(zipID int) string) *pdfBatch {
	b := &pdfBatch{id: id, template: t, started: started}
	base := strings.TrimSuffix(fileNameOf(t.Name, generated.ExportMimeTypeZip), ".zip")
	for i, c := range ps.zipContent[t.ID] {
		z := &zipFile{id: zipIDs[i], batch: b, key: key(zipIDs[i]), content: c,
			name: fmt.Sprintf("%s-%d-%d.zip", base, b.id, i+1)}
		b.zips = append(b.zips, z)
		ps.zipByID[z.id] = z
		ps.zipByKey[z.key] = z
	}
	ps.batches = append(ps.batches, b)
	ps.byID[b.id] = b
	ps.latest[t.ID] = b
	return b
}

func (ps *pdfStore) get(id int) *pdfBatch {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.byID[id]
}

func (ps *pdfStore) zip(id int) *zipFile {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.zipByID[id]
}

func (ps *pdfStore) zipAt(key string) *zipFile {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.zipByKey[key]
}

// list returns the identity's batches, newest first.
func (ps *pdfStore) list(identityID int) []*pdfBatch {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var out []*pdfBatch
	for _, b := range slices.Backward(ps.batches) {
		if b.template.IdentityID == identityID {
			out = append(out, b)
		}
	}
	return out
}

// stopTimers stops every callback timer that has not fired.
func (ps *pdfStore) stopTimers() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, t := range ps.timers {
		t.Stop()
	}
}

// zipObjectKey names a zip file on the store.
func (p *presigner) zipObjectKey(id int) string {
	return fmt.Sprintf("pdf_manager_zip_files/%03d/%03d/%03d/%s_original.zip",
		id/1_000_000%1000, id/1000%1000, id%1000, fmt.Sprintf("%x", p.mac("zip", fmt.Sprint(id)))[:32])
}

package webadmittest

import "time"

// finishedAgo is how long before the server starts its finished runs and
// batches ended.
const finishedAgo = time.Minute

// seedFinished records the finished runs of every export and the finished
// batches of every template, all ended finishedAgo before now.
func (s *Server) seedFinished(now time.Time) {
	end := now.Add(-finishedAgo)
	s.runs.mu.Lock()
	for i := range s.exports {
		e := &s.exports[i]
		for _, id := range e.FinishedRuns {
			s.runs.add(e, id, end.Add(-e.Timeline.total()), func(id int) string {
				return s.signer.objectKey(id, extensionOf(e.MimeType))
			})
		}
	}
	s.runs.mu.Unlock()

	s.pdf.mu.Lock()
	defer s.pdf.mu.Unlock()
	for i := range s.pdfTemplates {
		t := &s.pdfTemplates[i]
		for _, b := range t.FinishedBatches {
			s.pdf.add(t, b.ID, end.Add(-t.Timeline.total()), b.ZipFileIDs, s.signer.zipObjectKey)
		}
	}
}

// nextFreeID returns the first id from next on that taken does not hold.
func nextFreeID[V any](next int, taken map[int]V) int {
	for {
		if _, ok := taken[next]; !ok {
			return next
		}
		next++
	}
}

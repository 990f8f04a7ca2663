// Package wrapper is the thin layer over package generated that a
// registrar's office can run every night unattended: handles on WebAdMIT's
// long jobs that poll with backoff and download the short-lived file at
// once, and one mapping from error answers to typed errors.
//
// # Jobs
//
// An export run, a PDF Manager batch and a v2 batch are each a handle, in
// the manner of a long-running operation:
//
//	c, err := wrapper.New(os.Getenv("WEBADMIT_API_KEY"))
//	run, err := c.StartExport(ctx, identityID, exportID) // or c.ExportRun(exportID, runID)
//	_, err = run.Wait(ctx)                                // *JobError if Failed or Empty List
//	res, err := run.Download(ctx, wrapper.ToFile("/srv/exports/nightly.csv", wrapper.FileOptions{}))
//
// RunExport is those three calls in one, within one wait budget;
// StartPDFBatch (RunPDFBatch) and StartDesignationBatch or
// StartCustomFieldAnswerBatch work the same way. Wait spaces status calls by
// a PollPolicy; transient failures are retried, honouring Retry-After;
// every sleep and API call fits in PollPolicy.MaxWait (ErrTimeout). Both
// spellings of the statuses normalise to Status. A RateBudget keeps a key
// within its hourly calls; CallbackHandler lets WebAdMIT's callbacks wake
// the waiters.
//
// # Downloads
//
// Files stream in constant memory through a client that never sends the
// API key, with the store's bytes kept as stored. A cut, an expired URL or
// a stall is resumed with a fresh URL, held to the first answer's ETag and
// size; only a confirmed end is success. ToFile writes atomically (mode
// 0600, nothing left on failure), ToDir and ExtractZipFilesTo extract zip
// files safely, and a PDF batch is all or nothing.
//
// # Errors
//
// CheckResponse maps an answer to *APIError, *NotFoundError or
// *RateLimitError; match them and the outcomes of jobs with errors.Is
// against the Err sentinels. No error or log line holds the key or a
// pre-signed URL's query. The README of the module has the whole story.
package wrapper

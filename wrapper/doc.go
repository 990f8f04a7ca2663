// Package wrapper is the thin, hand-written layer over package generated
// that a registrar's office can run every night without babysitting: it
// starts an export run, waits for it with backoff, maps every error answer
// to a typed error, and downloads the short-lived file at once.
//
// # Running an export
//
//	c, err := wrapper.New(os.Getenv("WEBADMIT_API_KEY"))
//	res, err := c.RunExport(ctx, identityID, exportID,
//		wrapper.ToFile("/srv/exports/nightly.csv", wrapper.FileOptions{}))
//
// RunExport is Initiate (the API returns the run already going, if any),
// Wait and Download in one call. Attach waits for and downloads a run started
// elsewhere; Download fetches a finished run's file without waiting. Progress
// is reported through OnProgress; the Result carries the run's ids, status,
// size, SHA-256 and the number of status calls.
//
// # Waiting
//
// Status calls are spaced by a PollPolicy (exponential backoff with jitter
// between MinDelay and MaxDelay, for at most MaxWait; then ErrTimeout). Both
// spellings of the statuses ("In Progress", "in_progress") normalise to
// Status; unknown values are kept, logged once and waited through.
// Connection errors, 5xx and 429 answers are retried within the budget
// (honouring Retry-After); other 4xx answers end the call. A RateBudget,
// shareable among clients, spaces calls to stay within the key's hourly
// budget and slows down as X-RateLimit-Remaining runs low. Optionally
// CallbackHandler receives WebAdMIT's callback and wakes the waiter, which
// confirms the status through the API.
//
// # PDF Manager batches
//
//	res, err := c.RunPDFBatch(ctx, identityID, templateID,
//		wrapper.ZipFilesToDir("/srv/pdfs", wrapper.FileOptions{}))
//
// RunPDFBatch starts a batch of a PDF Manager template (or joins the one
// running), waits on its state with the same waiter as exports (states in
// snake_case normalise to Status), then downloads each zip file its
// download_hrefs list. The API answers a zip download with a 302 to the
// object store: the client reads the redirect instead of following it and
// fetches the Location with the download client, so the key never reaches
// the store; an expired Location or a cut connection is resumed with a fresh
// redirect and Range, by the same transfer as export files. ZipFilesToDir
// keeps the zip files (atomic, 0600), ExtractZipFilesTo unpacks them
// safely; a batch is all or nothing. A batch that ends failed or empty_list
// is a *PDFBatchError (ErrPDFBatchFailed, ErrEmptyList).
// PDFCallbackHandler receives the batch's https callback.
//
// # v2 batches
//
// RunDesignationBatch and RunCustomFieldAnswerBatch POST a batch of changes
// for many applicants of a program, wait for its status to be final and
// return its per-item results (Batch). Success With Errors is not an error
// (Batch.ItemErrors counts the items not applied); Failed is a *BatchError
// (ErrBatchFailed). The POST is retried only when it certainly did not reach
// the API, since a batch sent twice is scheduled twice.
//
// # Errors
//
// CheckResponse is the one mapping from an answer to an error: *APIError
// (status, the API's message or a scrubbed snippet of an HTML page, the
// request line without query string), *NotFoundError (with the kind of
// resource the message names) and *RateLimitError (with Retry-After). Match
// them with errors.Is against ErrUnauthorized, ErrNotFound, ErrRateLimited;
// a run's outcome with ErrExportFailed and ErrEmptyList; downloads with
// ErrURLExpired, ErrIncomplete and ErrChanged.
//
// # Downloads
//
// The file streams in constant memory through a separate HTTP client that
// never sends the API key (the API client also strips it from redirects to
// other hosts). An expired URL or a dropped connection is resumed with a
// fresh URL and a Range request from the last byte written, checking that
// the object is unchanged; a short body is an error, never a short file.
// ToFile writes atomically (temporary file, fsync, rename, mode 0600) and
// leaves nothing behind on failure or cancellation; ToDir extracts a zip
// export safely. TranscodeToUTF8 converts Latin-1 files while they stream.
//
// # Secrets
//
// The API key and the query string of download URLs (a credential) appear
// in no error string and no log line. Logging is silent unless WithLogger is
// given.
package wrapper

package wrapper

import (
	"io"
	"net/http"
	"net/url"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// Callback is the form WebAdMIT POSTs to an export run's callback URL when
// the run ends. It is a hint, not proof: the waiter it wakes confirms the
// status through the API.
type Callback struct {
	ExportFileID int    // export_file[id]
	ExportID     int    // export_file[export_id]
	Status       Status // export_file[status], normalised
}

// maxCallbackBody bounds a callback's body.
const maxCallbackBody = 64 << 10

// ParseCallbackForm reads the callback fields from a parsed form.
func ParseCallbackForm(form url.Values) (Callback, error) {
	id, exportID, status, err := answer.CallbackForm(form)
	return Callback{ExportFileID: id, ExportID: exportID, Status: ParseStatus(status)}, prefixed(err)
}

// CallbackHandler returns an http.Handler for the POSTs WebAdMIT sends to a
// job's callback URL (see CallbackURL) when the job ends: an export run's
// form, or a PDF Manager batch as JSON. A valid body wakes the waiters of
// that job at once; they confirm its status through the API and otherwise
// keep polling. It answers 204 to a valid body (even for a job nobody waits
// for), 400 to an invalid one and 405 to other methods.
func (c *Client) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		if err == nil {
			err = c.wake(body)
		}
		if err != nil {
			c.log.Info("webadmit: invalid callback refused", "err", err.Error())
			http.Error(w, "bad callback body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// wake wakes the waiters of the job a callback's body names.
func (c *Client) wake(body []byte) error {
	pdf, id, parent, status, err := answer.Callback(body)
	if err != nil {
		return err
	}
	kind := exportJobs
	if pdf {
		kind = pdfJobs
	}
	woken := c.hub.Notify(kind, id, parent)
	c.log.Info("webadmit: callback received", "pdf_manager_batch", pdf, "id", id, "parent_id", parent,
		"status", redact.Snippet([]byte(status), 60), "waiters_woken", woken)
	return nil
}

// jobKind tells apart the jobs a callback can name.
type jobKind = int

const (
	noCallbacks jobKind = iota // v2 batches: WebAdMIT calls no one back
	exportJobs
	pdfJobs
)

package wrapper

import (
	"net/http"
	"net/url"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
)

// Callback is the form WebAdMIT POSTs to an export run's callback URL when
// the run ends. It is a hint, not proof: the waiter it wakes confirms the
// status through the API.
type Callback struct {
	ExportFileID int    // export_file[id]
	ExportID     int    // export_file[export_id]
	Status       Status // export_file[status], normalised
}

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
	return answer.CallbackHandler(c.log, func(pdf bool, id, parent int) int {
		if pdf {
			return c.hub.Notify(pdfJobs, id, parent)
		}
		return c.hub.Notify(exportJobs, id, parent)
	})
}

// jobKind tells apart the jobs a callback can name.
type jobKind = int

const (
	noCallbacks jobKind = iota // v2 batches: WebAdMIT calls no one back
	exportJobs
	pdfJobs
)

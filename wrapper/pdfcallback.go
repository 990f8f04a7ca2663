package wrapper

import (
	"encoding/json"
	"net/http"

	"github.com/webadmit-go/webadmit/generated"
)

// PDFCallbackHandler returns an http.Handler for the POST WebAdMIT sends to
// a PDF Manager batch's callback URL when the batch ends (pass the URL,
// which must be https, with the CallbackURL option): the batch as JSON, as
// getPdfManagerBatch returns it. A valid body wakes the waiters of that
// batch at once; they confirm the state through the API and otherwise keep
// polling. It answers 204 to a valid body (even for a batch nobody waits
// for), 400 to an invalid one and 405 to other methods.
func (c *Client) PDFCallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptCallback(w, r) {
			return
		}
		// Only the id and state are read: the waiter gets the rest from the API.
		var env struct {
			PdfManagerBatch struct {
				Id    int                            `json:"id"`
				State generated.PdfManagerBatchState `json:"state"`
			} `json:"pdf_manager_batch"`
		}
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil || env.PdfManagerBatch.Id <= 0 {
			c.log.Info("webadmit: invalid PDF Manager callback refused")
			http.Error(w, "bad callback body", http.StatusBadRequest)
			return
		}
		b := env.PdfManagerBatch
		woken := c.pdfHub.notify(0, b.Id)
		c.log.Info("webadmit: PDF Manager callback received", "pdf_manager_batch_id", b.Id,
			"state", snippet([]byte(b.State), 60), "waiters_woken", woken)
		w.WriteHeader(http.StatusNoContent)
	})
}

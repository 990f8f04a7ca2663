package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/webadmit-go/webadmit/generated"
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
	var cb Callback
	id, err := positiveInt(form.Get("export_file[id]"))
	if err != nil {
		return cb, prefixed(fmt.Errorf("callback: export_file[id]: %w", err))
	}
	cb.ExportFileID = id
	if v := form.Get("export_file[export_id]"); v != "" {
		if cb.ExportID, err = positiveInt(v); err != nil {
			return cb, prefixed(fmt.Errorf("callback: export_file[export_id]: %w", err))
		}
	}
	cb.Status = ParseStatus(form.Get("export_file[status]"))
	return cb, nil
}

func positiveInt(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, errors.New("missing")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, errors.New("not a positive integer")
	}
	return n, nil
}

// CallbackHandler returns an http.Handler for the POSTs WebAdMIT sends to a
// job's callback URL (see CallbackURL) when the job ends: an export run's
// form (application/x-www-form-urlencoded) or a PDF Manager batch as JSON
// (told apart by the body).
// A valid body wakes the waiters of that job at once; they confirm its
// status through the API and otherwise keep polling. It answers 204 to a
// valid body (even for a job nobody waits for), 400 to an invalid one and
// 405 to other methods.
func (c *Client) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		ok := false
		switch {
		case err != nil:
		case bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")): // a PDF Manager batch, as JSON
			ok = c.pdfCallback(body)
		default:
			ok = c.exportCallback(body)
		}
		if !ok {
			http.Error(w, "bad callback body", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (c *Client) exportCallback(body []byte) bool {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return false
	}
	cb, err := ParseCallbackForm(form)
	if err != nil {
		c.log.Info("webadmit: invalid callback refused", "err", err.Error())
		return false
	}
	woken := c.hub.Notify(exportJobs, cb.ExportFileID, cb.ExportID)
	c.log.Info("webadmit: callback received", "export_id", cb.ExportID, "export_file_id", cb.ExportFileID,
		"status", redact.Snippet([]byte(cb.Status), 60), "waiters_woken", woken)
	return true
}

func (c *Client) pdfCallback(body []byte) bool {
	// Only the id and state are read: the waiter gets the rest from the API.
	var env struct {
		PdfManagerBatch struct {
			Id    int                            `json:"id"`
			State generated.PdfManagerBatchState `json:"state"`
		} `json:"pdf_manager_batch"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.PdfManagerBatch.Id <= 0 {
		c.log.Info("webadmit: invalid PDF Manager callback refused")
		return false
	}
	b := env.PdfManagerBatch
	woken := c.hub.Notify(pdfJobs, b.Id, 0)
	c.log.Info("webadmit: PDF Manager callback received", "pdf_manager_batch_id", b.Id,
		"state", redact.Snippet([]byte(b.State), 60), "waiters_woken", woken)
	return true
}

// jobKind tells apart the jobs a callback can name.
type jobKind = int

const (
	noCallbacks jobKind = iota // v2 batches: WebAdMIT calls no one back
	exportJobs
	pdfJobs
)

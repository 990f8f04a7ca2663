package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Callback is the form WebAdMIT POSTs to a run's callback URL when the run
// ends. It is a hint, not proof: the waiter it wakes confirms the status
// through the API.
type Callback struct {
	ExportFileID int    // export_file[id]
	ExportID     int    // export_file[export_id]
	Status       Status // export_file[status], normalised
}

// maxCallbackBody bounds the callback form.
const maxCallbackBody = 64 << 10

// ParseCallbackForm reads the callback fields from a parsed form.
func ParseCallbackForm(form url.Values) (Callback, error) {
	var cb Callback
	id, err := positiveInt(form.Get("export_file[id]"))
	if err != nil {
		return cb, fmt.Errorf("webadmit: callback: export_file[id]: %w", err)
	}
	cb.ExportFileID = id
	if v := form.Get("export_file[export_id]"); v != "" {
		if cb.ExportID, err = positiveInt(v); err != nil {
			return cb, fmt.Errorf("webadmit: callback: export_file[export_id]: %w", err)
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

// CallbackHandler returns an http.Handler for WebAdMIT's callback POSTs
// (pass its URL with the CallbackURL option). A valid form wakes the
// waiters of that run at once; they confirm the status through the API and
// otherwise keep polling. It answers 204 to a valid form (even for a run
// nobody waits for), 400 to an invalid one and 405 to other methods.
func (c *Client) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !acceptCallback(w, r) {
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad callback form", http.StatusBadRequest)
			return
		}
		cb, err := ParseCallbackForm(r.PostForm)
		if err != nil {
			c.log.Info("webadmit: invalid callback refused", "err", err.Error())
			http.Error(w, "bad callback form", http.StatusBadRequest)
			return
		}
		woken := c.hub.notify(cb.ExportID, cb.ExportFileID)
		c.log.Info("webadmit: callback received", "export_id", cb.ExportID, "export_file_id", cb.ExportFileID,
			"status", snippet([]byte(cb.Status), 60), "waiters_woken", woken)
		w.WriteHeader(http.StatusNoContent)
	})
}

// callbackHub routes callbacks to the waiters of a run.
type callbackHub struct {
	mu      sync.Mutex
	waiters map[int]map[*waiter]struct{} // by export file id
}

type waiter struct {
	exportID int
	ch       chan struct{}
}

func newCallbackHub() *callbackHub {
	return &callbackHub{waiters: make(map[int]map[*waiter]struct{})}
}

// subscribe registers interest in a run; the channel receives (without
// blocking the sender) when a callback for it arrives.
func (h *callbackHub) subscribe(exportID, exportFileID int) (<-chan struct{}, func()) {
	w := &waiter{exportID: exportID, ch: make(chan struct{}, 1)}
	h.mu.Lock()
	set := h.waiters[exportFileID]
	if set == nil {
		set = make(map[*waiter]struct{})
		h.waiters[exportFileID] = set
	}
	set[w] = struct{}{}
	h.mu.Unlock()
	return w.ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.waiters[exportFileID], w)
		if len(h.waiters[exportFileID]) == 0 {
			delete(h.waiters, exportFileID)
		}
	}
}

// notify wakes the waiters of a run (of any export when exportID is 0) and
// reports how many it woke.
func (h *callbackHub) notify(exportID, exportFileID int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for w := range h.waiters[exportFileID] {
		if exportID != 0 && w.exportID != exportID {
			continue
		}
		select {
		case w.ch <- struct{}{}:
		default:
		}
		n++
	}
	return n
}

// acceptCallback answers 405 to anything but a POST and bounds the body of
// a POST; it reports whether the handler should go on.
func acceptCallback(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCallbackBody)
	return true
}

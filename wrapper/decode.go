package wrapper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/redact"
)

// sameJob checks that an answer describes the job asked about (want; 0:
// any): one about another is retried as a malformed answer is.
func (c *Client) sameJob(resp *http.Response, noun string, got, want int) error {
	if want == 0 || got == want {
		return nil
	}
	return decodeError(resp, nil, fmt.Errorf("%w: it describes %s %d, not %s %d", answer.ErrUnexpected, noun, got, noun, want), c.key)
}

// decodeAnswer maps resp to an error, or decodes its JSON body into a T
// that valid accepts. A 2xx answer other than 200 or want, a body that is
// not JSON and one that lacks what valid checks are *APIError values saying
// so. It reads and closes the body.
func decodeAnswer[T any](c *Client, resp *http.Response, want int, valid func(*T) bool) (*T, error) {
	body, rerr := answer.ReadBody(resp)
	if rerr != nil {
		if errors.Is(rerr, answer.ErrTooLarge) {
			return nil, decodeError(resp, nil, rerr, c.key)
		}
		return nil, fmt.Errorf("reading the answer to %s %s: %w", resp.Request.Method, redact.ParsedURL(resp.Request.URL), redact.Error(rerr))
	}
	if err := checkResponse(resp, body, c.clock.Now(), c.key); err != nil {
		return nil, err
	}
	if resp.StatusCode != want && resp.StatusCode != http.StatusOK {
		return nil, decodeError(resp, body, fmt.Errorf("unexpected status %d", resp.StatusCode), c.key)
	}
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, decodeError(resp, body, err, c.key)
	}
	if !valid(v) {
		return nil, decodeError(resp, body, nil, c.key)
	}
	return v, nil
}

// warnUnknown logs an unknown status of a kind of job once per client (for
// at most 64 of them: the values come from the server).
func (c *Client) warnUnknown(noun string, s Status) {
	if !s.Known() && c.unknownSeen.First([2]string{noun, string(s)}) {
		c.log.Warn("webadmit: unknown "+noun+" status, treated as not finished", "status", redact.Snippet([]byte(s), 60))
	}
}

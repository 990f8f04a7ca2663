package wrapper

import (
	"errors"
	"net/http"
	"time"

	"github.com/webadmit-go/webadmit/wrapper/internal/answer"
	"github.com/webadmit-go/webadmit/wrapper/internal/transfer"
	"github.com/webadmit-go/webadmit/wrapper/internal/wait"
)

// isTransient reports whether err is worth retrying: connection failures,
// 408, 429 and 5xx answers, 2xx answers whose body is not the documented
// JSON (a proxy's page, say), and bodies cut short. Other 4xx answers, TLS
// verification failures, refused redirects and a host name that does not
// resolve (a settings error) are not. Callers check their context first.
func isTransient(err error) bool {
	if err == nil || errors.Is(err, ErrTimeout) || errors.Is(err, answer.ErrTooLarge) {
		return false
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == http.StatusRequestTimeout ||
			(ae.StatusCode >= 200 && ae.StatusCode < 300)
	}
	if errors.Is(err, transfer.ErrRedirectRefused) {
		return false
	}
	if errors.Is(err, ErrIncomplete) {
		return true
	}
	t, _ := wait.Transient(err)
	return t
}

// retryAfter is the wait a 429 asked for, or 0.
func retryAfter(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}

// fail gives an error leaving a public method its prefix, removes secrets
// from it and logs it at debug level.
func (c *Client) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	err = prefixed(err, c.key)
	c.log.Debug("webadmit: operation failed", "op", op, "err", err.Error())
	return err
}

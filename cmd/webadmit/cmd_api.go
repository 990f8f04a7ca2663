package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/internal/secureurl"
	"github.com/webadmit-go/webadmit/wrapper"
)

// apiFlags are the flags of 'webadmit api'.
type apiFlags struct {
	method   string
	input    string
	raw      []string // -f
	typed    []string // -F
	include  bool
	outFile  string
	download bool
	force    bool
	showURL  bool
}

func (a *app) apiCommand() *cobra.Command {
	var f apiFlags
	cmd := &cobra.Command{
		Use:   "api [-X METHOD] PATH [-f key=value]... [-F key=value]... [--input FILE|-] [-i] [-o FILE|- [--download] [--force]] [--show-url]",
		Short: "Call any path of the API with the key and print the answer",
		Long: `api calls one path of the API, in the manner of 'gh api', and prints the answer's body: JSON
pretty-printed on a terminal, as received otherwise. The key goes to the API's host only, and
the call draws on the key's rate budget like any other.

PATH is relative to the base URL (/api/v1/user_identities or api/v1/user_identities, with a
query if need be), or a URL on the API's own host; a URL to any other host is refused.

-X sets the method: GET by default, POST when there is a body. -f key=value adds a string
field, -F key=value a typed one (true, false, null, numbers, @FILE for a file's contents, @-
for stdin's); keys nest: -F designation[decision_id]=43, -f ids[]=1, a[][key]=v. The fields
make a JSON object body, or query parameters for GET. --input FILE (or - for stdin) sends
FILE, which must be JSON, as the body; the fields then become query parameters.

An error answer (4xx, 5xx) exits as the other commands do (6 for the API's 401, else 1) with
one line on stderr; its body, when it is JSON, is still printed on stdout, for jq.

Redirects are not followed. A redirect (the PDF Manager zip download answers 302 to the
object store) prints its Location with the query, a credential valid for under 30 seconds,
shown as REDACTED unless --show-url; --download -o FILE fetches it with a plain client that
never carries the key (https only, or http to loopback), writing FILE atomically with mode
0600. -o FILE without --download writes the body itself to FILE the same way.

  webadmit --sandbox api /api/v1/user_identities
  webadmit --sandbox api -X PATCH /api/v1/user_identities/42/programs/42023191739237/applicants_by_cas_id/1000002/designation -F designation[decision_id]=43
  webadmit --sandbox api /api/v1/user_identities/42/pdf_manager_zip_files/901/download --download -o batch.zip`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("give one PATH, such as /api/v1/user_identities (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return a.callAPI(cmd, &f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.method, "method", "X", "GET", "HTTP method (GET, or POST when there is a body)")
	fl.StringArrayVarP(&f.raw, "raw-field", "f", nil, "add a string field key=value (a query parameter for GET)")
	fl.StringArrayVarP(&f.typed, "field", "F", nil, "add a typed field key=value: true, false, null, a number, @FILE or @- (a query parameter for GET)")
	fl.StringVar(&f.input, "input", "", "send FILE (JSON; - for stdin) as the body")
	fl.BoolVarP(&f.include, "include", "i", false, "print the status line and headers before the body")
	fl.StringVarP(&f.outFile, "output-file", "o", "", "write the body (with --download, the redirect's target) to FILE atomically, mode 0600; - for stdout")
	fl.BoolVar(&f.download, "download", false, "on a redirect, fetch its target without the key (needs -o)")
	fl.BoolVar(&f.force, "force", false, "replace the file named by -o if it exists")
	fl.BoolVar(&f.showURL, "show-url", false, "show a redirect's Location in full (its query is a short-lived credential)")
	_ = cmd.RegisterFlagCompletionFunc("method", cobra.FixedCompletions(
		[]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

var httpToken = regexp.MustCompile(`^[A-Za-z]+$`)

// apiRequest is the call 'webadmit api' makes.
type apiRequest struct {
	method string
	url    *url.URL
	body   []byte // nil: none
}

// request builds the call from the flags, before anything is sent.
func (f *apiFlags) request(cmd *cobra.Command, base *url.URL, path string) (*apiRequest, error) {
	target, err := apiTarget(base, path)
	if err != nil {
		return nil, err
	}
	fields, err := parseFields(f.raw, f.typed, readFileOrStdin)
	if err != nil {
		return nil, err
	}
	r := &apiRequest{url: target}
	if f.input != "" {
		if r.body, err = readInput(f.input); err != nil {
			return nil, err
		}
	}
	r.method = "GET"
	if r.body != nil || len(fields) > 0 {
		r.method = "POST"
	}
	if cmd.Flags().Changed("method") {
		if !httpToken.MatchString(f.method) {
			return nil, usagef("-X %q is not an HTTP method such as GET, POST, PUT, PATCH or DELETE", f.method)
		}
		r.method = strings.ToUpper(f.method)
	}
	if len(fields) > 0 {
		if r.body != nil || r.method == http.MethodGet || r.method == http.MethodHead {
			q := target.Query()
			fieldsQuery(q, fields)
			target.RawQuery = q.Encode()
		} else {
			obj, err := fieldsObject(fields)
			if err != nil {
				return nil, err
			}
			if r.body, err = json.Marshal(obj); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// readInput reads --input: a file, or stdin for "-"; it must be JSON.
func readInput(name string) ([]byte, error) {
	b, err := readFileOrStdin(name)
	if err != nil {
		return nil, usageError{fmt.Errorf("--input: %w", err)}
	}
	if !json.Valid(b) {
		return nil, usagef("--input %s is not JSON: the API takes JSON bodies", name)
	}
	return b, nil
}

// callAPI makes the call and prints the answer.
func (a *app) callAPI(cmd *cobra.Command, f *apiFlags, path string) error {
	if f.download && f.outFile == "" {
		return usagef("--download needs -o FILE (or -o - for stdout)")
	}
	if a.api == nil {
		return errors.New("no API base URL")
	}
	r, err := f.request(cmd, a.api, path)
	if err != nil {
		return err
	}
	hc, err := a.apiDoer()
	if err != nil {
		return err
	}
	var out *outputFile
	if f.outFile != "" {
		if out, err = a.openOutput(f.outFile, f.force); err != nil {
			return err
		}
		defer out.close()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(wrapper.WithoutRedirects(cmd.Context()), r.method, r.url.String(), body)
	if err != nil {
		return usageError{err}
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	respBody, err := io.ReadAll(resp.Body) // bounded by the library's transport
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the answer to %s %s: %w", r.method, redactLocation(r.url), err)
	}
	if f.include {
		a.printHead(resp, f.showURL)
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
		return a.redirected(cmd, resp, f, out)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if out != nil {
			return a.writeOutput(out, bytes.NewReader(respBody), int64(len(respBody)))
		}
		return a.printBody(respBody)
	}
	if out == nil && json.Valid(respBody) {
		_ = a.printBody(respBody)
	}
	return a.client.CheckResponse(resp, respBody)
}

// redirected prints a redirect's Location, or with --download fetches it.
func (a *app) redirected(cmd *cobra.Command, resp *http.Response, f *apiFlags, out *outputFile) error {
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil { // the library's transport refuses these already
		return fmt.Errorf("the API answered %s with a Location that is not a URL", resp.Status)
	}
	shown := redactLocation(loc)
	if f.showURL {
		shown = loc.String()
	}
	switch {
	case f.download:
		return a.downloadRedirect(cmd, loc, out)
	case out != nil:
		return advised{fmt.Errorf("nothing was written to %s: the API answered %s, a redirect to %s", out.where(), resp.Status, redactLocation(loc)),
			"add --download to fetch it (the API key is never sent there)"}
	}
	if a.g.output == "json" {
		if err := a.print(struct {
			Status   int    `json:"status"`
			Location string `json:"location"`
		}{resp.StatusCode, shown}, table{}); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(a.stdout, termSafe(shown))
	}
	hint := "--download -o FILE fetches it without the API key"
	if !f.showURL && loc.RawQuery != "" {
		hint = "its query, a credential valid for under 30 s, is shown only with --show-url; " + hint
	}
	a.notef("the API answered %s, a redirect (not followed); %s", resp.Status, hint)
	return nil
}

// downloadRedirect fetches a redirect's target with the plain store client
// and writes it to out.
func (a *app) downloadRedirect(cmd *cobra.Command, loc *url.URL, out *outputFile) error {
	if err := secureurl.Check(loc); err != nil {
		return fmt.Errorf("download from %s: %w", redactLocation(loc), err)
	}
	hc := storeClient()
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, loc.String(), nil)
	if err != nil {
		return fmt.Errorf("download from %s: %w", redactLocation(loc), err)
	}
	req.Header.Set("User-Agent", "webadmit-cli")
	req.Header.Set("Accept-Encoding", "identity") // the bytes as stored
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text quotes the URL, signature included
		}
		return fmt.Errorf("download from %s: %w", redactLocation(loc), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return wrapper.CheckResponse(resp, snippet) // describe knows the store's answers by their host

	}
	return a.writeOutput(out, resp.Body, resp.ContentLength)
}

// writeOutput writes r to out and says so on stderr (and, with --output
// json, on stdout unless the bytes went there).
func (a *app) writeOutput(out *outputFile, r io.Reader, want int64) error {
	n, sum, err := out.write(r, want)
	if err != nil {
		return err
	}
	a.notef("wrote %s to %s (sha256 %s)", humanBytes(n), out.where(), sum)
	if a.g.output == "json" && !out.isStdout() {
		return a.print(writtenFile{Path: out.where(), Bytes: n, SHA256: sum}, table{})
	}
	return nil
}

// writtenFile is the JSON form of a file a command wrote.
type writtenFile struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// printBody prints an answer's body on stdout (see writeBody).
func (a *app) printBody(body []byte) error {
	return writeBody(a.stdout, body, isTerminal(a.stdout))
}

// writeBody writes an answer's body as received; on a terminal (tty), JSON
// pretty-printed, and any text without terminal controls, ending in a
// newline.
func writeBody(w io.Writer, body []byte, tty bool) error {
	if !tty {
		_, err := w.Write(body)
		return err
	}
	if json.Valid(body) {
		var buf bytes.Buffer
		if json.Indent(&buf, body, "", "  ") == nil {
			body = buf.Bytes()
		}
	}
	s := termSafeText(string(body))
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	_, err := io.WriteString(w, s)
	return err
}

// printHead prints the status line and headers (-i), a Location redacted
// unless --show-url.
func (a *app) printHead(resp *http.Response, showURL bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, resp.Status)
	for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
		for _, v := range resp.Header[k] {
			if k == "Location" && !showURL {
				v = redactText(v)
			}
			fmt.Fprintf(&b, "%s: %s\n", k, termSafe(v))
		}
	}
	b.WriteString("\n")
	_, _ = io.WriteString(a.stdout, b.String())
}

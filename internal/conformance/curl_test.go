package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webadmit-go/webadmit/generated"
	"github.com/webadmit-go/webadmit/internal/docpages"
	"github.com/webadmit-go/webadmit/webadmittest"
)

// docsAPIKey is the key every curl example of the docs sends; the sandbox
// of TestDocsCurlExamples accepts it.
const docsAPIKey = "0123456789abcdef0123456789abcdef"

// docsHost is the API host the curl examples call; the test replaces it
// with the sandbox's loopback URL.
const docsHost = "https://api.webadmit.org"

// demoID replaces one id of the docs' curl examples with one of the demo
// data (webadmittest.DemoData): a path placeholder (":program_id") or a
// key of the request body or form ("applicant_cas_id"). Page limits it to
// the examples of one page; "" is every page.
type demoID struct {
	name, page string
	value      any // string or int; a batch id is filled in at run time
}

// demoIDs is the one table of replacements. Ids the demo data has anyway
// (decision 43, template 2) are listed too, so that the table says which
// demo record each example acts on.
func demoIDs(designationBatch, answerBatch int) []demoID {
	return []demoID{
		{":user_identity_id", "", webadmittest.DemoIdentityID},
		{":export_id", "", webadmittest.DemoExportNightlyBanner},
		{":export_file_id", "", webadmittest.DemoRunNightlyBanner},
		{":program_id", "", webadmittest.DemoProgramEpidemiology},
		// 1000001 has a decision, no local status and an answer to every field.
		{":applicant_cas_id", "", "1000001"},
		{":custom_field_id", "custom_field_answer_boolean.md", webadmittest.DemoFieldScholarship},
		{":custom_field_id", "custom_field_answer_number.md", webadmittest.DemoFieldAgeAtAdmittance},
		{":custom_field_id", "custom_field_answer_date.md", webadmittest.DemoFieldLetterMailedOn},
		{":custom_field_id", "custom_field_answer_string.md", webadmittest.DemoFieldUniversityID},
		{":custom_field_id", "custom_field_answer_select.md", webadmittest.DemoFieldCampus},
		{":pdf_manager_template_id", "", webadmittest.DemoPDFTemplateAccepted},
		{":pdf_manager_batch_id", "", webadmittest.DemoPDFBatchAccepted},
		{":pdf_manager_zip_file_id", "", webadmittest.DemoPDFZipFileAccepted1},
		{":id", "batch_designations.md", designationBatch},
		{":id", "batch_custom_field_answers.md", answerBatch},
		// Bodies and forms.
		{"applicant_cas_id", "", "1000001"},
		{"decision_id", "", webadmittest.DemoDecisionMatriculated},
		{"pdf_manager_template_id", "", webadmittest.DemoPDFTemplateAccepted},
		{"custom_field_id", "batch_custom_field_answers.md", webadmittest.DemoFieldScholarship}, // the example's field_type is boolean
		{"id", "batch_designations.md", designationBatch},
		{"id", "batch_custom_field_answers.md", answerBatch},
		// Not an id: the docs' select option is one of their demo field's
		// ("Gryffindor"); the sandbox's select field offers Boston, Denver, Remote.
		{"value", "custom_field_answer_select.md", "Boston"},
	}
}

// lookup returns the demo value of name on page.
func lookup(ids []demoID, page, name string) (any, bool) {
	for _, pass := range []string{page, ""} { // page-specific rows first
		for _, id := range ids {
			if id.name == name && id.page == pass {
				return id.value, true
			}
		}
	}
	return nil, false
}

// TestDocsCurlExamples runs every curl example of the docs pages (pages/
// and seed/) with curl against the sandbox with its demo data: the host
// replaced by the sandbox's, path and body ids by demo ids from demoIDs,
// the v2 batches created first so the examples can read them. Each must
// succeed, and its answer must hold every field of the page's example
// answer (null ones included).
func TestDocsCurlExamples(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		skipOrFail(t, "curl not found: the docs' curl examples are run with it")
	}
	dir, err := docpages.Locate()
	if err != nil {
		t.Skipf("skipping the docs' curl examples: %v", err)
	}
	type page struct {
		dir string
		*docpages.Page
	}
	var pages []page
	for _, sub := range []string{"pages", "seed"} {
		p, err := docpages.ParseDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, pg := range p {
			pages = append(pages, page{sub, pg})
		}
	}

	srv := webadmittest.NewTest(t, webadmittest.DemoData(), webadmittest.WithAPIKey(docsAPIKey))
	c := generatedClient(t, srv.URL(), docsAPIKey, loopbackClient(t, nil))
	ids := demoIDs(designationBatch(t, c), answerBatch(t, c))
	home := t.TempDir() // curl -n reads $HOME/.netrc: none here

	ran, compared := 0, 0
	for _, page := range pages {
		for _, link := range page.Links {
			if link.Curl == "" {
				continue
			}
			ran++
			t.Run(page.dir+"/"+page.File+" "+link.Method+" "+link.Path, func(t *testing.T) {
				args, err := curlArgs(link.Curl, page.File, srv.URL(), ids)
				if err != nil {
					t.Fatalf("%v\n%s", err, link.Curl)
				}
				status, header, body := runCurl(t, curl, home, args)
				if status < 200 || status >= 400 {
					t.Fatalf("answered %d: %s\ncurl %s", status, body, quoteArgs(args))
				}
				if checkLikeDocs(t, link, status, header, body) {
					compared++
				}
			})
		}
	}
	if ran < 27 {
		t.Errorf("ran %d curl examples; the docs have one per operation (27) and more", ran)
	}
	t.Logf("%d curl examples run; %d answers compared with the page's example answer", ran, compared)
}

// designationBatch and answerBatch create the v2 batches the docs' GET
// examples read, and wait for their results.
func designationBatch(t *testing.T, c *generated.ClientWithResponses) int {
	t.Helper()
	ctx := context.Background()
	r, err := c.CreateDesignationBatchWithResponse(ctx, webadmittest.DemoIdentityID, webadmittest.DemoProgramEpidemiology,
		generated.CreateDesignationBatchRequest{Designations: []generated.DesignationBatchItem{
			{ApplicantCasId: "1000002", DecisionId: webadmittest.DemoDecisionMatriculated}}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("createDesignationBatch: %v", err)
	}
	poll(t, "getDesignationBatch", func() (string, bool) {
		g, err := c.GetDesignationBatchWithResponse(ctx, webadmittest.DemoIdentityID, webadmittest.DemoProgramEpidemiology, r.JSON201.Batch.Id)
		if err != nil || g.JSON200 == nil {
			t.Fatalf("getDesignationBatch: %v", err)
		}
		s := g.JSON200.Batch.Status
		return string(s), s != generated.BatchStatusQueued && s != generated.BatchStatusInProgress
	})
	return r.JSON201.Batch.Id
}

func answerBatch(t *testing.T, c *generated.ClientWithResponses) int {
	t.Helper()
	ctx := context.Background()
	var v generated.CustomFieldAnswerValue
	if err := v.FromBooleanAnswerValue(false); err != nil {
		t.Fatal(err)
	}
	r, err := c.CreateCustomFieldAnswerBatchWithResponse(ctx, webadmittest.DemoIdentityID, webadmittest.DemoProgramEpidemiology,
		generated.CreateCustomFieldAnswerBatchRequest{CustomFieldAnswers: []generated.CustomFieldAnswerBatchItem{
			{ApplicantCasId: "1000002", CustomFieldId: webadmittest.DemoFieldScholarship, FieldType: generated.CustomFieldTypeBoolean, Value: &v}}})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("createCustomFieldAnswerBatch: %v", err)
	}
	poll(t, "getCustomFieldAnswerBatch", func() (string, bool) {
		g, err := c.GetCustomFieldAnswerBatchWithResponse(ctx, webadmittest.DemoIdentityID, webadmittest.DemoProgramEpidemiology, r.JSON201.Batch.Id)
		if err != nil || g.JSON200 == nil {
			t.Fatalf("getCustomFieldAnswerBatch: %v", err)
		}
		s := g.JSON200.Batch.Status
		return string(s), s != generated.BatchStatusQueued && s != generated.BatchStatusInProgress
	})
	return r.JSON201.Batch.Id
}

var placeholder = regexp.MustCompile(`:[a-z_]+`)

// curlArgs splits a docs curl command into arguments (without "curl") and
// points it at the sandbox: the host, the path placeholders, the ids of a
// JSON body (-d '{...}') or of a form (-G -d id=74780).
func curlArgs(command, page, sandboxURL string, ids []demoID) ([]string, error) {
	words, err := shellWords(command)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 || words[0] != "curl" {
		return nil, fmt.Errorf("not a curl command: %q", command)
	}
	args := words[1:]
	urls := 0
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, docsHost+"/"):
			var missing []string
			path := placeholder.ReplaceAllStringFunc(strings.TrimPrefix(a, docsHost), func(p string) string {
				v, ok := lookup(ids, page, p)
				if !ok {
					missing = append(missing, p)
					return p
				}
				return fmt.Sprint(v)
			})
			if len(missing) > 0 {
				return nil, fmt.Errorf("no demo id for %v in demoIDs", missing)
			}
			args[i] = sandboxURL + path
			urls++
		case strings.Contains(a, "://") && (i == 0 || args[i-1] != "-d"):
			return nil, fmt.Errorf("argument %q is a URL other than the API's: the test only calls the sandbox", a)
		case i > 0 && args[i-1] == "-d":
			d, err := replaceDataIDs(a, page, ids)
			if err != nil {
				return nil, err
			}
			args[i] = d
		}
	}
	if urls != 1 {
		return nil, fmt.Errorf("%d API URLs in the command, want 1", urls)
	}
	return args, nil
}

// replaceDataIDs replaces the ids of a -d argument: a JSON body, or a form
// such as "id=74780".
func replaceDataIDs(data, page string, ids []demoID) (string, error) {
	trimmed := strings.TrimSpace(data)
	if !strings.HasPrefix(trimmed, "{") && !strings.HasPrefix(trimmed, "[") {
		name, _, ok := strings.Cut(trimmed, "=")
		if v, found := lookup(ids, page, name); ok && found {
			return name + "=" + fmt.Sprint(v), nil
		}
		return data, nil
	}
	dec := json.NewDecoder(strings.NewReader(trimmed))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		return "", fmt.Errorf("the example's body is not JSON: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if demo, ok := lookup(ids, page, k); ok {
					if n, isInt := demo.(int); isInt {
						x[k] = json.Number(strconv.Itoa(n))
					} else {
						x[k] = demo
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(body)
	b, err := json.MarshalIndent(body, "", "  ")
	return string(b), err
}

// shellWords splits a command as a POSIX shell would, for what the docs
// use: backslash-newline continuations, single and double quotes.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case ch == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			inWord = true
			i++
		case ch == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated double quote")
			}
			inWord = true
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// quoteArgs writes args as a shell would read them back, for messages.
func quoteArgs(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n'\"{}*$\\") {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

// runCurl runs curl with the example's arguments, on loopback only, and
// returns the status, the header block and the body.
func runCurl(t *testing.T, curl, home string, args []string) (int, string, []byte) {
	t.Helper()
	dir := t.TempDir()
	bodyFile, headerFile := filepath.Join(dir, "body"), filepath.Join(dir, "header")
	full := append([]string{"--silent", "--show-error", "--noproxy", "*", "--proto", "=http", "--max-time", "20",
		"--output", bodyFile, "--dump-header", headerFile, "--write-out", "%{http_code}"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, curl, full...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")} // no proxy variables, no .netrc
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl: %v: %s", err, stderr.String())
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("curl wrote %q, not a status", out)
	}
	header, _ := os.ReadFile(headerFile)
	body, _ := os.ReadFile(bodyFile)
	return status, string(header), body
}

// checkLikeDocs compares the answer with the page's example answer for
// the operation: a redirect has its Location, a JSON answer every field of
// the example's (absent from neither, whatever their values). It reports
// whether the page had a JSON example to compare with.
func checkLikeDocs(t *testing.T, link docpages.Link, status int, header string, body []byte) bool {
	t.Helper()
	for _, ex := range link.Examples {
		if ex.Status < 200 || ex.Status >= 400 {
			continue
		}
		if ex.Status != status {
			t.Errorf("answered %d; the page's example answers %d", status, ex.Status)
		}
		if status >= 300 && !regexp.MustCompile(`(?mi)^location: \S+`).MatchString(header) {
			t.Errorf("a %d without Location:\n%s", status, header)
		}
		var want any
		if ex.JSON == "" || json.Unmarshal([]byte(ex.JSON), &want) != nil {
			return false // no example body, or not JSON (the PGP message of the social security numbers)
		}
		var got any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("the answer is not JSON: %v: %s", err, body)
			return true
		}
		for _, miss := range missingFields("", want, got) {
			t.Errorf("the answer lacks %s, which the page's example has: %s", miss, body)
		}
		return true
	}
	return false
}

// missingFields lists the paths of fields that want (the docs' example)
// has and got (the answer) lacks. Null on either side ends the comparison
// there; array items of got are each compared with the first of want.
func missingFields(at string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return nil
		}
		var miss []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				miss = append(miss, at+"/"+k)
				continue
			}
			miss = append(miss, missingFields(at+"/"+k, wv, gv)...)
		}
		return miss
	case []any:
		g, ok := got.([]any)
		if !ok || len(w) == 0 {
			return nil
		}
		var miss []string
		for i, gv := range g {
			miss = append(miss, missingFields(fmt.Sprintf("%s/%d", at, i), w[0], gv)...)
		}
		return miss
	}
	return nil
}

func TestMissingFields(t *testing.T) {
	var want, got any
	_ = json.Unmarshal([]byte(`{"a": {"b": 1, "c": null}, "d": [{"e": 1, "f": 2}], "g": {"h": 1}}`), &want)
	_ = json.Unmarshal([]byte(`{"a": {"b": 2}, "d": [{"e": 1}, {"f": 3, "e": 0}], "g": null}`), &got)
	miss := missingFields("", want, got)
	slices.Sort(miss)
	if !slices.Equal(miss, []string{"/a/c", "/d/0/f"}) {
		t.Errorf("missingFields = %v, want [/a/c /d/0/f]", miss)
	}
}

func TestShellWords(t *testing.T) {
	got, err := shellWords("curl -n -X PUT https://x/y \\\n  -d '{\n  \"a\": 1\n}' \\\n  -H \"x-api-key: k\"")
	want := []string{"curl", "-n", "-X", "PUT", "https://x/y", "-d", "{\n  \"a\": 1\n}", "-H", "x-api-key: k"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("shellWords = %q, %v; want %q", got, err, want)
	}
}

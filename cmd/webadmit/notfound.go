package main

import (
	"fmt"
	"strings"

	"github.com/webadmit-go/webadmit/wrapper"
)

// notFoundText says what the API did not find, in words, and the command
// that lists the valid ones. msg is describe's message, which holds the
// library's text of nf. The API names the kind of a few resources (user
// identity, program, applicant, custom field); for its generic "Not Found"
// the command that was running says what its ids name.
func (a *app) notFoundText(nf *wrapper.NotFoundError, msg string) string {
	var subject, advice string
	switch nf.Kind {
	case wrapper.NotFoundUserIdentity:
		advice = "'webadmit identities' lists the identities the key can act as"
	case wrapper.NotFoundProgram:
		advice = fmt.Sprintf("'webadmit programs --identity %s' lists the identity's programs", a.flag("identity"))
	case wrapper.NotFoundCustomField:
		advice = fmt.Sprintf("'webadmit custom-fields --identity %s --program %s' lists the program's custom fields", a.flag("identity"), a.flag("program"))
	case wrapper.NotFoundApplicant:
		if a.hasFlag("applicant") {
			advice = "check the CAS ID given with --applicant"
		}
	default:
		subject, advice = a.notFoundSubject()
	}
	if subject != "" {
		req := ""
		if nf.Err != nil && nf.Err.URL != "" {
			req = " (" + nf.Err.Method + " " + nf.Err.URL + ")"
		}
		msg = strings.Replace(msg, strings.TrimPrefix(nf.Error(), "webadmit: "), subject+" not found"+req, 1)
	}
	if advice == "" {
		return msg
	}
	return msg + "; " + advice
}

// notFoundSubject is what the running command's ids name when the API
// answers only "Not Found", and the command that lists the valid ones.
func (a *app) notFoundSubject() (subject, advice string) {
	identity := a.flag("identity")
	switch a.commandPath() {
	case "webadmit run":
		export := a.flag("export")
		if a.one != nil {
			export, identity = fmt.Sprint(a.one.Export), fmt.Sprint(a.one.Identity)
		}
		return fmt.Sprintf("export %s of user identity %s", export, identity),
			fmt.Sprintf("'webadmit exports --identity %s' lists its exports", identity)
	case "webadmit download", "webadmit status":
		return fmt.Sprintf("run %s of export %s", a.flag("file"), a.flag("export")),
			"'webadmit exports' lists the exports, and 'webadmit files --identity ID' an identity's recent runs"
	case "webadmit pdf run":
		return fmt.Sprintf("PDF Manager template %s of user identity %s", a.flag("template"), identity),
			fmt.Sprintf("'webadmit pdf templates --identity %s' lists its templates", identity)
	case "webadmit pdf status", "webadmit pdf download":
		return fmt.Sprintf("PDF Manager batch %s of user identity %s", a.flag("batch"), identity),
			fmt.Sprintf("'webadmit pdf batches --identity %s' lists its recent batches", identity)
	}
	return "", ""
}

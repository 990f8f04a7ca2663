package webadmittest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// Ids of the demo programs, custom fields, decisions and PDF Manager
// templates; see [DemoData].
const (
	// DemoOrganizationID is the organization of both demo programs.
	DemoOrganizationID int64 = 42023191739237
	// DemoProgramEpidemiology is identity 42's "MPH Epidemiology" program,
	// with the five demo custom fields and applicants 1000001 to 1000006.
	DemoProgramEpidemiology int64 = 42023191739237
	// DemoProgramGlobalHealth is identity 42's "MPH Global Health" program,
	// without custom fields.
	DemoProgramGlobalHealth int64 = 42023191739238

	// Custom fields of DemoProgramEpidemiology, one of each type.
	DemoFieldScholarship     = 1 // boolean "Scholarship offered?"
	DemoFieldAgeAtAdmittance = 2 // number "Age at admittance"
	DemoFieldLetterMailedOn  = 3 // date "Acceptance letter mailed on"
	DemoFieldUniversityID    = 4 // string "University ID"
	DemoFieldCampus          = 5 // select "Preferred campus": Boston, Denver, Remote

	// Demo decisions.
	DemoDecisionOfferAccepted = 42
	DemoDecisionMatriculated  = 43
	DemoDecisionDenied        = 44
	DemoDecisionRedirected    = 45

	// DemoPDFTemplateAccepted is "Accepted Offers for Review": batches end
	// available with two zip files.
	DemoPDFTemplateAccepted = 2
	// DemoPDFTemplateWaitlist is "Waitlist Packets": batches end
	// success_with_errors with one zip file.
	DemoPDFTemplateWaitlist = 3
	// DemoPDFTemplateEmpty is "Empty Review": batches end empty_list.
	DemoPDFTemplateEmpty = 4
	// DemoPDFTemplateFailed is "Transcript Packets": batches end failed.
	DemoPDFTemplateFailed = 5

	// DemoPDFBatchAccepted is a batch of DemoPDFTemplateAccepted that has
	// ended available before the server starts (new batches count from 42).
	DemoPDFBatchAccepted = 41
	// DemoPDFZipFileAccepted1 is the first zip file of DemoPDFBatchAccepted
	// (new zip files count from 2 and skip the ids of finished batches).
	DemoPDFZipFileAccepted1 = 901
	// DemoPDFZipFileAccepted2 is the second zip file of DemoPDFBatchAccepted.
	DemoPDFZipFileAccepted2 = 902
)

// DemoSocialSecurityNumbers is the demo identity 42's social security
// numbers document: an ASCII-armoured PGP message of made-up bytes.
const DemoSocialSecurityNumbers = `-----BEGIN PGP MESSAGE-----
Version: Crypt::OpenPGP 1.06

hQEMA1dlbW9TYW5kYm94AQf/c2FuZGJveCBkYXRhLCBub3QgYSByZWFsIFNTTiBk
b2N1bWVudDsgaXQgb25seSBoYXMgdGhlIHNoYXBlIG9mIG9uZS4gV2ViQWRNSVQg
c2FuZGJveCBkZW1vIGRhdGEu
=SbX0
-----END PGP MESSAGE-----
`

func demoDecisions() []Decision {
	return []Decision{
		{ID: DemoDecisionOfferAccepted, Name: "Offer Accepted"},
		{ID: DemoDecisionMatriculated, Name: "Matriculated"},
		{ID: DemoDecisionDenied, Name: "Denied"},
		{ID: DemoDecisionRedirected, Name: "Redirected"},
	}
}

func demoPrograms() []Program {
	org := Organization{
		ID: DemoOrganizationID, Name: "Demo University School of Public Health", CycleName: "2014 - 2015",
		AssociationName: "SOPHAS", CAS3: true, ConfigPortalIdentifier: "2235",
	}
	return []Program{
		{
			ID: DemoProgramEpidemiology, IdentityID: DemoIdentityID, Name: "MPH Epidemiology", Organization: org,
			CustomFields: []CustomField{
				{ID: DemoFieldScholarship, Label: "Scholarship offered?", Type: generated.CustomFieldTypeBoolean},
				{ID: DemoFieldAgeAtAdmittance, Label: "Age at admittance", Type: generated.CustomFieldTypeNumber},
				{ID: DemoFieldLetterMailedOn, Label: "Acceptance letter mailed on", Type: generated.CustomFieldTypeDate},
				{ID: DemoFieldUniversityID, Label: "University ID", Type: generated.CustomFieldTypeString},
				{ID: DemoFieldCampus, Label: "Preferred campus", Type: generated.CustomFieldTypeSelect, Options: []string{"Boston", "Denver", "Remote"}},
			},
			Applicants: []Applicant{
				{CasID: "1000001", DecisionID: DemoDecisionOfferAccepted, Answers: map[int]any{
					DemoFieldScholarship: true, DemoFieldAgeAtAdmittance: 27.0, DemoFieldLetterMailedOn: "2016-01-31",
					DemoFieldUniversityID: "000-0-0768", DemoFieldCampus: "Boston"}},
				{CasID: "1000002"},
				{CasID: "1000003", DecisionID: DemoDecisionOfferAccepted, LocalStatus: &LocalStatus{ID: 123456, Title: "Deposit Made"}},
				{CasID: "1000004", DecisionID: DemoDecisionDenied},
				{CasID: "1000005", DecisionID: DemoDecisionOfferAccepted, Answers: map[int]any{DemoFieldCampus: "Denver"}},
				{CasID: "1000006", Received: true},
			},
		},
		{
			ID: DemoProgramGlobalHealth, IdentityID: DemoIdentityID, Name: "MPH Global Health", Organization: org,
			Applicants: []Applicant{{CasID: "1000003", DecisionID: DemoDecisionMatriculated}},
		},
	}
}

func demoPDFTemplates() []PDFTemplate {
	return []PDFTemplate{
		{ID: DemoPDFTemplateAccepted, IdentityID: DemoIdentityID, Name: "Accepted Offers for Review",
			ListName: "Offer Accepted", DocumentSource: "Full Application PDF",
			ZipFiles: [][]byte{pdfZip("Accepted Offers for Review", 1), pdfZip("Accepted Offers for Review", 2)},
			Timeline: demoTimeline(generated.ExportFileStatusAvailable),
			FinishedBatches: []FinishedPDFBatch{{ID: DemoPDFBatchAccepted,
				ZipFileIDs: []int{DemoPDFZipFileAccepted1, DemoPDFZipFileAccepted2}}}},
		{ID: DemoPDFTemplateWaitlist, IdentityID: DemoIdentityID, Name: "Waitlist Packets",
			ListName: "Waitlisted", DocumentSource: "Letters of Recommendation",
			ZipFiles: [][]byte{pdfZip("Waitlist Packets", 1)},
			Timeline: demoTimeline(generated.ExportFileStatusSuccessWithErrors)},
		{ID: DemoPDFTemplateEmpty, IdentityID: DemoIdentityID, Name: "Empty Review",
			ListName: "Nobody Yet", ZipFiles: [][]byte{},
			Timeline: demoTimeline(generated.ExportFileStatusEmptyList)},
		{ID: DemoPDFTemplateFailed, IdentityID: DemoIdentityID, Name: "Transcript Packets",
			ListName: "Enrolled", DocumentSource: "Transcripts", ZipFiles: [][]byte{},
			Timeline: demoTimeline(generated.ExportFileStatusFailed)},
	}
}

// pdfZip builds a small deterministic zip of two made-up applicant PDFs, the
// part'th of a batch of template name.
func pdfZip(name string, part int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2016, 1, 5, 16, 51, 0, 0, time.UTC)
	for i := range 2 {
		cas := 1000001 + 2*(part-1) + i
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%d.pdf", cas), Method: zip.Deflate, Modified: stamp})
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		fmt.Fprintf(w, "%%PDF-1.4\n%% %s, part %d: applicant %d (sandbox placeholder, not a real PDF)\n%%%%EOF\n", name, part, cas)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

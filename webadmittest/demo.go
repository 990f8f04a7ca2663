package webadmittest

import (
	"archive/zip"
	"bytes"
	"time"

	"github.com/webadmit-go/webadmit/generated"
)

// Ids of the demo data set; see [DemoData].
const (
	// DemoIdentityID is the demo Admissions User identity; it owns the
	// exports 29897 to 29902.
	DemoIdentityID = 42
	// DemoAssociationIdentityID is the demo Association User identity; it
	// owns export 31000.
	DemoAssociationIdentityID = 43

	// DemoExportNightlyBanner is "Nightly Banner Export": a small Latin-1
	// CSV, Available.
	DemoExportNightlyBanner = 29897
	// DemoExportWithWarnings ends Success With Errors, with a file.
	DemoExportWithWarnings = 29898
	// DemoExportEmptySearch ends Empty List, without a file.
	DemoExportEmptySearch = 29899
	// DemoExportBrokenExcel ends Failed, without a file.
	DemoExportBrokenExcel = 29900
	// DemoExportProgramReports is a "CSV in Multiple Files" zip, Available.
	DemoExportProgramReports = 29901
	// DemoExportFullDump is a large generated CSV (DemoFullDumpSize bytes).
	DemoExportFullDump = 29902
	// DemoExportAssociationText is identity 43's fixed-width text file.
	DemoExportAssociationText = 31000
	// DemoExportRecommendations, DemoExportDecisions and
	// DemoExportAssociationRoster are small CSV exports (identities 42, 42
	// and 43) that take about 2, 3 and 1.5 seconds: with the others, enough
	// to run many exports at once ('webadmit run' with several --export).
	DemoExportRecommendations   = 29903
	DemoExportDecisions         = 29904
	DemoExportAssociationRoster = 31001

	// DemoFullDumpSize is the size of the generated DemoExportFullDump file.
	DemoFullDumpSize = 64 << 20

	// DemoRunNightlyBanner is a run of DemoExportNightlyBanner that has
	// ended Available before the server starts, so its file downloads at
	// once (new runs count from 74780).
	DemoRunNightlyBanner = 74700
	// DemoRunWithWarnings is a run of DemoExportWithWarnings that has ended
	// Success With Errors before the server starts, with its file.
	DemoRunWithWarnings = 74701
)

// demoTimeline is the timeline of every demo run: about a second from
// Initializing to the outcome.
func demoTimeline(outcome generated.ExportFileStatus) Timeline {
	return Timeline{
		Initializing: 200 * time.Millisecond,
		Queued:       300 * time.Millisecond,
		InProgress:   500 * time.Millisecond,
		Outcome:      outcome,
	}
}

// DemoData selects the fixed demo data set, which [New] also uses when
// neither [WithIdentities] nor [WithExports] is given. Its ids are stable:
//
//	Identity  Type               Association  Institution      Cycle
//	42        Admissions User    SOPHAS       Demo University  2014 - 2015
//	43        Association User   SOPHAS       (null)           2015 - 2016
//
//	Export  Identity  Name                         Format / mime type                        Outcome              File
//	29897   42        Nightly Banner Export        CSV, text/csv;charset=iso-8859-1, all     Available            Nightly-Banner-Export.csv: 6 rows, ISO-8859-1 (é, ü, ø, ç, ã as single bytes)
//	29898   42        Applicants With Warnings     CSV, clipboard                            Success With Errors  Applicants-With-Warnings.csv: 3 rows
//	29899   42        Empty Search Export          CSV, search                               Empty List           none
//	29900   42        Broken Decision Report       Microsoft Excel, list type null           Failed               none
//	29901   42        Program Reports              CSV in Multiple Files, application/zip    Available            Program-Reports.zip: a zip of two Latin-1 CSVs
//	29902   42        Full Applicant Dump          CSV, all                                  Available            Full-Applicant-Dump.csv: 64 MiB generated (DemoFullDumpSize)
//	31000   43        Association Fixed Width      Fixed Width Report, text/plain            Available            Association-Fixed-Width.txt: 4 lines
//
// Every demo run is Initializing for 200 ms, Queued for 300 ms and In
// Progress for 500 ms before its outcome. The first run a server starts has
// id 74780 and later runs count up. Two runs have already finished when the
// server starts, so status and download work without a run first:
//
//	Run    Export  Status               File
//	74700  29897   Available            Nightly-Banner-Export.csv (DemoRunNightlyBanner)
//	74701  29898   Success With Errors  Applicants-With-Warnings.csv (DemoRunWithWarnings)
//
// Identity 42 also has:
//
//	Program          42023191739237 MPH Epidemiology, 42023191739238 MPH Global Health (one organization, 42023191739237)
//	Custom fields    of MPH Epidemiology: 1 boolean, 2 number, 3 date, 4 string, 5 select (Boston, Denver, Remote)
//	Applicants       1000001 to 1000006 in MPH Epidemiology: 1000001 has every answer and Offer Accepted;
//	                 1000002 nothing; 1000003 a local status (Deposit Made); 1000004 Denied;
//	                 1000005 Offer Accepted; 1000006 in Received status (its decision cannot change)
//	Decisions        42 Offer Accepted, 43 Matriculated, 44 Denied, 45 Redirected (listed for every identity)
//	PDF templates    2 Accepted Offers for Review (available, two zip files), 3 Waitlist Packets
//	                 (success_with_errors, one zip), 4 Empty Review (empty_list), 5 Transcript
//	                 Packets (failed), on the runs' timeline
//	Social security  DemoSocialSecurityNumbers; identity 43 has no organization, so it gets 403
//
// PDF Manager batch 41 of template 2 has already ended available when the
// server starts, with zip files 901 and 902 (DemoPDFBatchAccepted). New PDF
// Manager batches count from id 42 and their zip files from id 2; v2
// batches from 74780, Queued for 300 ms and In Progress for 500 ms (see
// [WithBatchTimeline]).
func DemoData() Option {
	return func(c *config) {
		c.identities, c.identitiesSet = demoIdentities(), true
		c.exports, c.exportsSet = demoExports(), true
		c.programs, c.programsSet = demoPrograms(), true
		c.decisions, c.decisionsSet = demoDecisions(), true
		c.pdfTemplates, c.pdfTemplatesSet = demoPDFTemplates(), true
		c.ssnDocuments = map[int]string{DemoIdentityID: DemoSocialSecurityNumbers}
	}
}

// DemoExports returns a fresh copy of the demo exports of [DemoData], to
// change or extend with [WithExports]; for instance a bigger
// DemoExportFullDump:
//
//	exports := webadmittest.DemoExports()
//	for i := range exports {
//		if exports[i].ID == webadmittest.DemoExportFullDump {
//			exports[i].Size = 1 << 30
//		}
//	}
//	srv, err := webadmittest.New(webadmittest.DemoData(), webadmittest.WithExports(exports...))
func DemoExports() []Export { return demoExports() }

func demoIdentities() []Identity {
	return []Identity{
		{ID: DemoIdentityID, Type: generated.UserIdentityTypeAdmissionsUser, Association: "SOPHAS",
			Institution: "Demo University", Organization: "Demo University School of Public Health", Cycle: "2014 - 2015"},
		{ID: DemoAssociationIdentityID, Type: generated.UserIdentityTypeAssociationUser, Association: "SOPHAS",
			Cycle: "2015 - 2016"},
	}
}

func listType(t generated.ExportListType) *generated.ExportListType { return &t }

// DemoNightlyBannerCSV is the file of the demo export 29897, as UTF-8 text;
// the server serves it encoded as ISO-8859-1.
const DemoNightlyBannerCSV = `cas_id,first_name,last_name,program,city,decision
1000001,José,García,MPH Epidemiology,São Paulo,Admitted
1000002,Zoë,Müller,MPH Biostatistics,Zürich,Waitlisted
1000003,Chloé,Lefèvre,MPH Global Health,Montréal,Admitted
1000004,Søren,Ødegaard,DrPH,Tromsø,Denied
1000005,François,Gonçalves,MPH Epidemiology,Besançon,Admitted
1000006,Ana,Núñez,MHA,A Coruña,Incomplete
`

const demoWarningsCSV = `cas_id,first_name,last_name,warning
2000001,Renée,Brontë,Transcript missing
2000002,Björn,Ångström,GPA not verified
2000003,Inês,Çelik,
`

const demoFixedWidth = `CASID     LAST NAME     FIRST NAME  CYCLE
3000001   Þórsson       Ólafur      2015-2016
3000002   Åberg         Åsa         2015-2016
3000003   Dubois        Noémie      2015-2016
`

func demoExports() []Export {
	return []Export{
		{ID: DemoExportNightlyBanner, IdentityID: DemoIdentityID, Name: "Nightly Banner Export",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeAll),
			Content: latin1(DemoNightlyBannerCSV), Timeline: demoTimeline(generated.ExportFileStatusAvailable),
			FinishedRuns: []int{DemoRunNightlyBanner}},
		{ID: DemoExportWithWarnings, IdentityID: DemoIdentityID, Name: "Applicants With Warnings",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeClipboard),
			Content: latin1(demoWarningsCSV), Timeline: demoTimeline(generated.ExportFileStatusSuccessWithErrors),
			FinishedRuns: []int{DemoRunWithWarnings}},
		{ID: DemoExportEmptySearch, IdentityID: DemoIdentityID, Name: "Empty Search Export",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeSearch),
			Content: []byte{}, Timeline: demoTimeline(generated.ExportFileStatusEmptyList)},
		{ID: DemoExportBrokenExcel, IdentityID: DemoIdentityID, Name: "Broken Decision Report",
			Format: generated.ExportFormatExcel, Content: []byte{},
			Timeline: demoTimeline(generated.ExportFileStatusFailed)},
		{ID: DemoExportProgramReports, IdentityID: DemoIdentityID, Name: "Program Reports",
			Format: generated.ExportFormatCSVMultipleFiles, ListType: listType(generated.ExportListTypeAll),
			Content: demoZip(), Timeline: demoTimeline(generated.ExportFileStatusAvailable)},
		{ID: DemoExportFullDump, IdentityID: DemoIdentityID, Name: "Full Applicant Dump",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeAll),
			Size: DemoFullDumpSize, Timeline: demoTimeline(generated.ExportFileStatusAvailable)},
		{ID: DemoExportRecommendations, IdentityID: DemoIdentityID, Name: "Recommendations",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeAll),
			Content:  latin1("cas_id,recommender,received\n1000001,Dr. Amélie Roux,2015-01-12\n1000002,Prof. Jürgen Weiß,2015-01-20\n"),
			Timeline: Timeline{Initializing: 300 * time.Millisecond, Queued: 700 * time.Millisecond, InProgress: time.Second}},
		{ID: DemoExportDecisions, IdentityID: DemoIdentityID, Name: "Decisions",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeAll),
			Content:  latin1("cas_id,decision\n1000001,Offer Accepted\n1000002,Matriculated\n1000003,Denied\n"),
			Timeline: Timeline{Initializing: 500 * time.Millisecond, Queued: time.Second, InProgress: 1500 * time.Millisecond}},
		{ID: DemoExportAssociationText, IdentityID: DemoAssociationIdentityID, Name: "Association Fixed Width",
			Format: generated.ExportFormatFixedWidth, Content: latin1(demoFixedWidth),
			Timeline: demoTimeline(generated.ExportFileStatusAvailable)},
		{ID: DemoExportAssociationRoster, IdentityID: DemoAssociationIdentityID, Name: "Association Roster",
			Format: generated.ExportFormatCSV, ListType: listType(generated.ExportListTypeAll),
			Content:  latin1("cas_id,last_name\n3000001,Þórsson\n3000002,Åberg\n"),
			Timeline: Timeline{Initializing: 300 * time.Millisecond, Queued: 500 * time.Millisecond, InProgress: 700 * time.Millisecond}},
	}
}

// demoZip builds the zip of the "CSV in Multiple Files" demo export; fixed
// timestamps keep its bytes the same on every call.
func demoZip() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2015, 3, 3, 5, 7, 28, 0, time.UTC)
	for _, f := range []struct{ name, body string }{
		{"MPH-Epidemiology.csv", "cas_id,first_name,last_name\n1000001,José,García\n1000005,François,Gonçalves\n"},
		{"MPH-Global-Health.csv", "cas_id,first_name,last_name\n1000003,Chloé,Lefèvre\n"},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		if _, err := w.Write(latin1(f.body)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Package webadmittest runs a fake WebAdMIT API and a fake S3-style object
// store on loopback, for tests, benchmarks and demos, as stripe-mock serves
// stripe-go.
//
// The fake implements the generated server interface of package generated and
// checks every request against the embedded OpenAPI spec, so it cannot drift
// from the spec the client is generated from. It behaves as the public docs
// describe the real service, including the parts scripts get wrong: export runs
// that move through Initializing, Queued and In Progress before a terminal
// outcome, short-lived pre-signed download URLs on a second host that must not
// receive the API key, 401s with an empty body, rate-limit headers and 429s,
// and callbacks when a run ends.
//
// Tests start one server each:
//
//	srv := webadmittest.NewTest(t,
//		webadmittest.WithExports(webadmittest.Export{
//			ID: 7, IdentityID: 42, Name: "Tiny",
//			Content:  []byte("id,name\n1,Zoë\n"),
//			Timeline: webadmittest.Timeline{Queued: 50 * time.Millisecond},
//		}),
//		webadmittest.WithURLLifetime(200*time.Millisecond),
//	)
//	srv.AddFault(webadmittest.Fault{Endpoint: webadmittest.EndpointObject, Attempt: 1,
//		Kind: webadmittest.FaultCutConnection, Bytes: 5})
//
// Without WithIdentities and WithExports the server holds the fixed data set
// described at [DemoData].
//
// Beyond exports the fake serves every operation of the spec: organizations,
// programs and decisions; custom fields and their answers (GET, PUT,
// DELETE), checked against each field's type and options as the service
// does; designations, whose decision a local status or a Received
// application refuses; PDF Manager templates and batches, whose state moves
// on a [Timeline] and whose zip files download through a 302 to the object
// store; applicant details; the social security numbers document; and the
// v2 batches of designations and answers, applied when their
// [BatchTimeline] ends. Configure them with [WithPrograms],
// [WithDecisions], [WithPDFTemplates], [WithSocialSecurityNumbers] and
// [WithBatchTimeline].
//
// # How a request is answered
//
// An API request meets, in order: the faults due for it ([Fault]; they stand
// for the network and proxies), the key check (401 with an empty body), the
// call budget (429 with Retry-After; see [WithRateLimit]), the route (the
// legacy 404 {"message": "Not Found"} for paths the spec does not have), and
// validation against the spec: a malformed path parameter (a letter in an
// id) is the same legacy 404, since no resource has that path; a body or
// query that does not match is 422 {"errors": {"schema": [...]}}, as the
// service words it. Apart from injected faults, every answer's status is
// one the spec lists for the operation. Unknown identities answer the
// documented "User identity '999' not found."; unknown exports and runs,
// about which the docs say nothing, answer the legacy "Not Found". Every
// answer past the key check carries X-RateLimit-Limit and
// X-RateLimit-Remaining; 401s carry them without spending a call.
//
// # Download URLs and the object store
//
// getExportFile issues a fresh pre-signed URL on every call while a run is
// Available or Success With Errors. The store checks its HMAC signature and
// its Expires, which is Unix time in milliseconds (S3 uses seconds) so that
// [WithURLLifetime] can be shorter than a second; a late or altered URL gets
// 403 with an S3 XML error body. The store serves GET and HEAD with the same
// URL (real S3 signs the method too, so a HEAD on a URL signed for GET fails
// there), single byte ranges, If-Range, If-Match and If-None-Match, to any
// number of requests at once (the parts of a parallel download). A store
// request carrying x-api-key is served as S3 would serve it, and recorded
// as a [Leak]. [WithStoreConnRate] caps what each store connection sends,
// as a real store does, so that a download over several connections shows
// its effect on loopback.
//
// [WithObjectStore] serves the files from another [ObjectStore] instead,
// such as a real S3 bucket through package webadmittest/s3store: each file
// is put there when its URL is first asked for, and the URLs are that
// store's.
//
// # Callbacks
//
// A run started with a callback URL, in the JSON body or the query, posts
// export_file[id], export_file[export_id] and export_file[status] to it
// when it ends; a PDF Manager batch posts its JSON (the spec requires https:
// trust the receiver with [WithCallbackRootCAs]). Only loopback URLs are
// called: a callback to any other host (such as the docs' examples,
// someurl.com and example.com) is accepted, and when the job ends it is
// recorded in [Recorder.Callbacks] with [ErrCallbackOffLoopback] and
// logged, not sent. Pending callbacks are dropped by [Server.Close].
package webadmittest

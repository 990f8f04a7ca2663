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
package webadmittest

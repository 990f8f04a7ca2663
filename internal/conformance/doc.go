// Package conformance holds tests that check the sandbox (webadmittest)
// against spec/webadmit.yaml and the docs with tools this project did not
// write, so that they do not share the project's own assumptions:
//
//   - TestPrismProxy drives every operation with the generated client
//     through Prism's validating proxy (`prism proxy spec/webadmit.yaml
//     <sandbox> --errors`) and fails on any request or response violation
//     Prism reports. It runs under `make conformance`, which installs the
//     pinned Prism (tools/package.json) and sets WEBADMIT_CONFORMANCE=1;
//     otherwise it skips.
//   - TestDocsCurlExamples runs every curl example of the docs pages, with
//     curl, against the sandbox, and expects each to succeed with an answer
//     of the shape the page shows.
//
// Both start the sandbox on loopback and touch no other address.
package conformance

// Package wait is the one retry and wait loop of the wrapper: status waits,
// the calls that start jobs and the download's retries all run through
// Loop, within one Budget per public call. It knows nothing of the API:
// what an attempt is, which errors are worth retrying and what to say when
// the budget runs out are the caller's.
package wait

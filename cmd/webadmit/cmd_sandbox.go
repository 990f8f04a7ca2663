package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/webadmit-go/webadmit/webadmittest"
)

func (a *app) sandboxCommand() *cobra.Command {
	cmd, _ := a.newSandboxCommand()
	return cmd
}

// newSandboxCommand returns the sandbox command and the flags it parses
// into.
func (a *app) newSandboxCommand() (*cobra.Command, *sandboxFlags) {
	flags := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox [--listen 127.0.0.1:8080] [--key KEY] [--snake-case] [--url-lifetime D] [--dump-size BYTES] [--s3-endpoint URL] ...",
		Short: "Serve the fake WebAdMIT (with demo data) until interrupted",
		Long: `sandbox serves the in-process fake WebAdMIT and its object store on loopback, with the
demo data of --sandbox, and prints the base URL and API key, so you can try the API with curl:

  curl -H "x-api-key: KEY" BASE_URL/api/v1/user_identities

With --s3-endpoint it puts each run's file into a bucket of that S3 endpoint (SeaweedFS, MinIO,
Amazon S3) and hands out SigV4 pre-signed URLs of it, with credentials and region from the standard
AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).

--verbose logs every request (never the key or a URL's query).`,
		Args:        noArgs,
		Annotations: map[string]string{"noclient": "true"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := flags.options(a.log)
			if err != nil {
				return usageError{err}
			}
			s, err := webadmittest.New(opts...)
			if err != nil {
				return fmt.Errorf("start the sandbox: %w", err)
			}
			defer s.Close()
			fmt.Fprintf(a.stdout, "WEBADMIT_BASE_URL=%s\nWEBADMIT_API_KEY=%s\n", s.URL(), s.APIKey())
			if !a.g.quiet {
				fmt.Fprintf(a.stderr, "webadmit: sandbox serving the API at %s and the object store at %s; Ctrl-C stops it\n", s.URL(), flags.storeText(s.StoreURL()))
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd, flags
}

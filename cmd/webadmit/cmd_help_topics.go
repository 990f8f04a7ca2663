package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// Help topics: 'webadmit help exit-codes' and 'webadmit help environment'.
// They are cobra's additional help topics (commands that only hold text),
// printed without a usage section.

const exitCodesTopic = exitCodesHelp + `

For 'webadmit api' and the commands that read or change data (designations, answers,
applicants, ssn): 0 for a 2xx answer (and, for api, a redirect), 6 for the API's 401, 1 for any
other error answer (404 not found, 403 forbidden, 422 refused, 429 out of calls, 5xx), 2 for
a bad flag or value, refused before anything is changed ('answers set' checks --value against
the field's type before storing it). 'webadmit api' prints a JSON error body on stdout all the
same.

A base URL whose host does not resolve, or where nothing listens, is 1 for every command, also
when the retries of 'run' or 'pdf run' ran out of --timeout: nothing was started.`

const environmentTopic = `Environment variables webadmit reads (a flag wins over its variable):

  WEBADMIT_API_KEY    the API key (WebAdMIT > My Profile > API Key); or --api-key-file FILE.
                      --api-key works too, but shows in process lists.
  WEBADMIT_BASE_URL   the API's base URL (--base-url); default https://api.webadmit.org.
                      https only, or http to a loopback address (a local sandbox).
  WEBADMIT_DOMAIN     a WebAdMIT domain NAME: uses https://NAME.webadmit.org (--domain).
                      Give WEBADMIT_BASE_URL or WEBADMIT_DOMAIN, not both on the command line.
  HTTPS_PROXY         a proxy for https URLs: the API and the object store (HTTP_PROXY for
  HTTP_PROXY          http URLs); loopback addresses never go through a proxy.
  NO_PROXY            hosts (comma-separated, *.example.org or .example.org) reached directly.
  SSL_CERT_FILE       extra or replacement CA certificates (a PEM file, or a directory of them)
  SSL_CERT_DIR        for a proxy or network that intercepts TLS (Linux and other Unix systems).

--sandbox reads none of the WEBADMIT_ variables: it serves its own API and key. Nothing
webadmit prints or logs (--verbose included) shows the key or a download URL's signature.

Shell completion needs no key:
  source <(webadmit completion bash)      # also: zsh, fish, powershell; see 'webadmit completion --help'`

func (a *app) exitCodesTopicCommand() *cobra.Command {
	return helpTopic("exit-codes", "What webadmit's exit codes mean", exitCodesTopic)
}

func (a *app) environmentTopicCommand() *cobra.Command {
	return helpTopic("environment", "The environment variables webadmit reads (API key, base URL, proxies)", environmentTopic)
}

// helpTopic is a command that only holds text: 'webadmit help NAME' (or
// 'webadmit NAME --help') prints it.
func helpTopic(name, short, text string) *cobra.Command {
	cmd := &cobra.Command{
		Use:         name,
		Short:       short,
		Long:        text,
		Annotations: map[string]string{"noclient": "true"},
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprintln(c.OutOrStdout(), c.Long)
	})
	return cmd
}

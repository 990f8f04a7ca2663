package main

import (
	"bytes"

	"github.com/spf13/cobra"
)

// pgpArmor is how the social security numbers document begins.
const pgpArmor = "-----BEGIN PGP MESSAGE-----"

func (a *app) ssnCommand() *cobra.Command {
	var (
		identity int
		out      string
		force    bool
	)
	cmd := &cobra.Command{
		Use:     "ssn --identity ID -o FILE|- [--force]",
		Aliases: []string{"social-security-numbers"},
		Short:   "Download the organization's social security numbers document (a PGP message) to a file",
		Long: `ssn downloads the social security numbers document of the identity's organization: an
ASCII-armoured PGP message, encrypted for the organization's key. It is written to FILE
atomically with mode 0600, never to the terminal unless you ask with '-o -'. Decrypt it with
the organization's private key, for instance 'gpg --decrypt FILE'.

The API answers 403 when the feature is off for the identity ("Feature not available.") or the
identity has no organization ("No organization loaded.").

  webadmit --sandbox ssn --identity 42 -o ssn.asc`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("give -o FILE (or '-o -' for stdout): the document is never printed unasked")
			}
			o, err := a.openOutput(out, force)
			if err != nil {
				return err
			}
			defer o.close()
			r, err := a.client.API().GetSocialSecurityNumbersWithResponse(cmd.Context(), identity)
			if err != nil {
				return err
			}
			if err := a.answered(r.HTTPResponse, r.Body, true); err != nil {
				return err
			}
			if !bytes.HasPrefix(bytes.TrimSpace(r.Body), []byte(pgpArmor)) {
				a.warnf("the document does not begin %q: it may not be encrypted; keep %s as safe as the numbers themselves", pgpArmor, o.where())
			}
			return a.writeOutput(o, bytes.NewReader(r.Body), int64(len(r.Body)))
		},
	}
	identityFlag(cmd, &identity)
	cmd.Flags().StringVarP(&out, "output-file", "o", "", "file to write (mode 0600, atomically); '-' for stdout")
	cmd.Flags().BoolVar(&force, "force", false, "replace the file named by -o if it exists")
	return cmd
}

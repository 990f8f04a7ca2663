package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/webadmit-go/webadmit/webadmittest"
	"github.com/webadmit-go/webadmit/wrapper"
)

// globals holds the flags every command shares.
type globals struct {
	baseURL    string
	domain     string
	apiKey     string
	apiKeyFile string
	sandbox    bool
	output     string
	quiet      bool
	verbose    bool
}

// app is what a command runs with: the resolved settings, the client and
// where to write.
type app struct {
	g      globals
	env    func(string) string
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger

	client  *wrapper.Client
	sandbox *webadmittest.Server
	// cmd is the command that runs, and api the API's base URL: the
	// advice on an error depends on both.
	cmd *cobra.Command
	api *url.URL
	// baseFrom names the setting the base URL came from (--base-url,
	// WEBADMIT_DOMAIN, ...), or "" for the default.
	baseFrom string
	// again, once a run's or batch's id is known, is the command that
	// fetches its files again.
	again string
	// one, while a failure of several exports run at once is described,
	// is the export it is about.
	one *manifestEntry
	// written, set by commands that write files or streams, says what the
	// command has written so far, for the message of an interruption.
	written func() string
	// started is set once a command's own code runs: an error before that
	// (unknown command, bad flag, stray argument) is a usage error.
	started bool
}

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	a := &app{env: env, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	a.close()
	if err == nil {
		return exitOK
	}
	code := a.exitCode(err)
	if !a.started {
		code = exitUsage
	}
	msg := a.describe(err)
	var sig interrupted
	if errors.As(context.Cause(ctx), &sig) {
		code = sig.exitCode()
		msg = a.interruption(sig)
	}
	fmt.Fprintln(stderr, "webadmit: "+termSafe(msg))
	var (
		h hinted
		d detailed
	)
	if errors.As(err, &d) {
		for _, l := range d.details {
			fmt.Fprintln(stderr, "  "+termSafe(l))
		}
	}
	if errors.As(err, &h) {
		fmt.Fprintln(stderr, termSafe(h.hint))
	}
	if code == exitUsage {
		fmt.Fprintln(stderr, "Run 'webadmit --help' for usage.")
	}
	return code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "webadmit",
		Short: "Run WebAdMIT exports and PDF Manager batches from the terminal",
		Long: `webadmit talks to the WebAdMIT API: it lists identities, exports and recent runs, starts
an export, waits for it with backoff, and downloads the file the moment it is ready (the
download URL lives under 30 seconds). 'webadmit pdf' does the same for PDF Manager batches
and their zip files of applicant PDFs.

Credentials: the API key is read from --api-key-file, or $WEBADMIT_API_KEY (--api-key
works too but shows in process lists). --sandbox needs none: it starts a fake WebAdMIT
in-process with demo data (identity 42, export 29897, ...), so a newcomer can try:

  webadmit --sandbox identities
  webadmit --sandbox exports --identity 42
  webadmit --sandbox run --identity 42 --export 29897 -o export.csv
  webadmit --sandbox pdf run --identity 42 --template 2 -o pdfs/

` + exitCodesHelp,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: a.setup,
		Version:           version(),
	}
	root.SetVersionTemplate("webadmit {{.Version}}\n")
	f := root.PersistentFlags()
	f.StringVar(&a.g.baseURL, "base-url", "", "API base URL (env WEBADMIT_BASE_URL; default "+wrapper.DefaultBaseURL+")")
	f.StringVar(&a.g.domain, "domain", "", "WebAdMIT domain: uses https://DOMAIN.webadmit.org (env WEBADMIT_DOMAIN)")
	f.StringVar(&a.g.apiKeyFile, "api-key-file", "", "file holding the API key (else env WEBADMIT_API_KEY)")
	f.StringVar(&a.g.apiKey, "api-key", "", "API key (prefer WEBADMIT_API_KEY or --api-key-file: flags show in process lists)")
	f.BoolVar(&a.g.sandbox, "sandbox", false, "run against an in-process fake WebAdMIT with demo data")
	f.StringVar(&a.g.output, "output", "table", "output format: table or json")
	f.BoolVarP(&a.g.quiet, "quiet", "q", false, "no progress or warnings on stderr")
	f.BoolVarP(&a.g.verbose, "verbose", "v", false, "debug logging on stderr (never shows the key or URL signatures)")
	root.Flags().Bool("version", false, "print the version of webadmit")
	root.SetFlagErrorFunc(flagError)

	root.AddCommand(
		a.identitiesCommand(),
		a.exportsCommand(),
		a.filesCommand(),
		a.statusCommand(),
		a.runCommand(),
		a.downloadCommand(),
		a.pdfCommand(),
		a.organizationsCommand(),
		a.programsCommand(),
		a.decisionsCommand(),
		a.customFieldsCommand(),
		a.sandboxCommand(),
		a.apiCommand(),
		a.designationsCommand(),
		a.answersCommand(),
		a.applicantsCommand(),
		a.ssnCommand(),
		a.batchCommand(),
		a.versionCommand(),
		a.exitCodesTopicCommand(),
		a.environmentTopicCommand(),
	)
	for _, c := range root.Commands() {
		c.Flags().SetInterspersed(true)
	}
	a.groupRun(root)
	return root
}

// setup resolves the settings and builds the client before any command runs.
func (a *app) setup(cmd *cobra.Command, _ []string) error {
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return usageError{err}
	}
	if err := checkIDs(cmd); err != nil {
		return err
	}
	a.started = true
	a.cmd = cmd
	if a.g.output != "table" && a.g.output != "json" {
		return usagef("--output must be table or json, not %q", a.g.output)
	}
	level := slog.LevelError // the CLI prints its own warnings
	if a.g.verbose {
		level = slog.LevelDebug
	}
	if a.g.quiet {
		level = slog.LevelError + 4 // nothing
	}
	a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
	if !needsClient(cmd) {
		return nil
	}
	where, key, err := a.endpoint(cmd)
	if err != nil {
		return err
	}
	c, err := wrapper.New(key, where, wrapper.WithLogger(a.log), wrapper.WithUserAgent("webadmit-cli"))
	if err != nil {
		return usageError{err} // a base URL, domain or key the client refuses
	}
	a.client = c
	if a.api, err = apiBase(c); err != nil {
		return err
	}
	return nil
}

// positiveFlags are the flags that take ids: the API has none below 1.
var positiveFlags = append([]string{"field", "decision"}, idFlags...)

// checkIDs refuses, before any call, an id flag given a value below 1: the
// API would be asked for .../exports/-5/... and answer that it is not found.
func checkIDs(cmd *cobra.Command) error {
	for _, name := range positiveFlags {
		f := cmd.Flags().Lookup(name)
		if f == nil || !f.Changed {
			continue
		}
		values := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			values = sv.GetSlice()
		}
		for _, v := range values {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n < 1 {
				return usagef("--%s %d is not an id: ids are whole numbers from 1", name, n)
			}
		}
	}
	return nil
}

// needsClient reports whether cmd talks to the API: not cobra's help and
// completion commands, nor commands marked noclient (sandbox).
func needsClient(cmd *cobra.Command) bool {
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		switch c.Name() {
		case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return false
		}
		if c.Annotations["noclient"] == "true" {
			return false
		}
	}
	return true
}

// endpoint returns where the API is (a base URL or a domain) and the key,
// starting the sandbox if asked.
func (a *app) endpoint(cmd *cobra.Command) (where wrapper.Option, key string, err error) {
	if a.g.sandbox {
		for _, f := range []string{"base-url", "domain", "api-key", "api-key-file"} {
			if cmd.Flags().Changed(f) {
				return nil, "", usagef("--sandbox serves its own API and key: drop --%s", f)
			}
		}
		s, err := webadmittest.New(webadmittest.DemoData())
		if err != nil {
			return nil, "", fmt.Errorf("start the sandbox: %w", err)
		}
		a.sandbox = s
		return wrapper.WithBaseURL(s.URL()), s.APIKey(), nil
	}
	if where, err = a.where(cmd); err != nil {
		return nil, "", err
	}
	key, err = a.key(cmd)
	return where, key, err
}

// where is the API the flags or the environment name: a base URL, a
// WebAdMIT domain, or the production host.
func (a *app) where(cmd *cobra.Command) (wrapper.Option, error) {
	flags := cmd.Flags()
	switch {
	case flags.Changed("base-url") && flags.Changed("domain"):
		return nil, usagef("give --base-url or --domain, not both")
	case flags.Changed("base-url"):
		return a.baseURL("--base-url", a.g.baseURL)
	case flags.Changed("domain"):
		a.baseFrom = "--domain"
		return wrapper.WithDomain(a.g.domain), nil
	case a.env("WEBADMIT_BASE_URL") != "":
		return a.baseURL("WEBADMIT_BASE_URL", a.env("WEBADMIT_BASE_URL"))
	case a.env("WEBADMIT_DOMAIN") != "":
		a.baseFrom = "WEBADMIT_DOMAIN"
		return wrapper.WithDomain(a.env("WEBADMIT_DOMAIN")), nil
	}
	return wrapper.WithBaseURL(wrapper.DefaultBaseURL), nil
}

// baseURL is the option of a base URL given by source, once its form is
// checked.
func (a *app) baseURL(source, raw string) (wrapper.Option, error) {
	if err := checkBaseURL(source, raw); err != nil {
		return nil, err
	}
	a.baseFrom = source
	return wrapper.WithBaseURL(strings.TrimSpace(raw)), nil
}

func (a *app) key(cmd *cobra.Command) (string, error) {
	flags := cmd.Flags()
	switch {
	case flags.Changed("api-key"):
		a.warnf("--api-key shows the key in process lists; prefer WEBADMIT_API_KEY or --api-key-file")
		return strings.TrimSpace(a.g.apiKey), nil
	case flags.Changed("api-key-file"):
		b, err := os.ReadFile(a.g.apiKeyFile)
		if err != nil {
			return "", usageError{fmt.Errorf("read the API key file: %w", err)}
		}
		k := strings.TrimSpace(string(b))
		if k == "" {
			return "", usagef("the API key file %s is empty", a.g.apiKeyFile)
		}
		return k, nil
	case a.env("WEBADMIT_API_KEY") != "":
		return strings.TrimSpace(a.env("WEBADMIT_API_KEY")), nil
	}
	return "", usagef("no API key: set WEBADMIT_API_KEY, or use --api-key-file (or --sandbox to try the demo)")
}

func (a *app) close() {
	if a.client != nil {
		a.client.CloseIdleConnections()
	}
	if a.sandbox != nil {
		a.sandbox.Close()
	}
}

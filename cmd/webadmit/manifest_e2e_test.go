package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManifestMistakes: a manifest that would lose an export (two outputs
// naming one file, a fraction cut to an integer, a second YAML document
// ignored, an export on stdout among several, a file cut at 1 MiB) or
// names a missing directory is a usage error, in the manifest's words
// (its lines and keys, never the YAML library's or a flag the user did not
// give), before any call; outputs that only look alike are allowed.
func TestManifestMistakes(t *testing.T) {
	t.Parallel()
	big := "- {identity: 7, export: 100}\n" + strings.Repeat("# padding to pass 1 MiB\n", 1<<20/24+1)
	tests := []struct {
		name     string
		manifest string
		stdin    bool // --manifest - with the manifest on stdin
		setup    func(t *testing.T, dir string)
		args     []string
		wantCode int
		stderr   []string
		never    []string // stderr must not hold these
		files    []string // in dir, besides m.yaml, sorted (nil: not checked)
	}{
		{name: "the same file twice, spelt differently", manifest: "- {identity: 7, export: 100, output: same.csv}\n- {identity: 7, export: 101, output: ./same.csv}\n",
			args: []string{"--force"}, wantCode: exitUsage, stderr: []string{"line 2", "output ./same.csv", "line 1", "same file"}, files: []string{}},
		{name: "the same file through a parent", manifest: "- {identity: 7, export: 100, output: sub/x.csv}\n- {identity: 7, export: 101, output: sub/../sub/x.csv}\n",
			setup: mkdirs("sub"), wantCode: exitUsage, stderr: []string{"line 2", "line 1", "same file"}},
		{name: "the same file by two hard links", manifest: "- {identity: 7, export: 100, output: a.csv}\n- {identity: 7, export: 101, output: b.csv}\n",
			setup: hardLinked("a.csv", "b.csv"), args: []string{"--force"}, wantCode: exitUsage, stderr: []string{"line 2", "line 1", "same file"}},
		{name: "the same object twice", manifest: "- {identity: 7, export: 100, output: s3://lake/x.csv}\n- {identity: 7, export: 101, output: s3://lake/x.csv}\n",
			wantCode: exitUsage, stderr: []string{"line 2", "line 1", "same file"}},
		{name: "S3 keys differing in case are two objects", manifest: "- {identity: 7, export: 100, output: s3://lake/A.csv}\n- {identity: 7, export: 101, output: s3://lake/a.csv}\n",
			wantCode: exitError, stderr: []string{"no AWS credentials were found", "AWS_ACCESS_KEY_ID"}, never: []string{"same file", "operation error", "IMDS"}},
		{name: "a directory shared", manifest: "- {identity: 7, export: 100, output: d/}\n- {identity: 7, export: 101, output: d/}\n",
			setup: mkdirs("d"), wantCode: exitOK, files: []string{"d", "d/Nightly.csv", "d/Warn.csv"}},
		{name: "an existing directory shared", manifest: "- {identity: 7, export: 100, output: d}\n- {identity: 7, export: 101, output: ./d}\n",
			setup: mkdirs("d"), wantCode: exitOK, files: []string{"d", "d/Nightly.csv", "d/Warn.csv"}},
		{name: "--force, a file where another export takes the server's name", manifest: "- {identity: 7, export: 100, output: e/}\n- {identity: 7, export: 101, output: e/Nightly.csv}\n",
			setup: mkdirs("e"), args: []string{"--force"}, wantCode: exitUsage, files: []string{"e"},
			stderr: []string{"--manifest m.yaml line 2: output e/Nightly.csv is in e/, where line 1's export takes the server's file name: the two could collide", "give line 1 a file name, or use another directory"}},
		{name: "--force, the directory after the file", manifest: "- {identity: 7, export: 101, output: e/Nightly.csv}\n- {identity: 7, export: 100, output: ./e}\n",
			setup: mkdirs("e"), args: []string{"--force"}, wantCode: exitUsage, stderr: []string{"line 1: output e/Nightly.csv is in ./e, where line 2's export takes the server's file name", "give line 2 a file name"}},
		{name: "--force, the directory through a symbolic link", manifest: "- {identity: 7, export: 100, output: l/}\n- {identity: 7, export: 101, output: e/x.csv}\n",
			setup: symlinked("e", "l", "e"), args: []string{"--force"}, wantCode: exitUsage, stderr: []string{"line 2: output e/x.csv is in l/, where line 1's export"}},
		{name: "--force, a file in -o's directory", manifest: "- {identity: 7, export: 100}\n- {identity: 7, export: 101, output: so/Nightly.csv}\n",
			setup: mkdirs("so"), args: []string{"-o", "so", "--force"}, wantCode: exitUsage, files: []string{"so"},
			stderr: []string{"line 2: output so/Nightly.csv is in so (-o), where line 1's export (no output:) takes the server's file name", "give line 1 a file name"}},
		{name: "--force, a file in the current directory", manifest: "- {identity: 7, export: 100}\n- {identity: 7, export: 101, output: Nightly.csv}\n",
			args: []string{"--force"}, wantCode: exitUsage, files: []string{},
			stderr: []string{"line 2: output Nightly.csv is in the current directory, where line 1's export (no output:, no -o) takes the server's file name"}},
		{name: "--force, a file beside another directory", manifest: "- {identity: 7, export: 100, output: e/}\n- {identity: 7, export: 101, output: f.csv}\n",
			setup: mkdirs("e"), args: []string{"--force"}, wantCode: exitOK, files: []string{"e", "e/Nightly.csv", "f.csv"}},
		{name: "a file where another export takes the server's name, without --force", manifest: "- {identity: 7, export: 100, output: e/}\n- {identity: 7, export: 101, output: e/w.csv}\n",
			setup: mkdirs("e"), wantCode: exitOK, files: []string{"e", "e/Nightly.csv", "e/w.csv"}},
		{name: "a dangling symbolic link to another output", manifest: "- {identity: 7, export: 100, output: d/target.csv}\n- {identity: 7, export: 101, output: dangling.csv}\n",
			setup: symlinked("d/target.csv", "dangling.csv", "d"), wantCode: exitUsage, stderr: []string{"line 2", "output dangling.csv", "line 1", "same file"}},
		{name: "fractions", manifest: "- {identity: 42.9, export: 29897.7}\n", wantCode: exitUsage,
			stderr: []string{"line 1", `identity must be a whole number, not "42.9"`}},
		{name: "a fraction in JSON", manifest: `[{"identity": 7, "export": 100.0}]`, wantCode: exitUsage,
			stderr: []string{"line 1", `export must be a whole number, not "100.0"`}},
		{name: "an exponent in JSON", manifest: `[{"identity": 7, "export": 1e2}]`, wantCode: exitUsage,
			stderr: []string{`export must be a whole number, not "1e2"`}},
		{name: "a word for a number", manifest: "- {identity: forty-two, export: 100}\n", wantCode: exitUsage,
			stderr: []string{"--manifest m.yaml line 1", `identity must be a whole number, not "forty-two"`}, never: []string{"yaml:", "unmarshal", "!!", " into int"}},
		{name: "a string id in JSON", manifest: `[{"identity": "7", "export": 100}]`, wantCode: exitUsage,
			stderr: []string{`identity must be a whole number, not "7"`}},
		{name: "a negative id", manifest: "- {identity: 7, export: -100}\n", wantCode: exitUsage,
			stderr: []string{"line 1", "export must be a positive id, not -100"}},
		{name: "utf8 not a boolean", manifest: "- {identity: 7, export: 100, utf8: [x]}\n", wantCode: exitUsage,
			stderr: []string{"line 1", "utf8 must be true or false"}, never: []string{"yaml:"}},
		{name: "a key twice", manifest: "- {identity: 7, export: 100, export: 101}\n", wantCode: exitUsage,
			stderr: []string{"line 1", "export is already given"}},
		{name: "not YAML", manifest: "- {identity: 7, export: [100\n", wantCode: exitUsage,
			stderr: []string{"not valid YAML or JSON", "line 1"}, never: []string{"yaml: line"}},
		{name: "a second YAML document", manifest: "- {identity: 7, export: 100}\n---\n- {identity: 7, export: 101}\n", wantCode: exitUsage,
			stderr: []string{"more than one YAML document (---); put every export in one list"}},
		{name: "a leading empty document", manifest: "---\n---\n- {identity: 7, export: 100}\n", wantCode: exitOK},
		{name: "a second document after an empty one", manifest: "---\n- {identity: 7, export: 100}\n---\n---\n- {identity: 7, export: 101}\n", wantCode: exitUsage,
			stderr: []string{"line 5", "more than one YAML document"}},
		{name: "a trailing empty document", manifest: "- {identity: 7, export: 100}\n---\n", wantCode: exitOK},
		{name: "an output on /dev/stdout", manifest: "- {identity: 7, export: 100, output: /dev/stdout}\n- {identity: 7, export: 101}\n", wantCode: exitUsage,
			stderr: []string{"line 1", "output /dev/stdout is stdout"}},
		{name: "an output on /dev/fd/1", manifest: "- {identity: 7, export: 100}\n- {identity: 7, export: 101, output: /dev/fd/1}\n", wantCode: exitUsage,
			stderr: []string{"line 2", "is stdout"}},
		{name: "an output on -", manifest: "- {identity: 7, export: 100, output: '-'}\n- {identity: 7, export: 101}\n", wantCode: exitUsage,
			stderr: []string{"line 1", "is stdout"}},
		{name: "an output in a missing directory", manifest: "- {identity: 7, export: 100}\n- {identity: 7, export: 101, output: nodir/x.csv}\n", wantCode: exitUsage,
			stderr: []string{"--manifest m.yaml line 2: output: nodir does not exist; create it with mkdir -p nodir"}, never: []string{"-o"}, files: []string{}},
		{name: "a directory output that is missing", manifest: "- {identity: 7, export: 100, output: nodir/}\n", wantCode: exitUsage,
			stderr: []string{"line 1: output: nodir does not exist; create it with mkdir -p nodir"}},
		{name: "a manifest over 1 MiB", manifest: big, wantCode: exitUsage, stderr: []string{"larger than 1.0 MiB"}},
		{name: "a manifest over 1 MiB on stdin", manifest: big, stdin: true, wantCode: exitUsage, stderr: []string{"--manifest - (stdin)", "larger than 1.0 MiB"}},
		{name: "a manifest on stdin", manifest: "- {identity: 7, export: 100, output: x.csv}\n", stdin: true, wantCode: exitOK, files: []string{"x.csv"}},
		{name: "-o names a directory no export needs", manifest: "- {identity: 7, export: 100, output: a.csv}\n- {identity: 7, export: 101, output: b.csv}\n",
			args: []string{"-o", "so1"}, wantCode: exitOK, files: []string{"a.csv", "b.csv"}},
		{name: "-o names a directory one export needs", manifest: "- {identity: 7, export: 100, output: a.csv}\n- {identity: 7, export: 101}\n",
			args: []string{"-o", "so1"}, wantCode: exitOK, files: []string{"a.csv", "so1", "so1/Warn.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			var r cliResult
			if tt.stdin {
				r = runCLIStdin(t, dir, sandboxEnv(s), tt.manifest, append([]string{"run", "--manifest", "-"}, tt.args...)...)
			} else {
				if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(tt.manifest), 0o600); err != nil {
					t.Fatal(err)
				}
				r = runCLI(t, dir, sandboxEnv(s), append([]string{"run", "--manifest", "m.yaml"}, tt.args...)...)
			}
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range tt.never {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr holds %q:\n%s", w, r.stderr)
				}
			}
			if tt.wantCode == exitUsage {
				if calls := s.Recorder().String(); calls != "calls:" {
					t.Errorf("a usage error made calls: %s", calls)
				}
			}
			if tt.files != nil {
				if got, want := strings.Join(treeNames(t, dir), " "), strings.Join(tt.files, " "); got != want {
					t.Errorf("files: %q, want %q", got, want)
				}
			}
			assertNoSecrets(t, r, s.APIKey())
		})
	}
}

// mkdirs makes directories in the test's directory.
func mkdirs(names ...string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		for _, n := range names {
			if err := os.MkdirAll(filepath.Join(dir, n), 0o700); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// symlinked makes the directories dirs and link, a symbolic link to
// target (which need not exist).
func symlinked(target, link string, dirs ...string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		mkdirs(dirs...)(t, dir)
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
}

// hardLinked makes the file a and b, a hard link to it.
func hardLinked(a, b string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.WriteFile(filepath.Join(dir, a), []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(filepath.Join(dir, a), filepath.Join(dir, b)); err != nil {
			t.Skip("no hard links here:", err)
		}
	}
}

// treeNames lists the files and directories under dir (slash-separated,
// sorted), but for the manifest m.yaml.
func treeNames(t *testing.T, dir string) []string {
	t.Helper()
	names := []string{}
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != "." && rel != "m.yaml" {
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

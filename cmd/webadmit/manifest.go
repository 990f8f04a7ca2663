package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webadmit-go/webadmit/wrapper/s3dest"
)

// maxManifest bounds what --manifest reads: a list of exports is small.
const maxManifest = 1 << 20

// manifestEntry is one export of a --manifest file.
type manifestEntry struct {
	Identity int
	Export   int
	Output   string
	UTF8     bool
	line     int
}

// manifest names a --manifest in messages: "--manifest m.yaml line 3: ...".
type manifest string

func (m manifest) label() string {
	if m == "-" {
		return "--manifest - (stdin)"
	}
	return "--manifest " + string(m)
}

// errf is a usage error at a line of the manifest (0: the whole file).
func (m manifest) errf(line int, format string, args ...any) error {
	if line > 0 {
		return usagef("%s line %d: %s", m.label(), line, fmt.Sprintf(format, args...))
	}
	return usagef("%s: %s", m.label(), fmt.Sprintf(format, args...))
}

// readManifest reads a --manifest file: a YAML (or JSON) list of
// {identity, export, output, utf8}. identity defaults to --identity
// (0: none); unknown fields, missing or fractional ids, an export or an
// output named twice, an output in a missing directory, stdout, and a
// second YAML document are usage errors that give the line.
//
// dir is -o, the directory of the exports without an output ("": the
// current one); with force, an output file in a directory where another
// export takes the server's file name is refused too (see checkOutputs).
func readManifest(path string, identity int, dir string, force bool) ([]manifestEntry, error) {
	m := manifest(path)
	b, err := m.read()
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	for found := false; ; {
		var d yaml.Node
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			if !found {
				return nil, m.errf(0, "it is empty: give a list of {identity, export, output, utf8}")
			}
			break
		}
		if err != nil {
			return nil, m.syntaxError(err)
		}
		switch {
		case emptyDocument(&d): // a '---' with nothing after it
		case found:
			line := d.Line
			if len(d.Content) > 0 {
				line = d.Content[0].Line
			}
			return nil, m.errf(line, "the manifest has more than one YAML document (---); put every export in one list")
		default:
			doc, found = d, true
		}
	}
	list := &doc
	if list.Kind == yaml.DocumentNode && len(list.Content) == 1 {
		list = list.Content[0]
	}
	if list.Kind != yaml.SequenceNode {
		return nil, m.errf(list.Line, "want a list of {identity, export, output, utf8}")
	}
	var (
		out     []manifestEntry
		exports = map[int]int{}
	)
	for _, n := range list.Content {
		e, err := m.entry(n, identity)
		if err != nil {
			return nil, err
		}
		if l, ok := exports[e.Export]; ok {
			return nil, m.errf(e.line, "export %d is already on line %d", e.Export, l)
		}
		exports[e.Export] = e.line
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, m.errf(0, "it lists no exports")
	}
	if err := m.checkOutputs(out, dir, force); err != nil {
		return nil, err
	}
	return out, nil
}

// read reads the manifest, a file or stdin, refusing one over maxManifest
// rather than cutting it short.
func (m manifest) read() ([]byte, error) {
	var r io.Reader = os.Stdin
	if m != "-" {
		f, err := os.Open(string(m))
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("cannot read %s: %v", m.label(), err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxManifest+1))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v", m.label(), err)
	}
	if len(b) > maxManifest {
		return nil, m.errf(0, "it is larger than %s; a manifest lists exports, split it into several runs", humanBytes(maxManifest))
	}
	return b, nil
}

// syntaxError says that the manifest is not YAML or JSON, without the
// parser's name.
func (m manifest) syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return m.errf(0, "not valid YAML or JSON: %s", msg)
}

// emptyDocument reports whether a YAML document holds nothing (a '---'
// with nothing after it, or only comments).
func emptyDocument(d *yaml.Node) bool {
	if d.Kind == 0 {
		return true
	}
	if d.Kind != yaml.DocumentNode {
		return false
	}
	for _, c := range d.Content {
		if c.Kind != yaml.ScalarNode || c.ShortTag() != "!!null" || c.Value != "" {
			return false
		}
	}
	return true
}

// entry decodes one item of the list, refusing unknown fields, fields
// given twice and values of the wrong kind, each with its line.
func (m manifest) entry(n *yaml.Node, identity int) (manifestEntry, error) {
	e := manifestEntry{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, m.errf(n.Line, "want {identity, export, output, utf8}")
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if l, ok := seen[k.Value]; ok {
			return e, m.errf(k.Line, "%s is already given on line %d", termSafe(k.Value), l)
		}
		seen[k.Value] = k.Line
		var err error
		switch k.Value {
		case "identity":
			e.Identity, err = m.id(k.Value, v)
		case "export":
			e.Export, err = m.id(k.Value, v)
		case "output":
			if isNull(v) {
				break
			}
			if v.Kind != yaml.ScalarNode {
				return e, m.errf(v.Line, "output must be a file name, a directory or s3://BUCKET/KEY")
			}
			e.Output = v.Value
		case "utf8":
			if isNull(v) {
				break
			}
			if v.Kind != yaml.ScalarNode || v.Decode(&e.UTF8) != nil {
				return e, m.errf(v.Line, "utf8 must be true or false, not %s", nodeText(v))
			}
		default:
			return e, m.errf(k.Line, "unknown field %q (known: identity, export, output, utf8)", termSafe(k.Value))
		}
		if err != nil {
			return e, err
		}
	}
	if _, ok := seen["identity"]; !ok || e.Identity == 0 {
		e.Identity = identity
	}
	switch {
	case e.Identity <= 0: // --identity below 1 is refused before
		return e, m.errf(n.Line, "no identity (give one there, or --identity)")
	case e.Export == 0:
		return e, m.errf(n.Line, "no export")
	}
	return e, nil
}

// id decodes the value of identity or export: a positive whole number (in
// YAML an !!int, in JSON one without fraction or exponent), read from its
// text in decimal (YAML would read 042 as octal and 0x2a as hex); null is
// none.
func (m manifest) id(key string, v *yaml.Node) (int, error) {
	if isNull(v) {
		return 0, nil
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		return 0, m.errf(v.Line, "%s must be a whole number, not %s", key, nodeText(v))
	}
	n, err := parseDecimalID(v.Value, strconv.IntSize)
	if errors.Is(err, errNotDecimal) {
		return 0, m.errf(v.Line, "%s must be a whole number in decimal, not %s: ids are decimal (no 0x, 0o or 0b)", key, nodeText(v))
	}
	if err != nil {
		return 0, m.errf(v.Line, "%s must be a whole number, not %s", key, nodeText(v))
	}
	id := int(n)
	if id <= 0 {
		return 0, m.errf(v.Line, "%s must be a positive id, not %d", key, id)
	}
	return id, nil
}

// isNull reports whether v is YAML's null (~, null or nothing).
func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

// nodeText quotes a value for a message: a scalar as written, else what
// kind of value it is.
func nodeText(v *yaml.Node) string {
	switch v.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return termSafe(fmt.Sprintf("%q", v.Value))
}

// checkOutputs checks the outputs of the entries before any call: none is
// stdout (the summary goes there), a file's directory exists (nothing
// creates it), and no two entries write the same file or object. A
// directory (ending in '/', or an existing one) takes files under the
// server's names, numbered when they collide, so entries may share it;
// with force, a file output in such a directory (another entry's, or dir,
// -o, when some entry has no output) is refused, since the server may give
// the other export's file the same name and --force would replace one
// with the other.
func (m manifest) checkOutputs(entries []manifestEntry, dir string, force bool) error {
	type seenOutput struct {
		line int
		name string
		fi   os.FileInfo // of a file that exists
	}
	type fileOutput struct {
		line      int
		name, dir string // dir: the key of its directory
	}
	var (
		seen     []seenOutput
		files    []fileOutput
		keys     = map[string]int{}       // output key → index in seen
		dirs     = map[string]serverDir{} // directory key → who takes server-named files there
		noOutput int                      // the line of the first entry without an output
	)
	for _, e := range entries {
		o := e.Output
		switch {
		case o == "":
			if noOutput == 0 {
				noOutput = e.line
			}
			continue
		case o == "-" || isStdoutPath(o):
			return m.errf(e.line, "output %s is stdout, where the summary of the exports goes; give a file name (or run that export alone with -o -)", o)
		case strings.HasPrefix(o, "s3://"):
			bucket, key, err := s3dest.ParseURL(o)
			if err != nil {
				return m.errf(e.line, "output %v", err)
			}
			k := s3dest.URL(bucket, key) // keys are case-sensitive
			if i, ok := keys[k]; ok {
				return m.sameOutput(e, seen[i].line, seen[i].name)
			}
			keys[k] = len(seen)
			seen = append(seen, seenOutput{line: e.line, name: o})
			continue
		case strings.HasSuffix(o, "/") || strings.HasSuffix(o, string(os.PathSeparator)):
			if err := m.checkDir(e.line, filepath.Clean(o)); err != nil {
				return err
			}
			addServerDir(dirs, dirKey(o), serverDir{line: e.line, name: o})
			continue
		}
		fi, err := os.Stat(o)
		if err == nil && fi.IsDir() {
			addServerDir(dirs, dirKey(o), serverDir{line: e.line, name: o})
			continue // server-named files: shared
		}
		if err != nil {
			fi = nil
			if err := m.checkDir(e.line, filepath.Dir(o)); err != nil {
				return err
			}
		}
		k := fileKey(o)
		if i, ok := keys[k]; ok {
			return m.sameOutput(e, seen[i].line, seen[i].name)
		}
		if fi != nil {
			for _, s := range seen {
				if s.fi != nil && os.SameFile(s.fi, fi) {
					return m.sameOutput(e, s.line, s.name)
				}
			}
		}
		keys[k] = len(seen)
		seen = append(seen, seenOutput{line: e.line, name: o, fi: fi})
		files = append(files, fileOutput{line: e.line, name: o, dir: dirKey(filepath.Dir(o))})
	}
	if !force {
		return nil // a server's name never replaces a file, nor an output without --force
	}
	if noOutput > 0 && dir != "-" && !isStdoutPath(dir) && !strings.HasPrefix(dir, "s3://") {
		d := serverDir{line: noOutput, name: dir, flag: true}
		if dir == "" {
			dir = "."
		}
		addServerDir(dirs, dirKey(dir), d)
	}
	for _, f := range files {
		d, ok := dirs[f.dir]
		if !ok {
			continue
		}
		var where string
		switch {
		case d.flag && d.name == "":
			where = fmt.Sprintf("the current directory, where line %d's export (no output:, no -o)", d.line)
		case d.flag:
			where = fmt.Sprintf("%s (-o), where line %d's export (no output:)", d.name, d.line)
		default:
			where = fmt.Sprintf("%s, where line %d's export", d.name, d.line)
		}
		return m.errf(f.line, "output %s is in %s takes the server's file name: the two could collide, and --force would replace one with the other; give line %d a file name, or use another directory",
			f.name, where, d.line)
	}
	return nil
}

// serverDir is a directory where an export of the manifest takes the
// server's file name: an entry's output, or -o (flag) for the entries
// without one.
type serverDir struct {
	line int
	name string
	flag bool
}

// addServerDir adds d under key unless an earlier entry has it.
func addServerDir(dirs map[string]serverDir, key string, d serverDir) {
	if _, ok := dirs[key]; !ok {
		dirs[key] = d
	}
}

// sameOutput is the error of two entries writing the same file or object.
func (m manifest) sameOutput(e manifestEntry, line int, name string) error {
	what := "output " + e.Output
	if e.Output != name {
		what += " (" + name + ")"
	}
	return m.errf(e.line, "%s is the same file as the output of line %d: one would overwrite the other; give each export its own output", what, line)
}

// checkDir checks that dir, which an output at line writes into, exists.
func (m manifest) checkDir(line int, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return m.errf(line, "output: %s is not a directory", dir)
	case errors.Is(err, fs.ErrNotExist):
		return m.errf(line, "output: %s does not exist; create it with %s", dir, mkdirCommand(dir))
	}
	return checkOutputDir(dir) // permission and the like, in -o's words
}

// dirKey is the key under which two directories are the same, as fileKey
// compares files: the cleaned absolute path, its symbolic links resolved.
func dirKey(d string) string {
	if abs, err := filepath.Abs(d); err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			d = real
		}
	}
	return fileKey(d)
}

// fileKey is the key under which two outputs are the same file: the
// cleaned absolute path, with the directory's symbolic links resolved, and
// the file's own if it is one, even to a file that does not exist yet
// (and case folded where the disks usually ignore it).
func fileKey(o string) string {
	abs, err := filepath.Abs(o)
	if err != nil {
		abs = filepath.Clean(o)
	}
	for range 40 { // as many links as the system follows
		if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(dir, filepath.Base(abs))
		}
		fi, err := os.Lstat(abs)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(abs)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(abs), target)
		}
		abs = filepath.Clean(target)
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		abs = strings.ToLower(abs)
	}
	return abs
}

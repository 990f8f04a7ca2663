package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// manifestEntry is one export of a --manifest file.
type manifestEntry struct {
	Identity int    `yaml:"identity"`
	Export   int    `yaml:"export"`
	Output   string `yaml:"output"`
	UTF8     bool   `yaml:"utf8"`
	line     int
}

// readManifest reads a --manifest file: a YAML (or JSON) list of
// {identity, export, output, utf8}. identity defaults to --identity
// (0: none); unknown fields, missing ids, an export or an output named
// twice are errors that give the line.
func readManifest(path string, identity int) ([]manifestEntry, error) {
	var (
		b   []byte
		err error
	)
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the manifest: %w", err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, usagef("manifest %s is empty: give a list of {identity, export, output, utf8}", path)
		}
		return nil, usagef("manifest %s: %v", path, err)
	}
	list := &doc
	if list.Kind == yaml.DocumentNode && len(list.Content) == 1 {
		list = list.Content[0]
	}
	if list.Kind != yaml.SequenceNode {
		return nil, usagef("manifest %s, line %d: want a list of {identity, export, output, utf8}", path, list.Line)
	}
	var (
		out     []manifestEntry
		exports = map[int]int{}
		outputs = map[string]int{}
	)
	for _, n := range list.Content {
		var e manifestEntry
		if err := decodeStrict(n, &e); err != nil {
			return nil, usagef("manifest %s, line %d: %v", path, n.Line, err)
		}
		e.line = n.Line
		if e.Identity == 0 {
			e.Identity = identity
		}
		switch {
		case e.Identity <= 0:
			return nil, usagef("manifest %s, line %d: no identity (give one there, or --identity)", path, n.Line)
		case e.Export <= 0:
			return nil, usagef("manifest %s, line %d: no export", path, n.Line)
		case e.Output == "-":
			return nil, usagef("manifest %s, line %d: output '-' (stdout) takes one export; give a file name", path, n.Line)
		}
		if l, ok := exports[e.Export]; ok {
			return nil, usagef("manifest %s, line %d: export %d is already on line %d", path, n.Line, e.Export, l)
		}
		exports[e.Export] = n.Line
		if e.Output != "" {
			key := strings.ToLower(e.Output) // case-insensitive disks
			if l, ok := outputs[key]; ok {
				return nil, usagef("manifest %s, line %d: output %s is already on line %d", path, n.Line, e.Output, l)
			}
			outputs[key] = n.Line
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, usagef("manifest %s lists no exports", path)
	}
	return out, nil
}

// decodeStrict decodes n into v, refusing fields v does not have.
func decodeStrict(n *yaml.Node, v *manifestEntry) error {
	if n.Kind != yaml.MappingNode {
		return errors.New("want {identity, export, output, utf8}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "identity", "export", "output", "utf8":
		default:
			return fmt.Errorf("unknown field %q (known: identity, export, output, utf8)", k)
		}
	}
	return n.Decode(v)
}

package docpages

import (
	"errors"
	"os"
	"path/filepath"
)

// EnvDocs names the environment variable that points at the docs folder
// (the one holding pages/, schemata/ and seed/).
const EnvDocs = "WEBADMIT_DOCS"

// Locate returns the docs folder: $WEBADMIT_DOCS if set, else
// ../shared/webadmit-docs beside the module root (where CI puts it). It
// returns an error saying where it looked when the folder is absent.
func Locate() (string, error) {
	if d := os.Getenv(EnvDocs); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", errors.New("docs folder " + d + " (from $" + EnvDocs + ") does not exist")
		}
		return d, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	d := filepath.Join(root, "..", "shared", "webadmit-docs")
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		return "", errors.New("docs folder not found at " + d + "; set $" + EnvDocs + " to a copy of the WebAdMIT docs")
	}
	return d, nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

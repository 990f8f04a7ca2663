package dest

import (
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileNameBytes keeps names within what common file systems accept.
const maxFileNameBytes = 200

// SafeFileName returns the file name a Content-Disposition header proposes,
// made safe to create in a directory: the last path element only (slashes
// and backslashes both count), no control characters, no leading dots, no
// reserved characters, at most 200 bytes. It returns "" when the header
// proposes no usable name.
func SafeFileName(contentDisposition string) string {
	_, params, err := mime.ParseMediaType(contentDisposition)
	if err != nil {
		return ""
	}
	name := params["filename"] // mime decodes filename* into filename
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), !unicode.IsPrint(r) && r != ' ':
			continue
		case strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	name = strings.TrimRight(name, ". ")
	for len(name) > maxFileNameBytes {
		ext := path.Ext(name)
		if len(ext) > 20 || len(ext) >= len(name) {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		cut := maxFileNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		name = stem[:cut] + ext
	}
	if name == "" || name == "." || name == ".." {
		return ""
	}
	return name
}

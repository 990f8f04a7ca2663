package wrapper

import (
	"io"
	"mime"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// latin1Charsets are the charset labels decoded as Windows-1252 (see
// TranscodeToUTF8 for why ISO-8859-1 is among them).
var latin1Charsets = map[string]bool{
	"iso-8859-1": true, "iso8859-1": true, "iso_8859-1": true, "latin1": true, "latin-1": true,
	"l1": true, "cp819": true, "ibm819": true,
	"windows-1252": true, "cp1252": true, "x-cp1252": true,
}

// declaredCharset returns the lower-case charset parameter of a Content-Type.
func declaredCharset(contentType string) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["charset"]))
}

// utf8Writer returns a writer that decodes Windows-1252 into UTF-8 before
// writing to w, when contentType declares a Latin-1 charset; otherwise nil.
// The converter keeps no state between bytes, so a resumed download can
// continue through it. Close flushes it (it holds nothing back for this
// charset, but the contract of transform.Writer asks for it).
func utf8Writer(w io.Writer, contentType string) io.WriteCloser {
	if !latin1Charsets[declaredCharset(contentType)] {
		return nil
	}
	return transform.NewWriter(w, charmap.Windows1252.NewDecoder())
}

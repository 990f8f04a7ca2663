package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/webadmit-go/webadmit/wrapper/internal/charset"
	"github.com/webadmit-go/webadmit/wrapper/internal/dest"
)

// copyBufferSize is the chunk in which downloads are copied.
const copyBufferSize = 256 << 10

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// output is the write side of a download: raw bytes from the store go
// through an optional UTF-8 converter, then are hashed, counted and written
// to the sink.
type output struct {
	sink     dest.Sink
	conv     io.WriteCloser // nil unless transcoding
	ctype    string         // the Content-Type conv decodes
	entry    io.Writer      // conv, or the hashing writer
	hashed   hashingWriter
	received int64 // raw bytes accepted: the offset a resume starts from
	onBytes  func(received int64)
}

func newOutput(s dest.Sink, onBytes func(int64)) *output {
	o := &output{sink: s, onBytes: onBytes}
	o.hashed = hashingWriter{w: s, h: sha256.New()}
	o.entry = &o.hashed
	return o
}

// transcode inserts a UTF-8 converter when contentType declares a Latin-1
// charset; it must be called before the first byte.
func (o *output) transcode(contentType string) bool {
	if o.received != 0 {
		return false
	}
	if conv := charset.UTF8Writer(&o.hashed, contentType); conv != nil {
		o.conv, o.entry, o.ctype = conv, conv, contentType
		return true
	}
	return false
}

// writeError tells a failed write (the disk, not the store: never
// resumed) from a failed read.
type writeError struct{ err error }

func (e *writeError) Error() string { return "writing the file: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// copyFrom copies r into the output until EOF or until ctx ends. Whatever
// was read before an error is written first, so received is exact.
func (o *output) copyFrom(ctx context.Context, r io.Reader) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, werr := o.entry.Write(buf[:n]); werr != nil {
				return &writeError{werr}
			}
			o.received += int64(n)
			if o.onBytes != nil {
				o.onBytes(o.received)
			}
		}
		switch {
		case rerr == io.EOF:
			return nil
		case rerr != nil:
			return rerr
		}
	}
}

// skipMatching reads the first n bytes of r, which a store that ignored a
// Range request sends again, and checks that they are the bytes already
// received: their hash (through the same conversion) must equal the hash of
// what was written. Otherwise the object changed (ErrChanged).
func (o *output) skipMatching(r io.Reader, n int64) error {
	h := sha256.New()
	var w io.Writer = h
	if o.conv != nil {
		w = charset.UTF8Writer(h, o.ctype) // stateless: converting again gives the same bytes
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	got, err := io.CopyBuffer(w, io.LimitReader(r, n), *bp)
	if err == nil && got < n {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	if !bytes.Equal(h.Sum(nil), o.hashed.h.Sum(nil)) {
		return fmt.Errorf("%w: the store resent the first %d bytes with other content", ErrChanged, n)
	}
	return nil
}

// continueAt makes the output go on from n bytes whose hash is h (the
// parts' complete prefix), writing through w.
func (o *output) continueAt(h hash.Hash, n int64, w io.Writer) {
	o.hashed = hashingWriter{w: w, h: h, n: n}
	o.entry = &o.hashed
	o.received = n
}

// finish flushes the converter.
func (o *output) finish() error {
	if o.conv != nil {
		if err := o.conv.Close(); err != nil {
			return &writeError{err}
		}
	}
	return nil
}

// written and sum describe the bytes that reached the sink.
func (o *output) written() int64 { return o.hashed.n }
func (o *output) sum() string    { return hex.EncodeToString(o.hashed.h.Sum(nil)) }

// hashingWriter writes to w, then hashes and counts what w accepted.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}

package runtime

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
)

// bodyChunk is the size of the pooled buffer a body is first read into.
// Nearly every JSON-RPC message fits, so the usual body costs one
// allocation of exactly its size; a connection that has sent its headers
// and nothing more holds one chunk, whatever length it declared.
const bodyChunk = 8 << 10

var bodyPool = sync.Pool{New: func() any { b := make([]byte, bodyChunk); return &b }}

// BodyTooLargeError is returned by ReadBody for a body over its limit.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return "request body exceeds " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// ReadBody reads r to its end and returns what it read, refusing more
// than limit bytes (DefaultMaxBodyBytes when limit <= 0) with a
// *BodyTooLargeError. declared is the length the sender announced (-1
// when unknown): one over the limit is refused before anything is read,
// and it caps how far the buffer grows, but it never decides what is
// allocated. Memory follows the bytes actually received: a pooled chunk
// first, then a buffer that at most doubles, so a client that declares
// 4 MiB and sends nothing costs one pooled chunk, and one that sends
// part of it costs about twice that part.
//
// The returned slice is the caller's own (ParseOwnedMessage may keep
// pointers into it).
func ReadBody(r io.Reader, declared, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if declared > limit {
		return nil, &BodyTooLargeError{Limit: limit}
	}
	pb := bodyPool.Get().(*[]byte)
	chunk := *pb
	n, err := readSome(r, chunk)
	if n < len(chunk) || err != nil {
		var out []byte
		if err == nil {
			out = make([]byte, n)
			copy(out, chunk[:n])
		}
		bodyPool.Put(pb)
		if err == nil && int64(n) > limit {
			return nil, &BodyTooLargeError{Limit: limit}
		}
		return out, err
	}
	buf := make([]byte, n, growCap(n, declared, limit))
	copy(buf, chunk)
	bodyPool.Put(pb)
	for {
		if int64(len(buf)) > limit {
			return nil, &BodyTooLargeError{Limit: limit}
		}
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), growCap(len(buf), declared, limit))
			copy(nb, buf)
			buf = nb
		}
		m, err := readSome(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil {
			return nil, err
		}
		if len(buf) < cap(buf) {
			if int64(len(buf)) > limit {
				return nil, &BodyTooLargeError{Limit: limit}
			}
			return buf, nil // the end of the body
		}
	}
}

// growCap is the next capacity of a body buffer holding n bytes: double,
// but never past limit+1 (one byte over is how an overlong body shows)
// nor past declared+1 (the extra byte lets the final read see the end).
func growCap(n int, declared, limit int64) int {
	c := int64(2 * n)
	if c > limit+1 {
		c = limit + 1
	}
	if declared >= 0 && c > declared+1 {
		c = declared + 1
	}
	if c <= int64(n) {
		c = int64(n) + 1
	}
	return int(c)
}

// readSome fills p from r until p is full, r ends (nil error) or r fails.
func readSome(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ReadRequestBody reads r's body with ReadBody, bounded by limit. On
// failure it returns the HTTP status to answer with and a message for the
// client: 413 for a body over the limit, 408 for one that did not arrive
// within the body read timeout (Config.BodyReadTimeout), 400 otherwise.
// It then marks the response "Connection: close": the rest of the body
// is not read, so the connection cannot carry another request.
func ReadRequestBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, status int, msg string) {
	body, err := ReadBody(r.Body, r.ContentLength, limit)
	if err == nil {
		return body, 0, ""
	}
	w.Header().Set("Connection", "close")
	if tl, ok := errors.AsType[*BodyTooLargeError](err); ok {
		return nil, http.StatusRequestEntityTooLarge, tl.Error() + " (MaxBodyBytes)"
	}
	if mb, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, http.StatusRequestEntityTooLarge, (&BodyTooLargeError{Limit: mb.Limit}).Error()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, http.StatusRequestTimeout, "the request body did not arrive in time (BodyReadTimeout)"
	}
	return nil, http.StatusBadRequest, "could not read the request body: " + err.Error()
}

// IsJSONContentType reports whether a request's Content-Type is
// application/json in UTF-8: without a charset (JSON is UTF-8, RFC 8259)
// or with charset=utf-8. Another charset is refused (415), since the body
// would be read as UTF-8 anyway.
func IsJSONContentType(ct string) bool {
	switch ct { // what clients send, without a map allocation
	case "application/json", "application/json; charset=utf-8", "application/json;charset=utf-8":
		return true
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

package streamable

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// codeTransport is the JSON-RPC code of errors the transport itself
// reports (bad headers, unknown session, ...): the implementation-defined
// server-error range, as the reference SDKs use it.
const codeTransport = -32000

// writeError answers with an HTTP status and a JSON-RPC error body.
func writeError(w http.ResponseWriter, status, code int, msg string) {
	runtime.WriteHTTPError(w, status, nil, runtime.NewError(code, "%s", msg))
}

// defaultVersion is what a request without MCP-Protocol-Version speaks
// (the spec's rule for clients older than the header).
const defaultVersion = "2025-03-26"

// atLeast compares protocol versions, which are dates in ISO form.
func atLeast(v, min string) bool { return v != "" && v >= min }

// protocolVersion returns the request's MCP-Protocol-Version (the
// default when absent) or an error message for an unsupported one.
func protocolVersion(r *http.Request) (string, string) {
	v := strings.TrimSpace(r.Header.Get(headerProtocolVersion))
	if v == "" {
		return defaultVersion, ""
	}
	if !runtime.IsSupportedVersion(v) {
		return "", "unsupported MCP-Protocol-Version " + quoteHeader(v) + "; supported: " + strings.Join(runtime.SupportedVersions, ", ")
	}
	return v, ""
}

// accepts reports which of application/json and text/event-stream an
// Accept header allows. Wildcards count: the spec requires clients to
// list both types, but a client sending */* accepts them too.
func accepts(r *http.Request) (json, sse bool) {
	json, sse, _ = acceptsOrder(r)
	return json, sse
}

// acceptsOrder is accepts plus whether the client names text/event-stream
// before application/json: such a client (the conformance suite is one)
// gets an SSE stream from the start, everyone else a JSON body unless the
// handler streams something first.
func acceptsOrder(r *http.Request) (json, sse, sseFirst bool) {
	vals := r.Header.Values("Accept")
	if len(vals) == 1 {
		switch vals[0] { // what clients send, parsed without allocating
		case "application/json, text/event-stream", "application/json,text/event-stream", "*/*":
			return true, true, false
		case "text/event-stream, application/json", "text/event-stream,application/json":
			return true, true, true
		case "application/json":
			return true, false, false
		case "text/event-stream":
			return false, true, true
		}
	}
	for _, line := range vals {
		for part := range strings.SplitSeq(line, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			switch mt {
			case "*/*":
				json, sse = true, true
			case "application/*", "application/json":
				json = true
			case "text/*", "text/event-stream":
				sseFirst = sseFirst || (mt == "text/event-stream" && !json)
				sse = true
			}
		}
	}
	return json, sse, sseFirst
}

// validSessionID reports whether s can be a session id we issued: the
// spec allows visible ASCII only; ours are 32 hex digits, and anything
// far longer is rejected before any map lookup.
func validSessionID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// errBadLastEventID is returned by parseLastEventID for a header that
// cannot be an event id.
var errBadLastEventID = errors.New("Last-Event-ID must be one line of at most 1024 visible characters")

// parseLastEventID returns the Last-Event-ID of a GET ("" when absent).
// Per the SSE rules an id never contains CR, LF or NUL; we also bound its
// length so a hostile header costs nothing.
func parseLastEventID(r *http.Request) (string, error) {
	vals := r.Header.Values(headerLastEventID)
	if len(vals) == 0 {
		return "", nil
	}
	if len(vals) > 1 {
		return "", errBadLastEventID
	}
	return checkEventID(strings.TrimSpace(vals[0]))
}

func checkEventID(id string) (string, error) {
	if len(id) > 1024 {
		return "", errBadLastEventID
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x20 || c == 0x7f {
			return "", errBadLastEventID
		}
	}
	return id, nil
}

// appendEvent appends one SSE event: an optional id and the data split on
// line breaks (encoded JSON has none, but the framing must hold whatever
// the core sends).
func appendEvent(b []byte, id string, data []byte) []byte {
	return runtime.AppendSSEEvent(b, "message", id, data)
}

// appendPriming appends the priming event: an id the client can resume
// from, empty data (clients ignore it) and the reconnection delay.
func appendPriming(b []byte, id string, retry time.Duration) []byte {
	if id != "" {
		b = append(b, "id: "...)
		b = append(b, id...)
		b = append(b, '\n')
	}
	if retry > 0 {
		b = append(b, "retry: "...)
		b = strconv.AppendInt(b, retry.Milliseconds(), 10)
		b = append(b, '\n')
	}
	return append(b, "data: \n\n"...)
}

// sseEvent is one event as a client parses it; used by tests and the
// fuzz target to check the framing round-trips.
type sseEvent struct {
	ID    string
	Event string
	Data  string
	Retry string
}

// parseSSE splits an SSE byte stream into events following the HTML
// event-stream rules (comments skipped, data lines joined with \n, events
// with no data and no id dropped).
func parseSSE(b []byte) []sseEvent {
	var out []sseEvent
	var cur sseEvent
	var data []string
	var hasData, hasID bool
	for len(b) > 0 {
		var line []byte
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			line, b = b, nil
		} else {
			line = b[:i]
			if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			b = b[i+1:]
		}
		if len(line) == 0 {
			if hasData || hasID || cur.Retry != "" {
				cur.Data = strings.Join(data, "\n")
				out = append(out, cur)
			}
			cur, data, hasData, hasID = sseEvent{}, nil, false, false
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "id":
			cur.ID, hasID = string(value), true
		case "event":
			cur.Event = string(value)
		case "data":
			data, hasData = append(data, string(value)), true
		case "retry":
			cur.Retry = string(value)
		}
	}
	return out
}

// quoteHeader quotes an untrusted header value for an error message,
// bounded so a huge header cannot bloat the answer.
func quoteHeader(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strconv.Quote(s)
}

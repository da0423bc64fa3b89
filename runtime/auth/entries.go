package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/mcpgen/mcpgen/runtime"
)

// entryScopes holds the Scopes of every tool, prompt and resource of a
// Definition, looked up by what a request names, so that the middleware
// can enforce them at the HTTP layer (a 403 with a step-up challenge)
// before the protocol core runs anything. It is built once per server.
type entryScopes struct {
	tools, prompts map[string][]string
	// resources holds every fixed URI (scoped or not): the core tries
	// fixed URIs before templates, so a fixed match ends the search.
	resources map[string][]string
	// templates are every resource template in definition order, the
	// order in which the core tries them.
	templates []*scopedTemplate
	// byTemplate maps a template's text to its scopes, for
	// completion/complete references.
	byTemplate map[string][]string
}

type scopedTemplate struct {
	re     *regexp.Regexp
	scopes []string
}

// newEntryScopes returns nil when no entry of d declares scopes, so that
// servers without per-entry scopes never read request bodies.
func newEntryScopes(d *runtime.Definition) *entryScopes {
	if d == nil || len(definitionScopes(d)) == 0 {
		return nil
	}
	e := &entryScopes{
		tools:      map[string][]string{},
		prompts:    map[string][]string{},
		resources:  map[string][]string{},
		byTemplate: map[string][]string{},
	}
	for _, t := range d.Tools {
		if t != nil && len(t.Scopes) > 0 {
			e.tools[t.Name] = t.Scopes
		}
	}
	for _, p := range d.Prompts {
		if p != nil && len(p.Scopes) > 0 {
			e.prompts[p.Name] = p.Scopes
		}
	}
	for _, r := range d.Resources {
		if r != nil {
			if _, dup := e.resources[r.URI]; !dup {
				e.resources[r.URI] = r.Scopes
			}
		}
	}
	for _, rt := range d.ResourceTemplates {
		if rt == nil {
			continue
		}
		e.byTemplate[rt.URITemplate] = union(e.byTemplate[rt.URITemplate], rt.Scopes)
		e.templates = append(e.templates, &scopedTemplate{re: templateMatcher(rt.URITemplate), scopes: rt.Scopes})
	}
	return e
}

// templateMatcher compiles an RFC 6570 level-1 template the way the
// runtime matches resources/read URIs against it: literal text, and each
// {var} one or more characters other than '/'. NewServer has already
// rejected templates that are not level 1. A template this cannot
// compile matches every URI, so its scopes are demanded rather than
// skipped (fail closed).
func templateMatcher(tmpl string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for rest := tmpl; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:open]))
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return regexp.MustCompile(``)
		}
		b.WriteString(`([^/]+)`)
		rest = rest[open+end+1:]
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(``)
	}
	return re
}

// matches reports whether uri is an expansion of the template as the
// runtime decides it: the pattern matches and every variable's value
// percent-decodes.
func (t *scopedTemplate) matches(uri string) bool {
	m := t.re.FindStringSubmatch(uri)
	if m == nil {
		return false
	}
	for _, v := range m[1:] {
		if _, err := url.PathUnescape(v); err != nil {
			return false
		}
	}
	return true
}

// resource returns the scopes of the entry the runtime would serve uri
// from: the fixed resource, else the first matching template.
func (e *entryScopes) resource(uri string) []string {
	if sc, ok := e.resources[uri]; ok {
		return sc
	}
	for _, t := range e.templates {
		if t.matches(uri) {
			return t.scopes
		}
	}
	return nil
}

// required returns the scopes the request msg needs beyond the ones every
// request needs. The names are read from params with every spelling the
// core might accept (encoding/json matches keys case-insensitively, and a
// duplicated key could be read first or last): the scopes of every
// candidate are demanded, so a parser difference can only over-ask,
// never let a scoped call through.
func (e *entryScopes) required(msg *runtime.Message) []string {
	switch msg.Method {
	case "tools/call":
		return e.lookup(stringsAt(msg.Params, "name"), e.tools)
	case "prompts/get":
		return e.lookup(stringsAt(msg.Params, "name"), e.prompts)
	case "resources/read", "resources/subscribe":
		var out []string
		for _, u := range stringsAt(msg.Params, "uri") {
			out = union(out, e.resource(u))
		}
		return out
	case "subscriptions/listen":
		// 2026-07-28: update notifications of resources, like
		// resources/subscribe.
		var out []string
		for _, n := range objectsAt(msg.Params, "notifications") {
			members(n, "resourceSubscriptions", func(v json.RawMessage) {
				var uris []string
				if json.Unmarshal(v, &uris) == nil {
					for _, u := range uris {
						out = union(out, e.resource(u))
					}
				}
			})
		}
		return out
	case "completion/complete":
		// Completions of a prompt's arguments or a template's variables
		// can reveal what the entry serves: they need the entry's scopes.
		var out []string
		for _, ref := range objectsAt(msg.Params, "ref") {
			out = union(out, e.lookup(stringsAt(ref, "name"), e.prompts))
			for _, u := range stringsAt(ref, "uri") {
				out = union(out, e.byTemplate[u], e.resource(u))
			}
		}
		return out
	}
	return nil
}

func (e *entryScopes) lookup(names []string, m map[string][]string) []string {
	var out []string
	for _, n := range names {
		out = union(out, m[n])
	}
	return out
}

// stringsAt returns the string values of the members of the JSON object
// obj whose key equals key case-insensitively, duplicates included.
func stringsAt(obj json.RawMessage, key string) []string {
	var out []string
	members(obj, key, func(v json.RawMessage) {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out = append(out, s)
		}
	})
	return out
}

// objectsAt is stringsAt for object values.
func objectsAt(obj json.RawMessage, key string) []json.RawMessage {
	var out []json.RawMessage
	members(obj, key, func(v json.RawMessage) {
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '{' {
			out = append(out, v)
		}
	})
	return out
}

// members calls f with the raw value of each member of obj whose key
// folds to key. Anything but an object yields nothing.
func members(obj json.RawMessage, key string, f func(json.RawMessage)) {
	if len(obj) == 0 {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		if strings.EqualFold(name, key) {
			f(v)
		}
	}
}

// checkEntry enforces per-entry scopes on a POST to an MCP endpoint. It
// reads the body (bounded by limit), works out which tool, prompt or
// resource the JSON-RPC request names, and refuses with 403 when tok
// lacks that entry's scopes. It returns false when it answered the
// request itself; otherwise r.Body is restored for the transport.
func (m *guard) checkEntry(w http.ResponseWriter, r *http.Request, tok *AccessToken) bool {
	limit := m.maxBody
	if limit <= 0 {
		limit = runtime.DefaultMaxBodyBytes
	}
	tooLarge := func() bool {
		// Too big to inspect: refuse here rather than let a request
		// whose method could not be checked reach the transport (which
		// has the same limit and would refuse it too).
		m.writeRPCError(w, http.StatusRequestEntityTooLarge, nil, &runtime.Error{Code: runtime.CodeInvalidRequest, Message: "request body too large"}, "")
		return false
	}
	// Read as the transports do (runtime.ReadBody): the buffer grows with
	// the bytes received, never to the declared Content-Length.
	buf, err := runtime.ReadBody(r.Body, r.ContentLength, limit)
	if _, ok := errors.AsType[*runtime.BodyTooLargeError](err); ok {
		w.Header().Set("Connection", "close")
		return tooLarge()
	}
	r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), errReader{err}), r.Body}
	msg, perr := runtime.ParseOwnedMessage(buf)
	if perr != nil || msg == nil || !msg.IsRequest() {
		return true // nothing runs: the transport answers as usual
	}
	required := m.entries.required(msg)
	if len(required) == 0 {
		return true
	}
	missing := tok.missing(required)
	if len(missing) == 0 {
		return true
	}
	all := union(m.required, required)
	m.log.Debug("auth: insufficient scope for entry", "method", msg.Method, "client", tok.ClientID, "missing", missing)
	se := &ScopeError{Required: all, Missing: missing, MetadataURL: m.metadata}
	var pe *runtime.Error
	if e, ok := se.Unwrap().(*runtime.Error); ok {
		pe = e
	}
	m.writeRPCError(w, http.StatusForbidden, msg.ID, pe, se.WWWAuthenticate())
	return false
}

// writeRPCError answers with a JSON-RPC error body, which MCP clients
// show to the user, and the challenge when there is one.
func (m *guard) writeRPCError(w http.ResponseWriter, status int, id json.RawMessage, e *runtime.Error, www string) {
	h := w.Header()
	if www != "" {
		h.Set("WWW-Authenticate", www)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(runtime.EncodeError(id, e))
}

// readCloser is the restored body: the bytes already read, then the
// original body's read error if any, closed through the original.
type readCloser struct {
	io.Reader
	io.Closer
}

// errReader replays the error reading the body stopped at (nil: EOF).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

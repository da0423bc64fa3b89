// Package schemadiff_test proves that what mcpgen advertises, what its
// generated decoders accept and what its encoders emit are the same thing.
// It serves the generated corpus server (corpus/mcpserver) over real HTTP
// and, for every tool:
//
//   - feeds hand-written edge cases and random instances derived from the
//     advertised input schema (valid ones and mutated, mostly invalid,
//     ones) both to the server and to a reference JSON Schema 2020-12
//     validator (github.com/santhosh-tekuri/jsonschema/v6, formats and
//     base64 content asserted), and fails on any accept/reject
//     disagreement;
//   - checks every structured result of random Go values against the
//     advertised output schema with the same validator.
//
// FuzzInputAgreement runs the first check on fuzzed arguments; `go test`
// runs its seed corpus.
package schemadiff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcpgen/mcpgen/interop/schemadiff/corpus"
	"github.com/mcpgen/mcpgen/interop/schemadiff/corpus/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
)

// tool is one tool of the corpus as tools/list advertises it.
type tool struct {
	name      string
	in, out   *jsonschema.Schema
	inDoc     any // the input schema, decoded, for the instance generator
	outSchema json.RawMessage
}

var (
	setupOnce sync.Once
	server    *httptest.Server
	tools     map[string]*tool
	setupErr  error
)

// setup starts the corpus server (once per test binary) and compiles the
// advertised schemas with the reference validator.
func setup(tb testing.TB) {
	tb.Helper()
	setupOnce.Do(func() {
		srv, err := mcpserver.New(runtime.WithStateless(true), runtime.WithJSONResponse(true))
		if err != nil {
			setupErr = err
			return
		}
		server = httptest.NewServer(srv)
		var list struct {
			Tools []struct {
				Name         string          `json:"name"`
				InputSchema  json.RawMessage `json:"inputSchema"`
				OutputSchema json.RawMessage `json:"outputSchema"`
			} `json:"tools"`
		}
		if err := rpc("tools/list", map[string]any{}, &list); err != nil {
			setupErr = err
			return
		}
		tools = map[string]*tool{}
		for _, t := range list.Tools {
			tl := &tool{name: t.Name, outSchema: t.OutputSchema}
			if tl.in, tl.inDoc, err = compile(t.Name+".in", t.InputSchema); err != nil {
				setupErr = err
				return
			}
			if t.OutputSchema != nil {
				if tl.out, _, err = compile(t.Name+".out", t.OutputSchema); err != nil {
					setupErr = err
					return
				}
			}
			tools[t.Name] = tl
		}
	})
	if setupErr != nil {
		tb.Fatal(setupErr)
	}
}

// compile compiles one advertised schema with formats and content
// encodings asserted, as the generated decoders enforce them.
func compile(name string, schema []byte) (*jsonschema.Schema, any, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, f := range advisory {
		// formats mcpgen advertises without checking: annotations, as
		// JSON Schema 2020-12 makes every format by default
		c.RegisterFormat(&jsonschema.Format{Name: f, Validate: func(any) error { return nil }})
	}
	c.AssertContent()
	if err := c.AddResource("mem:///"+name, doc); err != nil {
		return nil, nil, err
	}
	s, err := c.Compile("mem:///" + name)
	if err != nil {
		return nil, nil, fmt.Errorf("%s does not compile: %w", name, err)
	}
	return s, doc, nil
}

// advisory are the formats the reference validator knows and mcpgen does
// not enforce (jsonwire.Formats lists the enforced ones).
var advisory = []string{"idn-email", "idn-hostname", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer", "regex", "period", "semver"}

// rpc sends one JSON-RPC request and decodes its result into out.
func rpc(method string, params any, out any) error {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, _ := http.NewRequest("POST", server.URL+"/mcp", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	resp, err := server.Client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %s", method, resp.StatusCode, b)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: JSON-RPC error %d: %s", method, r.Error.Code, r.Error.Message)
	}
	return json.Unmarshal(r.Result, out)
}

// callResult is what the test reads of a tools/call result.
type callResult struct {
	Content []struct {
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent"`
	IsError           bool            `json:"isError"`
}

func (r *callResult) text() string {
	if len(r.Content) == 0 {
		return ""
	}
	return r.Content[0].Text
}

// call calls a tool with raw JSON arguments.
func call(name string, args json.RawMessage) (*callResult, error) {
	var r callResult
	err := rpc("tools/call", map[string]any{"name": name, "arguments": args}, &r)
	return &r, err
}

// counts is what the run compared, for the report.
type counts struct {
	mu                       sync.Mutex
	accepted, rejected, self int
}

// selfChecked marks the decoder's error for a value that a type which
// decodes itself rejected.
const selfChecked = "(its own decoding method rejected it)"

func (c *counts) add(accepted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if accepted {
		c.accepted++
	} else {
		c.rejected++
	}
}

// compare sends one instance to the server and to the reference
// validator and reports a disagreement.
func compare(t testing.TB, tl *tool, instance []byte, c *counts) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(instance))
	if err != nil {
		t.Fatalf("%s: test bug: instance %s is not JSON: %v", tl.name, instance, err)
	}
	if inst == nil {
		// "arguments": null is no arguments, which MCP makes the empty object
		inst = map[string]any{}
	}
	refErr := tl.in.Validate(inst)
	res, err := call(tl.name, instance)
	if err != nil {
		if strings.Contains(err.Error(), "-32602") && refErr != nil {
			// arguments that are not an object: invalid params, before
			// the decoder
			if c != nil {
				c.add(false)
			}
			return
		}
		t.Fatalf("%s %s: %v", tl.name, instance, err)
	}
	decoded := !res.IsError || res.text() == runtime.NoResult
	if !decoded && refErr == nil && strings.Contains(res.text(), selfChecked) {
		// a type that decodes itself (netip.Addr's UnmarshalText) is
		// stricter than the JSON type its schema can state: the
		// documented exception
		if c != nil {
			c.mu.Lock()
			c.self++
			c.mu.Unlock()
		}
		return
	}
	if !decoded && !strings.HasPrefix(res.text(), "invalid arguments: ") {
		t.Errorf("%s %s: the tool failed after decoding (a panic?): %s", tl.name, instance, res.text())
		return
	}
	if !decoded && refErr == nil && referenceLenient(instance) {
		return
	}
	if decoded != (refErr == nil) {
		if refErr != nil {
			t.Errorf("%s: the decoder accepts what the schema rejects:\n  instance %s\n  reference: %v", tl.name, instance, refErr)
		} else {
			t.Errorf("%s: the decoder rejects what the schema accepts:\n  instance %s\n  decoder: %s", tl.name, instance, res.text())
		}
	}
	if c != nil {
		c.add(decoded)
	}
}

// referenceLenient recognises the instances where the reference
// validator accepts a string its format's RFC rules out and mcpgen
// follows the RFC: an email address with an empty local part ("@x",
// RFC 5321 wants at least one character before the @).
func referenceLenient(instance []byte) bool {
	var m map[string]any
	if json.Unmarshal(instance, &m) != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "email" && strings.HasPrefix(s, "@") {
					return true
				}
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(m)
}

// handWritten are edge cases per tool: the reproductions and the
// corners of each kind. Every one is compared like the random instances.
var handWritten = map[string][]string{
	"in_task": {
		`{"title":"abc","status":"open","Labels":[]}`,
		`{"title":"abc","status":"open","Labels":null}`,
		`{"title":123,"status":"open","Labels":[]}`,                                         // one error per field (reproduction 4)
		`{"title":"ab","status":"open","Labels":[]}`,                                        // minLength
		`{"title":"abc","status":"","Labels":[]}`,                                           // zero enum on input
		`{"title":"abc","status":"shut","Labels":[]}`,                                       // not an enum value
		`{"title":"abc","status":"open","Labels":[],"tree":{"name":"r","children":[null]}}`, // reproduction 3
		`{"title":"abc","status":"open","Labels":[],"watchers":[null]}`,                     // reproduction 3
		`{"title":"abc","status":"open","Labels":[],"reviewer":null}`,                       // a nil pointer member
		`{"title":"abc","status":"open","Labels":[],"reviewer":{"name":""}}`,
		`{"title":"abc","status":"open","Labels":[],"reviewer":{"name":"a","email":"not-an-email"}}`, // reproduction 5
		`{"title":"abc","status":"open","Labels":[],"reviewer":{"name":"a","email":"a@example.com"}}`,
		`{"title":"abc","status":"open","Labels":[],"due":"2026-01-02T03:04:05Z"}`,
		`{"title":"abc","status":"open","Labels":[],"due":"2026-01-02t03:04:05z"}`,
		`{"title":"abc","status":"open","Labels":[],"due":"2016-12-31T23:59:60Z"}`,
		`{"title":"abc","status":"open","Labels":[],"due":"2026-01-02"}`,
		`{"title":"abc","status":"open","Labels":[],"due":null}`,
		`{"title":"abc","status":"open","Labels":[],"priority":0}`,
		`{"title":"abc","status":"open","Labels":[],"priority":2.0}`,
		`{"title":"abc","status":"open","Labels":[],"priority":1.5}`,
		`{"title":"abc","status":"open","Labels":[],"extra":1}`,
		`{"title":"héllo wörld 😀","status":"wont_do","Labels":["a"]}`,
		`{"title":"😀😀","status":"open","Labels":[]}`, // two code points: too short
		`{"status":"open","Labels":[]}`,
		`{}`, `null`, `[]`, `"x"`,
	},
	"in_scalars": {
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0}`,
		`{"b":1,"s":"","i":0,"i8":0,"i16":0,"i32":0}`,
		`{"b":true,"s":"","i":1e3,"i8":-128,"i16":32767,"i32":-2147483648}`,
		`{"b":true,"s":"","i":0,"i8":128,"i16":0,"i32":0}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":-32769,"i32":0}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"u8":256}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"u":-1}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"u64":18446744073709551615}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"i64":-9223372036854775808}`,
		`{"b":true,"s":"","i":-0,"i8":0,"i16":0,"i32":0,"f64":-0.0,"f32":1e-50}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"f64":1.7976931348623157e308}`,
		`{"b":true,"s":null,"i":0,"i8":0,"i16":0,"i32":0}`,
		`{"b":true,"s":"\u0000\ud83d\ude00","i":0,"i8":0,"i16":0,"i32":0}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"i64":null}`,
	},
	"in_formats": {
		`{"email":"a@b.c","uri":"https://example.com/a?b#c","uuid":"123e4567-e89b-12d3-a456-426614174000","date":"2024-02-29","dateTime":"2026-11-26T07:00:00+01:00","time":"23:59:60Z","duration":"P1DT2H","ipv4":"192.0.2.1","ipv6":"::1","hostname":"example.com","uriRef":"\\\\bad"}`,
		`{"email":"a@"}`, `{"email":"a..b@example.com"}`, `{"email":"\"q\"@example.com"}`, `{"email":"x@[IPv6:::1]"}`,
		`{"uri":"/relative"}`, `{"uri":"urn:x"}`, `{"uri":"http://[::1"}`,
		`{"uuid":"123e4567e89b12d3a456426614174000"}`, `{"uuid":"123E4567-E89B-12D3-A456-426614174000"}`,
		`{"date":"2023-02-29"}`, `{"date":"2024-1-01"}`,
		`{"dateTime":"2026-11-26 07:00:00Z"}`, `{"dateTime":"2026-11-26T07:00:00"}`,
		`{"time":"12:00:60Z"}`, `{"time":"12:00:00"}`, `{"time":"15:59:60-08:00"}`,
		`{"duration":"PT"}`, `{"duration":"P2W"}`, `{"duration":"1h30m"}`, `{"duration":"P1D2Y"}`,
		`{"ipv4":"256.1.1.1"}`, `{"ipv4":"01.1.1.1"}`, `{"ipv6":"fe80::1%eth0"}`, `{"ipv6":"1.2.3.4"}`,
		`{"hostname":"-a.com"}`, `{"hostname":"a_b.com"}`, `{"hostname":"example.com."}`,
		`{"email":null}`, `{"email":5}`,
	},
	"in_constrained": {
		`{"name":"ab"}`, `{"name":"a"}`, `{"name":"abcdef"}`, `{"name":"AB"}`, `{"name":5}`,
		`{"name":"ab","days":0}`, `{"name":"ab","days":8}`, `{"name":"ab","days":7}`, `{"name":"ab","days":null}`,
		`{"name":"ab","ratio":null}`, `{"name":"ab","ratio":1.5}`, `{"name":"ab","ratio":"x"}`,
		`{"name":"ab","color":""}`, `{"name":"ab","color":"blue"}`, `{"name":"ab","color":"green"}`,
		`{"name":"ab","size":0.25}`, `{"name":"ab","size":10.25}`, `{"name":"ab","level":3}`, `{"name":"ab","level":0}`,
		`{"name":"ab","opt":null}`, `{"name":"ab","opt":2}`, `{"name":"ab","opt":0}`,
		`{"name":"ab","every":"1h30m"}`, `{"name":"ab","every":"0"}`, `{"name":"ab","every":"00"}`, `{"name":"ab","every":"1h0"}`, `{"name":"ab","every":"soon"}`, `{"name":"ab","every":".5s"}`,
		`{"name":"ab","nanos":5}`, `{"name":"ab","nanos":"5s"}`,
		`{"name":"ab","repeat":"aaaa"}`, `{"name":"ab","repeat":""}`,
		`null`, `{}`,
	},
	"in_containers": {
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2}}`,
		`{"list":null,"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2}}`,
		`{"list":[],"pair":[1],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2}}`,
		`{"list":[],"pair":[1,2,3],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2,"z":3}}`,
		`{"list":[null],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"data":"aGk="}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"data":"!!"}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"data":null}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"raw":null,"any":null,"meta":{"a":null}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"byUnit":{"open":1,"bogus":2}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"levels":[1,2,3]}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"num":"1"}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"num":1.50}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"day":"2026-01-01"}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"day":"2026-01-01T00:00:00Z"}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01","point":{"x":1,"y":2}}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"addr":"10.0.0.1","upper":"abc","inner":"i"}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"grid":[[1],null]}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"labels":null}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"upper":null}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"upper":5}`,
		`{"list":[],"pair":[1,2],"at":"2026-01-01T00:00:00Z","point":{"x":1,"y":2},"addr":"x"}`,
	},
	"in_flat": {
		`{"name":"a","tags":[],"status":"open"}`,
		`{"name":"a","tags":[],"status":"open","count":null,"node":null}`,
		`{"name":"a","tags":[],"status":"open","count":1.5}`,
		`{"name":"a","tags":[],"status":"open","node":{"name":"n","children":[{"name":"c"}]}}`,
		`{"name":"a","tags":[],"status":"open","node":{"name":"n","children":[null]}}`,
		`{"name":"a","tags":[null],"status":"open"}`,
		`{"tags":[],"status":"open"}`,
		`{}`,
	},
	"in_order": {
		`{"rank":"low","home":"https://example.com/"}`,
		`{"rank":"mid","home":"https://example.com/"}`,
		`{"rank":1,"home":"https://example.com/"}`,
		`{"rank":"low","rush":"low","home":"https://example.com/"}`,
		`{"rank":"low","rush":"high","home":"https://example.com/","note":null,"quantity":null}`,
		`{"rank":"low","home":"https://example.com/","quantity":0}`,
		`{"rank":"low","home":"https://example.com/","note":"far too long a note"}`,
		`{"rank":"low","home":"/relative"}`,
		`{"rank":"low","home":"https://example.com/","callback":null}`,
		`{"rank":"low","home":"https://example.com/","callback":"mailto:a@b.c"}`,
		`{"rank":"low","home":"https://example.com/","callback":"x"}`,
		`{"rank":"low","home":5}`,
	},
	"in_extras": {
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z"}`,
		`{"page":{"items":[{"name":"a"}],"next":null}}`,
		`{"page":{"items":[null]},"created":"2026-01-01T00:00:00Z"}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","home":null,"work":{"name":"w"}}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","home":{"name":""}}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","groups":{"a":[1,2],"b":null}}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","groups":{"a":[3]}}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","nums":[1,2]}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","deep":null}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","deep":5}`,
		`{"page":{"items":[]},"created":"2026-01-01T00:00:00Z","count":0}`,
	},
	"get_task":       {`{"id":"x"}`, `{"id":null}`, `{}`},
	"out_task":       {`{}`, `null`, `{"x":1}`},
	"out_containers": {`{}`},
}

// outOfRange are the documented exceptions: numbers beyond the range of
// the Go type where the schema states no bound (int, int64, uint64 and
// floats; stating ±9223372036854775807 on every integer would be noise).
// The reference accepts them; the decoder must reject them with a range
// error rather than wrap around.
var outOfRange = map[string][]string{
	"in_scalars": {
		`{"b":true,"s":"","i":9223372036854775808,"i8":0,"i16":0,"i32":0}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"u64":18446744073709551616}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"f64":1e400}`,
		`{"b":true,"s":"","i":0,"i8":0,"i16":0,"i32":0,"f32":1e39}`,
	},
	"in_constrained": {`{"name":"ab","every":"9999999999h"}`},
}

func TestHandWritten(t *testing.T) {
	setup(t)
	var c counts
	for name, cases := range handWritten {
		tl := tools[name]
		if tl == nil {
			t.Fatalf("no tool %s", name)
		}
		for _, inst := range cases {
			compare(t, tl, []byte(inst), &c)
		}
	}
	for name, cases := range outOfRange {
		for _, inst := range cases {
			v, _ := jsonschema.UnmarshalJSON(strings.NewReader(inst))
			if err := tools[name].in.Validate(v); err != nil {
				t.Errorf("%s %s: the reference rejects it (%v); move it to handWritten", name, inst, err)
			}
			res, err := call(name, json.RawMessage(inst))
			if err != nil {
				t.Fatal(err)
			}
			if !res.IsError || !strings.Contains(res.text(), "range") && !strings.Contains(res.text(), "must be between") && !strings.Contains(res.text(), "duration") {
				t.Errorf("%s %s: want a range error, got %s", name, inst, res.text())
			}
		}
	}
	t.Logf("hand-written instances: %d accepted, %d rejected by both", c.accepted, c.rejected)
}

// TestRandomInstances compares random instances derived from each input
// schema: valid ones, and mutations of them.
func TestRandomInstances(t *testing.T) {
	setup(t)
	const perTool = 1000
	var c counts
	names := sortedTools()
	for _, name := range names {
		tl := tools[name]
		rng := rand.New(rand.NewPCG(1, uint64(len(name))))
		g := &gen{rng: rng, root: tl.inDoc}
		for i := 0; i < perTool; i++ {
			v := g.value(tl.inDoc, 0)
			if i%2 == 1 {
				v = g.mutate(v, tl.inDoc, 0)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, tl, b, &c)
			if t.Failed() && i > 20 {
				break // enough examples to fix
			}
		}
	}
	t.Logf("random instances: %d accepted, %d rejected by both (decoder and reference agreed on every one); %d rejected by a type's own UnmarshalText", c.accepted, c.rejected, c.self)
	if c.accepted < len(names)*perTool/5 || c.rejected < len(names)*perTool/5 {
		t.Errorf("the generator is lopsided: %d accepted, %d rejected", c.accepted, c.rejected)
	}
}

func sortedTools() []string {
	var names []string
	for n := range tools {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestOutputs checks that every structured result of random Go values
// validates against the advertised output schema.
func TestOutputs(t *testing.T) {
	setup(t)
	const perTool = 300
	rng := rand.New(rand.NewPCG(7, 11))
	var mu sync.Mutex
	corpus.Source = func(ptr any) {
		mu.Lock()
		defer mu.Unlock()
		fill(rng, reflect.ValueOf(ptr).Elem(), 0)
	}
	defer func() { corpus.Source = nil }()
	n, nilResults := 0, 0
	for _, name := range sortedTools() {
		tl := tools[name]
		if !strings.HasPrefix(name, "out_") || tl.out == nil {
			continue
		}
		for i := 0; i < perTool; i++ {
			res, err := call(name, json.RawMessage(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError {
				if res.text() != runtime.NoResult {
					t.Fatalf("%s: %s", name, res.text())
				}
				nilResults++
				continue
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.StructuredContent))
			if err != nil {
				t.Fatalf("%s: structuredContent %s: %v", name, res.StructuredContent, err)
			}
			if err := tl.out.Validate(v); err != nil {
				t.Errorf("%s: the result does not match the output schema:\n  result %s\n  %v", name, res.StructuredContent, err)
			}
			n++
		}
	}
	t.Logf("output instances: %d validated against their output schema (and %d nil results sent as errors)", n, nilResults)
}

// TestNilAndZeroResults is reproductions 1 and 2 without a client: a nil
// pointer result is an error result, never structuredContent null, and a
// zero enum validates against the output schema.
func TestNilAndZeroResults(t *testing.T) {
	setup(t)
	res, err := call("get_task", json.RawMessage(`{"id":"missing"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || res.StructuredContent != nil {
		t.Errorf("nil result: isError %v, structuredContent %s", res.IsError, res.StructuredContent)
	}
	res, err = call("get_task", json.RawMessage(`{"id":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(res.StructuredContent))
	if err := tools["get_task"].out.Validate(v); err != nil {
		t.Errorf("zero status %s: %v", res.StructuredContent, err)
	}
}

// FuzzInputAgreement is the input comparison on fuzzed arguments.
func FuzzInputAgreement(f *testing.F) {
	names := []string{"in_task", "in_scalars", "in_formats", "in_constrained", "in_containers", "in_flat", "in_order", "in_extras"}
	for i, name := range names {
		for _, inst := range handWritten[name] {
			f.Add(uint8(i), inst)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, args string) {
		setup(t)
		if !json.Valid([]byte(args)) {
			return // syntax errors are jsonwire's own fuzz test
		}
		if strings.Contains(args, `\u`) || len(args) > 4096 {
			return // lone surrogates: both sides replace them, differently
		}
		tl := tools[names[int(which)%len(names)]]
		if hasHugeNumber(args) {
			return // the documented out-of-range exception (see outOfRange)
		}
		compare(t, tl, []byte(args), nil)
	})
}

// hasHugeNumber reports whether a JSON text holds a number outside
// ±2^53 or with an exponent, where the Go type's range matters.
func hasHugeNumber(s string) bool {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if n, ok := tok.(json.Number); ok {
			f, err := n.Float64()
			if err != nil || math.Abs(f) > 1<<53 || strings.ContainsAny(string(n), "eE") {
				return true
			}
		}
	}
}

// gen derives instances from a schema document.
type gen struct {
	rng  *rand.Rand
	root any
}

func (g *gen) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		name := strings.TrimPrefix(ref, "#/$defs/")
		s = g.root.(map[string]any)["$defs"].(map[string]any)[name].(map[string]any)
	}
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// value returns an instance that satisfies s as far as the generator
// knows (the reference decides).
func (g *gen) value(schema any, depth int) any {
	s, ok := schema.(map[string]any)
	if !ok {
		return nil
	}
	s = g.resolve(s)
	if alts, ok := s["anyOf"].([]any); ok {
		return g.value(alts[g.rng.IntN(len(alts))], depth)
	}
	if enum, ok := s["enum"].([]any); ok {
		return enum[g.rng.IntN(len(enum))]
	}
	typ := ""
	switch t := s["type"].(type) {
	case string:
		typ = t
	case []any:
		typ = t[g.rng.IntN(len(t))].(string)
	}
	switch typ {
	case "null":
		return nil
	case "boolean":
		return g.chance(0.5)
	case "integer":
		lo, hi := num(s["minimum"], -1000), num(s["maximum"], 1000)
		if g.chance(0.2) {
			return json.Number(fmt.Sprint(int64([]float64{lo, hi}[g.rng.IntN(2)])))
		}
		return json.Number(fmt.Sprint(int64(lo + math.Floor(g.rng.Float64()*(hi-lo+1)))))
	case "number":
		lo, hi := num(s["minimum"], -1e6), num(s["maximum"], 1e6)
		return lo + g.rng.Float64()*(hi-lo)
	case "string":
		return g.str(s)
	case "array":
		n := g.rng.IntN(4)
		if mn, ok := s["minItems"]; ok {
			n = int(num(mn, 0))
		}
		if depth > 3 {
			n = 0
		}
		out := []any{}
		for i := 0; i < n; i++ {
			out = append(out, g.value(s["items"], depth+1))
		}
		return out
	case "object":
		out := map[string]any{}
		req := map[string]bool{}
		if r, ok := s["required"].([]any); ok {
			for _, k := range r {
				req[k.(string)] = true
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			keys := make([]string, 0, len(props))
			for k := range props {
				keys = append(keys, k)
			}
			sort.Strings(keys) // the same instances on every run
			for _, k := range keys {
				if req[k] || (depth < 3 && g.chance(0.5)) {
					out[k] = g.value(props[k], depth+1)
				}
			}
		}
		if addl, ok := s["additionalProperties"].(map[string]any); ok && depth < 4 {
			for i := g.rng.IntN(3); i > 0; i-- {
				out[g.pick("k", "key", "x y", "é")] = g.value(addl, depth+1)
			}
		}
		return out
	}
	// {}: any JSON value
	return g.anyValue(depth)
}

func num(v any, def float64) float64 {
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return def
}

func (g *gen) pick(options ...string) string { return options[g.rng.IntN(len(options))] }

// str returns a string for a string schema: by format, pattern or
// length.
func (g *gen) str(s map[string]any) string {
	if f, ok := s["format"].(string); ok {
		samples := map[string][]string{
			"email":     {"a@b.c", "first.last+x@example.com", "no-at-sign", "x@[192.0.2.1]"},
			"uri":       {"https://example.com/a", "urn:isbn:1", "rel/path", "mailto:a@b.c"},
			"uuid":      {"123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000", "nope"},
			"date":      {"2024-02-29", "2023-02-29", "1999-12-31"},
			"date-time": {"2026-11-26T07:00:00Z", "2026-11-26T07:00:00.5+05:30", "2026-11-26"},
			"time":      {"07:00:00Z", "23:59:60Z", "07:00"},
			"duration":  {"P1D", "PT1H30M", "P2W", "1h"},
			"ipv4":      {"192.0.2.1", "10.0.0.256", "1.2.3"},
			"ipv6":      {"::1", "2001:db8::8a2e:370:7334", "::g"},
			"hostname":  {"example.com", "a-b.c", "-bad.com"},
		}[f]
		if samples != nil {
			return samples[g.rng.IntN(len(samples))]
		}
	}
	if p, ok := s["pattern"].(string); ok {
		switch {
		case strings.Contains(p, "ns|us"):
			return g.pick("1h30m", "0", "2s", "-1.5ms", ".5s", "1h0", "soon")
		case strings.Contains(p, "a{1,3}"):
			return strings.Repeat("a", 1+g.rng.IntN(4))
		case strings.Contains(p, "[a-z]"):
			return g.pick("ab", "abc", "abcde", "Ab", "a1")
		}
	}
	if ce, ok := s["contentEncoding"].(string); ok && ce == "base64" {
		return g.pick("aGk=", "", "AQID", "!!", "aGk")
	}
	lo, hi := int(num(s["minLength"], 0)), int(num(s["maxLength"], 8))
	n := lo + g.rng.IntN(hi-lo+1)
	alphabet := []rune("abcxyzé😀 ")
	r := make([]rune, n)
	for i := range r {
		r[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(r)
}

func (g *gen) anyValue(depth int) any {
	switch g.rng.IntN(6) {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2:
		return json.Number(fmt.Sprint(g.rng.IntN(100)))
	case 3:
		return g.pick("", "s", "é")
	case 4:
		if depth > 2 {
			return []any{}
		}
		return []any{g.anyValue(depth + 1)}
	}
	if depth > 2 {
		return map[string]any{}
	}
	return map[string]any{"k": g.anyValue(depth + 1)}
}

// mutate changes one spot of v: a wrong kind, null, a boundary value, a
// missing or unknown member.
func (g *gen) mutate(v any, schema any, depth int) any {
	s, _ := schema.(map[string]any)
	if s != nil {
		s = g.resolve(s)
		if alts, ok := s["anyOf"].([]any); ok {
			s, _ = alts[0].(map[string]any)
			if s != nil {
				s = g.resolve(s)
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 && g.chance(0.6) && depth < 5 {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			k := keys[g.rng.IntN(len(keys))]
			var sub any
			if s != nil {
				if props, ok := s["properties"].(map[string]any); ok {
					sub = props[k]
				}
				if sub == nil {
					sub = s["additionalProperties"]
				}
			}
			if g.chance(0.2) {
				delete(x, k)
				return x
			}
			x[k] = g.mutate(x[k], sub, depth+1)
			return x
		}
		if g.chance(0.5) {
			x["unknown"] = 1
			return x
		}
	case []any:
		if len(x) > 0 && g.chance(0.6) && depth < 5 {
			i := g.rng.IntN(len(x))
			var sub any
			if s != nil {
				sub = s["items"]
			}
			x[i] = g.mutate(x[i], sub, depth+1)
			return x
		}
		if g.chance(0.3) {
			return append(x, nil)
		}
	case json.Number:
		return g.pickAny(json.Number("0.5"), json.Number("-1"), json.Number("1e2"), json.Number("256"), json.Number("70000"), json.Number("4294967296"), json.Number("-129"), "7", nil)
	case float64:
		return g.pickAny(json.Number("-1"), json.Number("11"), json.Number("0.25"), "1.5", nil, true)
	case string:
		return g.pickAny("", x+"Z", strings.ToUpper(x), strings.Repeat(x, 10), json.Number("1"), nil, []any{x})
	case bool:
		return g.pickAny("true", json.Number("1"), nil)
	}
	return g.pickAny(nil, json.Number("1"), "s", true, []any{}, map[string]any{})
}

func (g *gen) pickAny(options ...any) any { return options[g.rng.IntN(len(options))] }

// fill sets v to a random value of its type, as a tool might return it:
// nil pointers, slices and maps, zero values of enums, extremes of
// integer types, times with offsets.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	chance := func(p float64) bool { return rng.Float64() < p }
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		t := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9))
		if chance(0.5) {
			t = t.In(time.FixedZone("x", (rng.IntN(48)-24)*1800))
		}
		v.Set(reflect.ValueOf(t))
		return
	case reflect.TypeFor[corpus.Status]():
		v.Set(reflect.ValueOf([]corpus.Status{"", corpus.StatusOpen, corpus.StatusClosed, corpus.StatusWontDo}[rng.IntN(4)]))
		return
	case reflect.TypeFor[corpus.Rank]():
		v.Set(reflect.ValueOf([]corpus.Rank{corpus.RankLow, corpus.RankHigh}[rng.IntN(2)]))
		return
	case reflect.TypeFor[corpus.Level]():
		v.Set(reflect.ValueOf([]corpus.Level{0, corpus.Low, corpus.High}[rng.IntN(3)]))
		return
	case reflect.TypeFor[json.RawMessage]():
		v.Set(reflect.ValueOf(json.RawMessage([]string{`{"a":[1]}`, `null`, `"s"`}[rng.IntN(3)])))
		return
	case reflect.TypeFor[json.Number]():
		v.Set(reflect.ValueOf(json.Number([]string{"1", "-2.5", "1e3"}[rng.IntN(3)])))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 4 || chance(0.3) {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if chance(0.25) || depth > 4 {
			return // nil
		}
		n := rng.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			fill(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fill(rng, v.Index(i), depth+1)
		}
	case reflect.Map:
		if chance(0.25) || depth > 4 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := rng.IntN(3); i > 0; i-- {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString([]string{"a", "b", "é"}[rng.IntN(3)])
			e := reflect.New(v.Type().Elem()).Elem()
			fill(rng, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString([]string{"", "a", "é😀", "<&>", "line\nbreak"}[rng.IntN(5)])
	case reflect.Bool:
		v.SetBool(chance(0.5))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := v.Type().Bits()
		lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
		v.SetInt([]int64{0, lo, hi, rng.Int64N(1000) - 500}[rng.IntN(4)])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		bits := v.Type().Bits()
		hi := uint64(1)<<(bits-1) - 1 + uint64(1)<<(bits-1)
		v.SetUint([]uint64{0, hi, rng.Uint64N(1000)}[rng.IntN(3)])
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, -1.5, 1e30, rng.Float64()}[rng.IntN(4)])
	case reflect.Interface:
		if chance(0.5) {
			v.Set(reflect.ValueOf(map[string]any{"k": []any{1.0, "x", nil}}))
		}
	}
}

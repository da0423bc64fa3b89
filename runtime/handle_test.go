package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInitialize(t *testing.T) {
	tests := []struct {
		name, params string
		wantVersion  string
		wantCode     int
	}{
		{"latest", `{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`, "2025-11-25", 0},
		{"2025-06-18", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`, "2025-06-18", 0},
		{"2025-03-26", `{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`, "2025-03-26", 0},
		{"legacy 2024-11-05", `{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`, "2024-11-05", 0},
		{"unknown version answers latest", `{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`, LatestVersion, 0},
		{"missing version", `{"capabilities":{}}`, "", CodeInvalidParams},
		{"params not an object", `[1]`, "", CodeInvalidParams},
		{"capabilities not an object", `{"protocolVersion":"2025-11-25","capabilities":3}`, "", CodeInvalidParams},
	}
	s := newTestServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.NewConn(ConnConfig{ID: "x"})
			m := request(t, s, c, nil, 1, "initialize", tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if tt.wantCode != 0 {
				if c.Initialized() {
					t.Error("failed initialize left the conn initialized")
				}
				return
			}
			r := result(t, m)
			if r["protocolVersion"] != tt.wantVersion || c.ProtocolVersion() != tt.wantVersion {
				t.Errorf("version %v / %v, want %v", r["protocolVersion"], c.ProtocolVersion(), tt.wantVersion)
			}
			wantCaps := `{"completions":{},"logging":{},"prompts":{"listChanged":false},"resources":{"listChanged":false,"subscribe":true},"tools":{"listChanged":false}}`
			if got := jsonOf(r["capabilities"]); got != wantCaps {
				t.Errorf("capabilities %s, want %s", got, wantCaps)
			}
			if got := jsonOf(r["serverInfo"]); got != `{"name":"test","title":"Test server","version":"1.0.0"}` {
				t.Errorf("serverInfo %s", got)
			}
			if r["instructions"] != "Use the tools." {
				t.Errorf("instructions %v", r["instructions"])
			}
			if !c.Initialized() || c.clientInfo().Name != "c" {
				t.Errorf("conn state: initialized=%v client=%+v", c.Initialized(), c.clientInfo())
			}
		})
	}
}

func TestInitializeTwice(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	if errCode(request(t, s, c, nil, 9, "initialize", `{"protocolVersion":"2025-03-26"}`)) != CodeInvalidRequest {
		t.Error("second initialize accepted")
	}
	if c.ProtocolVersion() != "2025-11-25" {
		t.Errorf("version changed to %s", c.ProtocolVersion())
	}
}

func TestCapabilitiesFollowDefinition(t *testing.T) {
	s, err := NewServer(&Definition{Name: "bare", Version: "1"}, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	c := s.NewConn(ConnConfig{})
	r := result(t, request(t, s, c, nil, 1, "initialize", `{"protocolVersion":"2025-06-18"}`))
	if got := jsonOf(r["capabilities"]); got != `{"logging":{}}` {
		t.Errorf("capabilities %s, want only logging", got)
	}
	if _, ok := r["instructions"]; ok {
		t.Error("empty instructions sent")
	}
	if got := jsonOf(result(t, request(t, s, c, nil, 2, "tools/list", ""))); got != `{"tools":[]}` {
		t.Errorf("tools/list of no tools: %s", got)
	}
}

func TestBeforeInitialize(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		method   string
		wantCode int
	}{
		{"ping", 0},
		{"tools/list", CodeInvalidRequest},
		{"tools/call", CodeInvalidRequest},
		{"no/such", CodeMethodNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			c := s.NewConn(ConnConfig{ID: "s"})
			if got := errCode(request(t, s, c, nil, 1, tt.method, `{"name":"echo"}`)); got != tt.wantCode {
				t.Errorf("code %d, want %d", got, tt.wantCode)
			}
		})
	}
	t.Run("stateless needs no initialize", func(t *testing.T) {
		c := s.NewConn(ConnConfig{Stateless: true, ProtocolVersion: "2025-06-18"})
		r := result(t, request(t, s, c, nil, 1, "tools/call", `{"name":"who"}`))
		if got := jsonOf(r["content"]); !strings.Contains(got, " 2025-06-18 ") {
			t.Errorf("who: %s", got)
		}
	})
}

func TestPingAndLists(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	tests := []struct {
		method string
		want   string
	}{
		{"ping", `{}`},
		{"resources/list", `{"resources":[{"mimeType":"text/markdown","name":"readme","uri":"mem://readme"}]}`},
		{"resources/templates/list", `{"resourceTemplates":[{"name":"profile","uriTemplate":"users://{id}/profile"}]}`},
		{"prompts/list", `{"prompts":[{"arguments":[{"name":"name","required":true},{"name":"style"}],"description":"Greets someone.","name":"greet"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			if got := jsonOf(result(t, request(t, s, c, nil, "req-"+tt.method, tt.method, ""))); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	t.Run("tools/list", func(t *testing.T) {
		r := result(t, request(t, s, c, nil, 7, "tools/list", `{"cursor":null}`))
		tools := r["tools"].([]any)
		if len(tools) != len(testDef().Tools) {
			t.Fatalf("%d tools", len(tools))
		}
		add := jsonOf(tools[0])
		for _, want := range []string{`"name":"add"`, `"outputSchema":{`, `"inputSchema":{"properties"`, `"annotations":{"readOnlyHint":true}`, `"description":"Adds two numbers."`} {
			if !strings.Contains(add, want) {
				t.Errorf("add tool %s lacks %s", add, want)
			}
		}
		if echo := jsonOf(tools[1]); echo != `{"inputSchema":{"type":"object"},"name":"echo"}` {
			t.Errorf("echo tool %s", echo)
		}
	})
}

func TestToolsCall(t *testing.T) {
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{&logMu, &logBuf}, nil))
	s := newTestServer(t, WithLogger(logger))
	c := initConn(t, s, `{}`)
	tests := []struct {
		name, params string
		wantCode     int
		want         string // JSON of the result
	}{
		{"struct output", `{"name":"add","arguments":{"a":2,"b":3}}`, 0,
			`{"content":[{"text":"{\"sum\":5}","type":"text"}],"structuredContent":{"sum":5}}`},
		{"invalid arguments", `{"name":"add","arguments":{"a":"x"}}`, 0, ""},
		{"arguments absent", `{"name":"echo"}`, 0, `{"content":[{"text":"{}","type":"text"}]}`},
		{"arguments null", `{"name":"echo","arguments":null}`, 0, `{"content":[{"text":"{}","type":"text"}]}`},
		{"arguments kept", `{"name":"echo","arguments":{"x":[1,2]}}`, 0, `{"content":[{"text":"{\"x\":[1,2]}","type":"text"}]}`},
		{"error becomes isError", `{"name":"fail"}`, 0, `{"content":[{"text":"the weather service is down","type":"text"}],"isError":true}`},
		{"panic becomes isError", `{"name":"boom"}`, 0, `{"content":[{"text":"internal error","type":"text"}],"isError":true}`},
		{"*Error becomes JSON-RPC error", `{"name":"proto"}`, -32001, ""},
		{"nil result", `{"name":"nothing"}`, CodeInternalError, ""},
		{"unknown tool", `{"name":"nope"}`, CodeInvalidParams, ""},
		{"missing name", `{"arguments":{}}`, CodeInvalidParams, ""},
		{"name not a string", `{"name":3}`, CodeInvalidParams, ""},
		{"arguments not an object", `{"name":"echo","arguments":[1]}`, CodeInvalidParams, ""},
		{"params array", `["echo"]`, CodeInvalidParams, ""},
		{"no params", ``, CodeInvalidParams, ""},
		{"meta ignored when odd", `{"name":"echo","_meta":{"progressToken":{"x":1},"other":2}}`, 0, `{"content":[{"text":"{}","type":"text"}]}`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := request(t, s, c, nil, i, "tools/call", tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if tt.wantCode != 0 {
				return
			}
			r := result(t, m)
			if tt.want == "" {
				if r["isError"] != true {
					t.Errorf("want isError result, got %v", r)
				}
				return
			}
			if got := jsonOf(r); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	logMu.Lock()
	logs := logBuf.String()
	logMu.Unlock()
	if !strings.Contains(logs, "kaboom") || !strings.Contains(logs, "handle_test.go") {
		t.Errorf("panic not logged with its stack:\n%s", logs)
	}
	// The server still serves after the panic.
	if errCode(request(t, s, c, nil, "after", "ping", "")) != 0 {
		t.Error("ping after panic failed")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestCallInjections(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	ctx := WithHTTPRequest(context.Background(), httptest.NewRequest("POST", "/mcp", nil))
	r := result(t, requestCtx(ctx, t, s, c, nil, 1, "tools/call", `{"name":"who"}`))
	if got := jsonOf(r["content"]); got != `[{"text":"tester 2025-11-25 true","type":"text"}]` {
		t.Errorf("who: %s", got)
	}
	r = result(t, request(t, s, c, nil, 2, "tools/call", `{"name":"who"}`))
	if got := jsonOf(r["content"]); got != `[{"text":"tester 2025-11-25 false","type":"text"}]` {
		t.Errorf("who without HTTP: %s", got)
	}
}

func TestResources(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, version, params string
		wantCode              int
		want                  string
	}{
		{"fixed", "2025-11-25", `{"uri":"mem://readme"}`, 0, `{"contents":[{"mimeType":"text/markdown","text":"# Hello","uri":"mem://readme"}]}`},
		{"template", "2025-11-25", `{"uri":"users://42/profile"}`, 0, `{"contents":[{"mimeType":"application/json","text":"{\"id\":\"42\"}","uri":"users://42/profile"}]}`},
		{"template unescapes", "2025-11-25", `{"uri":"users://a%20b/profile"}`, 0, `{"contents":[{"mimeType":"application/json","text":"{\"id\":\"a b\"}","uri":"users://a%20b/profile"}]}`},
		{"template var stops at slash", "2025-11-25", `{"uri":"users://a/b/profile"}`, CodeResourceNotFound, ""},
		{"unknown", "2025-11-25", `{"uri":"mem://nope"}`, CodeResourceNotFound, ""},
		{"unknown 2025-03-26", "2025-03-26", `{"uri":"mem://nope"}`, CodeResourceNotFound, ""},
		{"handler *Error", "2025-11-25", `{"uri":"users://missing/profile"}`, CodeResourceNotFound, ""},
		{"no uri", "2025-11-25", `{}`, CodeInvalidParams, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.NewConn(ConnConfig{})
			request(t, s, c, nil, 0, "initialize", `{"protocolVersion":"`+tt.version+`"}`)
			m := request(t, s, c, nil, i+1, "resources/read", tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if tt.wantCode == CodeResourceNotFound && strings.Contains(tt.params, "nope") {
				if data := jsonOf(m["error"].(map[string]any)["data"]); data != `{"uri":"mem://nope"}` {
					t.Errorf("error data %s", data)
				}
			}
			if tt.want != "" {
				if got := jsonOf(result(t, m)); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			}
		})
	}
}

func TestResourceNotFoundSeam(t *testing.T) {
	if e := resourceNotFound("2026-07-28", "x://y"); e.Code != CodeInvalidParams {
		t.Errorf("future version code %d", e.Code)
	}
	for _, v := range SupportedVersions {
		if e := resourceNotFound(v, "x://y"); e.Code != CodeResourceNotFound || string(e.Data) != `{"uri":"x://y"}` {
			t.Errorf("%s: %+v", v, e)
		}
	}
}

func TestSubscribe(t *testing.T) {
	s := newTestServer(t)
	a, b := initConn(t, s, `{}`), initConn(t, s, `{}`)
	outA, outB := &fakeOut{}, &fakeOut{}
	relA, ok := a.SetStandalone(outA)
	if !ok {
		t.Fatal("SetStandalone failed")
	}
	if _, ok := a.SetStandalone(&fakeOut{}); ok {
		t.Error("second standalone stream accepted")
	}
	if _, ok := b.SetStandalone(outB); !ok {
		t.Fatal("SetStandalone b failed")
	}
	if got := jsonOf(result(t, request(t, s, a, nil, 1, "resources/subscribe", `{"uri":"mem://readme"}`))); got != `{}` {
		t.Errorf("subscribe: %s", got)
	}
	if errCode(request(t, s, a, nil, 2, "resources/subscribe", `{}`)) != CodeInvalidParams {
		t.Error("subscribe without uri accepted")
	}
	s.NotifyResourceUpdated("mem://readme")
	s.NotifyResourceUpdated("mem://other")
	if got := outA.messages(); len(got) != 1 || jsonOf(got[0]) != `{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"mem://readme"}}` {
		t.Errorf("a got %v", got)
	}
	if got := outB.messages(); len(got) != 0 {
		t.Errorf("unsubscribed b got %v", got)
	}
	request(t, s, a, nil, 3, "resources/unsubscribe", `{"uri":"mem://readme"}`)
	s.NotifyResourceUpdated("mem://readme")
	if got := outA.messages(); len(got) != 1 {
		t.Errorf("after unsubscribe a got %d messages", len(got))
	}
	relA()
	relA()
	if _, ok := a.SetStandalone(&fakeOut{}); !ok {
		t.Error("standalone slot not freed by release")
	}
	request(t, s, b, nil, 4, "resources/subscribe", `{"uri":"mem://readme"}`)
	b.Close()
	s.subMu.Lock()
	n := len(s.subs)
	s.subMu.Unlock()
	if n != 0 {
		t.Errorf("%d conns still subscribed after Close", n)
	}
}

func TestPrompts(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	tests := []struct {
		name, params string
		wantCode     int
		want, inMsg  string
	}{
		{"ok", `{"name":"greet","arguments":{"name":"Ann","style":"!"}}`, 0, `{"messages":[{"content":{"text":"Hello Ann!","type":"text"},"role":"user"}]}`, ""},
		{"optional missing", `{"name":"greet","arguments":{"name":"Ann"}}`, 0, `{"messages":[{"content":{"text":"Hello Ann","type":"text"},"role":"user"}]}`, ""},
		{"required missing", `{"name":"greet","arguments":{"style":"!"}}`, CodeInvalidParams, "", `"name"`},
		{"no arguments", `{"name":"greet"}`, CodeInvalidParams, "", `"name"`},
		{"unknown prompt", `{"name":"nope"}`, CodeInvalidParams, "", `"nope"`},
		{"argument not a string", `{"name":"greet","arguments":{"name":1}}`, CodeInvalidParams, "", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := request(t, s, c, nil, i, "prompts/get", tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if !strings.Contains(errMsg(m), tt.inMsg) {
				t.Errorf("message %q lacks %s", errMsg(m), tt.inMsg)
			}
			if tt.want != "" {
				if got := jsonOf(result(t, m)); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			}
		})
	}
}

func TestComplete(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	tests := []struct {
		name, params string
		wantCode     int
		want         string
	}{
		{"prompt", `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"name","value":"al"}}`, 0, `{"completion":{"hasMore":false,"total":2,"values":["alice","albert"]}}`},
		{"prompt no match", `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"name","value":"z"}}`, 0, `{"completion":{"hasMore":false,"total":0,"values":[]}}`},
		{"argument without completion", `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"style","value":""}}`, 0, `{"completion":{"hasMore":false,"total":0,"values":[]}}`},
		{"unknown prompt", `{"ref":{"type":"ref/prompt","name":"x"},"argument":{"name":"name","value":""}}`, CodeInvalidParams, ""},
		{"unknown template", `{"ref":{"type":"ref/resource","uri":"x://{y}"},"argument":{"name":"y","value":""}}`, CodeInvalidParams, ""},
		{"bad ref type", `{"ref":{"type":"ref/tool","name":"add"},"argument":{"name":"a","value":""}}`, CodeInvalidParams, ""},
		{"no argument name", `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"value":""}}`, CodeInvalidParams, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := request(t, s, c, nil, i, "completion/complete", tt.params)
			if got := errCode(m); got != tt.wantCode {
				t.Fatalf("code %d, want %d (%v)", got, tt.wantCode, m)
			}
			if tt.want != "" {
				if got := jsonOf(result(t, m)); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			}
		})
	}
	t.Run("template capped at 100", func(t *testing.T) {
		r := result(t, request(t, s, c, nil, 99, "completion/complete", `{"ref":{"type":"ref/resource","uri":"users://{id}/profile"},"argument":{"name":"id","value":"u"}}`))
		comp := r["completion"].(map[string]any)
		if n := len(comp["values"].([]any)); n != 100 || comp["total"] != 150.0 || comp["hasMore"] != true {
			t.Errorf("values %d total %v hasMore %v", n, comp["total"], comp["hasMore"])
		}
	})
}

func TestLoggingAndProgress(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	tests := []struct {
		name, level string
		wantLogs    []string
	}{
		{"default sends everything", "", []string{"debug", "info", "warning", "error"}},
		{"warning and up", "warning", []string{"warning", "error"}},
		{"debug again", "debug", []string{"debug", "info", "warning", "error"}},
		{"emergency only", "emergency", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.level != "" {
				if got := jsonOf(result(t, request(t, s, c, nil, "lvl", "logging/setLevel", `{"level":"`+tt.level+`"}`))); got != `{}` {
					t.Fatalf("setLevel: %s", got)
				}
			}
			out := &fakeOut{}
			m := request(t, s, c, out, i, "tools/call", `{"name":"chatty","_meta":{"progressToken":"tok-1"}}`)
			if got := jsonOf(result(t, m)["content"]); got != `[{"text":"done","type":"text"}]` {
				t.Fatalf("chatty: %s", got)
			}
			var logs []string
			var progress []string
			for _, msg := range out.messages() {
				p := msg["params"].(map[string]any)
				switch msg["method"] {
				case "notifications/message":
					if p["logger"] != "chatty" || p["data"] != p["level"] {
						t.Errorf("log params %v", p)
					}
					logs = append(logs, p["level"].(string))
				case "notifications/progress":
					progress = append(progress, jsonOf(p))
				default:
					t.Errorf("unexpected message %v", msg)
				}
			}
			if jsonOf(logs) != jsonOf(tt.wantLogs) {
				t.Errorf("logs %v, want %v", logs, tt.wantLogs)
			}
			wantProgress := []string{
				`{"message":"one","progress":1,"progressToken":"tok-1","total":3}`,
				`{"message":"two","progress":2,"progressToken":"tok-1","total":3}`,
			}
			if jsonOf(progress) != jsonOf(wantProgress) {
				t.Errorf("progress %v", progress)
			}
		})
	}
	if errCode(request(t, s, c, nil, "bad", "logging/setLevel", `{"level":"loud"}`)) != CodeInvalidParams {
		t.Error("invalid level accepted")
	}
	t.Run("no token no progress", func(t *testing.T) {
		request(t, s, c, nil, "lvl", "logging/setLevel", `{"level":"emergency"}`)
		out := &fakeOut{}
		request(t, s, c, out, 1, "tools/call", `{"name":"chatty"}`)
		if n := len(out.messages()); n != 0 {
			t.Errorf("%d messages without a progress token", n)
		}
	})
	t.Run("numeric token, standalone fallback", func(t *testing.T) {
		stand := &fakeOut{}
		rel, _ := c.SetStandalone(stand)
		defer rel()
		request(t, s, c, nil, 2, "tools/call", `{"_meta":{"progressToken":7},"name":"chatty"}`)
		msgs := stand.messages()
		if len(msgs) != 2 || jsonOf(msgs[0]["params"].(map[string]any)["progressToken"]) != `7` {
			t.Errorf("standalone got %v", msgs)
		}
	})
}

func TestCancellation(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	done := make(chan map[string]any)
	go func() { done <- request(t, s, c, nil, "w1", "tools/call", `{"name":"wait"}`) }()
	waitInflight(t, c, 1)
	notify(t, s, c, "notifications/progress", `{"progressToken":"x","progress":1}`)
	notify(t, s, c, "notifications/cancelled", `{"requestId":"other"}`)
	notify(t, s, c, "notifications/cancelled", `{"requestId":"w1","reason":"user"}`)
	select {
	case m := <-done:
		if r := result(t, m); r["isError"] != true || !strings.Contains(jsonOf(r), "context canceled") {
			t.Errorf("cancelled call: %v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("notifications/cancelled did not cancel the request")
	}

	// Close cancels what is in flight and fails the requests it made.
	go func() { done <- request(t, s, c, nil, "w2", "tools/call", `{"name":"wait"}`) }()
	waitInflight(t, c, 1)
	c.Close()
	select {
	case m := <-done:
		if result(t, m)["isError"] != true {
			t.Errorf("closed call: %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not cancel the request")
	}
	if errCode(request(t, s, c, nil, 3, "ping", "")) != CodeInvalidRequest {
		t.Error("closed conn still serves")
	}
	c.Close() // idempotent
}

func waitInflight(t *testing.T, c *Conn, n int) {
	t.Helper()
	for i := 0; i < 500; i++ {
		c.mu.Lock()
		got := len(c.inflight)
		c.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never saw %d requests in flight", n)
}

func TestDuplicateInflightID(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	done := make(chan map[string]any)
	go func() { done <- request(t, s, c, nil, 5, "tools/call", `{"name":"wait"}`) }()
	waitInflight(t, c, 1)
	if errCode(request(t, s, c, nil, 5, "tools/call", `{"name":"echo"}`)) != CodeInvalidRequest {
		t.Error("duplicate in-flight id accepted")
	}
	notify(t, s, c, "notifications/cancelled", `{"requestId":5}`)
	<-done
}

func TestServerToClient(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, caps, tool, reply string
		want                    string // text of the tool result
		wantMethod              string
		wantIsError             bool
	}{
		{"elicit accepted", `{"elicitation":{}}`, "ask", `"result":{"action":"accept","content":{"name":"Ann"}}`, "accept:Ann", "elicitation/create", false},
		{"elicit declined", `{"elicitation":{"form":{}}}`, "ask", `"result":{"action":"decline"}`, "decline:none", "elicitation/create", false},
		{"elicit error response", `{"elicitation":{}}`, "ask", `"error":{"code":-32042,"message":"needs URL"}`, "", "elicitation/create", false},
		{"roots", `{"roots":{"listChanged":true}}`, "roots", `"result":{"roots":[{"uri":"file:///a"},{"uri":"file:///b"}]}`, "2", "roots/list", false},
		{"sampling", `{"sampling":{}}`, "sample", `"result":{"role":"assistant","content":{"type":"text","text":"yo"},"model":"m-1"}`, "m-1", "sampling/createMessage", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := initConn(t, s, tt.caps)
			out := &fakeOut{sent: make(chan []byte, 4)}
			done := make(chan map[string]any, 1)
			go func() { done <- request(t, s, c, out, "call", "tools/call", `{"name":"`+tt.tool+`"}`) }()
			var req map[string]any
			select {
			case b := <-out.sent:
				json.Unmarshal(b, &req)
			case <-time.After(5 * time.Second):
				t.Fatal("no server-to-client request")
			}
			if req["method"] != tt.wantMethod || req["id"] == nil {
				t.Fatalf("request %v", req)
			}
			// Answer from another goroutine, as a transport would.
			go func() {
				resp, perr := ParseMessage([]byte(`{"jsonrpc":"2.0","id":` + jsonOf(req["id"]) + `,` + tt.reply + `}`))
				if perr != nil {
					t.Error(perr)
					return
				}
				if r := s.Handle(context.Background(), c, resp, nil); r != nil {
					t.Errorf("response answered: %s", r)
				}
			}()
			m := <-done
			if tt.want == "" {
				if errCode(m) != CodeURLElicitationRequired {
					t.Errorf("error response not passed on: %v", m)
				}
				return
			}
			if got := jsonOf(result(t, m)["content"]); got != `[{"text":"`+tt.want+`","type":"text"}]` {
				t.Errorf("result %s", got)
			}
		})
	}
}

func TestServerToClientRefused(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name   string
		conn   func() *Conn
		out    Outbound
		inText string
	}{
		{"capability missing", func() *Conn { return initConn(t, s, `{"sampling":{}}`) }, &fakeOut{}, `"elicitation" capability`},
		{"stateless", func() *Conn { return s.NewConn(ConnConfig{Stateless: true}) }, &fakeOut{}, "stateless"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := result(t, request(t, s, tt.conn(), tt.out, 1, "tools/call", `{"name":"ask"}`))
			if r["isError"] != true || !strings.Contains(textOf(r), tt.inText) {
				t.Errorf("got %s, want an error mentioning %s", jsonOf(r), tt.inText)
			}
		})
	}
	t.Run("no stream yet: the request waits for the GET stream", func(t *testing.T) {
		// Clients open their GET stream right after initialize, concurrently
		// with their first calls: a request made before it is open is kept
		// and sent when it attaches, not refused.
		c := initConn(t, s, `{"elicitation":{}}`)
		done := make(chan map[string]any, 1)
		go func() { done <- request(t, s, c, nil, 1, "tools/call", `{"name":"ask"}`) }()
		time.Sleep(20 * time.Millisecond)
		get := &fakeOut{sent: make(chan []byte, 4)}
		release, ok := c.SetStandalone(get)
		if !ok {
			t.Fatal("SetStandalone refused")
		}
		defer release()
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		select {
		case b := <-get.sent:
			if err := json.Unmarshal(b, &req); err != nil || req.Method != "elicitation/create" {
				t.Fatalf("GET stream got %s, want the queued elicitation/create", b)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("queued request not delivered when the GET stream attached")
		}
		answer, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":{"action":"decline"}}`))
		s.Handle(context.Background(), c, answer, nil)
		select {
		case m := <-done:
			if r := result(t, m); r["isError"] == true {
				t.Errorf("call failed after the answer: %v", jsonOf(r))
			}
		case <-time.After(5 * time.Second):
			t.Fatal("call did not finish after the answer")
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		c := initConn(t, s, `{"elicitation":{}}`)
		out := &fakeOut{sent: make(chan []byte, 4)}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan map[string]any, 1)
		go func() { done <- requestCtx(ctx, t, s, c, out, 1, "tools/call", `{"name":"ask"}`) }()
		<-out.sent
		cancel()
		m := <-done
		if r := result(t, m); r["isError"] != true {
			t.Errorf("got %v", r)
		}
		msgs := out.messages()
		if last := msgs[len(msgs)-1]; last["method"] != "notifications/cancelled" {
			t.Errorf("client not told of the cancellation: %v", last)
		}
		// A late answer is dropped quietly.
		late, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}`))
		if s.Handle(context.Background(), c, late, nil) != nil {
			t.Error("late response answered")
		}
	})
	t.Run("conn closed while waiting", func(t *testing.T) {
		c := initConn(t, s, `{"elicitation":{}}`)
		out := &fakeOut{sent: make(chan []byte, 4)}
		done := make(chan map[string]any, 1)
		go func() { done <- request(t, s, c, out, 1, "tools/call", `{"name":"ask"}`) }()
		<-out.sent
		c.Close()
		if r := result(t, <-done); r["isError"] != true || !strings.Contains(jsonOf(r), "closed") {
			t.Errorf("got %v", r)
		}
	})
}

func TestCloseStream(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	tests := []struct {
		name string
		out  Outbound
		want string
	}{
		{"supported", &closingOut{}, "true"},
		{"unsupported", &fakeOut{}, "false"},
		{"no stream", nil, "false"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := result(t, request(t, s, c, tt.out, i, "tools/call", `{"name":"reconnect"}`))
			if got := jsonOf(r["content"]); got != `[{"text":"`+tt.want+`","type":"text"}]` {
				t.Errorf("got %s", got)
			}
			if co, ok := tt.out.(*closingOut); ok && !co.closed {
				t.Error("CloseStream not called")
			}
		})
	}
}

func TestHandleOddMessages(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	if s.Handle(context.Background(), c, nil, nil) != nil {
		t.Error("nil message answered")
	}
	if got := s.Handle(context.Background(), c, &Message{}, nil); errCode(decode(t, got)) != CodeInvalidRequest {
		t.Errorf("empty message: %s", got)
	}
	notify(t, s, c, "notifications/unknown", `{}`)
	notify(t, s, c, "notifications/roots/list_changed", "")
	stray, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","id":"nobody","result":{}}`))
	if s.Handle(context.Background(), c, stray, nil) != nil {
		t.Error("stray response answered")
	}
	if errCode(request(t, s, c, nil, 1, "tools/unknown", "")) != CodeMethodNotFound {
		t.Error("unknown method")
	}
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

func TestRequestTimeout(t *testing.T) {
	s := newTestServer(t, WithRequestTimeout(20*time.Millisecond))
	c := initConn(t, s, `{}`)
	r := result(t, request(t, s, c, nil, 1, "tools/call", `{"name":"wait"}`))
	if r["isError"] != true || !strings.Contains(jsonOf(r), "deadline") {
		t.Errorf("got %v", r)
	}
}

func TestToolNameEscaped(t *testing.T) {
	s := newTestServer(t)
	c := initConn(t, s, `{}`)
	if got := textOf(result(t, request(t, s, c, nil, 1, "tools/call", `{"name":"ech\u006f"}`))); got != "{}" {
		t.Errorf("escaped tool name: %q", got)
	}
}

func TestElicitationModes(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, caps, tool string
		wantErr          string // "" means the request reaches the client
		wantParams       string
	}{
		{"form on empty capability", `{"elicitation":{}}`, "ask", "", `"requestedSchema"`},
		{"url refused on empty capability", `{"elicitation":{}}`, "askurl", "URL elicitation", ""},
		{"url", `{"elicitation":{"url":{}}}`, "askurl", "", `"elicitationId":"el-1","message":"Sign in","mode":"url","url":"https://example.com/login"`},
		{"form refused on url only", `{"elicitation":{"url":{}}}`, "ask", "only URL", ""},
		{"both", `{"elicitation":{"form":{},"url":{}}}`, "ask", "", `"requestedSchema"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := initConn(t, s, tt.caps)
			out := &fakeOut{sent: make(chan []byte, 4)}
			done := make(chan map[string]any, 1)
			go func() { done <- request(t, s, c, out, 1, "tools/call", `{"name":"`+tt.tool+`"}`) }()
			if tt.wantErr != "" {
				r := result(t, <-done)
				if r["isError"] != true || !strings.Contains(textOf(r), tt.wantErr) {
					t.Errorf("got %v, want error with %q", r, tt.wantErr)
				}
				return
			}
			var req map[string]any
			json.Unmarshal(<-out.sent, &req)
			if p := jsonOf(req["params"]); !strings.Contains(p, tt.wantParams) {
				t.Errorf("params %s lack %s", p, tt.wantParams)
			}
			resp, _ := ParseMessage([]byte(`{"jsonrpc":"2.0","id":` + jsonOf(req["id"]) + `,"result":{"action":"accept"}}`))
			s.Handle(context.Background(), c, resp, nil)
			if got := textOf(result(t, <-done)); !strings.HasPrefix(got, "accept") {
				t.Errorf("result %q", got)
			}
		})
	}
}

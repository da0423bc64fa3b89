package runtime

import (
	"context"
	"testing"
)

func BenchmarkParseMessage(b *testing.B) {
	msg := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3},"_meta":{"progressToken":"p-1"}}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := ParseMessage(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkHandle(b *testing.B, raw string) {
	s := newTestServer(b)
	c := initConn(b, s, `{}`)
	msg, perr := ParseMessage([]byte(raw))
	if perr != nil {
		b.Fatal(perr)
	}
	ctx := context.Background()
	out := &fakeOut{}
	b.ReportAllocs()
	for b.Loop() {
		if resp := s.Handle(ctx, c, msg, out); resp == nil {
			b.Fatal("no response")
		}
	}
}

func BenchmarkHandleToolsCall(b *testing.B) {
	benchmarkHandle(b, `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"a":2,"b":3}}}`)
}

func BenchmarkHandleToolsCallStruct(b *testing.B) {
	benchmarkHandle(b, `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}`)
}

func BenchmarkHandleToolsList(b *testing.B) {
	benchmarkHandle(b, `{"jsonrpc":"2.0","id":42,"method":"tools/list"}`)
}

func benchmarkModern(b *testing.B, name, raw string) {
	s := newTestServer(b)
	msg, perr := ParseMessage([]byte(raw))
	if perr != nil {
		b.Fatal(perr)
	}
	hdr := modernHeader(msg.Method, name)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if status, resp := s.HandleModern(ctx, msg, hdr, nil); status != 200 || resp == nil {
			b.Fatalf("%d %s", status, resp)
		}
	}
}

func BenchmarkHandleModernToolsCall(b *testing.B) {
	benchmarkModern(b, "add", `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3},`+meta(`{}`)+`}}`)
}

func BenchmarkHandleModernToolsList(b *testing.B) {
	benchmarkModern(b, "", `{"jsonrpc":"2.0","id":42,"method":"tools/list","params":{`+meta(`{}`)+`}}`)
}

// BenchmarkHandleModernInputRequired is one MRTR round: the handler runs,
// asks, and the state is sealed.
func BenchmarkHandleModernInputRequired(b *testing.B) {
	benchmarkModern(b, "ask", `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"ask",`+meta(defaultCaps)+`}}`)
}

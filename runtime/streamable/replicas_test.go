package streamable

import (
	"net/http"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// TestReplicasShareSessions: two servers sharing one real redis-server
// are one server for a 2025 session: opened through a, it serves
// requests through b; a log level set through b reaches a's copy; a
// DELETE through b ends it on a too.
func TestReplicasShareSessions(t *testing.T) {
	redis := storetest.StartRedis(t)
	srvA, urlA := newServer(t, nil, runtime.WithStoreURL(redis.URL))
	_, urlB := newServer(t, nil, runtime.WithStoreURL(redis.URL))

	a := &client{t: t, url: urlA}
	a.initialize()
	b := &client{t: t, url: urlB, sid: a.sid}
	if r := b.post(callBody(1, "hello")); r.status != 200 || text(t, r.last(t)) != "hello" {
		t.Fatalf("tools/call through b of a session opened on a: %d %s", r.status, r.body)
	}
	logs := func(r *reply) bool {
		for _, m := range r.msgs {
			if m["method"] == "notifications/message" {
				return true
			}
		}
		return false
	}
	if r := a.post(callBody(10, "chatty")); !logs(r) {
		t.Fatalf("chatty through a logs nothing before setLevel: %s", r.body)
	}
	if r := b.post(`{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"error"}}`); r.status != 200 || errorCode(r.last(t)) != 0 {
		t.Fatalf("logging/setLevel through b: %d %s", r.status, r.body)
	}
	// a's copy learns the new level: chatty's info log no longer reaches
	// the client through a.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := a.post(callBody(3, "chatty"))
		if r.status != 200 {
			t.Fatalf("chatty through a: %d %s", r.status, r.body)
		}
		if !logs(r) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the log level set through b never reached a")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A session b never saw, with an id nobody issued: 404 on both.
	ghost := &client{t: t, url: urlB, sid: "00000000000000000000000000000000"}
	if r := ghost.post(callBody(4, "hello")); r.status != http.StatusNotFound {
		t.Fatalf("unknown session through b: %d %s", r.status, r.body)
	}

	if r := b.do(http.MethodDelete, "", nil); r.status != 200 && r.status != 204 {
		t.Fatalf("DELETE through b: %d %s", r.status, r.body)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		r := a.post(callBody(5, "hello"))
		if r.status == http.StatusNotFound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session deleted through b still answers on a: %d %s", r.status, r.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if keys, err := srvA.Store().List(t.Context(), "session/"); err != nil || len(keys) != 0 {
		t.Fatalf("session records left in the store: %q, %v", keys, err)
	}
}

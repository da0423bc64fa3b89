package streamable

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/store/storetest"
)

// replicaPair starts a real redis-server and two servers sharing it, and
// opens a session through a; b is a client of that session through the
// other server.
func replicaPair(t *testing.T) (srvA *runtime.Server, a, b *client) {
	t.Helper()
	redis := storetest.StartRedis(t)
	srvA, urlA := newServer(t, nil, runtime.WithStoreURL(redis.URL))
	_, urlB := newServer(t, nil, runtime.WithStoreURL(redis.URL))
	a = &client{t: t, url: urlA}
	a.initialize()
	return srvA, a, &client{t: t, url: urlB, sid: a.sid}
}

// TestReplicasShareSessions: two servers sharing one real redis-server
// are one server for a 2025 session: opened through a, it serves
// requests through b, resumes a's streams through b; a log level set through b reaches a's copy; a
// DELETE through b ends it on a too.
func TestReplicasShareSessions(t *testing.T) {
	srvA, a, b := replicaPair(t)
	if r := b.post(callBody(1, "hello")); r.status != 200 || text(t, r.last(t)) != "hello" {
		t.Fatalf("tools/call through b of a session opened on a: %d %s", r.status, r.body)
	}
	// Last-Event-ID resumption of a stream a served, through b.
	checkResume(t, a, b)
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
	ghost := &client{t: t, url: b.url, sid: "00000000000000000000000000000000"}
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

// TestReplicasRelayMessages: what reaches the wrong replica is relayed
// to the right one: an elicitation answer POSTed to b reaches the tool
// waiting on a, notifications/cancelled sent to b cancels the call on a,
// and a notification produced on b reaches the GET stream held by a.
func TestReplicasRelayMessages(t *testing.T) {
	redis := storetest.StartRedis(t)
	var sawCancel atomic.Bool
	def := testDef()
	def.Tools = append(def.Tools, &runtime.Tool{Name: "cancellable", Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
		<-ctx.Done()
		sawCancel.Store(true)
		return nil, ctx.Err()
	}})
	_, urlA := newServerDef(t, def, nil, runtime.WithStoreURL(redis.URL))
	srvB, urlB := newServerDef(t, def, nil, runtime.WithStoreURL(redis.URL))
	a := &client{t: t, url: urlA}
	a.initialize()
	b := &client{t: t, url: urlB, sid: a.sid}

	// Elicitation asked on a, answered through b.
	resp := a.request(http.MethodPost, callBody(5, "ask"), nil)
	defer resp.Body.Close()
	er := &eventReader{br: bufio.NewReader(resp.Body)}
	elicitID := readElicitation(t, er)
	answer := fmt.Sprintf(`{"jsonrpc":"2.0","id":%v,"result":{"action":"accept","content":{"name":"Ada"}}}`, jsonValue(elicitID))
	if r := b.post(answer); r.status != 202 {
		t.Fatalf("posting the elicitation result to b: %d %q", r.status, r.body)
	}
	e, err := er.next(t, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, decode(t, []byte(e.Data))); got != "accept:Ada" {
		t.Fatalf("result %q", got)
	}

	// A call running on a, cancelled through b.
	// The response headers come with the first message: send from a
	// goroutine.
	go func() {
		if resp, err := http.DefaultClient.Do(a.newRequest(http.MethodPost, callBody(6, "cancellable"), nil)); err == nil {
			resp.Body.Close()
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !sawCancel.Load() {
		// The call may not be registered yet: cancel until it ends.
		if r := b.post(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":6,"reason":"test"}}`); r.status != 202 {
			t.Fatalf("notifications/cancelled to b: %d %s", r.status, r.body)
		}
		if time.Now().After(deadline) {
			t.Fatal("the call on a was not cancelled through b")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A GET stream on a receives what b produces for the session.
	if r := b.post(`{"jsonrpc":"2.0","id":7,"method":"resources/subscribe","params":{"uri":"mem://a"}}`); r.status != 200 || errorCode(r.last(t)) != 0 {
		t.Fatalf("resources/subscribe through b: %d %s", r.status, r.body)
	}
	get := a.request(http.MethodGet, "", nil)
	defer get.Body.Close()
	if get.StatusCode != 200 {
		t.Fatalf("GET on a: %d", get.StatusCode)
	}
	gr := &eventReader{br: bufio.NewReader(get.Body)}
	got := make(chan string, 1)
	go func() {
		for {
			e, err := gr.next(t, 30*time.Second)
			if err != nil {
				close(got)
				return
			}
			if strings.Contains(e.Data, "notifications/resources/updated") {
				got <- e.Data
				return
			}
		}
	}()
	notifyDeadline := time.After(20 * time.Second)
	for {
		srvB.NotifyResourceUpdated("mem://a")
		select {
		case d, ok := <-got:
			if !ok || !strings.Contains(d, "mem://a") {
				t.Fatalf("GET stream on a: %q", d)
			}
			return
		case <-time.After(100 * time.Millisecond):
		case <-notifyDeadline:
			t.Fatal("a notification produced on b never reached the GET stream on a")
		}
	}
}

// TestResumeWhileRunningElsewhere: a tool on a closes its stream and goes
// on; the client resumes through b, which does not run the call, and
// still gets what the tool sends next and its response.
func TestResumeWhileRunningElsewhere(t *testing.T) {
	_, a, b := replicaPair(t)
	r := a.post(callBody(1, "test_reconnection"))
	var last string
	for _, e := range r.events {
		if e.ID != "" {
			last = e.ID
		}
	}
	if r.status != 200 || last == "" || len(r.msgs) != 0 {
		t.Fatalf("the closed stream: %d, last id %q, messages %v", r.status, last, r.msgs)
	}
	res := b.do(http.MethodGet, "", map[string]string{"Last-Event-ID": last})
	if res.status != 200 || len(res.msgs) != 2 || res.msgs[0]["method"] != "notifications/message" || text(t, res.last(t)) != "reconnected closed=true" {
		t.Fatalf("resumed through b: %d %v", res.status, res.msgs)
	}
}

// TestStoreDown: while Redis is down, a replica that must read a session
// answers 503 with Retry-After and a message naming the store, the
// replica holding it goes on serving it, and once Redis is back (empty:
// nothing persisted) new sessions work without a restart.
func TestStoreDown(t *testing.T) {
	redis := storetest.StartRedis(t)
	_, urlA := newServer(t, nil, runtime.WithStoreURL(redis.URL))
	_, urlB := newServer(t, nil, runtime.WithStoreURL(redis.URL))
	a := &client{t: t, url: urlA}
	a.initialize()
	redis.Stop()
	b := &client{t: t, url: urlB, sid: a.sid}
	r := b.post(callBody(1, "hello"))
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "state store is unavailable") || !strings.Contains(string(r.body), redis.URL) {
		t.Fatalf("through b while Redis is down: %d %v %s", r.status, r.header, r.body)
	}
	if r := a.post(callBody(2, "hello")); r.status != 200 || text(t, r.last(t)) != "hello" {
		t.Fatalf("through a, which holds the session: %d %s", r.status, r.body)
	}
	// A session that cannot be written to the store is refused at
	// initialize: an id handed out now would be unknown to the other
	// replicas (404 on the next request that lands there).
	fresh := (&client{t: t, url: urlA}).post(initBody)
	if fresh.status != http.StatusServiceUnavailable || fresh.header.Get("Retry-After") == "" || fresh.header.Get(headerSessionID) != "" ||
		!strings.Contains(string(fresh.body), "state store is unavailable") || !strings.Contains(string(fresh.body), redis.URL) {
		t.Fatalf("initialize while Redis is down: %d session=%q %s", fresh.status, fresh.header.Get(headerSessionID), fresh.body)
	}
	// A change the other replicas would not see fails the same way.
	if r := a.post(`{"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"error"}}`); !strings.Contains(string(r.body), "state store is unavailable") {
		t.Fatalf("logging/setLevel while Redis is down: %d %s", r.status, r.body)
	}
	redis.Start()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c := &client{t: t, url: urlB}
		r := c.post(initBody)
		if r.status == 200 {
			c.sid = r.header.Get(headerSessionID)
			if r := (&client{t: t, url: urlA, sid: c.sid}).post(callBody(3, "hello")); r.status == 200 {
				break // opened on b, served by a: the store works again
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after Redis returned: %d %s", r.status, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReplicaDiesHoldingGET: the GET stream is held by a, a task runs on
// b and reports its status there; a dies; the client resumes its GET
// stream through c with Last-Event-ID and gets what it missed, and the
// session goes on.
func TestReplicaDiesHoldingGET(t *testing.T) {
	redis := storetest.StartRedis(t)
	gates := map[string]chan struct{}{`{"n":1}`: make(chan struct{}), `{"n":2}`: make(chan struct{})}
	def := testDef()
	def.Tools = append(def.Tools, &runtime.Tool{Name: "slow", TaskSupport: runtime.TaskOptional, Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
		select {
		case <-gates[string(c.Arguments)]:
			return runtime.TextResult("slow done"), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}})
	srvA, urlA := newServerDef(t, def, nil, runtime.WithStoreURL(redis.URL))
	_, urlB := newServerDef(t, def, nil, runtime.WithStoreURL(redis.URL))
	_, urlC := newServerDef(t, def, nil, runtime.WithStoreURL(redis.URL))
	a := &client{t: t, url: urlA}
	a.initialize()

	get := a.request(http.MethodGet, "", nil)
	gr := &eventReader{br: bufio.NewReader(get.Body)}
	last := ""
	b := &client{t: t, url: urlB, sid: a.sid}
	for i := range 2 {
		r := b.post(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"slow","arguments":{"n":%d},"task":{"ttl":60000}}}`, i+1, i+1))
		if r.status != 200 || !strings.Contains(string(r.body), `"taskId"`) {
			t.Fatalf("task %d through b: %d %s", i+1, r.status, r.body)
		}
	}
	// The first task ends on b: a's GET stream tells the client.
	close(gates[`{"n":1}`])
	for {
		e, err := gr.next(t, 10*time.Second)
		if err != nil {
			t.Fatalf("GET stream on a: no status of the task that ended on b: %v", err)
		}
		if e.ID != "" {
			last = e.ID
		}
		if strings.Contains(e.Data, `"status":"completed"`) {
			break
		}
	}

	// a dies with the GET stream; the second task ends on b meanwhile.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	srvA.Shutdown(ctx)
	cancel()
	get.Body.Close()
	close(gates[`{"n":2}`])

	c := &client{t: t, url: urlC, sid: a.sid}
	resp := c.request(http.MethodGet, "", map[string]string{"Last-Event-ID": last})
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET with Last-Event-ID through c: %d", resp.StatusCode)
	}
	cr := &eventReader{br: bufio.NewReader(resp.Body)}
	for {
		e, err := cr.next(t, 10*time.Second)
		if err != nil {
			t.Fatalf("resumed through c, no status of the task that ended while nobody held the stream: %v", err)
		}
		if strings.Contains(e.Data, `"status":"completed"`) {
			break
		}
	}
	if r := c.post(callBody(2, "hello")); r.status != 200 || text(t, r.last(t)) != "hello" {
		t.Fatalf("the session through c: %d %s", r.status, r.body)
	}
}

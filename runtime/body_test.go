package runtime

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// trickle returns r read a few bytes at a time, as a slow client sends.
func trickle(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }

func TestReadBody(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 3*bodyChunk+17)
	tests := []struct {
		name     string
		r        io.Reader
		declared int64
		limit    int64
		want     []byte
		tooLarge bool
		err      error
	}{
		{"empty", bytes.NewReader(nil), 0, 100, []byte{}, false, nil},
		{"small, declared", strings.NewReader(`{"a":1}`), 7, 100, []byte(`{"a":1}`), false, nil},
		{"small, unknown length", strings.NewReader(`{"a":1}`), -1, 100, []byte(`{"a":1}`), false, nil},
		{"exactly the limit", strings.NewReader("12345"), 5, 5, []byte("12345"), false, nil},
		{"one over the limit, undeclared", strings.NewReader("123456"), -1, 5, nil, true, nil},
		{"declared over the limit", strings.NewReader(""), 6, 5, nil, true, nil},
		{"exactly one chunk", bytes.NewReader(big[:bodyChunk]), bodyChunk, 1 << 20, big[:bodyChunk], false, nil},
		{"several chunks, declared", bytes.NewReader(big), int64(len(big)), 1 << 20, big, false, nil},
		{"several chunks, unknown, trickled", trickle(big), -1, 1 << 20, big, false, nil},
		{"several chunks over the limit", bytes.NewReader(big), -1, 2*bodyChunk + 1, nil, true, nil},
		{"limit below one chunk", bytes.NewReader(big), -1, 100, nil, true, nil},
		{"read error", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(io.ErrUnexpectedEOF)), 10, 100, nil, false, io.ErrUnexpectedEOF},
		{"read error after a chunk", io.MultiReader(bytes.NewReader(big), iotest.ErrReader(os.ErrDeadlineExceeded)), -1, 1 << 20, nil, false, os.ErrDeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadBody(tt.r, tt.declared, tt.limit)
			_, tooLarge := errors.AsType[*BodyTooLargeError](err)
			switch {
			case tt.tooLarge:
				if !tooLarge {
					t.Fatalf("err %v, want BodyTooLargeError", err)
				}
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
			case err != nil:
				t.Fatal(err)
			case !bytes.Equal(got, tt.want):
				t.Fatalf("got %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

// TestReadBodyNoDeclaredAllocation: what ReadBody allocates follows the
// bytes received, not the length declared.
func TestReadBodyNoDeclaredAllocation(t *testing.T) {
	ReadBody(strings.NewReader("warm"), 4, 1<<30) // the pool's first chunk
	for _, sent := range []int{10, 3 * bodyChunk} {
		body := bytes.Repeat([]byte("y"), sent)
		var ms0, ms1 goruntime.MemStats
		goruntime.ReadMemStats(&ms0)
		// A client that declares 1 GiB and sends `sent` bytes before its
		// connection fails.
		_, err := ReadBody(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(io.ErrUnexpectedEOF)), 1<<30, 1<<30)
		goruntime.ReadMemStats(&ms1)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v", err)
		}
		if grew := ms1.TotalAlloc - ms0.TotalAlloc; grew > uint64(4*sent+2*bodyChunk+4096) {
			t.Fatalf("sent %d bytes of a declared 1 GiB: allocated %d bytes", sent, grew)
		}
	}
}

func TestReadBodyAllocs(t *testing.T) {
	body := []byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}`)
	r := bytes.NewReader(body)
	n := testing.AllocsPerRun(100, func() {
		r.Reset(body)
		if _, err := ReadBody(r, int64(len(body)), DefaultMaxBodyBytes); err != nil {
			t.Fatal(err)
		}
	})
	if n > 1 {
		t.Fatalf("%v allocations for a small body, want 1 (the body itself)", n)
	}
}

func FuzzReadBody(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0"}`), int64(17), int64(100), uint8(0))
	f.Add(bytes.Repeat([]byte("z"), 3*bodyChunk), int64(-1), int64(2*bodyChunk), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, declared, limit int64, step uint8) {
		if declared >= 0 && declared != int64(len(data)) {
			declared = -1 // a transport's reader enforces what it declares
		}
		var r io.Reader = bytes.NewReader(data)
		if step%2 == 1 {
			r = iotest.HalfReader(r)
		}
		got, err := ReadBody(r, declared, limit)
		lim := limit
		if lim <= 0 {
			lim = DefaultMaxBodyBytes
		}
		if int64(len(data)) > lim {
			if _, ok := errors.AsType[*BodyTooLargeError](err); !ok {
				t.Fatalf("%d bytes over limit %d: err %v", len(data), lim, err)
			}
			return
		}
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("got %d bytes, err %v; want %d", len(got), err, len(data))
		}
	})
}

func TestReadRequestBodyStatus(t *testing.T) {
	tests := []struct {
		name   string
		body   io.Reader
		cl     int64
		status int
	}{
		{"ok", strings.NewReader("{}"), 2, 0},
		{"too large", strings.NewReader(strings.Repeat("a", 20)), -1, 413},
		{"declared too large", strings.NewReader(""), 1 << 40, 413},
		{"timed out", iotest.ErrReader(os.ErrDeadlineExceeded), -1, 408},
		{"broken", iotest.ErrReader(io.ErrUnexpectedEOF), 10, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/mcp", tt.body)
			r.ContentLength = tt.cl
			w := httptest.NewRecorder()
			_, status, msg := ReadRequestBody(w, r, 10)
			if status != tt.status {
				t.Fatalf("status %d (%s), want %d", status, msg, tt.status)
			}
			if status != 0 && w.Header().Get("Connection") != "close" {
				t.Fatalf("no Connection: close after %d", status)
			}
		})
	}
}

func TestIsJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json":                    true,
		"application/json; charset=utf-8":     true,
		"application/json;charset=UTF-8":      true,
		"Application/JSON; Charset=\"utf-8\"": true,
		"application/json; charset=latin1":    false,
		"application/json; charset=utf-16":    false,
		"text/json":                           false,
		"":                                    false,
		"application/json; charset":           false,
	} {
		if got := IsJSONContentType(ct); got != want {
			t.Errorf("%q: %v, want %v", ct, got, want)
		}
	}
}

func TestLimitSettings(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	c, err := resolveConfig(env(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != DefaultRequestTimeout || c.BodyReadTimeout != DefaultBodyReadTimeout || c.IdleTimeout != DefaultIdleTimeout ||
		c.ReadHeaderTimeout != DefaultReadHeaderTimeout || c.WriteTimeout != DefaultRequestTimeout+writeTimeoutMargin {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = resolveConfig(env("MCPGEN_REQUEST_TIMEOUT", "0", "MCPGEN_BODY_READ_TIMEOUT", "2s", "MCPGEN_IDLE_TIMEOUT", "1m30s", "MCPGEN_READ_HEADER_TIMEOUT", "5s"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != 0 || c.WriteTimeout != 0 || c.BodyReadTimeout != 2*time.Second || c.IdleTimeout != 90*time.Second || c.ReadHeaderTimeout != 5*time.Second {
		t.Fatalf("from the environment: %+v", c)
	}
	c, err = resolveConfig(env("MCPGEN_WRITE_TIMEOUT", "1m"), []Option{WithRequestTimeout(time.Hour), WithBodyReadTimeout(time.Second), WithIdleTimeout(0)})
	if err != nil {
		t.Fatal(err)
	}
	if c.WriteTimeout != time.Minute || c.RequestTimeout != time.Hour || c.BodyReadTimeout != time.Second || c.IdleTimeout != 0 {
		t.Fatalf("options: %+v", c)
	}
	c, _ = resolveConfig(env(), []Option{WithRequestTimeout(time.Hour)})
	if c.WriteTimeout != time.Hour+writeTimeoutMargin {
		t.Fatalf("WriteTimeout does not follow RequestTimeout: %v", c.WriteTimeout)
	}
	for _, bad := range []string{"soon", "-1s", "30"} {
		if _, err := resolveConfig(env("MCPGEN_BODY_READ_TIMEOUT", bad), nil); err == nil || !strings.Contains(err.Error(), "MCPGEN_BODY_READ_TIMEOUT") {
			t.Errorf("%q: err %v, want one naming the variable", bad, err)
		}
	}
}

func TestGoRecovers(t *testing.T) {
	var buf lockedBuffer
	SetGoLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	defer SetGoLogger(nil)
	done := make(chan struct{})
	Go(context.Background(), func(context.Context) {
		defer close(done)
		panic("tool goroutine broke")
	})
	<-done
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "tool goroutine broke") {
		if time.Now().After(deadline) {
			t.Fatalf("panic not logged: %q", buf.String())
		}
		time.Sleep(time.Millisecond)
	}
	if !strings.Contains(buf.String(), "body_test.go") {
		t.Fatalf("no stack in the log line: %q", buf.String())
	}
}

// lockedBuffer is a bytes.Buffer a logger may write from any goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

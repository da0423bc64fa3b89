package streamable

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/mcpgen/mcpgen/runtime"
)

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestLogLine: at debug level every request gets one log line
// naming the method, the tool and the outcome; at info level none.
func TestRequestLogLine(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		var buf syncBuffer
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))
		_, url := newServer(t, nil, runtime.WithLogger(logger))
		c := &client{t: t, url: url}
		c.initialize()
		if r := c.post(callBody(7, "hello")); r.status != 200 {
			t.Fatalf("tools/call: %d %s", r.status, r.body)
		}
		var line string
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "method=tools/call") {
				line = l
			}
		}
		switch level {
		case slog.LevelDebug:
			if !strings.Contains(line, "name=hello") || !strings.Contains(line, "outcome=ok") || !strings.Contains(line, "session=") {
				t.Errorf("debug: request line %q, want method, name, session and outcome; log:\n%s", line, buf.String())
			}
		default:
			if line != "" {
				t.Errorf("info: unexpected request line %q", line)
			}
		}
	}
}

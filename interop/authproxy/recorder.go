package authproxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Recorder is an http.Handler that serves through another and keeps
// every exchange (request line, headers and body; response status,
// headers and body), so a test can search all traffic for what must
// never appear in it.
type Recorder struct {
	next http.Handler
	mu   sync.Mutex
	log  []Exchange
}

// Exchange is one recorded request and its response.
type Exchange struct {
	Method, URL           string
	ReqHeader, RespHeader http.Header
	ReqBody, RespBody     []byte
	Status                int
}

// NewRecorder records the traffic of next.
func NewRecorder(next http.Handler) *Recorder { return &Recorder{next: next} }

// ServeHTTP serves r and records the exchange.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	tw := &teeWriter{ResponseWriter: w, status: http.StatusOK}
	rec.next.ServeHTTP(tw, r)
	rec.mu.Lock()
	rec.log = append(rec.log, Exchange{
		Method: r.Method, URL: r.URL.String(), ReqHeader: r.Header.Clone(), ReqBody: body,
		Status: tw.status, RespHeader: w.Header().Clone(), RespBody: tw.buf.Bytes(),
	})
	rec.mu.Unlock()
}

// Exchanges returns what was recorded so far.
func (rec *Recorder) Exchanges() []Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Exchange(nil), rec.log...)
}

// Find reports every place one of secrets occurs in the recorded
// traffic, naming the exchange and the part.
func (rec *Recorder) Find(secrets []string) []string {
	var hits []string
	for _, x := range rec.Exchanges() {
		parts := map[string]string{
			"request URL": x.URL, "request headers": headerText(x.ReqHeader), "request body": string(x.ReqBody),
			"response headers": headerText(x.RespHeader), "response body": string(x.RespBody),
		}
		for part, text := range parts {
			for _, s := range secrets {
				if s != "" && strings.Contains(text, s) {
					hits = append(hits, fmt.Sprintf("%s %s (%d): %s holds %.12s…", x.Method, x.URL, x.Status, part, s))
				}
			}
		}
	}
	return hits
}

func headerText(h http.Header) string {
	var b strings.Builder
	h.Write(&b)
	return b.String()
}

// teeWriter copies the response body while passing it on, flushes
// through (SSE) and lets the server hijack nothing it could not before.
type teeWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (t *teeWriter) WriteHeader(code int) {
	t.status = code
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	return t.ResponseWriter.Write(p)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (t *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(t.ResponseWriter).Hijack()
}

// LogBuffer is a goroutine-safe io.Writer for a server's log.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Lines returns the lines written so far.
func (l *LogBuffer) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimRight(l.buf.String(), "\n"), "\n")
}

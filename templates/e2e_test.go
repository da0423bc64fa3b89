package templates

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEndToEnd is what a new user does: build mcpgen, `mcpgen init`, then
// in the new module generate, vet, test, build, serve and call the tool
// over HTTP; then change a doc comment and watch `mcpgen check` catch it
// until go generate runs again. Everything runs offline (GOPROXY=off)
// against this checkout.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mcpgen and a scaffolded module; skipped under -short")
	}
	root, ok := LocalCheckout()
	if !ok {
		t.Fatal("LocalCheckout() not ok")
	}
	exe := ""
	if goruntime.GOOS == "windows" {
		exe = ".exe"
	}
	bin := filepath.Join(t.TempDir(), "mcpgen"+exe)
	run(t, root, nil, "go", "build", "-o", bin, "./cmd/mcpgen")

	dir := filepath.Join(t.TempDir(), "wordsrv")
	cmd := exec.Command(bin, "init", "-module", "example.com/wordsrv", dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mcpgen init: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("go generate ./...")) {
		t.Errorf("mcpgen init does not tell the next step:\n%s", out)
	}

	// The user's own environment: offline, no workspace, default -mod.
	env := []string{"GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=readonly"}
	run(t, dir, env, "go", "generate", "./...")
	run(t, dir, env, "go", "vet", "./...")
	run(t, dir, env, "go", "test", "-count=1", "./...")
	server := filepath.Join(t.TempDir(), "wordsrv"+exe)
	run(t, dir, env, "go", "build", "-o", server, ".")

	t.Run("serve", func(t *testing.T) { serveAndCall(t, server) })

	// A changed doc comment makes the generated code stale.
	src := filepath.Join(dir, "tools", "tools.go")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const was, now = "// CountWords counts the words of a text", "// CountWords tallies the words of a text"
	if !bytes.Contains(data, []byte(was)) {
		t.Fatalf("tools/tools.go lacks %q", was)
	}
	if err := os.WriteFile(src, bytes.Replace(data, []byte(was), []byte(now), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	status, diff := runStatus(t, dir, env, "go", "tool", "mcpgen", "check", "./tools")
	if status != 1 {
		t.Fatalf("mcpgen check after an edit: exit %d, want 1\n%s", status, diff)
	}
	for _, w := range []string{"--- a/", "+++ b/", "-", "+", "tallies the words"} {
		if !strings.Contains(diff, w) {
			t.Errorf("mcpgen check output lacks %q:\n%s", w, diff)
		}
	}
	run(t, dir, env, "go", "generate", "./...")
	if status, out := runStatus(t, dir, env, "go", "tool", "mcpgen", "check", "./tools"); status != 0 {
		t.Fatalf("mcpgen check after go generate: exit %d, want 0\n%s", status, out)
	}
}

// TestEndToEndAuthGitHub scaffolds with -auth github (a server that is its
// own OAuth authorization server in front of GitHub sign-in), then
// generates, vets and runs the scaffold's tests offline: the tool tests
// with a static token, and TestOAuthProxy against the real configuration
// up to the 401 and the authorization server metadata.
func TestEndToEndAuthGitHub(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mcpgen and a scaffolded module; skipped under -short")
	}
	root, ok := LocalCheckout()
	if !ok {
		t.Fatal("LocalCheckout() not ok")
	}
	bin := filepath.Join(t.TempDir(), "mcpgen")
	run(t, root, nil, "go", "build", "-o", bin, "./cmd/mcpgen")
	dir := filepath.Join(t.TempDir(), "ghsrv")
	out, err := exec.Command(bin, "init", "-auth", "github", "-module", "example.com/ghsrv", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mcpgen init -auth github: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("MCPGEN_AUTH_GITHUB_CLIENT_ID")) {
		t.Errorf("mcpgen init -auth github does not name the settings to set:\n%s", out)
	}
	for _, f := range []string{"tools/whoami.go", "README.md"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("whoami")) {
			t.Errorf("%s does not mention whoami", f)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "README.md")); !bytes.Contains(data, []byte("MCPGEN_AUTH_GITHUB_CLIENT_SECRET")) {
		t.Error("README.md does not document the GitHub settings")
	}
	env := []string{"GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=readonly"}
	run(t, dir, env, "go", "generate", "./...")
	if data, _ := os.ReadFile(filepath.Join(dir, "tools", "mcpserver", "mcpserver.go")); !bytes.Contains(data, []byte(`auth.EnvOptions("github")`)) {
		t.Error("the generated server does not use -auth github")
	}
	run(t, dir, env, "go", "vet", "./...")
	status, testOut := runStatus(t, dir, env, "go", "test", "-count=1", "-v", "-run", "TestOAuthProxy|TestServer", ".")
	if status != 0 {
		t.Fatalf("go test in the scaffold: exit %d\n%s", status, testOut)
	}
	for _, name := range []string{"--- PASS: TestOAuthProxy", "--- PASS: TestServer"} {
		if !strings.Contains(testOut, name) {
			t.Errorf("scaffold tests: %q missing from\n%s", name, testOut)
		}
	}
}

// serveAndCall starts the built server on a free loopback port, calls
// count_words over Streamable HTTP and stops the server with an interrupt,
// expecting a clean exit.
func serveAndCall(t *testing.T, server string) {
	port := freePort(t)
	cmd := exec.Command(server)
	cmd.Env = append(os.Environ(), "MCPGEN_HOST=127.0.0.1", "MCPGEN_PORT="+strconv.Itoa(port))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	}()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitListening(t, addr, done)
	c := &mcpClient{url: "http://" + addr + "/mcp"}
	var init struct {
		ProtocolVersion string `json:"protocolVersion"`
		ServerInfo      struct {
			Name string `json:"name"`
		} `json:"serverInfo"`
	}
	c.call(t, "initialize", map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "e2e", "version": "0"},
	}, &init)
	if init.ServerInfo.Name != "wordsrv" || init.ProtocolVersion == "" {
		t.Errorf("initialize: %+v, want server wordsrv and a protocol version", init)
	}
	c.version = init.ProtocolVersion
	c.notify(t, "notifications/initialized")

	type wordCount struct {
		Word  string `json:"word"`
		Count int    `json:"count"`
	}
	type countOutput struct {
		Words    int         `json:"words"`
		Distinct int         `json:"distinct"`
		Top      []wordCount `json:"top"`
	}
	var res struct {
		IsError           bool         `json:"isError"`
		StructuredContent *countOutput `json:"structuredContent"`
		Content           []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	}
	c.call(t, "tools/call", map[string]any{
		"name":      "count_words",
		"arguments": map[string]any{"text": "the cat and the hat and the cat", "skip_stopwords": true},
	}, &res)
	want := &countOutput{Words: 3, Distinct: 2, Top: []wordCount{{"cat", 2}, {"hat", 1}}}
	if res.IsError || !reflect.DeepEqual(res.StructuredContent, want) {
		t.Errorf("tools/call count_words = %+v, want structuredContent %+v", res, *want)
	}
	if len(res.Content) != 1 || res.Content[0].Type != "text" || !json.Valid([]byte(res.Content[0].Text)) {
		t.Errorf("content = %+v, want one text block with the JSON", res.Content)
	}

	if goruntime.GOOS == "windows" {
		return // no interrupt to send; the deferred Kill stops it
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		stopped = true
		if err != nil {
			t.Errorf("server exit after an interrupt: %v, want a clean exit", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("server still running 10s after an interrupt")
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until addr accepts connections, failing early when
// the server exits.
func waitListening(t *testing.T, addr string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("server exited before listening: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server not listening on %s after 15s", addr)
}

// run runs a command in dir with extra environment and fails the test
// when it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	if status, out := runStatus(t, dir, env, name, args...); status != 0 {
		t.Fatalf("%s %s (in %s): exit %d\n%s", name, strings.Join(args, " "), dir, status, out)
	}
}

// runStatus runs a command and returns its exit status and combined
// output.
func runStatus(t *testing.T, dir string, env []string, name string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	default:
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		return -1, ""
	}
}

// mcpClient speaks just enough MCP over Streamable HTTP for the test,
// with plain net/http: JSON and SSE answers are both accepted.
type mcpClient struct {
	url     string
	session string
	version string
	nextID  int
}

func (c *mcpClient) call(t *testing.T, method string, params, result any) {
	t.Helper()
	c.nextID++
	resp := c.post(t, map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method, "params": params})
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: HTTP %s: %s", method, resp.Status, body)
	}
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		c.session = id
	}
	raw, err := responseFor(resp, c.nextID)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	var msg struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatalf("%s: %v in %s", method, err, raw)
	}
	if msg.Error != nil {
		t.Fatalf("%s: JSON-RPC error %d: %s", method, msg.Error.Code, msg.Error.Message)
	}
	if err := json.Unmarshal(msg.Result, result); err != nil {
		t.Fatalf("%s: result %s: %v", method, msg.Result, err)
	}
}

func (c *mcpClient) notify(t *testing.T, method string) {
	t.Helper()
	resp := c.post(t, map[string]any{"jsonrpc": "2.0", "method": method})
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s: HTTP %s, want 202", method, resp.Status)
	}
}

func (c *mcpClient) post(t *testing.T, msg any) *http.Response {
	t.Helper()
	body, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	if c.version != "" {
		req.Header.Set("MCP-Protocol-Version", c.version)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// responseFor returns the JSON-RPC response with the given id from a
// JSON or SSE answer.
func responseFor(resp *http.Response, id int) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return io.ReadAll(resp.Body)
	case "text/event-stream":
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var data []byte
		flush := func() []byte {
			var m struct {
				ID     *int            `json:"id"`
				Result json.RawMessage `json:"result"`
				Error  json.RawMessage `json:"error"`
			}
			d := data
			data = nil
			if json.Unmarshal(d, &m) == nil && m.ID != nil && *m.ID == id && (m.Result != nil || m.Error != nil) {
				return d
			}
			return nil
		}
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				if d := flush(); d != nil {
					return d, nil
				}
				continue
			}
			if v, ok := strings.CutPrefix(line, "data:"); ok {
				if data != nil {
					data = append(data, '\n')
				}
				data = append(data, strings.TrimPrefix(v, " ")...)
			}
		}
		if d := flush(); d != nil {
			return d, nil
		}
		return nil, fmt.Errorf("event stream ended without the response to request %d", id)
	default:
		return nil, fmt.Errorf("unexpected Content-Type %q", resp.Header.Get("Content-Type"))
	}
}

package authproxy

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/whoami/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
)

// proxyEnv is examples/auth-proxy (generated with -auth oidc) in front of
// the real upstream provider, both on loopback, with the proxy's traffic
// and log recorded.
type proxyEnv struct {
	up      *Upstream
	base    string // the proxy's issuer (MCPGEN_AUTH_BASE_URL)
	mcp     string // the MCP endpoint, the tokens' resource
	rec     *Recorder
	logs    *LogBuffer
	browser *Browser
	shots   string // where screenshots go
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func startProxy(t *testing.T) *proxyEnv {
	t.Helper()
	needBrowser(t)
	upLn, pxLn := listen(t), listen(t)
	base := "http://" + pxLn.Addr().String()
	up := StartUpstream(upLn, "upstream-secret-"+randomHex(16), base+"/auth/callback")
	t.Cleanup(up.Close)

	shots := os.Getenv("MCPGEN_INTEROP_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") && !strings.HasPrefix(name, "MCPGEN_INTEROP_") {
			t.Setenv(name, "")
		}
	}
	t.Setenv("MCPGEN_AUTH_BASE_URL", base)
	t.Setenv("MCPGEN_AUTH_OIDC_CONFIG_URL", up.Issuer+".well-known/openid-configuration")
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_ID", up.ClientID)
	t.Setenv("MCPGEN_AUTH_OIDC_CLIENT_SECRET", up.ClientSecret)

	logs := &LogBuffer{}
	srv, err := mcpserver.New(runtime.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(srv)
	hs := &http.Server{Handler: rec}
	go hs.Serve(pxLn)
	t.Cleanup(func() { hs.Close() })

	return &proxyEnv{up: up, base: base, mcp: base + "/mcp", rec: rec, logs: logs, browser: newBrowser(t), shots: shots}
}

// assertNoLeaks checks that neither the upstream client secret nor any
// token the upstream issued appears anywhere in the proxy's recorded
// traffic (what MCP clients and browsers sent and received) or its log.
func (e *proxyEnv) assertNoLeaks(t *testing.T) {
	t.Helper()
	secrets := append([]string{e.up.ClientSecret}, e.up.Tokens()...)
	if len(secrets) < 3 {
		t.Fatalf("only %d upstream secrets recorded: the upstream was never used, so the leak check would prove nothing", len(secrets))
	}
	for _, hit := range e.rec.Find(secrets) {
		t.Errorf("upstream secret in the proxy's traffic: %s", hit)
	}
	for _, line := range e.logs.Lines() {
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("upstream secret in a log line: %.200s", line)
			}
		}
	}
	t.Logf("leak check: %d upstream secrets, %d exchanges, %d log lines", len(secrets), len(e.rec.Exchanges()), len(e.logs.Lines()))
}

// tsEvent is one line of tsclient.mjs.
type tsEvent struct {
	Authorize string          `json:"authorize"`
	Callback  string          `json:"callback"`
	Step      string          `json:"step"`
	Identity  json.RawMessage `json:"identity"`
	Done      bool            `json:"done"`
}

// TestTypeScriptClients runs the whole MCP authorization flow with both
// official TypeScript clients: a 401 on /mcp, discovery, dynamic
// registration, authorization with sign-in upstream and consent in
// Chromium, the token exchange, a tool call that sees the upstream
// identity, refresh with rotation, revocation, then 401.
func TestTypeScriptClients(t *testing.T) {
	for _, c := range []struct{ flavor, modules string }{
		{"sdk", "../ts/node_modules"},     // @modelcontextprotocol/sdk 1.32.2
		{"client", "../ts2/node_modules"}, // @modelcontextprotocol/client 2.4.0
	} {
		t.Run(c.flavor, func(t *testing.T) {
			e := startProxy(t)
			modules, _ := filepath.Abs(c.modules)
			if _, err := os.Stat(modules); err != nil {
				t.Fatalf("%v: run interop/authproxy/run.sh, which installs the Node packages", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 90e9)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "tsclient.mjs", c.flavor, modules, e.mcp, e.base)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var steps []string
			var identity map[string]any
			done := false
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				var ev tsEvent
				if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
					t.Fatalf("tsclient: %q: %v", sc.Text(), err)
				}
				switch {
				case ev.Authorize != "":
					shot := filepath.Join(e.shots, "consent-"+c.flavor+".png")
					landed, err := e.browser.SignIn(ctx, ev.Authorize, ev.Callback, e.up.Username, e.up.Password, "approve", shot)
					if err != nil {
						t.Fatalf("browser: %v", err)
					}
					t.Logf("browser landed at %s; consent page screenshot: %s", strings.SplitN(landed, "?", 2)[0], shot)
				case ev.Step != "":
					steps = append(steps, ev.Step)
					if ev.Identity != nil {
						json.Unmarshal(ev.Identity, &identity)
					}
				case ev.Done:
					done = true
				}
			}
			if err := cmd.Wait(); err != nil || !done {
				t.Fatalf("tsclient %s: %v, done=%v, steps %v\n%s\n---- server log (tail) ----\n%s", c.flavor, err, done, steps, stderr.String(), tail(e.logs.Lines(), 30))
			}
			if want := []string{"registered", "token", "whoami", "refreshed", "revoked"}; strings.Join(steps, " ") != strings.Join(want, " ") {
				t.Errorf("steps %v, want %v", steps, want)
			}
			// The tool saw the upstream user, through a token the proxy minted.
			if identity["subject"] != "id2" || identity["email"] != "test-user2@zitadel.ch" || identity["issuer"] != e.base {
				t.Errorf("whoami: %v: want subject id2, email test-user2@zitadel.ch and the proxy as issuer", identity)
			}
			e.assertNoLeaks(t)
		})
	}
}

func tail(lines []string, n int) string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

package authproxy

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/profile/mcpserver"
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

func startProxy(t *testing.T, env ...string) *proxyEnv {
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
	t.Setenv("PROFILE_API_URL", up.Issuer+"userinfo") // for provider_profile
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}

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
	Profile   json.RawMessage `json:"profile"`
	Done      bool            `json:"done"`
}

// TestTypeScriptClients runs the whole MCP authorization flow with both
// official TypeScript clients: a 401 on /mcp, discovery, dynamic
// registration, authorization with sign-in upstream and consent in
// Chromium, the token exchange, a tool call that sees the upstream
// identity, refresh with rotation, revocation, then 401.
func TestTypeScriptClients(t *testing.T) {
	for _, c := range []struct {
		name, flavor, modules string
		cimd                  bool // a client ID metadata document instead of registration
	}{
		{"sdk", "sdk", "../ts/node_modules", false},        // @modelcontextprotocol/sdk 1.32.2
		{"client", "client", "../ts2/node_modules", false}, // @modelcontextprotocol/client 2.4.0
		{"sdk-cimd", "sdk", "../ts/node_modules", true},
		{"client-cimd", "client", "../ts2/node_modules", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var env, clientEnv []string
			if c.cimd {
				env, clientEnv = serveMetadataDocument(t, c.name)
			}
			e := startProxy(t, env...)
			modules, _ := filepath.Abs(c.modules)
			if _, err := os.Stat(modules); err != nil {
				t.Fatalf("%v: run interop/authproxy/run.sh, which installs the Node packages", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 90e9)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "tsclient.mjs", c.flavor, modules, e.mcp, e.base)
			cmd.Env = append(os.Environ(), clientEnv...)
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
			var identity, profile map[string]any
			done := false
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				var ev tsEvent
				if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
					t.Fatalf("tsclient: %q: %v", sc.Text(), err)
				}
				switch {
				case ev.Authorize != "":
					shot := filepath.Join(e.shots, "consent-"+c.name+".png")
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
					if ev.Profile != nil {
						json.Unmarshal(ev.Profile, &profile)
					}
				case ev.Done:
					done = true
				}
			}
			if err := cmd.Wait(); err != nil || !done {
				t.Fatalf("tsclient %s: %v, done=%v, steps %v\n%s\n---- server log (tail) ----\n%s", c.flavor, err, done, steps, stderr.String(), tail(e.logs.Lines(), 30))
			}
			if want := []string{"registered", "token", "whoami", "provider_profile", "refreshed", "revoked"}; strings.Join(steps, " ") != strings.Join(want, " ") {
				t.Errorf("steps %v, want %v", steps, want)
			}
			// The tool saw the upstream user, through a token the proxy minted.
			if identity["subject"] != "id2" || identity["email"] != "test-user2@zitadel.ch" || identity["client_id"] == "" {
				t.Errorf("whoami: %v: want subject id2, email test-user2@zitadel.ch and the MCP client's id", identity)
			}
			// provider_profile reached the upstream's userinfo with the
			// upstream token, which the client never saw.
			if profile["sub"] != "id2" {
				t.Errorf("provider_profile: %v: want the upstream userinfo of id2", profile)
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

// serveMetadataDocument serves a client ID metadata document over https
// on loopback, its certificate trusted by the proxy through the test-only
// MCPGEN_AUTH_CIMD_TEST_CA (without it the proxy fetches documents from
// public addresses only). It returns the proxy's extra settings and the
// client's (CIMD_URL, CALLBACK_PORT).
func serveMetadataDocument(t *testing.T, name string) (proxyEnv, clientEnv []string) {
	t.Helper()
	port := freePort(t)
	var docURL string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/clients/e2e.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=60")
		json.NewEncoder(w).Encode(map[string]any{
			"client_id": docURL, "client_name": "mcpgen e2e (" + name + ")",
			"redirect_uris":  []string{"http://127.0.0.1:" + strconv.Itoa(port) + "/callback"},
			"grant_types":    []string{"authorization_code", "refresh_token"},
			"response_types": []string{"code"}, "token_endpoint_auth_method": "none",
		})
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	docURL = srv.URL + "/clients/e2e.json"
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"MCPGEN_AUTH_CIMD_TEST_CA", ca}, []string{"CIMD_URL=" + docURL, "CALLBACK_PORT=" + strconv.Itoa(port)}
}

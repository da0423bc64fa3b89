package authproxy

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// needBrowser skips unless the run opted in (interop/authproxy/run.sh
// does, after installing Chromium and the Node packages).
func needBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("MCPGEN_INTEROP_BROWSER") != "1" {
		t.Skip("set MCPGEN_INTEROP_BROWSER=1 (interop/authproxy/run.sh does) to drive headless Chromium")
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func newBrowser(t *testing.T) *Browser {
	t.Helper()
	b, err := NewBrowser(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// TestUpstreamSignIn checks the harness itself: Chromium signs in at the
// real OpenID provider for an ordinary confidential client using PKCE,
// and the code it brings back is exchanged for tokens that userinfo
// accepts.
func TestUpstreamSignIn(t *testing.T) {
	needBrowser(t)
	cbLn := listen(t)
	callback := "http://" + cbLn.Addr().String() + "/auth/callback"
	cb := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("signed in")) })}
	go cb.Serve(cbLn)
	t.Cleanup(func() { cb.Close() })
	up := StartUpstream(listen(t), "upstream-secret-"+t.Name(), callback)
	t.Cleanup(up.Close)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := oauth2.Config{ClientID: up.ClientID, ClientSecret: up.ClientSecret, RedirectURL: callback, Scopes: []string{"openid", "profile", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: up.Issuer + "auth", TokenURL: up.Issuer + "oauth/token"}}
	verifier := oauth2.GenerateVerifier()
	start := cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier))
	landed, err := newBrowser(t).SignIn(ctx, start, callback, up.Username, up.Password, "approve", "")
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, landed)
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("landed at %s", landed)
	}
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cfg.Client(ctx, tok).Get(up.Issuer + "userinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	if info["sub"] == nil || info["sub"] == "" {
		t.Fatalf("userinfo %d %v", resp.StatusCode, info)
	}
	if len(up.Tokens()) == 0 {
		t.Fatal("the token endpoint's answers were not recorded")
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestRecorderFinds makes sure the leak check can fail: a secret in a
// response header, a response body or a request is reported.
func TestRecorderFinds(t *testing.T) {
	rec := NewRecorder(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Leak", "hdr-secret-1")
		w.Write([]byte(`{"access_token":"body-secret-2"}`))
	}))
	srv := &http.Server{Handler: rec}
	ln := listen(t)
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Post("http://"+ln.Addr().String()+"/token?x=url-secret-3", "text/plain", strings.NewReader("req-secret-4"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hits := rec.Find([]string{"hdr-secret-1", "body-secret-2", "url-secret-3", "req-secret-4", "absent-secret"})
	if len(hits) != 4 {
		t.Fatalf("found %d of 4 planted secrets: %q", len(hits), hits)
	}
}

// Command devissuer is a development token issuer for the auth-jwt
// example and the auth interop tests: it makes an RSA key, serves its
// public half as a JWKS on a free loopback port, and mints RS256 access
// tokens on request. It is not an OAuth authorization server (no
// /authorize, no /token) and its /mint endpoint hands a token to anyone
// who can reach it, which is why it only listens on loopback.
//
//	devissuer [-addr 127.0.0.1:0] [-audience URL] [-sub NAME] [-scope "a b"] [-client ID]
//
// On start it prints, one per line, settings a shell can source
// (set -a; . file) and then keeps serving until interrupted:
//
//	MCPGEN_AUTH_JWT_JWKS_URI=http://127.0.0.1:PORT/.well-known/jwks.json
//	MCPGEN_AUTH_JWT_ISSUER=http://127.0.0.1:PORT
//	DEVISSUER_MINT_URL=http://127.0.0.1:PORT/mint
//	DEVISSUER_TOKEN=<a token for -sub with -scope, audience -audience, valid 1 hour>
//
// GET /mint?sub=alice&scope=a+b&aud=URL&client_id=ID&ttl=1h returns
// another token as text/plain; every parameter is optional (defaults:
// the flags) and ttl may be negative, for an expired token.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth/authtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "devissuer:", err)
		os.Exit(1)
	}
}

// issuer mints tokens with one key.
type issuer struct {
	url                     string
	key                     *authtest.Key
	sub, scope, aud, client string
}

func (is *issuer) mint(sub, scope, aud, client string, ttl time.Duration) (string, error) {
	c := authtest.AccessClaims(is.url, aud, sub)
	c["client_id"] = client
	if scope != "" {
		c["scope"] = scope
	}
	now := time.Now()
	c["exp"] = now.Add(ttl).Unix()
	if ttl < 0 {
		// An expired token: also issued in the past, so that it is
		// consistent (iat before exp).
		c["iat"] = now.Add(2 * ttl).Unix()
	}
	return is.key.Sign(c)
}

func (is *issuer) serveMint(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	get := func(name, def string) string {
		if v, ok := q[name]; ok {
			return v[0]
		}
		return def
	}
	ttl := time.Hour
	if v := q.Get("ttl"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			http.Error(w, "ttl: "+err.Error(), http.StatusBadRequest)
			return
		}
		ttl = d
	}
	tok, err := is.mint(get("sub", is.sub), get("scope", is.scope), get("aud", is.aud), get("client_id", is.client), ttl)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, tok)
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	aud := flag.String("audience", "http://127.0.0.1:8000/mcp", "default aud of minted tokens: the MCP server's resource URL (MCPGEN_AUTH_BASE_URL + /mcp)")
	sub := flag.String("sub", "dev-user", "default subject")
	scope := flag.String("scope", "reports:read", "default scopes, space-separated")
	client := flag.String("client", "devissuer-client", "default client_id")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: devissuer mints tokens for anyone who asks, so it only listens on loopback", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	is := &issuer{url: "http://" + ln.Addr().String(), key: authtest.NewRSAKey("devissuer-1"), sub: *sub, scope: *scope, aud: *aud, client: *client}
	tok, err := is.mint(is.sub, is.scope, is.aud, is.client, time.Hour)
	if err != nil {
		return err
	}

	jwks := []byte(`{"keys":[` + string(is.key.JWK()) + `]}`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(jwks)
	})
	mux.HandleFunc("GET /mint", is.serveMint)

	fmt.Printf("MCPGEN_AUTH_JWT_JWKS_URI=%s/.well-known/jwks.json\n", is.url)
	fmt.Printf("MCPGEN_AUTH_JWT_ISSUER=%s\n", is.url)
	fmt.Printf("DEVISSUER_MINT_URL=%s/mint\n", is.url)
	fmt.Printf("DEVISSUER_TOKEN=%s\n", tok)
	fmt.Fprintf(os.Stderr, "devissuer: serving %s (audience %s, subject %s, scopes %q)\n", is.url, is.aud, is.sub, strings.TrimSpace(is.scope))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime"
)

// AuthKit is the provider of -auth authkit: WorkOS AuthKit is the
// authorization server (it supports dynamic registration and client ID
// metadata documents itself), this server a resource server that checks
// AuthKit's JWTs and forwards its RFC 8414 metadata for clients that ask
// the resource's origin.
type AuthKit struct {
	*ResourceServer
	domain string
	client *http.Client
	log    interface {
		Warn(string, ...any)
	}

	mu      sync.Mutex
	body    []byte
	fetched time.Time
}

func newAuthKit(s *settings, getenv func(string) string) (*AuthKit, error) {
	domain := strings.TrimRight(strings.TrimSpace(getenv("MCPGEN_AUTH_AUTHKIT_DOMAIN")), "/")
	if domain == "" {
		return nil, fmt.Errorf("auth: -auth authkit needs the AuthKit domain: set MCPGEN_AUTH_AUTHKIT_DOMAIN (for example https://your-app.authkit.app)")
	}
	if !strings.Contains(domain, "://") {
		domain = "https://" + domain
	}
	if err := checkEndpointURL("MCPGEN_AUTH_AUTHKIT_DOMAIN", domain, s.allowHTTP); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if s.jwksURI == "" && len(s.publicKeyPEM) == 0 && len(s.hmacSecret) == 0 {
		s.jwksURI = domain + "/oauth2/jwks"
	}
	if s.issuer == "" {
		s.issuer = domain
	}
	if len(s.authorizationServers) == 0 {
		s.authorizationServers = []string{domain}
	}
	v, err := newJWTVerifier(s)
	if err != nil {
		return nil, err
	}
	rs, err := newResourceServer(v, s)
	if err != nil {
		return nil, err
	}
	return &AuthKit{ResourceServer: rs, domain: domain, client: s.client(), log: s.logger}, nil
}

// authKitMetadataTTL is how long forwarded metadata is reused.
const authKitMetadataTTL = 10 * time.Minute

// Routes serves AuthKit's authorization-server metadata at this server's
// /.well-known/oauth-authorization-server.
func (a *AuthKit) Routes() []runtime.Route {
	h := http.HandlerFunc(a.serveMetadata)
	var routes []runtime.Route
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
		routes = append(routes, runtime.Route{Method: m, Path: "/.well-known/oauth-authorization-server", Handler: h})
	}
	return routes
}

func (a *AuthKit) serveMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body, err := a.metadata(r.Context())
	if err != nil {
		a.log.Warn("auth: AuthKit metadata unavailable", "domain", a.domain, "err", err)
		w.Header().Set("Retry-After", "5")
		writeOAuthError(w, http.StatusBadGateway, "temporarily_unavailable", "the authorization server's metadata cannot be fetched")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=600")
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

func (a *AuthKit) metadata(ctx context.Context) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.body != nil && time.Since(a.fetched) < authKitMetadataTTL {
		return a.body, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.domain+"/.well-known/oauth-authorization-server", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		if a.body != nil {
			return a.body, nil // stale beats nothing
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		if a.body != nil {
			return a.body, nil
		}
		return nil, fmt.Errorf("status %d: %v", resp.StatusCode, err)
	}
	a.body, a.fetched = b, time.Now()
	return b, nil
}

package oauthproxy

import (
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
	"github.com/mcpgen/mcpgen/runtime/store"

	_ "github.com/mcpgen/mcpgen/runtime/auth/oidc" // the "oidc" upstream
)

// Modes are the auth modes this package serves.
var Modes = []string{"oidc", "github", "google", "azure", "workos"}

func init() {
	for _, m := range Modes {
		auth.RegisterMode(m, fromModeEnv)
	}
}

// fromModeEnv builds the proxy of an auth mode from the environment:
// the upstream preset of the same name, then the proxy settings.
func fromModeEnv(env auth.ModeEnv) (auth.Provider, error) {
	ctor := upstream.Lookup(env.Mode)
	if ctor == nil {
		return nil, fmt.Errorf("oauthproxy: no upstream preset %q is linked into this program (registered: %s)", env.Mode, strings.Join(upstream.Names(), ", "))
	}
	up, err := ctor(env.Getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := ConfigFromEnv(env.Mode, env.Getenv, env.LookupEnv)
	if err != nil {
		return nil, err
	}
	cfg.Upstream = up
	cfg.BaseURL, cfg.MCPPath = env.BaseURL, env.MCPPath
	cfg.RequiredScopes, cfg.ScopesSupported = env.RequiredScopes, env.ScopesSupported
	cfg.Logger, cfg.Now = env.Logger, env.Now
	if env.HTTPClient != nil {
		cfg.HTTPClient = env.HTTPClient
	}
	if env.Store != nil {
		// The server's store: one connection for all its state; the
		// server closes it.
		cfg.Store = env.Store
		return New(cfg)
	}
	st, err := store.Open(env.StoreURL, env.Home)
	if err != nil {
		return nil, fmt.Errorf("oauthproxy: MCPGEN_STORE: %w", err)
	}
	cfg.Store = st
	p, err := New(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	p.ownsStore = true
	return p, nil
}

// ConfigFromEnv reads the proxy's settings for mode (the upstream's own
// are read by its preset): MCPGEN_AUTH_<MODE>_CLIENT_ID, _CLIENT_SECRET,
// _SCOPES, MCPGEN_AUTH_CONSENT, MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS,
// MCPGEN_AUTH_TOKEN_KEY, MCPGEN_AUTH_ACCESS_TOKEN_TTL,
// MCPGEN_AUTH_REFRESH_TOKEN_TTL, and the test-only
// MCPGEN_AUTH_CIMD_TEST_CA. lookup (nil: os.LookupEnv) tells an unset
// variable from an empty one.
func ConfigFromEnv(mode string, getenv func(string) string, lookup func(string) (string, bool)) (Config, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	P := "MCPGEN_AUTH_" + strings.ToUpper(mode) + "_"
	cfg := Config{ClientID: env(P + "CLIENT_ID"), ClientSecret: getenv(P + "CLIENT_SECRET")}
	if cfg.ClientID == "" {
		return cfg, fmt.Errorf("oauthproxy: set %sCLIENT_ID (and %sCLIENT_SECRET): the client registered at the provider with redirect URI MCPGEN_AUTH_BASE_URL/auth/callback", P, P)
	}
	if v := env(P + "SCOPES"); v != "" {
		cfg.UpstreamScopes = splitList(v)
	}
	switch v := strings.ToLower(env("MCPGEN_AUTH_CONSENT")); v {
	case "", "always":
		cfg.Consent = ConsentAlways
	case "remember":
		cfg.Consent = ConsentRemember
	case "off":
		cfg.Consent = ConsentOff
	default:
		return cfg, fmt.Errorf("oauthproxy: MCPGEN_AUTH_CONSENT=%q: want always, remember or off", v)
	}
	if v, ok := lookup("MCPGEN_AUTH_ALLOWED_CLIENT_REDIRECT_URIS"); ok {
		cfg.AllowedRedirectURIs = splitList(v)
		if cfg.AllowedRedirectURIs == nil {
			cfg.AllowedRedirectURIs = []string{}
		}
	}
	if v := getenv("MCPGEN_AUTH_TOKEN_KEY"); v != "" {
		cfg.TokenKey = []byte(v)
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"MCPGEN_AUTH_ACCESS_TOKEN_TTL", &cfg.AccessTokenTTL}, {"MCPGEN_AUTH_REFRESH_TOKEN_TTL", &cfg.RefreshTokenTTL}} {
		if v := env(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return cfg, fmt.Errorf("oauthproxy: %s=%q: want a Go duration such as 1h or 720h", d.name, v)
			}
			*d.dst = dur
		}
	}
	if v := env("MCPGEN_AUTH_CIMD_TEST_CA"); v != "" {
		pem, err := os.ReadFile(v)
		if err != nil {
			return cfg, fmt.Errorf("oauthproxy: MCPGEN_AUTH_CIMD_TEST_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return cfg, fmt.Errorf("oauthproxy: MCPGEN_AUTH_CIMD_TEST_CA: no PEM certificate in %s", v)
		}
		cfg.CIMD.AllowLoopbackForTests, cfg.CIMD.RootCAs = true, pool
	}
	return cfg, nil
}

// splitList splits a comma- or space-separated setting (as package auth
// reads its own lists).
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

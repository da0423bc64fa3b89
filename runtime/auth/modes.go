package auth

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcpgen/mcpgen/runtime/store"
)

// ModeEnv is what a ModeBuilder gets: the auth mode, the environment and
// the server's resolved settings.
type ModeEnv struct {
	// Mode is the -auth mode being built ("oidc", "github", ...).
	Mode string
	// Getenv reads the MCPGEN_AUTH_* environment; LookupEnv tells an
	// unset variable from an empty one.
	Getenv    func(string) string
	LookupEnv func(string) (string, bool)
	// BaseURL is MCPGEN_AUTH_BASE_URL (or auth.WithBaseURL); MCPPath the
	// Streamable HTTP path; Resource the canonical resource URL made of
	// them.
	BaseURL, MCPPath, Resource string
	// RequiredScopes are demanded of every request; ScopesSupported are
	// announced.
	RequiredScopes, ScopesSupported []string
	// StoreURL and Home are the server's MCPGEN_STORE and MCPGEN_HOME;
	// Store is the store the server opened from them (nil outside a
	// server): builders keep their state there rather than opening
	// StoreURL a second time.
	StoreURL, Home string
	Store          store.Store
	// Logger is the server's logger (never nil).
	Logger *slog.Logger
	// HTTPClient is the client given with WithHTTPClient, or nil.
	HTTPClient *http.Client
	// Now is the clock (WithClock).
	Now func() time.Time
	// AllowHTTP is set by WithInsecureHTTP.
	AllowHTTP bool
}

// ModeBuilder builds the Provider of an auth mode served by another
// package (the OAuth proxy registers "oidc", "github", "google", "azure"
// and "workos").
type ModeBuilder func(env ModeEnv) (Provider, error)

var (
	modesMu sync.RWMutex
	modes   = map[string]ModeBuilder{}
)

// RegisterMode makes FromEnv (and EnvOptions, so generated code) serve
// mode with b. Packages register in init; generated code imports them.
// Registering a mode twice, or one of this package's own, panics.
func RegisterMode(mode string, b ModeBuilder) {
	mode = strings.ToLower(mode)
	modesMu.Lock()
	defer modesMu.Unlock()
	if _, dup := modes[mode]; dup || slices.Contains(builtinModes, mode) || b == nil {
		panic(fmt.Sprintf("auth: RegisterMode(%q) twice, over a built-in mode, or with a nil builder", mode))
	}
	modes[mode] = b
}

func registeredMode(mode string) ModeBuilder {
	modesMu.RLock()
	defer modesMu.RUnlock()
	return modes[mode]
}

// builtinModes are served by this package.
var builtinModes = []string{"none", "static", "jwt", "remote", "authkit"}

// proxyModes need the OAuth proxy (package oauthproxy registers them).
var proxyModes = []string{"oidc", "github", "google", "azure", "workos"}

// withServerState tells FromEnv the server's store and home.
func withServerState(storeURL, home string, st store.Store) Option {
	return func(s *settings) { s.storeURL, s.home, s.store = storeURL, home, st }
}

func (s *settings) modeEnv(mode string, getenv func(string) string) (ModeEnv, error) {
	if s.baseURL == "" {
		return ModeEnv{}, fmt.Errorf("auth: -auth %s makes this server an OAuth authorization server, whose issuer is its public URL: set MCPGEN_AUTH_BASE_URL (for example https://mcp.example.com) or pass auth.WithBaseURL", mode)
	}
	res, err := CanonicalResourceURL(s.baseURL, s.path())
	if err != nil {
		return ModeEnv{}, fmt.Errorf("auth: MCPGEN_AUTH_BASE_URL: %w", err)
	}
	return ModeEnv{
		Mode: mode, Getenv: getenv, BaseURL: s.baseURL, MCPPath: s.path(), Resource: res,
		RequiredScopes: slices.Clone(s.requiredScopes), ScopesSupported: slices.Clone(s.scopesSupported),
		StoreURL: s.storeURL, Home: s.home, Store: s.store, Logger: s.logger, HTTPClient: s.httpClient, Now: s.now, AllowHTTP: s.allowHTTP,
	}, nil
}

package presets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// WorkOSOptions configure the WorkOS AuthKit preset.
type WorkOSOptions struct {
	Options
	// AuthKitDomain is the environment's AuthKit URL, for example
	// https://your-app.authkit.app (MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN; a
	// bare host name gets https://). It is the Issuer of tokens Verify
	// accepts.
	AuthKitDomain string
	// AuthURL, TokenURL and UserinfoURL override DOMAIN/oauth2/authorize,
	// /oauth2/token and /oauth2/userinfo.
	AuthURL, TokenURL, UserinfoURL string
}

// WorkOS is the WorkOS AuthKit preset: OAuth 2.0 against the AuthKit
// domain, identity from its userinfo endpoint.
type WorkOS struct {
	provider
	domain, userinfo string
}

// WorkOSDefaultScopes are asked when none are configured.
var WorkOSDefaultScopes = []string{"openid", "profile", "email", "offline_access"}

// NewWorkOS checks the options and returns the preset.
func NewWorkOS(o WorkOSOptions) (*WorkOS, error) {
	if o.ClientID == "" {
		return nil, errors.New("presets: workos needs the client id: set MCPGEN_AUTH_WORKOS_CLIENT_ID")
	}
	d := strings.TrimRight(strings.TrimSpace(o.AuthKitDomain), "/")
	if d == "" {
		return nil, errors.New("presets: workos needs the AuthKit domain: set MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN (https://your-app.authkit.app)")
	}
	if !strings.Contains(d, "://") {
		d = "https://" + d
	}
	w := &WorkOS{
		provider: newProvider(o.Options, pick(o.AuthURL, d+"/oauth2/authorize"), pick(o.TokenURL, d+"/oauth2/token"), WorkOSDefaultScopes),
		domain:   d,
		userinfo: pick(o.UserinfoURL, d+"/oauth2/userinfo"),
	}
	if err := checkURLs(map[string]string{"MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN": d, "WorkOS authorize URL": w.authURL,
		"WorkOS token URL": w.tokenURL, "WorkOS userinfo URL": w.userinfo}); err != nil {
		return nil, err
	}
	return w, nil
}

// Name is "workos".
func (w *WorkOS) Name() string { return "workos" }

func (w *WorkOS) user(ctx context.Context, token string) (userinfo, http.Header, error) {
	return fetchUserinfo(ctx, w.opts.client(), w.userinfo, token)
}

// Identity reads the userinfo endpoint.
func (w *WorkOS) Identity(ctx context.Context, tok *oauth2.Token) (upstream.Identity, error) {
	if tok == nil || tok.AccessToken == "" {
		return upstream.Identity{}, errors.New("workos: no access token")
	}
	u, _, err := w.user(ctx, tok.AccessToken)
	if err != nil {
		return upstream.Identity{}, fmt.Errorf("workos: %w", err)
	}
	return u.identity(), nil
}

// Revoke returns nil: AuthKit publishes no revocation endpoint.
func (w *WorkOS) Revoke(context.Context, *oauth2.Token) error { return nil }

// Verify checks a token with the AuthKit userinfo endpoint
// (resource-server mode): any token the environment's AuthKit domain
// accepts. Userinfo tells no scopes, so required scopes cannot be
// checked in this mode.
func (w *WorkOS) Verify(ctx context.Context, token string) (*auth.AccessToken, error) {
	return w.verifyOpaque(ctx, token, func(ctx context.Context, token string, _ time.Time) (*auth.AccessToken, error) {
		u, hdr, err := w.user(ctx, token)
		if err != nil {
			return nil, verifyError(err, hdr)
		}
		id := u.identity()
		return &auth.AccessToken{Subject: id.Subject, Issuer: w.domain, Claims: identityClaims(id)}, nil
	})
}

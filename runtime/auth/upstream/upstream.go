// Package upstream describes the identity provider that mcpgen's OAuth
// proxy delegates sign-in to (GitHub, Google, Entra ID, WorkOS, any OpenID
// provider), and the identity it hands back.
//
// The proxy (package oauthproxy) drives the browser leg with the
// provider's endpoints and then asks the Provider who signed in; presets
// (package presets) implement Provider for each upstream. The same
// presets double as plain token verifiers for resource-server mode.
package upstream

import (
	"context"

	"golang.org/x/oauth2"
)

// Identity is the upstream user behind a proxy-minted token. The proxy
// stores it with the upstream tokens and copies it into the
// *auth.AccessToken of every request made with that token.
type Identity struct {
	// Subject is the provider's stable user id (OIDC sub, GitHub's numeric
	// id, Entra's oid). Never an email: emails change hands.
	Subject string `json:"sub"`
	// Email and Name are informational; empty when the provider keeps them.
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	// Claims are provider-specific facts: GitHub "login", Google
	// "picture" and "locale", Azure "job_title" and "office_location",
	// and for OIDC the verified ID token's claims.
	Claims map[string]any `json:"claims,omitempty"`
}

// Provider is one upstream identity provider as the proxy sees it.
type Provider interface {
	// Name is the preset's name ("github", "google", "azure", "workos",
	// "oidc"), used in logs and errors.
	Name() string
	// Endpoint is where the proxy sends the browser (AuthURL) and where it
	// exchanges the code and refreshes tokens (TokenURL).
	Endpoint() oauth2.Endpoint
	// DefaultScopes are asked of the upstream when the operator sets none.
	DefaultScopes() []string
	// AuthCodeOptions are extra parameters for the authorize redirect and,
	// because some providers require them again, for every token call
	// including refresh (nil when none).
	AuthCodeOptions() []oauth2.AuthCodeOption
	// Identity tells who signed in, from the token the upstream issued
	// (verifying an ID token, or calling userinfo or the user API).
	Identity(ctx context.Context, tok *oauth2.Token) (Identity, error)
	// Revoke revokes an upstream token, best effort; providers without a
	// revocation endpoint return nil.
	Revoke(ctx context.Context, tok *oauth2.Token) error
}

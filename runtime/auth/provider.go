package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mcpgen/mcpgen/runtime"
)

// Verifier checks a bearer token. It returns the token's grants, or an
// error wrapping ErrInvalidToken (the client must get a new token) or
// ErrUnavailable (the verifier cannot decide now). Any other error is
// treated as an invalid token.
type Verifier interface {
	Verify(ctx context.Context, token string) (*AccessToken, error)
}

// Provider is what a server needs to act as an OAuth 2.1 resource server:
// a Verifier plus what it announces (the RFC 9728 metadata and the scopes
// every request needs) and any HTTP routes it serves itself (an
// authorization server or OAuth proxy adds its endpoints there).
type Provider interface {
	Verifier
	// Metadata is the protected-resource metadata document; Resource
	// must be the canonical MCP URL.
	Metadata() ResourceMetadata
	// RequiredScopes are demanded of every request to the MCP endpoints
	// (403 insufficient_scope without them).
	RequiredScopes() []string
	// Routes are extra routes to serve, public (not behind the bearer
	// check); nil for a pure resource server.
	Routes() []runtime.Route
}

// ResourceServer is the Provider of a server whose tokens come from
// elsewhere: a Verifier (StaticTokens, JWTVerifier, Introspector or your
// own) plus the metadata that tells clients where to get tokens.
type ResourceServer struct {
	Verifier
	md       ResourceMetadata
	required []string
	mcpPath  string
	// scopesSet says ScopesSupported was given, so ServerOptions does not
	// fill it from the definition.
	scopesSet bool
}

// NewResourceServer pairs v with its metadata: WithBaseURL (required) and
// WithMCPPath make the resource URL; WithAuthorizationServers,
// WithScopesSupported, WithRequiredScopes and WithResourceName fill the
// rest.
func NewResourceServer(v Verifier, opts ...Option) (*ResourceServer, error) {
	return newResourceServer(v, newSettings(opts))
}

// NewRemoteAuth is NewResourceServer for tokens issued by remote
// authorization servers: at least one must be named
// (WithAuthorizationServers), since the metadata is how MCP clients find
// them.
func NewRemoteAuth(v Verifier, opts ...Option) (*ResourceServer, error) {
	s := newSettings(opts)
	if len(s.authorizationServers) == 0 {
		return nil, errors.New("auth: remote authorization needs at least one authorization server: set MCPGEN_AUTH_AUTHORIZATION_SERVERS or pass auth.WithAuthorizationServers")
	}
	return newResourceServer(v, s)
}

func newResourceServer(v Verifier, s *settings) (*ResourceServer, error) {
	if v == nil {
		return nil, errors.New("auth: nil Verifier")
	}
	if s.baseURL == "" {
		return nil, errors.New("auth: the server's public URL is needed for the resource metadata: set MCPGEN_AUTH_BASE_URL or pass auth.WithBaseURL")
	}
	res, err := CanonicalResourceURL(s.baseURL, s.path())
	if err != nil {
		return nil, fmt.Errorf("auth: MCPGEN_AUTH_BASE_URL: %w", err)
	}
	for _, as := range s.authorizationServers {
		if err := checkEndpointURL("MCPGEN_AUTH_AUTHORIZATION_SERVERS entry", as, s.allowHTTP); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
	}
	for _, list := range [][]string{s.requiredScopes, s.scopesSupported} {
		for _, sc := range list {
			if err := checkScopeToken(sc); err != nil {
				return nil, fmt.Errorf("auth: MCPGEN_AUTH_REQUIRED_SCOPES: %w", err)
			}
		}
	}
	return &ResourceServer{
		Verifier: v,
		md: ResourceMetadata{
			Resource:               res,
			AuthorizationServers:   slices.Clone(s.authorizationServers),
			ScopesSupported:        union(s.requiredScopes, s.scopesSupported),
			BearerMethodsSupported: []string{"header"},
			ResourceName:           s.resourceName,
		},
		required:  slices.Clone(s.requiredScopes),
		mcpPath:   s.path(),
		scopesSet: len(s.scopesSupported) > 0,
	}, nil
}

// Metadata returns the protected-resource metadata.
func (r *ResourceServer) Metadata() ResourceMetadata {
	md := r.md
	md.AuthorizationServers = slices.Clone(md.AuthorizationServers)
	md.ScopesSupported = slices.Clone(md.ScopesSupported)
	md.BearerMethodsSupported = slices.Clone(md.BearerMethodsSupported)
	return md
}

// RequiredScopes returns the scopes every request needs.
func (r *ResourceServer) RequiredScopes() []string { return slices.Clone(r.required) }

// Routes returns nil: a resource server only serves its metadata, which
// ServerOptions adds.
func (r *ResourceServer) Routes() []runtime.Route { return nil }

// union returns the distinct entries of the lists in first-seen order.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

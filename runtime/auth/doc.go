// Package auth makes generated MCP servers OAuth 2.1 resource servers, as
// the MCP authorization specification asks: every request to the MCP
// endpoints carries a bearer token in the Authorization header, the
// server verifies it (Verifier), announces where tokens come from in
// RFC 9728 protected-resource metadata, and answers refusals with the
// WWW-Authenticate challenges clients use to start or repeat an
// authorization.
//
// Pieces:
//
//   - Verifiers: StaticTokens (development), JWTVerifier (JWKS, PEM or
//     HMAC, go-jose with an algorithm allowlist derived from the key type,
//     issuer and audience required), Introspector (RFC 7662).
//   - Provider: a Verifier plus metadata and routes. ResourceServer (and
//     NewRemoteAuth, which insists on naming authorization servers) is
//     the one for tokens issued elsewhere.
//   - Middleware: the HTTP bearer check; AccessToken in the request
//     context (TokenFromContext).
//   - ServerOptions / EnvOptions: the runtime.Options that install the
//     middleware and the metadata routes on a runtime.Server, reading the
//     server's paths and host from its resolved configuration.
//   - Per-entry scopes: the Scopes of tools, resources and prompts are
//     enforced by the middleware ServerOptions installs, at the HTTP
//     layer: it reads the JSON-RPC request of a POST, finds the entry it
//     names and answers 403 insufficient_scope (a step-up challenge
//     naming the scopes, and a JSON-RPC error body, code -32003) before
//     the core runs anything. Listings are not filtered.
//   - CheckScopes / Authorize: the same check for handlers that want a
//     finer one, with a typed error (ScopeError) that becomes a JSON-RPC
//     error when a handler returns it.
//
// What generated code calls, per -auth mode:
//
//	none:                 nothing
//	static, jwt, remote,  base = append(base, auth.EnvOptions("<mode>")...)
//	authkit:              (before the caller's options, so that a caller's
//	                      auth.ServerOptions(p) replaces it)
//	oidc, github, google, the same, plus import _ ".../runtime/auth/oauthproxy",
//	azure, workos:        which registers those modes (RegisterMode): the
//	                      server becomes its own OAuth authorization server
//	                      in front of the upstream provider
//
// and, for a parameter of type *auth.AccessToken, auth.TokenFromContext(ctx).
//
// Settings (FromEnv; options override them):
//
//	MCPGEN_AUTH_BASE_URL                 public URL of the server; resource = it + the MCP path
//	MCPGEN_AUTH_REQUIRED_SCOPES          scopes every request needs (space or comma separated)
//	MCPGEN_AUTH_AUTHORIZATION_SERVERS    issuer URLs announced in the metadata (comma separated)
//	MCPGEN_AUTH_STATIC_TOKENS            static: JSON token -> {client_id, sub, scopes, expires_at}
//	MCPGEN_AUTH_JWT_JWKS_URI             jwt/remote: key set URL
//	MCPGEN_AUTH_JWT_PUBLIC_KEY           jwt/remote: PEM public key (text, \n escapes allowed, or a file path)
//	MCPGEN_AUTH_JWT_SIGNING_KEY          jwt/remote: HMAC secret for HS256/384/512, at least 32 bytes
//	MCPGEN_AUTH_JWT_ISSUER               jwt/remote: required iss
//	MCPGEN_AUTH_JWT_AUDIENCE             accepted aud values (default: the resource URL)
//	MCPGEN_AUTH_JWT_ALGORITHM            narrows the accepted algorithms (comma separated)
//	MCPGEN_AUTH_INTROSPECTION_URL        remote: RFC 7662 endpoint, used when no JWT key is set
//	MCPGEN_AUTH_INTROSPECTION_CLIENT_ID, MCPGEN_AUTH_INTROSPECTION_CLIENT_SECRET
//
// Mounted below a prefix (http.StripPrefix("/api", srv)), set the base URL
// to include it (https://example.com/api): the resource becomes
// https://example.com/api/mcp and its metadata URL
// https://example.com/.well-known/oauth-protected-resource/api/mcp, which
// the parent mux must route to the server's
// /.well-known/oauth-protected-resource/mcp.
//
// Never forward AccessToken.Token to another service, and never log it;
// the runtime already keeps the Authorization header out of the headers
// handed to tool code.
package auth

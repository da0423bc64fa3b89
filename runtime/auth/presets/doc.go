// Package presets implements upstream.Provider for the identity providers
// mcpgen's OAuth proxy can sit in front of (GitHub, Google, Microsoft
// Entra ID, WorkOS AuthKit), and doubles each of them as an auth.Verifier
// for resource-server mode, where MCP clients bring the provider's own
// tokens.
//
// Every preset knows the provider's public endpoints and lets each one be
// overridden: tests point them at a loopback stand-in, GitHub Enterprise
// Server has its own host, and sovereign Azure clouds their own
// authority and Graph hosts. Endpoints must be https (plain http only on
// loopback hosts).
//
// How each preset tells who signed in (proxy mode, Identity) and checks a
// bearer token (resource-server mode, Verify):
//
//	github  the user API (GET /user, and /user/emails for a private
//	        primary email); subject = the numeric user id; scopes from
//	        the X-OAuth-Scopes response header; with AppTokensOnly,
//	        GitHub's check-a-token API must know the token as this app's
//	google  userinfo; Verify asks tokeninfo and requires the token's
//	        audience to be this client id, then adds userinfo's name,
//	        picture and locale
//	azure   the ID token, verified on the tenant's JWKS (issuer
//	        https://login.microsoftonline.com/TENANT/v2.0, audience the
//	        client id), plus Graph /me for job title and office location
//	        when a Graph scope (User.Read) was granted; Verify checks v2
//	        access tokens on the same JWKS with the client id or the
//	        identifier URI (api://CLIENT_ID) as audience
//	workos  the AuthKit userinfo endpoint
//
// Opaque-token verifiers (github, google, workos) remember a verified
// token for a minute (Options.CacheTTL) so an MCP session does not call
// the provider on every request; a revoked token therefore keeps working
// for at most that long.
//
// FromEnv builds a preset from the MCPGEN_AUTH_<P>_* settings; the
// package registers each preset with upstream.Register under its name,
// which is how -auth github (and google, azure, workos) finds it: code
// generated with those modes imports this package.
package presets

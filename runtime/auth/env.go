package auth

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
)

// FromEnv builds the provider of an auth mode from the MCPGEN_AUTH_*
// environment, then opts:
//
//   - "static": StaticTokens from MCPGEN_AUTH_STATIC_TOKENS; the base URL
//     defaults to http://MCPGEN_HOST:MCPGEN_PORT; the host must be
//     loopback (AllowNonLoopback overrides).
//
//   - "jwt": a JWTVerifier (one of JWKS_URI, PUBLIC_KEY, SIGNING_KEY;
//     ISSUER required); MCPGEN_AUTH_BASE_URL required; the authorization
//     servers default to the issuer.
//
//   - "remote": a JWTVerifier when a JWT key is set, else an
//     Introspector (MCPGEN_AUTH_INTROSPECTION_*); at least one
//     MCPGEN_AUTH_AUTHORIZATION_SERVERS entry required.
//
//   - "none" or "": no provider (nil, nil).
//
//   - "authkit": WorkOS AuthKit as a remote authorization server that
//     registers clients itself: MCPGEN_AUTH_AUTHKIT_DOMAIN names it; tokens
//     are JWTs checked on its JWKS; its RFC 8414 metadata is forwarded at
//     /.well-known/oauth-authorization-server for clients that look there.
//
//   - the OAuth proxy modes (oidc, github, google, azure, workos): built by
//     the package that registered them (RegisterMode); package oauthproxy
//     does, and generated code imports it.
func FromEnv(mode string, opts ...Option) (Provider, error) {
	return fromEnvLookup(os.Getenv, os.LookupEnv, mode, opts)
}

func fromEnvLookup(getenv func(string) string, lookup func(string) (string, bool), mode string, opts []Option) (Provider, error) {
	mode = strings.ToLower(strings.TrimSpace(mode))
	switch mode {
	case "", "none":
		return nil, nil
	case "static", "jwt", "remote", "authkit":
	default:
		b := registeredMode(mode)
		if b == nil {
			if slices.Contains(proxyModes, mode) {
				return nil, fmt.Errorf("auth: mode %q is served by the OAuth proxy: import _ \"github.com/mcpgen/mcpgen/runtime/auth/oauthproxy\" (generated code does)", mode)
			}
			return nil, fmt.Errorf("auth: unknown mode %q: want one of %s", mode, strings.Join(append(slices.Clone(builtinModes), proxyModes...), ", "))
		}
		envOpts, err := envOptions(getenv, mode)
		if err != nil {
			return nil, err
		}
		s := newSettings(append(envOpts, opts...))
		if s.mcpPath == "" {
			s.mcpPath = strings.TrimSpace(getenv("MCPGEN_STREAMABLE_HTTP_PATH"))
		}
		env, err := s.modeEnv(mode, getenv)
		if err != nil {
			return nil, err
		}
		env.LookupEnv = lookup
		return b(env)
	}
	envOpts, err := envOptions(getenv, mode)
	if err != nil {
		return nil, err
	}
	s := newSettings(append(envOpts, opts...))
	if s.mcpPath == "" {
		s.mcpPath = strings.TrimSpace(getenv("MCPGEN_STREAMABLE_HTTP_PATH"))
	}
	switch mode {
	case "static":
		if s.baseURL == "" {
			host := s.bindHost
			if host == "" {
				host = strings.TrimSpace(getenv("MCPGEN_HOST"))
			}
			if host == "" || host == "0.0.0.0" || host == "::" {
				host = "127.0.0.1"
			}
			port := s.port
			if port == 0 {
				port = getenvPort(getenv)
			}
			s.baseURL = "http://" + net.JoinHostPort(host, strconv.Itoa(port))
		}
		v, err := newStaticTokens(s, getenv)
		if err != nil {
			return nil, err
		}
		return newResourceServer(v, s)
	case "jwt":
		v, err := newJWTVerifier(s)
		if err != nil {
			return nil, err
		}
		if len(s.authorizationServers) == 0 {
			s.authorizationServers = []string{s.issuer}
		}
		return newResourceServer(v, s)
	case "authkit":
		return newAuthKit(s, getenv)
	default: // remote
		if len(s.authorizationServers) == 0 {
			return nil, fmt.Errorf("auth: remote mode needs at least one authorization server: set MCPGEN_AUTH_AUTHORIZATION_SERVERS or pass auth.WithAuthorizationServers")
		}
		var v Verifier
		if s.jwksURI != "" || len(s.publicKeyPEM) > 0 || len(s.hmacSecret) > 0 {
			v, err = newJWTVerifier(s)
		} else if s.introspectionURL != "" {
			v, err = newIntrospector(s)
		} else {
			return nil, fmt.Errorf("auth: remote mode needs a way to check tokens: set MCPGEN_AUTH_JWT_JWKS_URI (auth.WithJWKS) or MCPGEN_AUTH_INTROSPECTION_URL (auth.WithIntrospection)")
		}
		if err != nil {
			return nil, err
		}
		return newResourceServer(v, s)
	}
}

// envOptions turns the environment into options, so explicit options
// given after them win.
func envOptions(getenv func(string) string, mode string) ([]Option, error) {
	var opts []Option
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	if v := env("MCPGEN_AUTH_BASE_URL"); v != "" {
		opts = append(opts, WithBaseURL(v))
	}
	if v := env("MCPGEN_AUTH_REQUIRED_SCOPES"); v != "" {
		sc, err := parseScopes(v)
		if err != nil {
			return nil, fmt.Errorf("auth: MCPGEN_AUTH_REQUIRED_SCOPES: %w", err)
		}
		opts = append(opts, WithRequiredScopes(sc...))
	}
	if v := env("MCPGEN_AUTH_AUTHORIZATION_SERVERS"); v != "" {
		opts = append(opts, WithAuthorizationServers(splitList(v)...))
	}
	switch mode {
	case "static":
		if v := env("MCPGEN_AUTH_STATIC_TOKENS"); v != "" {
			toks, err := ParseStaticTokens([]byte(v))
			if err != nil {
				return nil, fmt.Errorf("auth: %w", err)
			}
			opts = append(opts, WithStaticTokens(toks))
		}
	case "jwt", "remote":
		if v := env("MCPGEN_AUTH_JWT_JWKS_URI"); v != "" {
			opts = append(opts, WithJWKS(v))
		}
		if v := env("MCPGEN_AUTH_JWT_PUBLIC_KEY"); v != "" {
			pem, err := readPEMSetting(v)
			if err != nil {
				return nil, err
			}
			opts = append(opts, WithPublicKeyPEM(pem))
		}
		if v := getenv("MCPGEN_AUTH_JWT_SIGNING_KEY"); v != "" {
			opts = append(opts, WithHMACSecret([]byte(v)))
		}
		if v := env("MCPGEN_AUTH_JWT_ISSUER"); v != "" {
			opts = append(opts, WithIssuer(v))
		}
		if v := env("MCPGEN_AUTH_JWT_AUDIENCE"); v != "" {
			opts = append(opts, WithAudience(splitList(v)...))
		}
		if v := env("MCPGEN_AUTH_JWT_ALGORITHM"); v != "" {
			opts = append(opts, WithAlgorithms(splitList(v)...))
		}
		if v := env("MCPGEN_AUTH_JWT_REQUIRE_TYP"); v != "" {
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_REQUIRE_TYP=%q: want true or false", v)
			}
			if on {
				opts = append(opts, WithRequireAccessTokenType())
			}
		}
		if mode == "remote" {
			if u := env("MCPGEN_AUTH_INTROSPECTION_URL"); u != "" {
				opts = append(opts, WithIntrospection(u, env("MCPGEN_AUTH_INTROSPECTION_CLIENT_ID"), getenv("MCPGEN_AUTH_INTROSPECTION_CLIENT_SECRET")))
			}
		}
	}
	return opts, nil
}

// readPEMSetting accepts PEM text (with literal \n escapes, as .env files
// and CI secrets often hold it) or the path of a PEM file.
func readPEMSetting(v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(strings.ReplaceAll(v, `\n`, "\n")), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, fmt.Errorf("auth: MCPGEN_AUTH_JWT_PUBLIC_KEY: neither PEM text nor a readable file: %w", err)
	}
	return b, nil
}

func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

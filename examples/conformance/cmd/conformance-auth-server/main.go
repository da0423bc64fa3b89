// Command conformance-auth-server serves the conformance fixtures like
// conformance-server, but as an OAuth resource server: every request to
// /mcp needs a bearer token that the MCPGEN_AUTH_* settings accept
// (-auth jwt by default: MCPGEN_AUTH_JWT_JWKS_URI, _ISSUER and
// MCPGEN_AUTH_BASE_URL). examples/conformance is generated without
// auth; this shows the other way to add it, an option given to the
// generated New:
//
//	srv, err := mcpserver.New(auth.EnvOptions("jwt")...)
//
// (or auth.ServerOptions(provider)... for a provider built in code).
// interop/auth/run-conformance.sh runs the official conformance suite
// against it with a token minted by examples/auth-jwt/cmd/devissuer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime/auth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "conformance-auth-server:", err)
		os.Exit(1)
	}
}

func run() error {
	mode := flag.String("auth", "jwt", "auth mode: static, jwt or remote (settings from MCPGEN_AUTH_*)")
	flag.Parse()
	srv, err := mcpserver.New(auth.EnvOptions(*mode)...)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := srv.Config()
	fmt.Fprintf(os.Stderr, "conformance-auth-server: serving http://%s:%d%s behind -auth %s\n", cfg.Host, cfg.Port, cfg.StreamablePath, *mode)
	if err := srv.ListenAndServe(ctx, ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

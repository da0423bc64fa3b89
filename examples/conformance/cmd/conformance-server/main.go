// Command conformance-server serves the conformance fixtures over
// Streamable HTTP at MCPGEN_HOST:MCPGEN_PORT (default 127.0.0.1:8000),
// path /mcp, until SIGINT or SIGTERM. interop/conformance/run.sh builds
// and starts it for the official conformance suite.
//
// The runtime reads every MCPGEN_* setting itself (MCPGEN_STATELESS_HTTP,
// MCPGEN_JSON_RESPONSE, ...); the flags below only exist so a person can
// switch modes without exporting variables, and override the environment
// only when given.
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
	"github.com/mcpgen/mcpgen/runtime"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "conformance-server:", err)
		os.Exit(1)
	}
}

func run() error {
	stateless := flag.Bool("stateless", false, "serve without sessions (overrides MCPGEN_STATELESS_HTTP)")
	jsonResponse := flag.Bool("json", false, "answer POSTs with application/json instead of SSE (overrides MCPGEN_JSON_RESPONSE)")
	addr := flag.String("addr", "", "listen address host:port (default MCPGEN_HOST:MCPGEN_PORT)")
	flag.Parse()

	var opts []runtime.Option
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "stateless":
			opts = append(opts, runtime.WithStateless(*stateless))
		case "json":
			opts = append(opts, runtime.WithJSONResponse(*jsonResponse))
		}
	})

	srv, err := mcpserver.New(opts...)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg := srv.Config()
	listen := *addr
	if listen == "" {
		listen = fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
	}
	fmt.Fprintf(os.Stderr, "conformance-server: serving http://%s%s (stateless=%t json=%t)\n",
		listen, cfg.StreamablePath, cfg.Stateless, cfg.JSONResponse)
	if err := srv.ListenAndServe(ctx, *addr); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Command bodyserver serves the conformance fixtures over Streamable HTTP
// and legacy SSE on 127.0.0.1 at a free port, prints the address it
// listens on as its first line on stdout, and serves until SIGTERM. It
// takes every other setting from the MCPGEN_* environment. The hostile
// client tests (gen/e2e/hostile_body_test.go) and scripts/soak.sh build
// and run it in a process of its own, so its memory and CPU can be
// measured apart from the attacking clients'.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mcpgen/mcpgen/examples/conformance/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/sse"
)

func main() {
	srv, err := mcpserver.New(runtime.WithTransport(sse.New()), runtime.WithAddr("127.0.0.1", 0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bodyserver:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		for srv.Addr() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		fmt.Println(srv.Addr())
	}()
	if err := srv.ListenAndServe(ctx, ""); err != nil {
		fmt.Fprintln(os.Stderr, "bodyserver:", err)
		os.Exit(1)
	}
}

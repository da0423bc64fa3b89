// Command mcpgen500 serves the benchmark's 500-tool server (add500) from code mcpgen
// generated (validation, Origin checks and limits on, as in production).
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"strconv"

	"github.com/mcpgen/mcpgen/interop/bench/servers/mcpgen/add500/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/sse"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	stateless := flag.Bool("stateless", false, "stateless mode")
	legacy := flag.Bool("sse", false, "also serve legacy SSE at /sse and /messages/")
	maxSessions := flag.Int("max-sessions", runtime.DefaultMaxSessions, "session limit")
	flag.Parse()
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	opts := []runtime.Option{runtime.WithAddr(host, p), runtime.WithStateless(*stateless), runtime.WithMaxSessions(*maxSessions)}
	if *legacy {
		opts = append(opts, runtime.WithTransport(sse.New()))
	}
	srv, err := mcpserver.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(srv.ListenAndServe(context.Background(), ""))
}

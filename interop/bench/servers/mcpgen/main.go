// Command mcpgen serves the benchmark's "add" tool from code mcpgen
// generated (validation, Origin checks and limits on, as in production).
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"strconv"

	"github.com/mcpgen/mcpgen/interop/bench/servers/mcpgen/add/mcpserver"
	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/sse"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	stateless := flag.Bool("stateless", false, "stateless mode")
	legacy := flag.Bool("sse", false, "also serve legacy SSE at /sse and /messages/")
	maxSessions := flag.Int("max-sessions", runtime.DefaultMaxSessions, "session limit")
	perCaller := flag.Int("max-sessions-per-caller", 0, "session limit of one caller (every bench client is 127.0.0.1); 0: none")
	initTimeout := flag.Duration("session-init-timeout", 0, "end sessions without notifications/initialized after this long (the sessions bench's legacy SSE streams never send it); 0: never")
	flag.Parse()
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	opts := []runtime.Option{runtime.WithAddr(host, p), runtime.WithStateless(*stateless), runtime.WithMaxSessions(*maxSessions),
		runtime.WithMaxSessionsPerCaller(*perCaller), runtime.WithSessionInitTimeout(*initTimeout)}
	if *legacy {
		opts = append(opts, runtime.WithTransport(sse.New()))
	}
	srv, err := mcpserver.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(srv.ListenAndServe(context.Background(), ""))
}

// Command floor is the bare net/http floor for the benchmark: it speaks
// just enough MCP (initialize, notifications, tools/call of "add") with
// encoding/json and a switch on the method, no framework, no validation
// beyond what decoding gives. Nothing real should be faster.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"sync/atomic"
)

type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  struct {
		Name      string `json:"name"`
		Arguments struct {
			A int `json:"a"`
			B int `json:"b"`
		} `json:"arguments"`
	} `json:"params"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	flag.Parse()
	var sessions atomic.Int64
	http.HandleFunc("POST /mcp", func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if req.ID == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch req.Method {
		case "initialize":
			w.Header().Set("Mcp-Session-Id", strconv.FormatInt(sessions.Add(1), 10))
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"floor","version":"1.0.0"}}}`))
		case "tools/call":
			s := strconv.Itoa(req.Params.Arguments.A + req.Params.Arguments.B)
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"result":{"content":[{"type":"text","text":"{\"sum\":` + s + `}"}],"structuredContent":{"sum":` + s + `}}}`))
		default:
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(req.ID) + `,"error":{"code":-32601,"message":"method not found"}}`))
		}
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

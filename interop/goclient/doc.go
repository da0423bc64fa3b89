// Package goclient tests mcpgen's Go MCP client (runtime/client) against
// peers: it compares what the client sees of every conformance fixture
// with what the official TypeScript SDK client sees on the same server,
// and drives the go-sdk's reference server with it.
package goclient

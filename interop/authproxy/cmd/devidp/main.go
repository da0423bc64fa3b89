// Command devidp runs the OpenID provider of the OAuth proxy's
// end-to-end tests (zitadel/oidc's example provider, with a login page)
// on loopback, so examples/auth-proxy can be tried without an account at
// any real provider. It prints the proxy's settings as shell exports and
// serves until interrupted:
//
//	cd interop && go run ./authproxy/cmd/devidp > idp.env &
//	set -a; . ./idp.env; set +a
//	go run ../examples/auth-proxy
//
// Sign in as test-user2 / verysecure.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/interop/authproxy"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9998", "where the provider listens")
	base := flag.String("base", "http://127.0.0.1:8000", "the MCP server's MCPGEN_AUTH_BASE_URL (its /auth/callback is the client's redirect URI)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	b := make([]byte, 16)
	rand.Read(b)
	up := authproxy.StartUpstream(ln, hex.EncodeToString(b), *base+"/auth/callback")
	defer up.Close()
	fmt.Printf("MCPGEN_AUTH_BASE_URL=%s\n", *base)
	fmt.Printf("MCPGEN_AUTH_OIDC_CONFIG_URL=%s.well-known/openid-configuration\n", up.Issuer)
	fmt.Printf("MCPGEN_AUTH_OIDC_CLIENT_ID=%s\n", up.ClientID)
	fmt.Printf("MCPGEN_AUTH_OIDC_CLIENT_SECRET=%s\n", up.ClientSecret)
	fmt.Printf("PROFILE_API_URL=%suserinfo\n", up.Issuer)
	fmt.Fprintf(os.Stderr, "devidp: OpenID provider at %s; sign in as %s / %s\n", up.Issuer, up.Username, up.Password)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

package templates

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses of Command, the same as the rest of the mcpgen command.
const (
	exitOK    = 0
	exitFail  = 1 // the scaffold could not be written or tidied
	exitUsage = 2 // bad flags or options
)

// Command runs `mcpgen init` with args (the arguments after "init") and
// returns the exit status: 0 on success, 1 when writing or go mod tidy
// fails, 2 for bad flags or options (including a non-empty DIR without
// -force). Flags may come before or after DIR. A binary built from an
// mcpgen checkout makes the scaffold replace mcpgen with that checkout
// (see LocalCheckout); otherwise the scaffold requires the version this
// binary was built from (see BuildVersion).
func Command(args []string, stdout, stderr io.Writer) int {
	var opts Options
	fs := flag.NewFlagSet("mcpgen init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.Module, "module", "", "module path of the new module (default: the base name of DIR)")
	fs.StringVar(&opts.Transport, "transport", "streamable", "transports: streamable (sse and streamable,sse are not yet supported by init)")
	fs.StringVar(&opts.Auth, "auth", "none", "auth provider: none, or github (the server is its own OAuth authorization server in front of GitHub sign-in; README.md lists the settings)")
	fs.StringVar(&opts.Name, "name", "", "server name (default: the last element of the module path)")
	fs.StringVar(&opts.Version, "version", "", "server version (default 0.1.0)")
	fs.BoolVar(&opts.Force, "force", false, "write into DIR even when it is not empty, overwriting files of the same names")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: mcpgen init [flags] DIR\n\nWrites a new MCP server module into DIR: an annotated package with an\nexample tool, resource and prompt, main.go, a test, a README and a CI\nworkflow.\n\nflags:\n")
		fs.PrintDefaults()
	}
	// The flag package stops at the first non-flag; let flags follow DIR
	// too (mcpgen init myserver -force).
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		dirs, args = append(dirs, fs.Arg(0)), fs.Args()[1:]
	}
	if len(dirs) != 1 {
		fmt.Fprintf(stderr, "mcpgen init: want exactly one DIR, got %d (%s)\n", len(dirs), strings.Join(dirs, " "))
		fs.Usage()
		return exitUsage
	}
	opts.Dir = dirs[0]
	if dir, ok := LocalCheckout(); ok {
		opts.MCPGenReplace = dir
	} else {
		opts.MCPGenVersion = BuildVersion()
	}
	if _, err := resolve(opts); err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	files, err := Init(opts)
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	if err != nil {
		var ue *usageError
		fmt.Fprintln(stderr, err)
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFail
	}
	if opts.MCPGenReplace != "" {
		fmt.Fprintf(stdout, "using the local mcpgen checkout %s (a replace directive in go.mod)\n", opts.MCPGenReplace)
	}
	fmt.Fprint(stdout, NextSteps(opts.Dir))
	if opts.Auth == "github" {
		fmt.Fprint(stdout, "before go run: register a GitHub OAuth app with callback URL http://127.0.0.1:8000/auth/callback and set MCPGEN_AUTH_BASE_URL, MCPGEN_AUTH_GITHUB_CLIENT_ID and MCPGEN_AUTH_GITHUB_CLIENT_SECRET (README.md, \"Sign-in with GitHub\")\n")
	}
	return exitOK
}

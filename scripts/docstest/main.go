// Command docstest runs the blocks of README.md and docs/*.md that are
// marked runnable, the way `go test` compiles and runs a package's
// examples, so the documentation cannot drift from the code. It is a step
// of scripts/test.sh:
//
//	go run ./scripts/docstest [FILE.md ...]   # default: README.md docs/*.md
//
// A block is marked by an HTML comment on the line just before its fence
// (invisible on GitHub):
//
//	<!-- runnable -->                a sh block: run it
//	<!-- runnable: repo -->          a sh block: run it in the mcpgen checkout, then
//	                                 return to the directory it started in
//	<!-- runnable: file PATH -->     any block: write its text to PATH (relative to
//	                                 the shell's directory at that point)
//	<!-- output -->                  a text block: each of its lines must appear in
//	                                 the output of the runnable sh block before it
//
// The marked blocks of one file run in order in one bash session (set -eu
// and pipefail), as a reader follows along in one terminal: directories
// and exported variables carry over from block to block. The session
// starts in a fresh temporary directory, with GOBIN and PATH pointing at a
// temporary bin directory that already holds an mcpgen built from this
// checkout (so `mcpgen init` writes a replace directive to it). Anything
// the blocks start in the background is killed at the end. A file fails
// when a block exits non-zero, an output line is missing, or the whole
// file takes longer than -timeout.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// A block is one marked fenced block.
type block struct {
	line int    // of the fence, 1-based
	kind string // "run", "repo", "file", "output"
	path string // for "file"
	text string // the block's content, with a final newline
}

var markerRE = regexp.MustCompile(`^<!-- (runnable(?::\s*(repo|file\s+(\S+)))?|output) -->$`)

// parse returns the marked blocks of a Markdown document.
func parse(name string, src []byte) ([]block, error) {
	var out []block
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, len(src)+1)
	n := 0
	var pending *block
	for sc.Scan() {
		n++
		l := sc.Text()
		if pending != nil {
			if !strings.HasPrefix(l, "```") {
				return nil, fmt.Errorf("%s:%d: a runnable/output marker must be followed at once by a fenced block", name, n-1)
			}
			lang := strings.TrimSpace(strings.TrimPrefix(l, "```"))
			switch pending.kind {
			case "run", "repo":
				if lang != "sh" && lang != "bash" {
					return nil, fmt.Errorf("%s:%d: a runnable block must be sh or bash (use <!-- runnable: file PATH --> for files)", name, n)
				}
			case "output":
				if len(out) == 0 || (out[len(out)-1].kind != "run" && out[len(out)-1].kind != "repo") {
					return nil, fmt.Errorf("%s:%d: an output block must follow a runnable sh block", name, n)
				}
			}
			pending.line = n
			var text strings.Builder
			closed := false
			for sc.Scan() {
				n++
				if strings.TrimSpace(sc.Text()) == "```" {
					closed = true
					break
				}
				text.WriteString(sc.Text())
				text.WriteByte('\n')
			}
			if !closed {
				return nil, fmt.Errorf("%s:%d: unterminated block", name, pending.line)
			}
			pending.text = text.String()
			out = append(out, *pending)
			pending = nil
			continue
		}
		if m := markerRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			b := &block{kind: "run"}
			switch {
			case m[1] == "output":
				b.kind = "output"
			case m[2] == "repo":
				b.kind = "repo"
			case m[3] != "":
				b.kind, b.path = "file", m[3]
			}
			pending = b
		} else if strings.HasPrefix(strings.TrimSpace(l), "<!-- runnable") || strings.HasPrefix(strings.TrimSpace(l), "<!-- output") {
			return nil, fmt.Errorf("%s:%d: malformed marker %q", name, n, l)
		}
	}
	if pending != nil {
		return nil, fmt.Errorf("%s:%d: marker at the end of the file", name, n)
	}
	return out, sc.Err()
}

// script turns the blocks of one file into one bash script. Each sh
// block's output goes to its own file (so background processes started
// there keep writing somewhere) and is printed after it; output blocks
// become checks on that file.
func script(name string, blocks []block) string {
	var b strings.Builder
	b.WriteString(`set -euo pipefail
exec 4>&1 5>&2
_where=
_out=/dev/null
trap 'rc=$?; exec 1>&4 2>&5; if [ $rc -ne 0 ]; then cat "$_out"; echo "docstest: FAILED at $_where (exit $rc)"; fi' EXIT
`)
	for i, bl := range blocks {
		where := fmt.Sprintf("%s:%d", name, bl.line)
		fmt.Fprintf(&b, "_where=%s\n", shellQuote(where))
		delim := fmt.Sprintf("DOCSTEST_EOF_%d", i)
		switch bl.kind {
		case "file":
			fmt.Fprintf(&b, "echo %s >&4\n", shellQuote("--- "+where+": write "+bl.path))
			fmt.Fprintf(&b, "mkdir -p \"$(dirname %s)\"\ncat > %s <<'%s'\n%s%s\n", shellQuote(bl.path), shellQuote(bl.path), delim, bl.text, delim)
		case "run", "repo":
			fmt.Fprintf(&b, "echo %s >&4\n", shellQuote("--- "+where+": run"))
			fmt.Fprintf(&b, "_out=\"$DOCSTEST_RUN/out-%d\"\nexec >\"$_out\" 2>&1\n", i)
			if bl.kind == "repo" {
				b.WriteString("_back=$PWD\ncd \"$DOCSTEST_REPO\"\n")
			}
			b.WriteString(bl.text)
			if bl.kind == "repo" {
				b.WriteString("cd \"$_back\"\n")
			}
			b.WriteString("exec 1>&4 2>&5\ncat \"$_out\"\n")
		case "output":
			fmt.Fprintf(&b, "while IFS= read -r _want; do\n\t[ -z \"$_want\" ] && continue\n\tgrep -qF -- \"$_want\" \"$_out\" || { echo \"docstest: output lacks: $_want\"; exit 1; }\ndone <<'%s'\n%s%s\n", delim, bl.text, delim)
		}
	}
	b.WriteString("_where=end\n")
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func main() {
	timeout := flag.Duration("timeout", 100*time.Second, "time limit per file")
	keep := flag.Bool("keep", false, "keep the temporary directories (printed)")
	flag.Parse()
	repo, err := os.Getwd()
	if err != nil {
		fatal(err)
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "mcpgen")); err != nil {
		fatal(errors.New("run docstest from the root of the mcpgen checkout"))
	}
	files := flag.Args()
	if len(files) == 0 {
		files = []string{"README.md"}
		more, _ := filepath.Glob("docs/*.md")
		files = append(files, more...)
	}
	tmp, err := os.MkdirTemp("", "mcpgen-docstest-")
	if err != nil {
		fatal(err)
	}
	if *keep {
		fmt.Println("docstest: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "bin")
	env := append(os.Environ(), "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "DOCSTEST_REPO="+repo)
	install := exec.Command("go", "install", "./cmd/mcpgen")
	install.Env, install.Stdout, install.Stderr = env, os.Stdout, os.Stderr
	if err := install.Run(); err != nil {
		fatal(fmt.Errorf("go install ./cmd/mcpgen: %w", err))
	}
	failed, ran := 0, 0
	for i, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			fatal(err)
		}
		blocks, err := parse(name, src)
		if err != nil {
			fmt.Fprintln(os.Stderr, "docstest:", err)
			failed++
			continue
		}
		if len(blocks) == 0 {
			continue
		}
		ran++
		work := filepath.Join(tmp, fmt.Sprintf("doc%d", i))
		run := filepath.Join(tmp, fmt.Sprintf("run%d", i))
		for _, d := range []string{work, run} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				fatal(err)
			}
		}
		fmt.Printf("==> %s: %d marked blocks\n", name, len(blocks))
		start := time.Now()
		if err := runScript(script(name, blocks), work, append(env, "DOCSTEST_RUN="+run), *timeout); err != nil {
			fmt.Fprintf(os.Stderr, "docstest: %s: %v\n", name, err)
			failed++
			continue
		}
		fmt.Printf("ok  %s (%.1fs)\n", name, time.Since(start).Seconds())
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "docstest: %d of %d files failed\n", failed, len(files))
		os.Exit(1)
	}
	fmt.Printf("docstest: the marked blocks of %d files ran\n", ran)
}

// runScript runs a script with bash in dir, in its own process group, and
// kills the group when it ends (servers the blocks started with &).
func runScript(text, dir string, env []string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.Command("bash", "-c", text)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	exited := false
	select {
	case err = <-done:
		exited = true
	case <-ctx.Done():
		err = fmt.Errorf("took longer than %s", timeout)
	}
	// Everything the blocks left running (go run, its child, servers).
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	if !exited {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	return err
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "docstest:", err)
	os.Exit(2)
}

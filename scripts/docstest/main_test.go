package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const doc = "# Title\n\n" +
	"<!-- runnable -->\n```sh\nmkdir -p sub && cd sub\nexport GREETING=hello\n```\n\n" +
	"A block that is only shown:\n\n```sh\nexit 1\n```\n\n" +
	"<!-- runnable: file greet.sh -->\n```sh\necho \"$GREETING, $1\"\n```\n\n" +
	"<!-- runnable -->\n```sh\nbash greet.sh world\n```\n\n" +
	"<!-- output -->\n```text\nhello, world\n```\n"

func TestParse(t *testing.T) {
	blocks, err := parse("doc.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, b := range blocks {
		kinds = append(kinds, b.kind+":"+b.path)
	}
	if got := strings.Join(kinds, " "); got != "run: file:greet.sh run: output:" {
		t.Fatalf("blocks %s", got)
	}
	if blocks[1].line != 16 || blocks[1].text != "echo \"$GREETING, $1\"\n" {
		t.Fatalf("file block %+v", blocks[1])
	}
	for _, bad := range []struct{ name, doc, want string }{
		{"marker without a block", "<!-- runnable -->\ntext\n", "must be followed at once"},
		{"go block to run", "<!-- runnable -->\n```go\npackage x\n```\n", "must be sh or bash"},
		{"output first", "<!-- output -->\n```text\nx\n```\n", "must follow a runnable sh block"},
		{"typo", "<!-- runnable: files x -->\n```sh\n```\n", "malformed marker"},
		{"unterminated", "<!-- runnable -->\n```sh\necho\n", "unterminated"},
	} {
		if _, err := parse("bad.md", []byte(bad.doc)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.name, err, bad.want)
		}
	}
}

// TestRun: the blocks share one shell session; a broken block, a missing
// output line and a hang each fail the file.
func TestRun(t *testing.T) {
	run := func(doc string, timeout time.Duration) error {
		dir := t.TempDir()
		blocks, err := parse("doc.md", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return runScript(script("doc.md", blocks), dir, append(os.Environ(), "DOCSTEST_RUN="+dir, "DOCSTEST_REPO="+dir), timeout)
	}
	if err := run(doc, time.Minute); err != nil {
		t.Fatalf("a good document failed: %v", err)
	}
	broken := strings.Replace(doc, "bash greet.sh world", "bash greet.sh world && false", 1)
	if err := run(broken, time.Minute); err == nil {
		t.Error("a failing block passed")
	}
	wrong := strings.Replace(doc, "hello, world\n```", "hello, moon\n```", 1)
	if err := run(wrong, time.Minute); err == nil {
		t.Error("a missing output line passed")
	}
	hang := "<!-- runnable -->\n```sh\nsleep 60\n```\n"
	start := time.Now()
	if err := run(hang, 500*time.Millisecond); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("a hanging block: %v", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Error("the hanging block was not killed")
	}
	// A repo block runs in the checkout and leaves the session where it was.
	repo := t.TempDir()
	os.WriteFile(filepath.Join(repo, "marker"), []byte("checkout\n"), 0o644)
	repoDoc := "<!-- runnable -->\n```sh\nmkdir work && cd work\n```\n" +
		"<!-- runnable: repo -->\n```sh\ncat marker\nexport FROM_REPO=1\n```\n" +
		"<!-- output -->\n```text\ncheckout\n```\n" +
		"<!-- runnable -->\n```sh\ntest \"$(basename \"$PWD\")\" = work && test \"$FROM_REPO\" = 1 && test ! -e marker\n```\n"
	blocks, err := parse("repo.md", []byte(repoDoc))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := runScript(script("repo.md", blocks), work, append(os.Environ(), "DOCSTEST_RUN="+work, "DOCSTEST_REPO="+repo), time.Minute); err != nil {
		t.Errorf("repo block: %v", err)
	}
	if _, err := os.Stat(filepath.Join(repo, "work")); err == nil {
		t.Error("a later block ran in the checkout")
	}

	// A server left running in the background is stopped at the end.
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	bg := "<!-- runnable -->\n```sh\nsleep 60 &\necho $! > " + pidFile + "\n```\n"
	if err := run(bg, time.Minute); err != nil {
		t.Fatal(err)
	}
	pid, _ := os.ReadFile(pidFile)
	if _, err := os.Stat("/proc/" + strings.TrimSpace(string(pid))); err == nil {
		time.Sleep(500 * time.Millisecond)
		if b, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
			t.Errorf("background process %s still running", pid)
		}
	}
}

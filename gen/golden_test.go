package gen

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// generateCase runs Generate on testdata/<name> as the CLI would from
// that directory, with the flags in its optional "flags" file (one line),
// returning the generated files (by path relative to the case), the
// errors printed and the warnings printed.
func generateCase(t *testing.T, dir string) (files map[string][]byte, errs, warnings string) {
	t.Helper()
	fs, cfg := newFlagSet("generate", io.Discard)
	if b, err := os.ReadFile(filepath.Join(dir, "flags")); err == nil {
		if err := fs.Parse(strings.Fields(string(b))); err != nil {
			t.Fatalf("%s/flags: %v", dir, err)
		}
	}
	var w bytes.Buffer
	cfg.Dir, cfg.Warnings = dir, &w
	out, err := Generate(*cfg)
	if err != nil {
		if !IsUserError(err) {
			t.Fatalf("Generate: %v", err)
		}
		errs = err.Error() + "\n"
	}
	abs, _ := filepath.Abs(dir)
	files = map[string][]byte{}
	for name, src := range out {
		rel, err := filepath.Rel(abs, name)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.ToSlash(rel)] = src
	}
	return files, errs, w.String()
}

// TestGolden regenerates every case under testdata/ and compares with the
// wanted output: mcpserver/mcpserver.go for good cases (and mcpserver/client/client.go
// with -client), errors.txt (the
// exact stderr) for bad ones, warnings.txt when warnings are printed.
// `go test ./gen -update` rewrites them.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("../testdata/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		dir := filepath.Dir(c)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files, errs, warnings := generateCase(t, dir)
			compare(t, filepath.Join(dir, "errors.txt"), []byte(errs))
			compare(t, filepath.Join(dir, "warnings.txt"), []byte(warnings))
			golden := filepath.Join(dir, "mcpserver", OutputFile)
			if errs != "" {
				if len(files) != 0 {
					t.Errorf("errors and files both returned")
				}
				compare(t, golden, nil)
				return
			}
			// -client adds the typed client (mcpserver/client/client.go).
			clientName := "mcpserver/" + ClientDir + "/" + ClientFile
			want := 1
			if files[clientName] != nil {
				want = 2
			}
			if len(files) != want || files["mcpserver/"+OutputFile] == nil {
				t.Fatalf("want exactly mcpserver/%s (and %s with -client), got %d files", OutputFile, clientName, len(files))
			}
			compare(t, golden, files["mcpserver/"+OutputFile])
			compare(t, filepath.Join(dir, filepath.FromSlash(clientName)), files[clientName])
		})
	}
	if len(seen) < 2 {
		t.Fatalf("found %d cases under testdata/", len(seen))
	}
}

// compare checks a golden file; empty want means the file must not
// exist. With -update it writes (or removes) the file instead.
func compare(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if len(got) == 0 {
			os.Remove(path)
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./gen -update to accept):\n%s", path, UnifiedDiff("want", "got", want, got))
	}
}

package gen

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeterministic generates the same case twice, and once more from a
// copy of the module at another path: the bytes must not change (no map
// order, no absolute paths, no timestamps).
func TestDeterministic(t *testing.T) {
	const name = "full"
	first, errs, _ := generateCase(t, "../testdata/"+name)
	if errs != "" {
		t.Fatalf("case %s: %s", name, errs)
	}
	second, _, _ := generateCase(t, "../testdata/"+name)
	if !sameFiles(first, second) {
		t.Fatal("two runs in the same place differ")
	}

	// A copy of the module (go.mod, runtime, the case) somewhere else.
	tmp := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join("..", f), filepath.Join(tmp, f))
	}
	copyTree(t, "../runtime", filepath.Join(tmp, "runtime"))
	copyTree(t, "../testdata/"+name, filepath.Join(tmp, "testdata", name))
	os.RemoveAll(filepath.Join(tmp, "testdata", name, "mcpserver"))
	third, errs, _ := generateCase(t, filepath.Join(tmp, "testdata", name))
	if errs != "" {
		t.Fatalf("copy: %s", errs)
	}
	if !sameFiles(first, third) {
		for n := range first {
			t.Logf("%s:\n%s", n, UnifiedDiff("original", "copy", first[n], third[n]))
		}
		t.Fatal("generating in a copy at another path differs")
	}
}

// TestErrorsRelative checks that error positions do not depend on where
// the checkout lives: an error case generated from a copy prints the same
// text.
func TestErrorsRelative(t *testing.T) {
	_, want, _ := generateCase(t, "../testdata/err_typo")
	tmp := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join("..", f), filepath.Join(tmp, f))
	}
	copyTree(t, "../testdata/err_typo", filepath.Join(tmp, "testdata", "err_typo"))
	_, got, _ := generateCase(t, filepath.Join(tmp, "testdata", "err_typo"))
	if want == "" || got != want {
		t.Fatalf("errors differ:\n%s", UnifiedDiff("original", "copy", []byte(want), []byte(got)))
	}
	if strings.Contains(got, tmp) {
		t.Fatalf("absolute path in errors: %s", got)
	}
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for n, src := range a {
		if !bytes.Equal(src, b[n]) {
			return false
		}
	}
	return true
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the .go files (and go.mod/go.sum) below from.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// flags holds the case's generator flags (-client and the like).
		if !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".txt") && d.Name() != "flags" {
			return nil
		}
		rel, _ := filepath.Rel(from, p)
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

package gen

import (
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: ""},
		{name: "change", a: "a\nb\nc\n", b: "a\nB\nc\n", want: "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{name: "from empty", a: "", b: "a\nb\n", want: "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{name: "to empty", a: "a\n", b: "", want: "--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n"},
		{name: "no final newline", a: "a\nb", b: "a\nb\n", want: "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{
			name: "two hunks",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			b:    "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
			want: "--- old\n+++ new\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n",
		},
		{
			name: "close changes share a hunk",
			a:    "1\n2\n3\n4\n5\n6\n7\n",
			b:    "1\nX\n3\n4\n5\nY\n7\n",
			want: "--- old\n+++ new\n@@ -1,7 +1,7 @@\n 1\n-2\n+X\n 3\n 4\n 5\n-6\n+Y\n 7\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnifiedDiff("old", "new", []byte(tt.a), []byte(tt.b)); got != tt.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// applyOps rebuilds both sides from an edit script.
func applyOps(ops []diffOp) (a, b []string) {
	for _, op := range ops {
		if op.kind != '+' {
			a = append(a, op.line)
		}
		if op.kind != '-' {
			b = append(b, op.line)
		}
	}
	return a, b
}

// FuzzDiffLines checks that the edit script reproduces both inputs.
func FuzzDiffLines(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("x\nx\nx", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
		ga, gb := applyOps(diffLines(la, lb))
		if strings.Join(ga, "\n") != a || strings.Join(gb, "\n") != b || len(ga) != len(la) || len(gb) != len(lb) {
			t.Fatalf("script does not reproduce the inputs")
		}
		_ = UnifiedDiff("a", "b", []byte(a), []byte(b))
	})
}

func BenchmarkUnifiedDiff(b *testing.B) {
	var x, y strings.Builder
	for i := 0; i < 2000; i++ {
		line := strings.Repeat("x", i%40) + "\n"
		x.WriteString(line)
		if i%97 == 0 {
			y.WriteString("changed\n")
		} else {
			y.WriteString(line)
		}
	}
	old, new := []byte(x.String()), []byte(y.String())
	b.ReportAllocs()
	for b.Loop() {
		UnifiedDiff("a", "b", old, new)
	}
}

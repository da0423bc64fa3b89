package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommand(t *testing.T) {
	tmp := t.TempDir()
	full := filepath.Join(tmp, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string // substrings of stdout
		wantErr    []string // substrings of stderr
		wantModule string   // module line of the written go.mod, if any
	}{
		{
			name:       "flags after DIR",
			args:       []string{filepath.Join(tmp, "a"), "-module", "example.com/a", "-name", "alpha"},
			wantStatus: 0,
			wantOut:    []string{"wrote go.mod", "wrote tools/tools.go", "go generate ./...", "local mcpgen checkout"},
			wantModule: "example.com/a",
		},
		{
			name:       "default module from DIR",
			args:       []string{"-version", "2.0.0", filepath.Join(tmp, "b-srv")},
			wantStatus: 0,
			wantOut:    []string{"wrote go.sum"},
			wantModule: "b-srv",
		},
		{name: "no DIR", args: []string{"-module", "x"}, wantStatus: 2, wantErr: []string{"want exactly one DIR", "usage: mcpgen init"}},
		{name: "two DIRs", args: []string{"a", "b"}, wantStatus: 2, wantErr: []string{"got 2 (a b)"}},
		{name: "unknown flag", args: []string{"-out", "x", "d"}, wantStatus: 2, wantErr: []string{"flag provided but not defined: -out"}},
		{name: "help", args: []string{"-h"}, wantStatus: 0, wantErr: []string{"-force", "-module"}},
		{name: "not empty", args: []string{full}, wantStatus: 2, wantErr: []string{"not empty", "-force"}},
		{name: "bad module", args: []string{"-module", "a b", filepath.Join(tmp, "c")}, wantStatus: 2, wantErr: []string{`-module "a b"`}},
		{name: "sse", args: []string{"-transport", "sse", filepath.Join(tmp, "d")}, wantStatus: 2, wantErr: []string{"not yet supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			status := Command(tt.args, &stdout, &stderr)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, tt.wantStatus, &stdout, &stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
			if tt.wantModule != "" {
				dir := tt.args[0]
				if strings.HasPrefix(dir, "-") {
					dir = tt.args[len(tt.args)-1]
				}
				data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
				if err != nil {
					t.Fatal(err)
				}
				if got := moduleLine(data); got != tt.wantModule {
					t.Errorf("module %q, want %q", got, tt.wantModule)
				}
			}
		})
	}
	// -name and -version reach the //mcp:server directive.
	doc, err := os.ReadFile(filepath.Join(tmp, "a", "tools", "doc.go"))
	if err != nil || !strings.Contains(string(doc), "//mcp:server name=alpha version=0.1.0 ") {
		t.Errorf("tools/doc.go of -name alpha: %v\n%s", err, doc)
	}
	doc, err = os.ReadFile(filepath.Join(tmp, "b-srv", "tools", "doc.go"))
	if err != nil || !strings.Contains(string(doc), "//mcp:server name=b-srv version=2.0.0 ") {
		t.Errorf("tools/doc.go of -version 2.0.0: %v\n%s", err, doc)
	}
}

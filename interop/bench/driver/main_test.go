package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var sample = []row{
	{Server: "floor", Proto: "2025-11-25", C: "1", result: result{RPS: 10000, P50ms: 0.1, P99ms: 0.2, PeakRSSKiB: 13 << 10}},
	{Server: "mcpgen", Proto: "2026-07-28", C: "1", result: result{RPS: 12000, P50ms: 0.08, P99ms: 0.15, PeakRSSKiB: 14 << 10}},
	{Server: "floor", Proto: "2025-11-25", C: "32", result: result{RPS: 50000, P50ms: 0.5, P99ms: 1.5, PeakRSSKiB: 13 << 10}},
	{Server: "mcpgen", Proto: "2026-07-28", C: "32", result: result{RPS: 55000, P50ms: 0.45, P99ms: 1.9, PeakRSSKiB: 14 << 10}},
}

func TestTableRatios(t *testing.T) {
	got := table(sample)
	if !strings.Contains(got, "| mcpgen | 2026-07-28 | 32 | 55000 | 1.10 | 0.450 | 0.90 | 1.90 | 14.0 |") {
		t.Errorf("ratios to the floor:\n%s", got)
	}
}

// TestTableWithoutFloor: -servers mcpgen,mcpgen500 once printed ratios to
// a floor that never ran (5331.49 "x floor").
func TestTableWithoutFloor(t *testing.T) {
	got := table([]row{sample[1], sample[3]})
	if !strings.Contains(got, "| mcpgen | 2026-07-28 | 1 | 12000 | - | 0.080 | - | 0.15 | 14.0 |") {
		t.Errorf("without a floor the ratio columns should be '-':\n%s", got)
	}
}

func TestChartRoundTrip(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "perf.md")
	if err := os.WriteFile(md, []byte("Some text.\n\n"+table(sample)+"\nMore text.\n\n"+table(sample[:1])), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := readTable(md)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sample) || rows[3].Server != "mcpgen" || rows[3].RPS != 55000 || rows[3].P99ms != 1.9 {
		t.Fatalf("readTable read the first table as %+v", rows)
	}
	svg := chart("test", rows)
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	for _, want := range []string{"Requests per second", "p99 latency", "c=1", "c=32", ">mcpgen (2026-07-28)<", ">55000<", ">1.90<", `class="floor"`, `class="floorline"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	// Deterministic: the same rows give the same bytes.
	if chart("test", rows) != svg {
		t.Error("chart is not deterministic")
	}
	if _, err := readTable(filepath.Join(dir, "none.md")); err == nil {
		t.Error("a missing file was read")
	}
	os.WriteFile(md, []byte("| server | proto | c | req/s | x floor | p50 ms | x floor | p99 ms | peak RSS MiB |\n|---|\n| a | b | 1 | many | - | 1 | - | 1 | 1 |\n"), 0o644)
	if _, err := readTable(md); err == nil || !strings.Contains(err.Error(), "many") {
		t.Errorf("a bad number: %v", err)
	}
}

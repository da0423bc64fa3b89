package main

import (
	"bufio"
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"
)

// chart draws rows as an SVG: two panels, requests per second and p99
// latency, each with one group of horizontal bars per concurrency level.
// Bars are scaled within a group (c=1 and c=32 differ by an order of
// magnitude); the floor's bar is grey and a dashed line marks its value
// across the group, so "faster than the floor" reads at a glance. The
// output depends only on rows: no timestamps, fixed number formats.
func chart(title string, rows []row) string {
	const (
		width   = 760
		labelW  = 190 // server names
		barMaxW = 440
		barH    = 16
		gap     = 4
		groupH  = 22 // the "c=N" heading of a group
	)
	var levels []string
	for _, r := range rows {
		if !containsString(levels, r.C) {
			levels = append(levels, r.C)
		}
	}
	panels := []struct {
		name  string
		value func(row) float64
		unit  func(float64) string
	}{
		{"Requests per second (higher is better)", func(r row) float64 { return r.RPS }, func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }},
		{"p99 latency in ms (lower is better)", func(r row) float64 { return r.P99ms }, func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }},
	}
	var body strings.Builder
	y := 40
	for _, p := range panels {
		fmt.Fprintf(&body, `<text x="10" y="%d" class="panel">%s</text>`+"\n", y, html.EscapeString(p.name))
		y += 10
		for _, c := range levels {
			var group []row
			max := 0.0
			for _, r := range rows {
				if r.C == c {
					group = append(group, r)
					max = maxf(max, p.value(r))
				}
			}
			if max <= 0 {
				max = 1
			}
			y += groupH
			fmt.Fprintf(&body, `<text x="10" y="%d" class="group">c=%s</text>`+"\n", y-6, html.EscapeString(c))
			// The floor line first, so that bars and values are drawn over it.
			if f, ok := floorOf(group, c); ok && p.value(f) > 0 {
				x := labelW + int(float64(barMaxW)*p.value(f)/max)
				bottom := y + len(group)*(barH+gap) - gap
				fmt.Fprintf(&body, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="floorline"/>`+"\n", x, y-3, x, bottom+3)
			}
			for _, r := range group {
				v := p.value(r)
				w := int(float64(barMaxW) * v / max)
				class := "bar"
				if r.Server == "floor" {
					class = "floor"
				}
				label := r.Server
				if r.Proto != "" && r.Proto != "2025-11-25" {
					label += " (" + r.Proto + ")"
				}
				fmt.Fprintf(&body, `<text x="%d" y="%d" class="label">%s</text>`+"\n", labelW-6, y+barH-4, html.EscapeString(label))
				fmt.Fprintf(&body, `<rect x="%d" y="%d" width="%d" height="%d" class="%s"/>`+"\n", labelW, y, w, barH, class)
				fmt.Fprintf(&body, `<text x="%d" y="%d" class="value">%s</text>`+"\n", labelW+w+4, y+barH-4, p.unit(v))
				y += barH + gap
			}
		}
		y += 30
	}
	height := y
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<style>
.title{font-size:15px;font-weight:bold}
.panel{font-size:13px;font-weight:bold}
.group{font-size:12px;fill:#555}
.label{text-anchor:end}
.value{fill:#333}
.bar{fill:#2f6db5}
.floor{fill:#aaaaaa}
.floorline{stroke:#555;stroke-dasharray:4 3;stroke-width:1}
</style>
`)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="10" y="20" class="title">%s</text>`+"\n", html.EscapeString(title))
	b.WriteString(body.String())
	fmt.Fprintf(&b, `<text x="10" y="%d" class="group">grey bar and dashed line: the bare net/http floor (no validation) at the same concurrency</text>`+"\n", height-10)
	b.WriteString("</svg>\n")
	return b.String()
}

// readTable reads the first table this command printed from a file (its
// own output, or a Markdown document quoting it).
func readTable(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "| server | proto | c | req/s |") {
			if in {
				break // a second table
			}
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 9 {
			return nil, fmt.Errorf("%s: table row %q: want 9 cells, got %d", path, line, len(cells))
		}
		var r row
		r.Server, r.Proto, r.C = cells[0], cells[1], cells[2]
		nums := []struct {
			cell string
			dst  *float64
		}{{cells[3], &r.RPS}, {cells[5], &r.P50ms}, {cells[7], &r.P99ms}}
		for _, n := range nums {
			if *n.dst, err = strconv.ParseFloat(n.cell, 64); err != nil {
				return nil, fmt.Errorf("%s: table row %q: %v", path, line, err)
			}
		}
		rss, err := strconv.ParseFloat(cells[8], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: table row %q: %v", path, line, err)
		}
		r.PeakRSSKiB = int64(rss * 1024)
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no benchmark table (| server | proto | c | req/s | ...)", path)
	}
	return rows, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

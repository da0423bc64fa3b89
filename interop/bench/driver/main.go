// Command driver runs the side-by-side benchmark: each server in turn,
// pinned to CPU 0, loaded by the load command pinned to CPU 1, at c=1 and
// c=32, in alternating order over several rounds, and prints one table of
// medians with ratios to the bare net/http floor. Binaries come from -bin
// (see bench/run.sh, which builds them).
//
// With -proto 2026-07-28 the servers named in -modern are driven with
// stateless 2026 requests; the others (the floor among them, which only
// knows 2025) stay on 2025-11-25 sessions, and the table's proto column
// says which ran what, so 2026 figures are compared with the floor's
// 2025 ones.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

type result struct {
	Server      string  `json:"server"`
	Concurrency int     `json:"concurrency"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	PeakRSSKiB  int64   `json:"peak_rss_kib"`
	Errors      int64   `json:"errors"`
}

func main() {
	bin := flag.String("bin", "", "directory with the server and load binaries")
	servers := flag.String("servers", "floor,mcpgen,mcpgo,gosdk", "servers to run (floor first: ratios are to it)")
	rounds := flag.Int("rounds", 2, "alternating rounds")
	dur := flag.Duration("d", 8*time.Second, "measured duration per run")
	conc := flag.String("c", "1,32", "concurrency levels")
	stateless := flag.Bool("stateless", false, "run the servers in stateless mode")
	proto := flag.String("proto", "2025-11-25", "protocol version of the load: 2025-11-25 or 2026-07-28")
	modern := flag.String("modern", "mcpgen,mcpgen500,mcpgo", "servers driven with -proto 2026-07-28 (the rest use 2025-11-25)")
	method := flag.String("method", "call", "call (tools/call) or list (tools/list)")
	tool := flag.String("tool", "add", "tool to call or to find in tools/list")
	svg := flag.String("svg", "", "also write an SVG chart of the medians (req/s and p99 per server and concurrency) to this file")
	fromTable := flag.String("from-table", "", "run nothing: read a table this command printed (a Markdown file holding one) and write the -svg chart of it")
	title := flag.String("title", "", "title of the chart (default: what was run)")
	flag.Parse()
	if *fromTable != "" {
		rows, err := readTable(*fromTable)
		if err != nil {
			fatal(err)
		}
		if *svg == "" {
			fatal(fmt.Errorf("-from-table needs -svg"))
		}
		writeChart(*svg, *title, rows)
		return
	}
	speaks2026 := map[string]bool{}
	for _, n := range strings.Split(*modern, ",") {
		speaks2026[n] = true
	}
	protoOf := func(name string) string {
		if *proto == "2026-07-28" && speaks2026[name] {
			return "2026-07-28"
		}
		return "2025-11-25"
	}
	names := strings.Split(*servers, ",")
	levels := strings.Split(*conc, ",")
	pin := func(cpu string, args ...string) *exec.Cmd {
		if _, err := exec.LookPath("taskset"); err == nil {
			return exec.Command("taskset", append([]string{"-c", cpu}, args...)...)
		}
		return exec.Command(args[0], args[1:]...)
	}
	results := map[string][]result{}
	for r := 0; r < *rounds; r++ {
		order := append([]string(nil), names...)
		if r%2 == 1 {
			for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
				order[i], order[j] = order[j], order[i]
			}
		}
		for _, name := range order {
			for _, c := range levels {
				port := freePort()
				args := []string{*bin + "/" + name, "-addr", fmt.Sprintf("127.0.0.1:%d", port)}
				if *stateless && name != "floor" {
					args = append(args, "-stateless")
				}
				srv := pin("0", args...)
				srv.Stderr = os.Stderr
				if err := srv.Start(); err != nil {
					fatal(err)
				}
				waitPort(port)
				load := pin("1", *bin+"/load", "-url", fmt.Sprintf("http://127.0.0.1:%d/mcp", port),
					"-name", name, "-c", c, "-d", dur.String(), "-pid", fmt.Sprint(srv.Process.Pid),
					"-proto", protoOf(name), "-method", *method, "-tool", *tool)
				var out bytes.Buffer
				load.Stdout, load.Stderr = &out, os.Stderr
				err := load.Run()
				srv.Process.Kill()
				srv.Wait()
				var res result
				if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || err != nil {
					fatal(fmt.Errorf("%s c=%s: %v %v: %s", name, c, err, jerr, out.String()))
				}
				fmt.Fprintf(os.Stderr, "round %d %-7s c=%-3s %9.0f req/s p50 %.3f ms p99 %.3f ms rss %d KiB\n", r+1, name, c, res.RPS, res.P50ms, res.P99ms, res.PeakRSSKiB)
				results[name+"/"+c] = append(results[name+"/"+c], res)
			}
		}
	}
	var rows []row
	for _, c := range levels {
		for _, name := range names {
			rows = append(rows, row{Server: name, Proto: protoOf(name), C: c, result: median(results[name+"/"+c])})
		}
	}
	fmt.Print(table(rows))
	if *svg != "" {
		t := *title
		if t == "" {
			t = fmt.Sprintf("tools/%s, %s, %d rounds of %s (medians)", *method, *proto, *rounds, dur)
		}
		writeChart(*svg, t, rows)
	}
}

// row is one line of the table: the medians of one server at one
// concurrency.
type row struct {
	Server, Proto, C string
	result
}

func writeChart(path, title string, rows []row) {
	if err := os.WriteFile(path, []byte(chart(title, rows)), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintln(os.Stderr, "wrote", path)
}

// table prints rows as a Markdown table with each server's ratios to the
// floor at the same concurrency; without a floor row (-servers without
// floor) the ratio columns say "-" rather than divide by nothing.
func table(rows []row) string {
	var b strings.Builder
	b.WriteString("| server | proto | c | req/s | x floor | p50 ms | x floor | p99 ms | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		rps, p50 := "-", "-"
		if f, ok := floorOf(rows, r.C); ok && f.RPS > 0 && f.P50ms > 0 {
			rps, p50 = fmt.Sprintf("%.2f", r.RPS/f.RPS), fmt.Sprintf("%.2f", r.P50ms/f.P50ms)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.0f | %s | %.3f | %s | %.2f | %.1f |\n", r.Server, r.Proto, r.C, r.RPS, rps, r.P50ms, p50, r.P99ms, float64(r.PeakRSSKiB)/1024)
	}
	return b.String()
}

// floorOf finds the floor's row at concurrency c.
func floorOf(rows []row, c string) (row, bool) {
	for _, r := range rows {
		if r.Server == "floor" && r.C == c {
			return r, true
		}
	}
	return row{}, false
}

// median takes, field by field, the median over rounds.
func median(rs []result) result {
	if len(rs) == 0 {
		return result{}
	}
	pick := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	return result{
		RPS:        pick(func(r result) float64 { return r.RPS }),
		P50ms:      pick(func(r result) float64 { return r.P50ms }),
		P99ms:      pick(func(r result) float64 { return r.P99ms }),
		PeakRSSKiB: int64(pick(func(r result) float64 { return float64(r.PeakRSSKiB) })),
	}
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(port int) {
	for i := 0; i < 200; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	fatal(fmt.Errorf("server on port %d did not start", port))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "driver:", err)
	os.Exit(1)
}

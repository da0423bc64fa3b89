package storetest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// RedisServer is a real redis-server started by a test on a free
// loopback port, without persistence, stopped by the test's cleanup.
type RedisServer struct {
	// URL is redis://127.0.0.1:PORT/0.
	URL  string
	Port int
	t    testing.TB
	cmd  *exec.Cmd
}

// StartRedis starts redis-server. When the command is missing the test
// is skipped with the install hint, except in CI (CI=true), where a
// missing redis-server fails: the test command installs it
// (scripts/ensure-apt.sh redis-server=redis-server).
func StartRedis(t testing.TB) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server is not installed (apt-get install redis-server, or run scripts/ensure-apt.sh redis-server=redis-server)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &RedisServer{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), Port: port, t: t}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Start starts the server again after Stop (same port).
func (r *RedisServer) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.Port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "no")
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	r.cmd.Stderr = r.cmd.Stdout
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("redis-server: %v", err)
	}
	ready := make(chan struct{})
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if !signalled {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "Ready to accept connections") {
					signalled = true
					close(ready)
				}
			}
		}
		if !signalled {
			close(ready)
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		r.Stop()
		r.t.Fatalf("redis-server on port %d did not start within 30s", r.Port)
	}
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.Port), 5*time.Second)
	if err != nil {
		r.Stop()
		r.t.Fatalf("redis-server on port %d: %v\n%s", r.Port, err, log.String())
	}
	c.Close()
}

// Stop kills the server (its data is gone: nothing is persisted).
func (r *RedisServer) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	r.cmd.Process.Kill()
	r.cmd.Wait()
	r.cmd = nil
}

package client

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Command starts cmd as an MCP server speaking over its standard input
// and output (the stdio transport), one JSON-RPC message per line.
// cmd must not have been started, and its Stdin and Stdout must be unset;
// its Stderr defaults to Options.Stderr. Close closes its standard input
// and waits for it to exit (killing it after 5 seconds).
func Command(cmd *exec.Cmd) Transport { return &stdio{cmd: cmd} }

// Stream speaks the stdio transport over an existing reader and writer
// (a pipe or a socket): messages are written to w and read from r, one
// per line. Close closes w when it is an io.Closer.
func Stream(r io.Reader, w io.Writer) Transport { return &stdio{in: r, out: w} }

type stdio struct {
	cmd    *exec.Cmd
	in     io.Reader
	out    io.Writer
	mu     sync.Mutex // one whole line at a time
	done   chan struct{}
	waited chan error
}

func (s *stdio) start(ctx context.Context, opts *Options, recv func([]byte), ended func(error)) error {
	if s.cmd != nil {
		if s.cmd.Stderr == nil {
			s.cmd.Stderr = opts.Stderr
			if s.cmd.Stderr == nil {
				s.cmd.Stderr = os.Stderr
			}
		}
		w, err := s.cmd.StdinPipe()
		if err != nil {
			return fmt.Errorf("mcp client: %w", err)
		}
		r, err := s.cmd.StdoutPipe()
		if err != nil {
			return fmt.Errorf("mcp client: %w", err)
		}
		if err := s.cmd.Start(); err != nil {
			return fmt.Errorf("mcp client: starting the server: %w", err)
		}
		s.in, s.out = r, w
		s.waited = make(chan error, 1)
	}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		br := bufio.NewReaderSize(s.in, 64<<10)
		for {
			line, err := br.ReadBytes('\n')
			if l := bytes.TrimSpace(line); len(l) > 0 {
				recv(l)
			}
			if err != nil {
				if err == io.EOF {
					err = nil
				}
				ended(err)
				return
			}
		}
	}()
	if s.cmd != nil {
		go func() { <-s.done; s.waited <- s.cmd.Wait() }()
	}
	return nil
}

func (s *stdio) send(ctx context.Context, msg []byte, info sendInfo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf := make([]byte, 0, len(msg)+1)
	buf = append(append(buf, msg...), '\n')
	if _, err := s.out.Write(buf); err != nil {
		return fmt.Errorf("mcp client: write: %w", err)
	}
	return nil
}

func (s *stdio) close() error {
	var err error
	if c, ok := s.out.(io.Closer); ok {
		err = c.Close()
	}
	if s.cmd == nil {
		return err
	}
	select {
	case err = <-s.waited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		err = errors.Join(errors.New("mcp client: the server did not exit within 5s of closing its input; killed"), <-s.waited)
	}
	return err
}

func (s *stdio) modernCapable() bool             { return true }
func (s *stdio) synchronous() bool               { return false }
func (s *stdio) setSession(string, bool, string) {}
func (s *stdio) wantsHeaders() bool              { return false }
func (s *stdio) hasSession() bool                { return false }

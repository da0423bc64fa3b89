package client

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"time"
)

// event is one server-sent event.
type event struct {
	name  string // "message" when the stream names none
	data  []byte
	id    string
	retry time.Duration
}

// maxEventBytes bounds one event's data, so a hostile server cannot make
// the client buffer without limit.
const maxEventBytes = 64 << 20

// readEvents parses a text/event-stream from r and calls f with each
// event until r ends (nil at a clean EOF), f returns false, or the
// stream is malformed beyond recovery (an over-long event).
func readEvents(r io.Reader, f func(event) bool) error {
	br := bufio.NewReaderSize(r, 32<<10)
	var ev event
	var data bytes.Buffer
	hasData := false
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// Long line: collect the rest.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
				if len(long) > maxEventBytes {
					return errEventTooLong
				}
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if hasData {
				if ev.name == "" {
					ev.name = "message"
				}
				ev.data = bytes.Clone(data.Bytes())
				if !f(ev) {
					return nil
				}
			} else if ev.id != "" || ev.retry > 0 {
				// No data: not dispatched as a message, but its id and
				// retry still count for resumption.
				ev.name = ""
				if !f(ev) {
					return nil
				}
			}
			ev, hasData = event{}, false
			data.Reset()
		} else if line[0] != ':' {
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(field) {
			case "event":
				ev.name = string(value)
			case "data":
				if hasData {
					data.WriteByte('\n')
				}
				if data.Len()+len(value) > maxEventBytes {
					return errEventTooLong
				}
				data.Write(value)
				hasData = true
			case "id":
				ev.id = string(value)
			case "retry":
				if ms, err := strconv.Atoi(string(value)); err == nil && ms >= 0 {
					ev.retry = time.Duration(ms) * time.Millisecond
				}
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

const errEventTooLong = errString("mcp client: server-sent event exceeds 64 MiB")

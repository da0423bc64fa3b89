package client

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadEvents(t *testing.T) {
	in := ": comment\nevent: endpoint\ndata: /messages?s=1\n\nid: 7\nretry: 250\n\ndata: {\"a\":\ndata: 1}\r\n\r\n"
	var got []event
	if err := readEvents(strings.NewReader(in), func(ev event) bool { got = append(got, ev); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].name != "endpoint" || string(got[0].data) != "/messages?s=1" ||
		got[1].name != "" || got[1].id != "7" || got[1].retry.Milliseconds() != 250 ||
		got[2].name != "message" || string(got[2].data) != "{\"a\":\n1}" {
		t.Fatalf("events = %+v", got)
	}
}

// FuzzReadEvents feeds arbitrary streams to the event parser: it must
// not panic, and every event it returns has data no larger than the
// input.
func FuzzReadEvents(f *testing.F) {
	f.Add([]byte("event: endpoint\ndata: /m\n\n"))
	f.Add([]byte("data: x\r\ndata: y\n\nid: 1\nretry: -5\n\n:"))
	f.Add([]byte("data"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_ = readEvents(bytes.NewReader(in), func(ev event) bool {
			if len(ev.data) > len(in) {
				t.Fatalf("event data %d bytes from %d bytes of input", len(ev.data), len(in))
			}
			return true
		})
	})
}

func TestExpandURI(t *testing.T) {
	for _, tt := range []struct {
		tmpl string
		vars map[string]string
		want string
	}{
		{"users://{id}/profile", map[string]string{"id": "42"}, "users://42/profile"},
		{"docs://{space}/{name}", map[string]string{"space": "a b", "name": "x/y?z#é"}, "docs://a%20b/x%2Fy%3Fz%23%C3%A9"},
		{"test://{id}", nil, "test://"},
		{"plain://no-vars", nil, "plain://no-vars"},
		{"broken://{id", map[string]string{"id": "1"}, "broken://{id"},
	} {
		if got := ExpandURI(tt.tmpl, tt.vars); got != tt.want {
			t.Errorf("ExpandURI(%q, %v) = %q, want %q", tt.tmpl, tt.vars, got, tt.want)
		}
	}
}

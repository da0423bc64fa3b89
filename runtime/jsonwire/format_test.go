package jsonwire

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		format string
		ok     []string
		bad    []string
	}{
		{"date", []string{"2024-02-29", "0001-01-01"}, []string{"2023-02-29", "2024-1-01", "2024-01-01T00:00:00Z", "２０２４-01-01", ""}},
		{"time", []string{"23:59:60Z", "12:00:00.5+01:00", "00:00:00z", "15:59:60-08:00"}, []string{"12:00:60Z", "24:00:00Z", "12:00:00", "12:00:00+1:00", "12:00:00.Z", "12:00:00+24:00"}},
		{"date-time", []string{"2026-11-26T07:00:00Z", "2026-11-26t07:00:00.123456789z", "1990-12-31T15:59:60-08:00"}, []string{"2026-11-26 07:00:00Z", "2026-11-26T07:00:00", "2026-13-01T00:00:00Z", "yesterday"}},
		{"duration", []string{"P1D", "PT1H30M", "P2W", "P1Y2M3DT4H5M6S", "P1Y1D"}, []string{"P", "PT", "1D", "P1H", "PT1D", "P1D2Y", "P1W2D", "P1.5D", "P1DT"}},
		{"email", []string{"a@b.c", "first.last+tag@example.com", `"quoted local"@example.com`, "x@[192.0.2.1]", "x@[IPv6:2001:db8::1]"}, []string{"plain", "@example.com", "a@", "a..b@example.com", ".a@example.com", "a b@example.com", "a@-example.com"}},
		{"hostname", []string{"example.com", "a", "xn--bcher-kva.example", "example.com."}, []string{"", "-a.com", "a-.com", "a..com", "a_b.com", "exa mple.com"}},
		{"ipv4", []string{"192.0.2.1", "0.0.0.0", "255.255.255.255"}, []string{"256.0.0.1", "01.0.0.1", "1.2.3", "1.2.3.4.5", "::1"}},
		{"ipv6", []string{"::1", "2001:db8::1", "::ffff:192.0.2.1"}, []string{"1.2.3.4", "fe80::1%eth0", "2001:db8:::1", "g::1"}},
		{"uri", []string{"https://example.com/a?b#c", "urn:isbn:0451450523", "http://[2001:db8::1]:80/"}, []string{"/relative", "example.com", "http://[::1", "%zz"}},
		{"uuid", []string{"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"}, []string{"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", ""}},
		{"regex", []string{"(", "anything"}, nil}, // advisory: not checked
	}
	for _, tt := range tests {
		for _, s := range tt.ok {
			if !Format(tt.format, s) {
				t.Errorf("Format(%q, %q) = false, want true", tt.format, s)
			}
		}
		for _, s := range tt.bad {
			if Format(tt.format, s) {
				t.Errorf("Format(%q, %q) = true, want false", tt.format, s)
			}
		}
	}
}

func TestDateTime(t *testing.T) {
	got, ok := DateTime("2026-11-26t07:00:00.5z")
	if !ok || got.Format("2006-01-02T15:04:05.000Z07:00") != "2026-11-26T07:00:00.500Z" {
		t.Errorf("lower case: %v %v", got, ok)
	}
	got, ok = DateTime("2016-12-31T23:59:60Z")
	if !ok || got.Format("15:04:05.999999999") != "23:59:59.999999999" {
		t.Errorf("leap second: %v %v", got, ok)
	}
	if _, ok := DateTime("2016-12-31T22:59:60Z"); ok {
		t.Error("a second 60 that is not 23:59 UTC was accepted")
	}
}

// FuzzFormat checks that no string makes a format check panic, and that
// DateTime accepts exactly the strings of format date-time.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"2026-11-26T07:00:00Z", "2016-12-31T23:59:60Z", "P1D", "a@b.c", "::1", "http://x", "12:00:00+01:00", "123e4567-e89b-12d3-a456-426614174000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range Formats {
			Format(name, s)
		}
		if _, ok := DateTime(s); ok != Format("date-time", s) {
			t.Errorf("DateTime(%q) ok=%v, Format date-time %v", s, ok, !ok)
		}
	})
}

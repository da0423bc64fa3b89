package jsonwire

import (
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Formats lists the JSON Schema "format" values that generated decoders
// enforce on strings. Any other format is advertised in the schema and not
// checked (JSON Schema 2020-12 makes format an annotation by default).
var Formats = []string{"date", "date-time", "duration", "email", "hostname", "ipv4", "ipv6", "time", "uri", "uuid"}

// Format reports whether s is a valid instance of the JSON Schema format
// name, as JSON Schema 2020-12 (and the RFCs it cites) define them. An
// unknown or advisory format accepts every string.
func Format(name, s string) bool {
	switch name {
	case "date":
		return validDate(s)
	case "date-time":
		return validDateTime(s)
	case "time":
		return validTime(s)
	case "duration":
		return validDuration(s)
	case "email":
		return validEmail(s)
	case "hostname":
		return validHostname(s)
	case "ipv4":
		return validIPv4(s)
	case "ipv6":
		return validIPv6(s)
	case "uri":
		return validURI(s)
	case "uuid":
		return validUUID(s)
	}
	return true
}

// FormatMessage is the error text for a string that is not a valid
// instance of format name.
func FormatMessage(name string) string {
	what := map[string]string{
		"date":      "a date such as 2006-01-02",
		"date-time": "a date-time such as 2006-01-02T15:04:05Z",
		"time":      "a time such as 15:04:05Z",
		"duration":  "an ISO 8601 duration such as P3DT4H",
		"email":     "an email address such as name@example.com",
		"hostname":  "a host name such as example.com",
		"ipv4":      "an IPv4 address such as 192.0.2.1",
		"ipv6":      "an IPv6 address such as 2001:db8::1",
		"uri":       "an absolute URI such as https://example.com/path",
		"uuid":      "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
	}[name]
	if what == "" {
		what = "a valid " + name
	}
	return "must be " + what + " (format " + name + ")"
}

// DateTime parses an RFC 3339 date-time as the date-time format defines
// it: it also takes a lower-case t and z, and a leap second (23:59:60
// UTC), which time.Time cannot hold and reads as 23:59:59.999999999.
func DateTime(s string) (time.Time, bool) {
	if !validDateTime(s) {
		return time.Time{}, false
	}
	b := []byte(s)
	b[10] = 'T'
	if last := len(b) - 1; b[last] == 'z' {
		b[last] = 'Z'
	}
	leap := b[17] == '6' && b[18] == '0'
	if leap {
		b[17] = '5'
		b[18] = '9'
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, false
	}
	if leap {
		t = t.Truncate(time.Second).Add(time.Second - 1)
	}
	return t, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// validDate is RFC 3339 full-date: a real day of the Gregorian calendar.
func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// validTime is RFC 3339 full-time: hh:mm:ss[.frac] and Z or an offset;
// second 60 only where it is 23:59 UTC (a leap second).
func validTime(s string) bool {
	if len(s) < 9 || s[2] != ':' || s[5] != ':' || !digits(s[:2]) || !digits(s[3:5]) || !digits(s[6:8]) {
		return false
	}
	h, m, sec := atoi2(s[:2]), atoi2(s[3:5]), atoi2(s[6:8])
	if h > 23 || m > 59 || sec > 60 {
		return false
	}
	rest := s[8:]
	if strings.HasPrefix(rest, ".") {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	offset := 0
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' && digits(rest[1:3]) && digits(rest[4:]):
		oh, om := atoi2(rest[1:3]), atoi2(rest[4:])
		if oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return false
	}
	if sec == 60 {
		utc := ((h*60+m-offset)%(24*60) + 24*60) % (24 * 60)
		return utc == 23*60+59
	}
	return true
}

// validDateTime is RFC 3339 date-time.
func validDateTime(s string) bool {
	return len(s) >= 20 && (s[10] == 'T' || s[10] == 't') && validDate(s[:10]) && validTime(s[11:])
}

// validDuration is the ISO 8601 duration of RFC 3339 appendix A:
// P then weeks alone (P2W), or date units Y M D and, after T, time units
// H M S, each at most once and in that order, with at least one unit.
func validDuration(s string) bool {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return false
	}
	if w, ok := strings.CutSuffix(rest, "W"); ok {
		return digits(w)
	}
	date, tm, hasT := strings.Cut(rest, "T")
	if hasT && tm == "" {
		return false
	}
	return units(date, "YMD") && units(tm, "HMS")
}

// units checks a run of number-unit pairs with units in the order given.
func units(s, order string) bool {
	for s != "" {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n == len(s) {
			return false
		}
		i := strings.IndexByte(order, s[n])
		if i < 0 {
			return false
		}
		order = order[i+1:]
		s = s[n+1:]
	}
	return true
}

// validHostname is an RFC 1123 host name: dot-separated labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen; at
// most 253 characters without a final dot.
func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validIPv4 is a dotted quad without leading zeros.
func validIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if !digits(p) || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return false
		}
		n := 0
		for i := 0; i < len(p); i++ {
			n = n*10 + int(p[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// validIPv6 is an RFC 4291 address (an embedded IPv4 tail allowed), with
// no zone.
func validIPv6(s string) bool {
	if !strings.Contains(s, ":") {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == ""
}

// validEmail is an RFC 5321 mailbox: a dot-atom or quoted local part of
// at most 64 bytes, @, and a host name or a bracketed IP address.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 {
		return false
	}
	if len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"' {
		if strings.ContainsAny(local[1:len(local)-1], "\\\"") {
			return false
		}
	} else {
		if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
			return false
		}
		for i := 0; i < len(local); i++ {
			c := local[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".!#$%&'*+-/=?^_`{|}~", c) >= 0) {
				return false
			}
		}
	}
	if ip, ok := strings.CutPrefix(domain, "["); ok {
		ip, ok = strings.CutSuffix(ip, "]")
		if !ok {
			return false
		}
		if v6, ok := strings.CutPrefix(ip, "IPv6:"); ok {
			return validIPv6(v6)
		}
		return validIPv4(ip)
	}
	return validHostname(domain)
}

// validURI is an absolute URI (with a scheme), as net/url parses it; an
// IPv6 host must be a valid address in brackets.
func validURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return false
	}
	if h := u.Hostname(); strings.Contains(h, ":") {
		return strings.Contains(u.Host, "[") && validIPv6(h)
	}
	return true
}

// validUUID is the RFC 4122 string form: 8-4-4-4-12 hexadecimal digits.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// URL parses an absolute URI (format uri) for a url.URL argument.
func URL(s string) (*url.URL, bool) {
	if !validURI(s) {
		return nil, false
	}
	u, err := url.Parse(s)
	return u, err == nil
}

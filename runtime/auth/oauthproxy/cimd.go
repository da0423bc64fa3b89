package oauthproxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CIMDOptions tune the fetching of client ID metadata documents (a
// client whose client_id is an https URL serving its metadata).
type CIMDOptions struct {
	// Disable refuses URL client ids (only registered clients work).
	Disable bool
	// Timeout bounds one fetch (default 5s); MaxBytes the document
	// (default 64 KiB); MaxCacheAge the reuse of a fetched document
	// (default 1h, also when the response allows more).
	Timeout     time.Duration
	MaxBytes    int64
	MaxCacheAge time.Duration
	// AllowLoopbackForTests lets documents be fetched from loopback
	// addresses, trusting RootCAs; for tests only: it opens the fetcher
	// to requests against this machine.
	AllowLoopbackForTests bool
	RootCAs               *x509.CertPool
}

// cimdFetcher fetches client ID metadata documents SSRF-safely: https
// only, to public addresses only (checked on the address actually
// dialled, after DNS resolution, so rebinding cannot slip through), no
// redirects, no proxies, bounded in time and size, and cached as the
// response's Cache-Control allows (revalidated with ETag).
type cimdFetcher struct {
	opts   CIMDOptions
	client *http.Client
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]*cimdEntry
}

type cimdEntry struct {
	reg     *registration
	expires time.Time
	etag    string
}

const cimdCacheLimit = 1000

func newCIMDFetcher(o CIMDOptions, now func() time.Time) *cimdFetcher {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 10
	}
	if o.MaxCacheAge <= 0 {
		o.MaxCacheAge = time.Hour
	}
	allowLoop := o.AllowLoopbackForTests
	dialer := &net.Dialer{
		Timeout: o.Timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("refusing to connect to %s", address)
			}
			if !publicAddr(ap.Addr()) && !(allowLoop && ap.Addr().IsLoopback()) {
				return fmt.Errorf("refusing to connect to non-public address %s", ap.Addr())
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    o.Timeout,
		ResponseHeaderTimeout:  o.Timeout,
		MaxIdleConns:           10,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &cimdFetcher{
		opts: o, now: now, cache: map[string]*cimdEntry{},
		client: &http.Client{
			Transport: tr,
			Timeout:   o.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return errors.New("client metadata documents must not redirect")
			},
		},
	}
}

// publicAddr reports whether a is a globally routable unicast address.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, pfx := range nonPublic {
		if pfx.Contains(a) {
			return false
		}
	}
	return true
}

var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7", "fec0::/10",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// checkCIMDURL validates a URL client id: https, a host, a path other
// than "/", no userinfo, fragment or dot segments.
func checkCIMDURL(id string) (*url.URL, error) {
	u, err := url.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("client_id is not a URL: %v", err)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(id, "#") {
		return nil, errors.New("a URL client_id must be https, with a host and no userinfo or fragment")
	}
	if u.Path == "" || u.Path == "/" || hasDotSegment(u.EscapedPath()) {
		return nil, errors.New("a URL client_id needs a path without dot segments")
	}
	if strings.ContainsAny(id, " \\\t\r\n") {
		return nil, errors.New("a URL client_id must not contain whitespace or backslashes")
	}
	return u, nil
}

func (f *cimdFetcher) fetch(ctx context.Context, id string) (*registration, error) {
	if _, err := checkCIMDURL(id); err != nil {
		return nil, err
	}
	now := f.now()
	f.mu.Lock()
	e := f.cache[id]
	f.mu.Unlock()
	if e != nil && now.Before(e.expires) {
		return e.reg, nil
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if e != nil && e.etag != "" {
		req.Header.Set("If-None-Match", e.etag)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetching it failed: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && e != nil {
		f.remember(id, e.reg, resp, e.etag)
		return e.reg, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching it returned HTTP %d", resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil, fmt.Errorf("it is served as %q, not application/json", mt)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading it failed: %v", err)
	}
	if int64(len(body)) > f.opts.MaxBytes {
		return nil, fmt.Errorf("it is larger than %d bytes", f.opts.MaxBytes)
	}
	reg, err := parseCIMD(id, body)
	if err != nil {
		return nil, err
	}
	f.remember(id, reg, resp, resp.Header.Get("ETag"))
	return reg, nil
}

// parseCIMD decodes a metadata document and checks that it names itself.
func parseCIMD(id string, body []byte) (*registration, error) {
	var reg registration
	if err := json.Unmarshal(body, &reg); err != nil {
		return nil, errors.New("it is not a JSON object of client metadata")
	}
	if reg.ClientID != id {
		return nil, errors.New("its client_id differs from its URL")
	}
	if reg.ClientSecret != "" {
		return nil, errors.New("it contains a client_secret")
	}
	return &reg, nil
}

// remember caches a document for as long as its response allows (never
// longer than MaxCacheAge; not at all for no-store or no-cache).
func (f *cimdFetcher) remember(id string, reg *registration, resp *http.Response, etag string) {
	cc := strings.ToLower(resp.Header.Get("Cache-Control"))
	age := cacheAge(cc, f.opts.MaxCacheAge)
	f.mu.Lock()
	defer f.mu.Unlock()
	if (age <= 0 && etag == "") || strings.Contains(cc, "no-store") {
		delete(f.cache, id)
		return
	}
	if len(f.cache) >= cimdCacheLimit {
		now := f.now()
		for k, e := range f.cache {
			if !now.Before(e.expires) {
				delete(f.cache, k)
			}
		}
		if len(f.cache) >= cimdCacheLimit {
			return
		}
	}
	f.cache[id] = &cimdEntry{reg: reg, expires: f.now().Add(age), etag: etag}
}

// cacheAge reads max-age from Cache-Control (0 for no-store, no-cache or
// none given), capped at max.
func cacheAge(cc string, max time.Duration) time.Duration {
	var age time.Duration
	for part := range strings.SplitSeq(cc, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(strings.ToLower(part)), "=")
		switch k {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			if n, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && n > 0 {
				age = time.Duration(n) * time.Second
			}
		}
	}
	return min(age, max)
}

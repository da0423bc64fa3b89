package authproxy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with a fresh profile, driven over the
// DevTools protocol.
type Browser struct {
	ctx    context.Context
	cancel func()
}

// ChromiumPath is Debian's chromium, which interop/authproxy/run.sh
// installs when missing; CHROMIUM overrides it.
func ChromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return "/usr/bin/chromium"
}

// NewBrowser starts Chromium with its profile in dir. Close stops it.
func NewBrowser(dir string) (*Browser, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath()),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(900, 700),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("password-store", "basic"),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancel()
		acancel()
		return nil, fmt.Errorf("start %s: %w", ChromiumPath(), err)
	}
	return &Browser{ctx: ctx, cancel: func() { cancel(); acancel() }}, nil
}

// Close stops the browser.
func (b *Browser) Close() { b.cancel() }

// SignIn is what a user does after an MCP client opens the
// authorization URL: it goes to start, signs in at the upstream login
// page (username, password), answers the proxy's consent page with
// decision ("approve" or "deny"), and returns the URL the browser lands
// on once it starts with done (the client's redirect URI). When shot is
// not empty, a PNG screenshot of the first consent page is written there.
func (b *Browser) SignIn(ctx context.Context, start, done, username, password, decision, shot string) (string, error) {
	tctx, cancel := chromedp.NewContext(b.ctx) // a new tab, same profile (cookies)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	if err := chromedp.Do(tctx, chromedp.Navigate(start)); err != nil {
		return "", fmt.Errorf("open %s: %w", start, err)
	}
	var last string
	for {
		if ctx.Err() != nil {
			return "", fmt.Errorf("browser stuck at %s: %w", last, ctx.Err())
		}
		page, err := chromedp.Run(tctx, chromedp.Evaluate[pageState](`({
			url: location.href, ready: document.readyState,
			login: !!document.querySelector('input[name=username]') && !!document.querySelector('input[name=password]'),
			consent: !!document.querySelector('form[method=post] button[name=decision][value=approve]'),
			text: (document.body ? document.body.innerText : '').slice(0, 300),
		})`))
		if err != nil { // a navigation is under way
			time.Sleep(50 * time.Millisecond)
			continue
		}
		last = page.URL + " (" + strings.Join(strings.Fields(page.Text), " ") + ")"
		switch {
		case page.Ready != "complete":
		case strings.HasPrefix(page.URL, done):
			return page.URL, nil
		case page.Login:
			if err := chromedp.Do(tctx,
				chromedp.SetValue(chromedp.CSS(`input[name=username]`), username),
				chromedp.SetValue(chromedp.CSS(`input[name=password]`), password),
				chromedp.Submit(chromedp.CSS(`input[name=password]`)),
			); err != nil {
				return "", fmt.Errorf("sign in at %s: %w", page.URL, err)
			}
			if err := waitLeave(tctx, page.URL); err != nil {
				return "", fmt.Errorf("sign in at %s: %w (page: %s)", page.URL, err, last)
			}
		case page.Consent:
			if shot != "" {
				png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
				if err != nil {
					return "", fmt.Errorf("screenshot: %w", err)
				}
				if err := os.WriteFile(shot, png, 0o644); err != nil {
					return "", err
				}
				shot = ""
			}
			if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`form[method=post] button[name=decision][value=`+decision+`]`))); err != nil {
				return "", fmt.Errorf("click %s on %s: %w", decision, page.URL, err)
			}
			if err := waitLeave(tctx, page.URL); err != nil {
				return "", fmt.Errorf("consent at %s: %w (page: %s)", page.URL, err, last)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLeave waits until the tab has left url (a form was submitted).
func waitLeave(ctx context.Context, url string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if now, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); err == nil && now != url {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the page did not change after submitting")
}

// pageState is what SignIn looks at on each page.
type pageState struct {
	URL     string `json:"url"`
	Ready   string `json:"ready"`
	Login   bool   `json:"login"`
	Consent bool   `json:"consent"`
	Text    string `json:"text"`
}

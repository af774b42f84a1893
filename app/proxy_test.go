package app

import (
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"allium/network/client/proxytest"
)

// TestProxyForm fills in Settings › Network's proxy form: a mistyped address, a Test
// of a dead proxy and of a working one, then using it, and the status line once the
// proxy is gone.
func TestProxyForm(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Jo")
	p := h.open(dir)
	p.showSettings()
	f := p.settings.proxy
	if f.use.Checked || !f.address.Disabled() || !f.test.Disabled() {
		t.Fatal("a proxy is on, or its address open, by default")
	}
	test.Tap(f.use)
	if f.address.Disabled() || f.test.Disabled() {
		t.Fatal("the address stays closed with the proxy on")
	}

	f.address.SetText("socks4://127.0.0.1:1")
	test.Tap(f.test)
	if f.result.Text != badProxySentence {
		t.Fatalf("a mistyped proxy: %q", f.result.Text)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	f.address.SetText(dead)
	test.Tap(f.test)
	h.waitFor("the dead proxy's test", func() bool { return strings.HasPrefix(f.result.Text, "Can't reach your proxy at "+dead+".") })

	px := proxytest.SOCKS5(t, "jo", "pw")
	f.address.SetText(px.URL())
	test.Tap(f.test)
	h.waitFor("the working proxy's test", func() bool { return strings.HasPrefix(f.result.Text, "The proxy works") })
	if !strings.Contains(f.result.Text, "reached a node") {
		t.Fatalf("test said %q", f.result.Text)
	}

	test.Tap(f.apply)
	h.waitFor("the engine through the proxy", func() bool { return p.ready && p.eng != nil && p.eng.Proxy().URL == px.URL() })
	h.waitFor("online through the proxy", func() bool { return p.status.label.Text == "Online" })
	if len(px.Destinations()) == 0 {
		t.Fatal("nothing went through the proxy")
	}

	// The proxy goes away: the status line names it within seconds.
	p.showSettings()
	f = p.settings.proxy
	if !f.use.Checked || f.address.Text != px.URL() {
		t.Fatalf("the form shows %v %q", f.use.Checked, f.address.Text)
	}
	f.address.SetText(dead)
	start := time.Now()
	test.Tap(f.apply)
	h.waitFor("the dead proxy named", func() bool {
		return p.ready && strings.HasPrefix(p.status.label.Text, "Can't reach your proxy at "+dead+",")
	})
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("told after %v", took)
	}

	p.showSettings()
	f = p.settings.proxy
	test.Tap(f.use) // off
	test.Tap(f.apply)
	h.waitFor("no proxy", func() bool { return p.ready && p.eng != nil && p.eng.Proxy().URL == "" })
}

package app

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
	"allium/network/client/proxytest"
)

// TestUseTor finds a Tor (a SOCKS5 server on a port of the test's) when Settings ›
// Network opens, uses it with one click, and the path view says the path begins with
// it.
func TestUseTor(t *testing.T) {
	h := newHarness(t)
	tor := proxytest.SOCKS5(t, "", "")
	_, port, _ := strings.Cut(tor.Addr(), ":")
	n, _ := strconv.Atoi(port)
	dir, _ := account(t, "Jo")
	p := h.open(dir)

	p.showSettings()
	f := p.settings.proxy
	h.waitFor("no Tor", func() bool { return f.torInfo.Text == noTorSentence })
	if f.useTor.Visible() {
		t.Fatal("Use Tor offered without a Tor")
	}

	h.ui.torPorts = []int{closedPort(t), n}
	test.Tap(f.findTor)
	h.waitFor("Tor found", func() bool { return f.useTor.Visible() })
	if f.torInfo.Text != torFoundSentence(tor.Addr()) {
		t.Fatalf("said %q", f.torInfo.Text)
	}
	if len(tor.Destinations()) != 0 {
		t.Fatalf("looking for Tor went on to %v", tor.Destinations())
	}

	test.Tap(f.useTor)
	h.waitFor("the engine through Tor", func() bool {
		return p.ready && p.eng != nil && p.eng.Proxy().URL == "socks5://"+tor.Addr() && !p.eng.Proxy().BootstrapOnly
	})
	h.waitFor("online through Tor", func() bool { return p.status.label.Text == "Online" && len(p.paths) > 0 })
	if len(tor.Destinations()) == 0 {
		t.Fatal("nothing went through Tor")
	}
	p.showSettings()
	via := viaProxySentence(false, tor.Addr()) // a test port is no Tor port
	h.waitFor("the path through the proxy", func() bool { return labelled(p.settings.paths.hops, via) })
}

// TestOfferProxy checks that the status line offers the proxy and Tor settings once the
// network has been out of reach for a while, but not while this computer is offline.
func TestOfferProxy(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Jo")
	p := h.open(dir)
	s := p.status
	s.offerAfter = 0
	// The engine's own news comes first: the test network is there.
	h.waitFor("online", func() bool { return s.label.Text == "Online" })

	s.set(engine.Offline, engine.ProblemOffline)
	if s.offer.Visible() || s.offerTimer != nil {
		t.Fatal("a proxy offered to a computer that is offline")
	}
	s.set(engine.Offline, engine.ProblemSeeds)
	h.waitFor("the offer", func() bool { return s.offer.Visible() })
	if !strings.HasPrefix(s.label.Text, "Offline — this computer is connected, but the network's seed servers can't be reached") {
		t.Fatalf("status %q", s.label.Text)
	}
	test.Tap(s.offerBt)
	if p.settings == nil || p.settings.tabs.Selected() != p.settings.networkItem {
		t.Fatal("the button did not open Settings › Network")
	}
	s.set(engine.Online, engine.NoProblem)
	if s.offer.Visible() {
		t.Fatal("the offer stays once online")
	}
}

// labelled reports whether a label with text is in o's tree.
func labelled(o fyne.CanvasObject, text string) bool {
	switch o := o.(type) {
	case *widget.Label:
		return o.Text == text
	case *bidiText:
		return o.Text == text
	case *fyne.Container:
		for _, c := range o.Objects {
			if labelled(c, text) {
				return true
			}
		}
	}
	return false
}

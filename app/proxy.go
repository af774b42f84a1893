package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// proxyForm is the proxy part of Settings › Network: whether to connect through a
// proxy, its address, whether only the bootstrap goes through it, a Test button that
// says what worked, and a button that reopens the engine with the choice.
type proxyForm struct {
	p         *Profile
	content   fyne.CanvasObject
	use       *check
	address   *field
	bootstrap *check
	test      *widget.Button
	apply     *widget.Button
	result    *bidiText

	// Tor on this computer: found is its proxy URL once one answers ("" before).
	useTor  *widget.Button
	findTor *widget.Button
	torInfo *bidiText
	found   string
}

// proxyTryTimeout bounds the Test button's wait: a seed and a node through the proxy.
const proxyTryTimeout = 45 * time.Second

func newProxyForm(p *Profile) *proxyForm {
	f := &proxyForm{p: p}
	f.use = newCheck(lang.L("Connect through a proxy"), func(bool) { f.enable() })
	f.address = newField(p.keys, lang.L("socks5://127.0.0.1:9050"))
	f.bootstrap = newCheck(lang.L("Only to get the list of nodes (other connections go directly)"), nil)
	f.result = wrapped("")
	f.test = widget.NewButton(lang.L("Test"), f.try)
	f.apply = widget.NewButton(lang.L("Use this setting"), f.save)
	if p.eng != nil {
		s := p.eng.Proxy()
		f.use.SetChecked(s.URL != "")
		f.address.SetText(s.URL)
		f.bootstrap.SetChecked(s.BootstrapOnly)
	}
	f.useTor = widget.NewButton(lang.L(useTorButton), f.chooseTor)
	f.useTor.Importance = widget.HighImportance
	f.useTor.Hide()
	f.findTor = widget.NewButton(visualLine(lang.L(findTorButton)), f.lookForTor)
	f.torInfo = wrapped("")
	f.enable()
	tor := container.NewVBox(f.torInfo, hbox(f.useTor, f.findTor))
	f.lookForTor()
	f.content = section(lang.L("Proxy"), lang.L("Where the network is blocked, Allium can connect through a proxy: SOCKS5 (Tor listens at 127.0.0.1:9050, Tor Browser at 127.0.0.1:9150) or HTTP. The proxy looks up the names, and while it is set Allium connects to nothing without it."),
		tor, f.use, f.address, f.bootstrap, hbox(f.test, f.apply), f.result)
	return f
}

// torFindTimeout bounds the look for Tor: a port of this computer answers at once.
const torFindTimeout = 5 * time.Second

// lookForTor greets the Tor ports of this computer, off the Fyne goroutine, and offers
// Use Tor if one answers. It contacts nothing but this computer.
func (f *proxyForm) lookForTor() {
	ports := f.p.ui.torPorts
	f.findTor.Disable()
	f.torInfo.SetText(lang.L(torLooking))
	step(f.p, func() (string, error) {
		ctx, cancel := context.WithTimeout(f.p.ui.ctx, torFindTimeout)
		defer cancel()
		url, _ := engine.FindTor(ctx, ports...)
		return url, nil
	}, func(url string, _ error) {
		f.findTor.Enable()
		f.found = url
		if url == "" {
			f.useTor.Hide()
			f.torInfo.SetText(lang.L(noTorSentence))
			return
		}
		f.torInfo.SetText(torFoundSentence(strings.TrimPrefix(url, "socks5://")))
		f.useTor.Show()
	})
}

// chooseTor connects through the Tor that was found, for every connection.
func (f *proxyForm) chooseTor() {
	if f.found == "" {
		return
	}
	f.use.SetChecked(true)
	f.address.SetText(f.found)
	f.bootstrap.SetChecked(false)
	f.p.switchProxy(f.found, engine.ProxyScopeAll)
}

// enable shows the address and scope only while a proxy is wanted.
func (f *proxyForm) enable() {
	if f.use.Checked {
		f.address.Enable()
		f.bootstrap.Enable()
		f.test.Enable()
	} else {
		f.address.Disable()
		f.bootstrap.Disable()
		f.test.Disable()
	}
}

// choice is the form's proxy and scope, as engine.Options name them.
func (f *proxyForm) choice() (proxy, scope string) {
	if !f.use.Checked {
		return engine.ProxyNone, ""
	}
	scope = engine.ProxyScopeAll
	if f.bootstrap.Checked {
		scope = engine.ProxyScopeBootstrap
	}
	return strings.TrimSpace(f.address.Text), scope
}

// check says what is wrong with the form's proxy, or "" if it can be used.
func (f *proxyForm) check() string {
	proxy, scope := f.choice()
	if f.use.Checked && proxy == "" {
		return lang.L("Type the address of your proxy first, such as socks5://127.0.0.1:9050.")
	}
	if err := engine.CheckProxy(proxy, scope); err != nil {
		return plain(err, lang.L(badProxySentence))
	}
	return ""
}

func (f *proxyForm) say(text string, imp widget.Importance) {
	f.result.Importance = imp
	f.result.SetText(text)
}

// try tests the proxy on the network, off the Fyne goroutine.
func (f *proxyForm) try() {
	if msg := f.check(); msg != "" {
		f.say(msg, widget.DangerImportance)
		return
	}
	proxy, scope := f.choice()
	f.test.Disable()
	f.say(lang.L("Testing the proxy…"), widget.MediumImportance)
	background(f.p, func(e *engine.Engine) (engine.ProxyCheck, error) {
		ctx, cancel := context.WithTimeout(context.Background(), proxyTryTimeout)
		defer cancel()
		return e.TryProxy(ctx, proxy, scope)
	}, func(c engine.ProxyCheck, err error) {
		f.test.Enable()
		if err != nil {
			f.say(proxyTrySentence(err, f.addr()), widget.DangerImportance)
			return
		}
		f.say(proxyWorksSentence(c, scope == engine.ProxyScopeBootstrap), widget.SuccessImportance)
	})
}

// addr is the host:port of the form's proxy, for sentences.
func (f *proxyForm) addr() string {
	proxy, _ := f.choice()
	if i := strings.Index(proxy, "://"); i >= 0 {
		proxy = proxy[i+3:]
	}
	if i := strings.LastIndex(proxy, "@"); i >= 0 {
		proxy = proxy[i+1:]
	}
	return strings.TrimSuffix(proxy, "/")
}

// save reopens the engine with the form's proxy.
func (f *proxyForm) save() {
	if msg := f.check(); msg != "" {
		f.say(msg, widget.DangerImportance)
		return
	}
	proxy, scope := f.choice()
	f.p.switchProxy(proxy, scope)
}

// switchProxy reopens the engine with another proxy (engine.ProxyNone for none), as
// switchNetwork does with another network.
func (p *Profile) switchProxy(proxy, scope string) {
	p.proxy, p.proxyScope = proxy, scope
	p.switchNetwork(p.network)
}

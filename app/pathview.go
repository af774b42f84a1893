package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/engine"
)

// pathView shows the onion path a request takes: You → guard → node → node → swarm, with
// each hop's address and the start of its key, and rebuilds it on request.
type pathView struct {
	p       *Profile
	hops    *fyne.Container
	rebuild *widget.Button
	busy    *widget.ProgressBarInfinite
	issue   *bidiText
	content fyne.CanvasObject
}

func newPathView(p *Profile) *pathView {
	v := &pathView{p: p, hops: container.NewVBox(), issue: wrapped("")}
	v.issue.Hide()
	v.busy = widget.NewProgressBarInfinite()
	v.busy.Stop()
	v.busy.Hide()
	v.rebuild = widget.NewButtonWithIcon(lang.L("Rebuild path"), theme.ViewRefreshIcon(), v.rebuildPaths)
	v.content = section(lang.L("Onion path"),
		lang.L("Each message goes through three nodes. The first (the guard) knows your address but not where the message goes; the last knows where it goes but not who sent it."),
		v.hops, v.busy, v.issue, hbox(v.rebuild))
	v.set(p.paths)
	return v
}

// set shows the first path (the one most requests take).
func (v *pathView) set(paths []engine.Path) {
	v.hops.RemoveAll()
	if len(paths) == 0 || len(paths[0].Nodes) == 0 {
		l := wrapped(noPathSentence(v.p.conn, v.p.problem))
		v.hops.Add(l)
		v.hops.Refresh()
		return
	}
	hop := func(icon fyne.Resource, title, detail string) {
		t := lineLabel(title, fyne.TextStyle{Bold: true})
		d := lineLabel(detail, fyne.TextStyle{Monospace: true}) // an address and a key, with words
		v.hops.Add(border(nil, nil, widget.NewIcon(icon), nil, container.NewVBox(t, d)))
	}
	arrow := func() {
		v.hops.Add(hbox(widget.NewIcon(theme.MoveDownIcon())))
	}
	hop(theme.AccountIcon(), lang.L("You"), lang.L("This computer"))
	if v.p.eng != nil {
		if px := v.p.eng.Proxy(); px.URL != "" && !px.BootstrapOnly {
			arrow()
			title := lang.L("Proxy")
			if px.Tor {
				title = lang.L("Tor")
			}
			d := wrapped(viaProxySentence(px.Tor, px.Addr))
			v.hops.Add(border(nil, nil, widget.NewIcon(theme.VisibilityOffIcon()), nil,
				container.NewVBox(lineLabel(title, fyne.TextStyle{Bold: true}), d)))
		}
	}
	for i, n := range paths[0].Nodes {
		arrow()
		title := lang.L("Node")
		if i == 0 {
			title = lang.L("Guard node")
		}
		hop(theme.ComputerIcon(), title, n.Addr.String()+"  ·  "+fmt.Sprintf(lang.L("key %s"), hex.EncodeToString(n.Ed25519[:4])))
	}
	arrow()
	hop(theme.StorageIcon(), lang.L("Swarm"), lang.L("The nodes that keep your messages until they are fetched"))
	if v.p.conn == engine.Offline {
		// The path is there, but a step fails: say which.
		l := wrapped(noPathSentence(v.p.conn, v.p.problem))
		l.Importance = widget.WarningImportance
		v.hops.Add(l)
	}
	v.hops.Refresh()
}

// rebuildPaths drops the paths and builds new ones, showing progress meanwhile.
func (v *pathView) rebuildPaths() {
	v.rebuild.Disable()
	v.issue.Hide()
	v.busy.Show()
	v.busy.Start()
	quit := v.p.ui.ctx
	background(v.p, func(e *engine.Engine) ([]engine.Path, error) {
		ctx, cancel := context.WithTimeout(quit, time.Minute)
		defer cancel()
		err := e.RebuildPaths(ctx)
		return e.Paths(), err
	}, func(paths []engine.Path, err error) {
		v.busy.Stop()
		v.busy.Hide()
		v.rebuild.Enable()
		v.set(paths)
		if err != nil {
			v.issue.Importance = widget.WarningImportance
			v.issue.SetText(plain(err, lang.L("Allium could not build a new path. It keeps trying in the background.")))
			v.issue.Show()
		}
	})
}

package app

import (
	"testing"

	"allium/engine"
)

// TestBackgroundDropsReplacedEngine: work finished for an engine that has since been
// replaced never reaches the views; work for the current engine does.
func TestBackgroundDropsReplacedEngine(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lea")
	p := h.open(dir)

	done := make(chan struct{})
	stale := false
	old := p.eng
	background(p, func(e *engine.Engine) (string, error) {
		defer close(done)
		if e != old {
			t.Error("the work did not get the engine it was started with")
		}
		return e.DisplayName(), nil
	}, func(string, error) { stale = true })
	<-done // its result waits in the queue of the Fyne goroutine

	p.switchNetwork(network(t))
	h.waitFor("the engine on the new network", func() bool { return p.ready })
	if stale {
		t.Fatal("the result of the replaced engine's work reached the views")
	}
	if p.eng == old {
		t.Fatal("the engine was not replaced")
	}

	var name string
	background(p, func(e *engine.Engine) (string, error) { return e.DisplayName(), nil },
		func(n string, err error) { name = n })
	h.waitFor("the current engine's result", func() bool { return name == "Lea" })

	// Without an engine, nothing runs.
	p.mu.Lock()
	eng := p.eng
	p.eng = nil
	p.mu.Unlock()
	ran := false
	background(p, func(*engine.Engine) (struct{}, error) { ran = true; return struct{}{}, nil }, nil)
	p.mu.Lock()
	p.eng = eng
	p.mu.Unlock()
	h.ui.work.Wait()
	if ran {
		t.Fatal("work ran without an engine")
	}
}

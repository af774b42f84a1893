package app

import "allium/engine"

// background runs work off the Fyne goroutine with the profile's engine, then hands its
// result to then (if not nil) on the Fyne goroutine.
//
// Views belong to one engine: switching networks or closing the profile replaces them
// all. So if the engine is replaced or closed before then would run, the result is
// dropped, and then never sees a view of an engine that is gone. Without an open engine
// (while the profile opens or switches networks) nothing runs.
//
// This is the only way views start disk or network work; widgets are only ever touched
// in then.
func background[T any](p *Profile, work func(*engine.Engine) (T, error), then func(T, error)) {
	eng := p.eng
	if eng == nil {
		return
	}
	spawn(p.ui, p.current(), func() (T, error) { return work(eng) }, then)
}

// call runs an engine method in the background and, if it fails, tells the person with
// fallback (or the error's own sentence, see plain).
func (p *Profile) call(work func(*engine.Engine) error, fallback string) {
	background(p, func(e *engine.Engine) (struct{}, error) { return struct{}{}, work(e) },
		func(_ struct{}, err error) {
			if err != nil {
				p.showError(plain(err, fallback))
			}
		})
}

// step runs a step of opening the profile (looking for, creating, restoring or opening
// its account) off the Fyne goroutine. Like background, it drops the result if the
// engine changed meanwhile; unlike it, it needs no engine.
func step[T any](p *Profile, work func() (T, error), then func(T, error)) {
	spawn(p.ui, p.current(), work, then)
}

// current returns a function that reports, on the Fyne goroutine, whether the profile
// still has the engine it has now.
func (p *Profile) current() func() bool {
	epoch := p.epoch
	return func() bool { return p.epoch == epoch }
}

// spawn runs work on a goroutine and then (if not nil) on the Fyne goroutine, unless
// current (if not nil) says by then that the result is stale. The UI counts the
// goroutine, so that Close can wait for work that still touches an engine it closed.
func spawn[T any](u *UI, current func() bool, work func() (T, error), then func(T, error)) {
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		v, err := work()
		if then == nil {
			return
		}
		u.do(func() {
			if current != nil && !current() {
				return
			}
			then(v, err)
		})
	}()
}

// Package device records from the microphone and plays through the speakers, with
// miniaudio (github.com/gen2brain/malgo). miniaudio finds the system's sound libraries at
// run time (PulseAudio or ALSA on Linux, WASAPI on Windows, Core Audio on macOS), so
// nothing is opened, or even loaded, until the user records or presses play; a device is
// closed again when recording or playback ends.
package device

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/gen2brain/malgo"
)

var (
	// ErrNoMicrophone: there is no microphone to record from (none connected, no sound
	// system, or the system refused it).
	ErrNoMicrophone = errors.New("device: no microphone found")
	// ErrNoSpeaker: there is no sound output to play through.
	ErrNoSpeaker = errors.New("device: no sound output found")
)

// backends are the system's real sound services. miniaudio would otherwise fall back
// to its "null" backend, which pretends to record silence: on a machine without sound
// the user would send empty notes instead of being told.
func backends() []malgo.Backend {
	if measureBackends != nil {
		return measureBackends
	}
	switch runtime.GOOS {
	case "windows":
		return []malgo.Backend{malgo.BackendWasapi, malgo.BackendDsound, malgo.BackendWinmm}
	case "darwin":
		return []malgo.Backend{malgo.BackendCoreaudio}
	case "linux":
		return []malgo.Backend{malgo.BackendPulseaudio, malgo.BackendAlsa, malgo.BackendJack}
	}
	return []malgo.Backend{malgo.BackendOss, malgo.BackendSndio, malgo.BackendAudio4}
}

// measureBackends replaces backends in the measurement test (the null backend, which
// keeps a real device's timing without hardware); nil otherwise.
var measureBackends []malgo.Backend

// open starts a context and a device of kind, or says why there is none (as missing).
func open(kind malgo.DeviceType, cfg malgo.DeviceConfig, cb malgo.DeviceCallbacks, missing error) (*malgo.AllocatedContext, *malgo.Device, error) {
	ctx, err := malgo.InitContext(backends(), malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%v)", missing, err)
	}
	fail := func(err error) (*malgo.AllocatedContext, *malgo.Device, error) {
		_ = ctx.Uninit()
		ctx.Free()
		return nil, nil, err
	}
	devs, err := ctx.Devices(kind)
	if err != nil {
		return fail(fmt.Errorf("%w (%v)", missing, err))
	}
	if len(devs) == 0 {
		return fail(missing)
	}
	dev, err := malgo.InitDevice(ctx.Context, cfg, cb)
	if err != nil {
		return fail(fmt.Errorf("%w (%v)", missing, err))
	}
	if err := dev.Start(); err != nil {
		dev.Uninit()
		return fail(fmt.Errorf("%w (%v)", missing, err))
	}
	return ctx, dev, nil
}

// closeDevice stops and frees what open started. It must not run on the device's own
// audio thread (miniaudio forbids stopping a device from its callback).
func closeDevice(ctx *malgo.AllocatedContext, dev *malgo.Device) {
	if dev != nil {
		_ = dev.Stop()
		dev.Uninit()
	}
	if ctx != nil {
		_ = ctx.Uninit()
		ctx.Free()
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"allium/assets"
)

// TestSettingsReachEngine: the privacy checks change the engine's settings, and the
// app's own choices are saved in the profile.
func TestSettingsReachEngine(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Gina")
	p := h.open(dir)
	p.keys.run(&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault})
	v := p.settings
	if v == nil {
		t.Fatal("Ctrl+, did not open the settings")
	}
	h.waitFor("the engine's settings", func() bool { return !v.receipts.Disabled() })
	if v.receipts.Checked || v.typing.Checked {
		t.Fatal("read receipts or typing indicators are on by default")
	}
	test.Tap(v.receipts)
	h.waitFor("read receipts on in the engine", func() bool { return p.eng.Settings().ReadReceipts })
	test.Tap(v.typing)
	h.waitFor("typing indicators on in the engine", func() bool { return p.eng.Settings().TypingIndicators })
	test.Tap(v.receipts)
	h.waitFor("read receipts off in the engine", func() bool { return !p.eng.Settings().ReadReceipts })

	v.notify.SetChecked(false)
	v.appearance.SetSelected(lookDark)
	h.waitFor("the app's choices on disk", func() bool {
		pr := loadPrefs(dir)
		return !pr.Notifications && pr.Appearance == appearanceDark
	})

	v.name.SetText("  ")
	v.saveName()
	if v.nameIssue.Text != noName {
		t.Fatalf("an empty name: %q", v.nameIssue.Text)
	}
	v.name.SetText("Gina B.")
	v.saveName()
	h.waitFor("the new name", func() bool { return p.eng.DisplayName() == "Gina B." && p.sidebar.name.Text == "Gina B." })

	p.escape()
	if p.settings != nil {
		t.Fatal("Esc did not close the settings")
	}
}

// TestPathView shows the onion path once the engine has built one.
func TestPathView(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Hana")
	p := h.open(dir)
	p.showSettings()
	v := p.settings.paths
	h.waitFor("a path", func() bool { return len(p.eng.Paths()) > 0 })
	h.waitFor("the path view", func() bool {
		v.set(p.eng.Paths())
		return len(v.hops.Objects) == 9 // You, guard, node, node, swarm and four arrows
	})
	test.Tap(v.rebuild)
	h.waitFor("the rebuilt path", func() bool { return !v.rebuild.Disabled() })
}

// TestLicences: About opens the licences of the code Allium is built from, every line.
func TestLicences(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Ines")
	p := h.open(dir)
	p.showSettings()
	v := p.settings
	test.Tap(v.licencesBtn)
	if v.licences == nil || p.dialogUp == nil {
		t.Fatal("the licences did not open")
	}
	lines := strings.Split(assets.Licenses, "\n")
	if n := v.licences.Length(); n != len(lines) || n < 1000 {
		t.Fatalf("the licences list has %d lines, want %d (over 1,000)", n, len(lines))
	}
	for _, want := range []string{"fyne.io/fyne/v2", "golang.org/x/crypto", "go.etcd.io/bbolt", "SIL OPEN FONT LICENSE"} {
		if !strings.Contains(assets.Licenses, want) {
			t.Errorf("the licences do not mention %s", want)
		}
	}
	p.escape()
	if p.dialogUp != nil {
		t.Fatal("Esc did not close the licences")
	}
}

// TestSettingsGoBack: closing Settings returns to the conversation that was open, and a
// row of the list opens its conversation whatever the right side shows.
func TestSettingsGoBack(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Lea")
	_, other := account(t, "Max")
	p := h.open(dir)
	if err := p.eng.SetContactName(other, "Max"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the conversation in the list", func() bool { return len(p.sidebar.shown) == 1 })
	p.sidebar.list.Select(0)
	h.waitFor("the conversation", func() bool { return p.conv != nil && p.conv.loaded })

	p.showSettings()
	test.Tap(p.settings.closeBt)
	if p.settings != nil || p.conv == nil || p.conv.id != other {
		t.Fatal("closing Settings did not go back to the conversation")
	}
	p.showSettings()
	p.escape()
	if p.conv == nil || p.conv.id != other {
		t.Fatal("Esc on Settings did not go back to the conversation")
	}

	p.showSettings()
	p.sidebar.list.Select(0)
	if p.settings != nil || p.conv == nil || p.conv.id != other {
		t.Fatal("the row of the conversation did not open it over Settings")
	}
}

// TestDemoNetworkWords: the demo's Settings › Network speaks of the demo's own network,
// not of the Session network, and offers no switch.
func TestDemoNetworkWords(t *testing.T) {
	h := newHarness(t)
	h.ui.demo = true
	dir, _ := account(t, "Alice")
	p := h.open(dir)
	p.showSettings()
	if p.settings.networkPick != nil || p.settings.networkInfo == nil || p.settings.networkInfo.Text != demoNetwork {
		t.Fatal("the demo's network tab offers the Session network")
	}
}

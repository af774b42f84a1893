package app

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"allium/engine"
)

// TestOfflineSaysWhatFails: on a network whose entry point can't be reached, the status
// line and the path view say which step fails and that the network may be blocked; a
// message that can't go says it is still being tried, not "Not sent", and Cancel
// removes it.
func TestOfflineSaysWhatFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	netFile := filepath.Join(t.TempDir(), "network.json")
	if err := os.WriteFile(netFile, []byte(`{"name":"blocked","seeds":["https://`+addr+`"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	dir, _ := account(t, "Olga")
	_, peer := account(t, "Paul")
	p := h.ui.OpenProfile(dir, netFile)
	h.waitFor("the main window", func() bool { return p.ready })
	h.waitFor("the seeds to fail", func() bool { return p.problem == engine.ProblemSeeds })
	if s := p.status.label.Text; !strings.Contains(s, "seed servers can't be reached") || !strings.Contains(s, "may block Session") {
		t.Fatalf("the status line says %q", s)
	}
	p.showSettings()
	if l, ok := p.settings.paths.hops.Objects[0].(*bidiText); !ok || !strings.Contains(l.Text, "list of nodes") || !strings.Contains(l.Text, "may block Session") {
		t.Fatalf("the path view says %v", p.settings.paths.hops.Objects[0])
	}

	if err := p.eng.SetContactName(peer, "Paul"); err != nil {
		t.Fatal(err)
	}
	p.openConversation(peer)
	h.waitFor("the conversation", func() bool { return p.conv != nil && p.conv.loaded })
	p.conv.send("are you safe?", false)
	h.waitFor("the message to fail once", func() bool {
		return len(p.conv.msgs) == 1 && p.conv.msgs[0].State == engine.Failed
	})
	m := p.conv.msgs[0]
	if meta := metaText(m, true); strings.Contains(meta, "Not sent ·") || !strings.Contains(meta, "still trying") {
		t.Fatalf("the failed bubble says %q", meta)
	}
	row := newMsgRow(p.conv)
	p.conv.updateRow(len(p.conv.rows)-1, row)
	rr := test.WidgetRenderer(row).(*msgRowRenderer)
	test.Tap(rr.cancel)
	h.waitFor("the cancelled message to go", func() bool { return len(p.conv.msgs) == 0 })
	if msgs, _ := p.eng.Messages(peer, 0, 10); len(msgs) != 0 {
		t.Fatal("the cancelled message is still stored")
	}
}

// TestProblemSentences checks that every step that can fail has a sentence of its own,
// in the status line and in the path view.
func TestProblemSentences(t *testing.T) {
	problems := []engine.Problem{engine.NoProblem, engine.ProblemSeeds, engine.ProblemGuard, engine.ProblemPath,
		engine.ProblemSwarm, engine.ProblemProxy, engine.ProblemOffline, engine.ProblemTimeout}
	status, path := map[string]engine.Problem{}, map[string]engine.Problem{}
	for _, pr := range problems {
		t.Run(pr.String(), func(t *testing.T) {
			s, v := offlineSentence(pr), noPathSentence(engine.Offline, pr)
			if other, ok := status[s]; ok {
				t.Errorf("the status line says the same for %v and %v", pr, other)
			}
			if other, ok := path[v]; ok {
				t.Errorf("the path view says the same for %v and %v", pr, other)
			}
			status[s], path[v] = pr, pr
		})
	}
	if s := offlineSentence(engine.ProblemOffline); !strings.Contains(s, "isn't connected to the internet") {
		t.Errorf("offline: %q", s)
	}
	if s := offlineSentence(engine.ProblemTimeout); !strings.Contains(s, "time out") {
		t.Errorf("timeout: %q", s)
	}
}

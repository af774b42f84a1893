// Command nodeload starts real allium-node processes on loopback addresses, tries each
// of the ways issue 11 found to take a node down or to cost other clients their
// requests, and prints one line per figure: the node's resident memory (VmRSS and
// VmHWM from /proc), other clients' success rates, catch-up and relaying.
//
//	go run ./scripts/nodeload -node PATH [-scenarios 1,2,3,4,5,6] [-env 'GOGC=100 GOMEMLIMIT=off']
//
// Scenarios: 1 the amplification request (a batch of twenty largest retrieves), directly
// and through an onion path; 2 slow bodies from one address while others ask; 3 clients
// that never read their replies; 4 catch-up of 60 largest messages after a restart;
// 5 onion requests through one guard at 100 a second; 6 a thousand idle connections.
// A node whose memory passes -rss-cap is killed, and the figure says so.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

type options struct {
	node   string
	env    []string
	rssCap int64
}

var scenarios = map[string]func(options) error{
	"1": amplification,
	"2": slowBodies,
	"3": neverRead,
	"4": catchUp,
	"5": relaying,
	"6": idleConns,
}

func main() {
	var o options
	flag.StringVar(&o.node, "node", "", "allium-node program to run")
	which := flag.String("scenarios", "1,2,3,4,5,6", "scenarios to run, in order")
	env := flag.String("env", "", "environment for the nodes, such as 'GOGC=100 GOMEMLIMIT=off'")
	capMB := flag.Int64("rss-cap", 3000, "MB of resident memory past which a node is killed")
	flag.Parse()
	if o.node == "" {
		fmt.Fprintln(os.Stderr, "nodeload: -node PATH is required")
		os.Exit(2)
	}
	o.env = strings.Fields(*env)
	o.rssCap = *capMB << 20
	version, _ := exec.Command(o.node, "--version").Output()
	fmt.Printf("# %s, node environment: %q\n", strings.TrimSpace(string(version)), *env)
	failed := false
	for _, s := range strings.Split(*which, ",") {
		run, ok := scenarios[s]
		if !ok {
			fmt.Fprintf(os.Stderr, "nodeload: no scenario %q\n", s)
			os.Exit(2)
		}
		if err := run(o); err != nil {
			fmt.Printf("%s: error: %v\n", s, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// figure prints one figure: the scenario, what is measured, and the result.
func figure(scenario, what, format string, args ...any) {
	fmt.Printf("%s %-44s %s\n", scenario, what, fmt.Sprintf(format, args...))
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

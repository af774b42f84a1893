# Allium — build, test and benchmark.
#
#   make test    install what is missing, then check formatting, vet, run every test with
#                the race detector, run each fuzz target for a few seconds, and run the
#                desktop app's smoke test under a virtual X server
#   make build   build the desktop app into dist/allium
#   make demo    build the app and open the demo: Alice and Bob on a private network
#   make smoke   the smoke test alone
#   make bench   run the benchmarks (figures go to BENCHMARKS.md)
#   make proto   regenerate the protobuf code of message contents

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Go is normally on PATH; /usr/local/go/bin is where the official Go archive installs.
export PATH := $(PATH):/usr/local/go/bin

# Debian/Ubuntu packages for Fyne's cgo build (and gcc for the race detector).
# The smoke test adds a virtual X server, xdotool to type, and ImageMagick for screenshots.
APT_PACKAGES := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev \
	xvfb xdotool imagemagick x11-apps
PROTO_PACKAGES := protobuf-compiler
PROTOC_GEN_GO := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12

FUZZTIME ?= 5s
BENCHTIME ?= 1s

# The app's version, shown by `allium --version` and in Settings › About.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# migrated_fynedo: the app touches widgets only on the Fyne goroutine (FyneApp.toml), so
# Fyne's thread checks are off, as the fyne tool builds it. no_animations: a text cursor
# that blinks forever redraws the window forever; without it an idle window costs nothing.
APP_TAGS := migrated_fynedo,no_animations

.PHONY: all deps test fmt vet race fuzz bench proto build demo smoke

all: test

# deps installs missing apt packages (as root, or through sudo; otherwise it prints the
# exact command and stops) and downloads the Go modules.
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"
	@command -v go >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install (Go 1.26 or newer)."; exit 1; }
	@go mod download

.PHONY: apt-install
apt-install:
	@missing=""; \
	for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then sudo=""; \
		elif command -v sudo >/dev/null; then sudo="sudo"; \
		else echo "Allium needs some system packages. Install them with:"; \
			echo "  sudo apt-get install -y$$missing"; exit 1; fi; \
		echo "Installing:$$missing"; \
		$$sudo apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: deps fmt vet race fuzz smoke

fmt:
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi

vet:
	go vet ./...

race:
	go test -race -count=1 ./...

# fuzz runs every Fuzz target of every package for FUZZTIME each.
fuzz:
	@for pkg in $$(go list ./...); do \
		for f in $$(go test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			out=$$(go test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) "$$pkg" 2>&1) && continue; \
			echo "$$out" | tail -n 40; \
			if echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input'; then \
				echo "(the fuzzer was slow to stop its workers; no failing input was found)"; continue; fi; \
			exit 1; \
		done; \
	done

# bench runs the benchmarks: per-operation ones on one core, the node's throughput on all
# cores (nodes use them), then what an idle 9-node testnet costs.
bench: deps
	go test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) -cpu=1 \
		$$(go list ./... | grep -v -e '/network/node$$' -e '/engine$$')
	go test -run='^$$' -bench=. -benchtime=3s ./network/node
	scripts/idle-testnet.sh 60

# build builds the desktop app (cgo; the first build compiles OpenGL bindings for a few
# minutes).
build: deps
	go build -tags $(APP_TAGS) -ldflags "-X main.version=$(VERSION)" -o dist/allium .

demo: build
	./dist/allium --demo

smoke: build
	scripts/smoke.sh dist/allium

proto:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(PROTO_PACKAGES)"
	GOBIN=$(CURDIR)/.bin go install $(PROTOC_GEN_GO)
	PATH=$(CURDIR)/.bin:$$PATH protoc --proto_path=. --go_out=. --go_opt=paths=source_relative \
		engine/sessionpb/SessionProtos.proto engine/sessionpb/WebSocketResources.proto

# Allium — build, test, benchmark and package.
#
#   make test    install what is missing, then check formatting, vet, staticcheck, run
#                every test with the race detector, run each fuzz target for a few seconds,
#                run the desktop app's smoke test under a virtual X server, and build and
#                check the Linux and Windows packages (the Windows app runs under Wine)
#   make check   the quick part of make test, for while you edit: formatting, vet,
#                staticcheck and the tests with the race detector
#   make build   build the desktop app into dist/allium
#   make node    build allium-node into dist/allium-node; make cli: allium-cli likewise
#   make demo    build the app and open the demo: Alice and Bob on a private network
#   make smoke   the smoke test alone
#   make bench   run the benchmarks (figures go to BENCHMARKS.md)
#   make proto   regenerate the protobuf code of message contents
#
# Packages and releases (everything goes to dist/; VERSION comes from git describe):
#
#   make package-linux    allium-VERSION-linux-ARCH.tar.xz: the app, its icons, .desktop file,
#                         AppStream metainfo and install.sh
#   make package-windows  allium-VERSION-windows-amd64.zip: Allium.exe with its icon and
#                         version information, cross-compiled with mingw-w64
#   make package-darwin   allium-VERSION-darwin-ARCH.zip: Allium.app (on a Mac only)
#   make package-node     allium-node-VERSION-OS-ARCH archives: static node programs for
#                         Linux, Windows and macOS, with the systemd unit and a sample config
#   make release          the Linux, Windows and node packages, and SHA256SUMS
#   make install          put the app, its icons, .desktop file and metainfo under PREFIX
#   make uninstall        take them away again (PREFIX: /usr/local as root, ~/.local otherwise)
#   make icons            redraw assets/icons/*.png and assets/icon.ico from the SVG drawings
#   make licenses         write assets/licenses.txt again, the licences of the code the
#                         programs link, after a change of go.mod (a test checks it)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Go is normally on PATH; /usr/local/go/bin is where the official Go archive installs.
export PATH := $(PATH):/usr/local/go/bin

# Debian/Ubuntu packages for Fyne's cgo build (and gcc for the race detector), and LAME and
# FAAD2 for voice messages (audio/codec: recording as MP3, playing the AAC of Session's
# phone apps; the app loads libmp3lame0 and libfaad2 when it needs them, and starts without).
# The smoke test adds a virtual X server, xdotool to type, ImageMagick for screenshots, and
# a session bus with a notification server (dunst) and a clock to put in front of the app.
APT_PACKAGES := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libmp3lame-dev libfaad-dev \
	xvfb xdotool imagemagick x11-apps \
	dbus dunst
PROTO_PACKAGES := protobuf-compiler
PROTOC_GEN_GO := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
# staticcheck is installed into .bin/ at this version the first time it is needed.
STATICCHECK_VERSION := v0.8.2

# Packaging: xz for the Linux archive, zip for the Windows and node ones, the mingw-w64 C
# compiler and windres for the Windows app, the AppStream and .desktop validators, and
# rsvg-convert with ImageMagick to draw the icons; curl asks the packaged nodes for their
# info.
LINUX_PACKAGING_PACKAGES := xz-utils appstream desktop-file-utils curl
WINDOWS_PACKAGES := gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64 zip unzip
# Wine runs the Windows app in make test's packaging check.
WINE_PACKAGES := wine64
ICON_PACKAGES := librsvg2-bin imagemagick

FUZZTIME ?= 5s
BENCHTIME ?= 1s

# The app's version, shown by `allium --version` and in Settings › About.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
VERSION := $(VERSION)
# The version as three numbers, for Windows' and macOS's metadata: X.Y.Z from a vX.Y.Z tag,
# FyneApp.toml's Version until there is one.
SHORT_VERSION := $(or $(shell echo '$(VERSION)' | sed -n 's/^v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p'), \
	$(shell sed -n 's/^Version *= *"\([0-9.]*\)"/\1/p' FyneApp.toml))
# Archives get the time of the last commit, so that packing the same files twice gives
# the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
# migrated_fynedo: the app touches widgets only on the Fyne goroutine (FyneApp.toml), so
# Fyne's thread checks are off, as the fyne tool builds it. no_animations: a text cursor
# that blinks forever redraws the window forever; without it an idle window costs nothing.
APP_TAGS := migrated_fynedo,no_animations
# Every build of the app drops this machine's paths (-trimpath), so that make build and the
# packages share compiled packages; packages also drop the symbol table and DWARF (-s -w).
APP_BUILD := go build -tags $(APP_TAGS) -trimpath
APP_LDFLAGS = -s -w -X main.version=$(VERSION)
# allium-node is pure Go and its build id is fixed (empty), so that two builds of the same
# commit are byte-identical; cmd/allium-node/reproducible_test.go checks these flags.
NODE_BUILD = CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -buildid= -X main.version=$(VERSION)"
NODE_PLATFORMS := linux/amd64 linux/arm64 windows/amd64 darwin/amd64 darwin/arm64

# The app is packaged for the machine's own architecture (cgo). Make before 4.4 runs
# $(shell) without the PATH exported above: it is passed here.
ARCH = $(shell PATH='$(PATH)' go env GOARCH)
STAGE := dist/stage
LINUX_NAME = allium-$(VERSION)-linux-$(ARCH)
WINDOWS_NAME = allium-$(VERSION)-windows-amd64
DARWIN_NAME = allium-$(VERSION)-darwin-$(ARCH)
ICON_SIZES := 16 24 32 48 64 128 256 512 1024
# The hicolor sizes installed on Linux; the Windows icon's sizes.
LINUX_ICON_SIZES := 16 24 32 48 64 128 256 512
WINDOWS_ICON_SIZES := 16 24 32 48 64 256

# Archives list their files in name order, owned by root, dated SOURCE_DATE_EPOCH.
TAR := tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	--mode=u+rwX,go+rX,go-w
# PREFIX is where make install puts the app: /usr/local as root, ~/.local otherwise.
PREFIX ?= $(if $(filter 0,$(shell id -u)),/usr/local,$(HOME)/.local)
comma := ,

.PHONY: all deps test check fmt vet staticcheck race fuzz bench proto build node cli perfkit demo smoke
.PHONY: package-linux package-windows package-darwin package-node release checksums
.PHONY: install uninstall icons licenses package-check metainfo-check darwin-check linux-stage

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

test: deps fmt vet staticcheck race fuzz smoke package-check

check: deps fmt vet staticcheck race

fmt:
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi

# vet compiles every package with the app's build flags, so that the app's own build
# (make smoke, the packages) finds them compiled: on an empty build cache that saves
# compiling Fyne and its C code a second time.
vet:
	go vet -tags $(APP_TAGS) -trimpath ./...

# staticcheck reads every package as the app is built (cgo, the app's tags).
staticcheck:
	@.bin/staticcheck -version 2>/dev/null | grep -qF "($(STATICCHECK_VERSION:v%=%))" || \
		{ echo "installing staticcheck $(STATICCHECK_VERSION) into .bin/"; \
		GOBIN=$(CURDIR)/.bin go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); }
	.bin/staticcheck -tags $(APP_TAGS) ./...

race:
	go test -race -count=1 ./...

# fuzz runs every Fuzz target of every package for FUZZTIME each. The targets are found
# in the test files' text: listing them with go test -list would compile every test
# binary once more.
fuzz:
	@go list -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r pkg dir; do \
		for f in $$(cat "$$dir"/*_test.go 2>/dev/null | sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p'); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			out=$$(go test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) "$$pkg" 2>&1) && continue; \
			echo "$$out" | tail -n 40; \
			if echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input'; then \
				echo "(the fuzzer was slow to stop its workers; no failing input was found)"; continue; fi; \
			exit 1; \
		done; \
	done

# bench runs the benchmarks: per-operation ones on one core, the node's throughput on all
# cores (nodes use them), the engine's scenarios on a real testnet (one run each), what an
# idle 9-node testnet costs, and the desktop app next to an empty Fyne window.
bench: deps
	go test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) -cpu=1 \
		$$(go list ./... | grep -v -e '/network/node$$' -e '/engine$$')
	go test -run='^$$' -bench=. -benchtime=3s ./network/node
	go test -run='^$$' -bench=. -benchtime=1x ./engine
	scripts/idle-testnet.sh 60
	scripts/app-perf.sh 30
	$(MAKE) --no-print-directory bench-node

# bench-node drives real allium-node processes through the abuse scenarios of issue 11
# (amplification, slow bodies, clients that never read, catch-up, relaying through one
# guard, idle connections) and prints one line per figure.
.PHONY: bench-node
bench-node:
	scripts/bench-node.sh

# build builds the desktop app. The first build compiles the window toolkit's C code (GLFW
# and the OpenGL bindings) for several minutes with nothing on the terminal, so it says
# so first; go list tells in a fraction of a second whether GLFW is in the build cache.
build: deps
	@[ "$$(go list -tags $(APP_TAGS) -trimpath -f '{{.Stale}}' github.com/go-gl/glfw/v3.3/glfw 2>/dev/null)" = false ] || \
		echo "First build: compiling the window toolkit (Fyne, GLFW and OpenGL, in C) once. It takes a few minutes (about 4 on 2 cores); later builds take seconds."
	$(APP_BUILD) -ldflags "-X main.version=$(VERSION)" -o dist/allium .

# node and cli build the node and the command-line client as the node packages are
# built (pure Go), for this machine; the scripts run them from dist/.
node:
	$(NODE_BUILD) -o dist/allium-node ./cmd/allium-node

cli:
	$(NODE_BUILD) -o dist/allium-cli ./cmd/allium-cli

# perfkit is scripts/app-perf.sh's helper: an empty Fyne window and a profile seeder.
perfkit: deps
	$(APP_BUILD) -o dist/perfkit ./scripts/perfkit

demo: build
	./dist/allium --demo

smoke: build
	scripts/smoke.sh dist/allium

proto:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(PROTO_PACKAGES)"
	GOBIN=$(CURDIR)/.bin go install $(PROTOC_GEN_GO)
	PATH=$(CURDIR)/.bin:$$PATH protoc --proto_path=. --go_out=. --go_opt=paths=source_relative \
		engine/sessionpb/SessionProtos.proto engine/sessionpb/WebSocketResources.proto

# ---- Packages and releases ----

# linux-stage lays out the Linux package in dist/stage: the program, install.sh, the
# .desktop file, the metainfo and the icons in the hicolor theme's layout.
linux-stage: deps
	rm -rf $(STAGE)/$(LINUX_NAME)
	mkdir -p $(STAGE)/$(LINUX_NAME)/icons/hicolor/scalable/apps
	$(APP_BUILD) -ldflags "$(APP_LDFLAGS)" -o $(STAGE)/$(LINUX_NAME)/allium .
	cp packaging/linux/install.sh packaging/linux/README.txt \
		packaging/linux/org.allium.Allium.desktop packaging/linux/org.allium.Allium.metainfo.xml \
		$(STAGE)/$(LINUX_NAME)/
	cp assets/licenses.txt $(STAGE)/$(LINUX_NAME)/LICENSES.txt
	cp assets/icon.svg $(STAGE)/$(LINUX_NAME)/icons/hicolor/scalable/apps/org.allium.Allium.svg
	for s in $(LINUX_ICON_SIZES); do \
		mkdir -p $(STAGE)/$(LINUX_NAME)/icons/hicolor/$${s}x$${s}/apps; \
		cp assets/icons/icon-$$s.png $(STAGE)/$(LINUX_NAME)/icons/hicolor/$${s}x$${s}/apps/org.allium.Allium.png; \
	done

package-linux: linux-stage
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(LINUX_PACKAGING_PACKAGES)"
	$(TAR) -C $(STAGE) -cf - $(LINUX_NAME) | xz -6 >dist/$(LINUX_NAME).tar.xz
	@ls -l dist/$(LINUX_NAME).tar.xz

install: linux-stage
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" sh $(STAGE)/$(LINUX_NAME)/install.sh

uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" sh packaging/linux/install.sh --uninstall

# package-windows cross-compiles the app with mingw-w64. windres compiles the icon, the
# manifest and the version information into a .syso; the Go tool links .syso files only
# from the package's own directory, so it sits next to main.go for the build and no
# longer (its _windows_amd64 suffix hides it from every other build meanwhile).
package-windows: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(WINDOWS_PACKAGES)"
	rm -rf $(STAGE)/windows
	mkdir -p $(STAGE)/windows/$(WINDOWS_NAME)
	printf '#define ALLIUM_VERSION %s,0\n#define ALLIUM_VERSION_STR "%s"\n' \
		'$(subst .,$(comma),$(SHORT_VERSION))' '$(VERSION)' >$(STAGE)/windows/version.h
	x86_64-w64-mingw32-windres -I $(STAGE)/windows -i packaging/windows/allium.rc \
		-O coff -o $(STAGE)/windows/rsrc.syso
	cp $(STAGE)/windows/rsrc.syso rsrc_windows_amd64.syso; \
	trap 'rm -f rsrc_windows_amd64.syso' EXIT; \
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
		$(APP_BUILD) -ldflags "$(APP_LDFLAGS) -H windowsgui" \
		-o $(STAGE)/windows/$(WINDOWS_NAME)/Allium.exe .
	cp assets/licenses.txt $(STAGE)/windows/$(WINDOWS_NAME)/LICENSES.txt
	touch -d @$(SOURCE_DATE_EPOCH) $(STAGE)/windows/$(WINDOWS_NAME)/*
	rm -f dist/$(WINDOWS_NAME).zip
	cd $(STAGE)/windows/$(WINDOWS_NAME) && TZ=UTC zip -X -q ../../../$(WINDOWS_NAME).zip Allium.exe LICENSES.txt
	@ls -l dist/$(WINDOWS_NAME).zip

# package-darwin builds Allium.app on a Mac with Go and the Xcode command line tools
# (xcode-select --install): cgo needs Apple's SDK, which no Linux machine has.
package-darwin:
	@[ "$$(uname -s)" = Darwin ] || { echo "package-darwin: Allium.app is built on a Mac (cgo needs Apple's SDK); see README.md, Download and run."; exit 1; }
	rm -rf $(STAGE)/darwin && mkdir -p $(STAGE)/darwin
	$(APP_BUILD) -ldflags "$(APP_LDFLAGS)" -o $(STAGE)/darwin/allium .
	sh packaging/darwin/bundle.sh $(STAGE)/darwin/allium $(SHORT_VERSION) $(STAGE)/darwin
	rm -f dist/$(DARWIN_NAME).zip
	cd $(STAGE)/darwin && ditto -c -k --keepParent Allium.app ../../$(DARWIN_NAME).zip
	@ls -l dist/$(DARWIN_NAME).zip

# package-node builds allium-node for every platform in NODE_PLATFORMS: a .tar.gz with the
# sample config (and, for Linux, the systemd unit), a .zip for Windows.
package-node:
	@$(MAKE) --no-print-directory apt-install PACKAGES="zip"
	rm -rf $(STAGE)/node
	for p in $(NODE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=allium-node-$(VERSION)-$$os-$$arch; dir=$(STAGE)/node/$$name; \
		exe=allium-node; [ $$os != windows ] || exe=allium-node.exe; \
		echo "allium-node $$os/$$arch"; \
		mkdir -p $$dir; \
		GOOS=$$os GOARCH=$$arch $(NODE_BUILD) -o $$dir/$$exe ./cmd/allium-node; \
		cp packaging/node/node.toml $$dir/; \
		cp assets/licenses.txt $$dir/LICENSES.txt; \
		[ $$os != linux ] || cp packaging/node/allium-node.service $$dir/; \
		chmod 0644 $$dir/node.toml $$dir/LICENSES.txt; \
		find $$dir -exec touch -d @$(SOURCE_DATE_EPOCH) {} +; \
		if [ $$os = windows ]; then \
			rm -f dist/$$name.zip; \
			(cd $(STAGE)/node && TZ=UTC zip -X -q -r ../../$$name.zip $$name); \
		else \
			$(TAR) -C $(STAGE)/node -cf - $$name | gzip -n -9 >dist/$$name.tar.gz; \
		fi; \
	done
	@ls -l dist/allium-node-$(VERSION)-*

# release builds every package this machine can build; a Mac's Allium.app from make
# package-darwin of the same commit, put in dist/ first, is listed in SHA256SUMS too.
release: package-linux package-windows package-node checksums

checksums:
	cd dist && sha256sum $$(ls allium-$(VERSION)-*.tar.xz allium-$(VERSION)-*.zip \
		allium-node-$(VERSION)-* 2>/dev/null) >SHA256SUMS
	cat dist/SHA256SUMS

# icons redraws the PNGs and the Windows icon from the SVG drawings: assets/icon-16.svg
# for 16 pixels, assets/icon.svg for the rest. The results are committed.
icons:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(ICON_PACKAGES)"
	mkdir -p assets/icons
	for s in $(ICON_SIZES); do \
		src=assets/icon.svg; [ $$s != 16 ] || src=assets/icon-16.svg; \
		rsvg-convert -w $$s -h $$s $$src -o assets/icons/icon-$$s.png; \
	done
	convert $(foreach s,$(WINDOWS_ICON_SIZES),assets/icons/icon-$(s).png) -strip assets/icon.ico

licenses:
	go run ./scripts/licenses >assets/licenses.txt.new
	mv assets/licenses.txt.new assets/licenses.txt

# package-check is make test's packaging step: it builds the Linux and Windows packages
# and checks what they hold, validates the metainfo and the .desktop file, and compiles
# every package that needs no cgo for macOS. Then it follows the README's download-and-run
# steps with each package, and runs the smoke test with the program from the package: the
# Linux one installed with install.sh, the Windows one under Wine; and it starts three
# nodes from the Linux node archive with its sample config (scripts/package-smoke.sh).
# (The identical-binaries test of allium-node runs with the other tests.)
package-check: package-linux package-windows metainfo-check darwin-check
	@tar -tJf dist/$(LINUX_NAME).tar.xz >$(STAGE)/linux-files
	@for f in allium install.sh LICENSES.txt org.allium.Allium.desktop org.allium.Allium.metainfo.xml \
		icons/hicolor/16x16/apps/org.allium.Allium.png icons/hicolor/scalable/apps/org.allium.Allium.svg; do \
		grep -qx "$(LINUX_NAME)/$$f" $(STAGE)/linux-files || { echo "package-linux: $$f is missing"; exit 1; }; \
	done
# The listings go to files first: with pipefail, a grep -q that stops at its match can
# fail the pipe (SIGPIPE) while objdump or unzip is still writing.
	@x86_64-w64-mingw32-objdump -h $(STAGE)/windows/$(WINDOWS_NAME)/Allium.exe >$(STAGE)/windows-sections
	@grep -q '\.rsrc' $(STAGE)/windows-sections || { echo "package-windows: Allium.exe has no resources"; exit 1; }
	@unzip -Z1 dist/$(WINDOWS_NAME).zip >$(STAGE)/windows-files
	@for f in Allium.exe LICENSES.txt; do \
		grep -qx "$$f" $(STAGE)/windows-files || { echo "package-windows: the zip has no $$f"; exit 1; }; \
	done
	@echo "packages: dist/$(LINUX_NAME).tar.xz and dist/$(WINDOWS_NAME).zip are complete"
	scripts/package-smoke.sh linux dist/$(LINUX_NAME).tar.xz
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(WINE_PACKAGES)"
	scripts/package-smoke.sh windows dist/$(WINDOWS_NAME).zip
	@$(MAKE) --no-print-directory package-node NODE_PLATFORMS=linux/$(ARCH)
	scripts/package-smoke.sh node dist/allium-node-$(VERSION)-linux-$(ARCH).tar.gz

metainfo-check:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(LINUX_PACKAGING_PACKAGES)"
	appstreamcli validate --no-net packaging/linux/org.allium.Allium.metainfo.xml
	desktop-file-validate packaging/linux/org.allium.Allium.desktop

# darwin-check compiles and vets, for macOS on Intel and on Apple Silicon, every package
# that needs no cgo: all but the app's, which only a Mac can build.
darwin-check:
	@pkgs=$$(GOOS=darwin CGO_ENABLED=1 go list \
		-f '{{.ImportPath}}{{range .Deps}}{{if eq . "runtime/cgo"}} cgo{{end}}{{end}}' ./... | awk 'NF == 1'); \
	for arch in amd64 arm64; do \
		echo "darwin/$$arch: go build and go vet of" $$pkgs; \
		GOOS=darwin GOARCH=$$arch CGO_ENABLED=0 go build $$pkgs; \
		GOOS=darwin GOARCH=$$arch CGO_ENABLED=0 go vet $$pkgs; \
	done

# Valise: `make run` opens the workstation on a demo library, `make test` runs
# every test. Both install what they need on a Debian/Ubuntu machine first.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# Build and run: WebKitGTK 4.1 and friends, and Noto (its Naskh and Sans
# Arabic faces are the ones the UI asks for, so Arabic reads well on a fresh
# machine). Tests and headless runs: Xvfb, WebKit's WebDriver, ImageMagick for
# screenshots, cmark for the benchmark, translate-toolkit and xmllint for the
# XLIFF round-trip and schema tests. A private WordPress for the sync tests and
# `make wordpress`: Debian's WordPress and a theme, MariaDB, PHP's CLI with
# mysqli, intl (NFC for the content hash), curl (the checks); apt also brings
# apache2, the package's declared web server, which these targets do not use.
# The keyring test: GNOME Keyring's Secret Service on a private D-Bus session.
SYSTEM_PACKAGES := libwebkit2gtk-4.1-dev build-essential file libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev pkg-config curl fonts-noto-core \
	xvfb xauth webkit2gtk-driver imagemagick cmark python3-translate libxml2-utils \
	wordpress wordpress-theme-twentytwentythree mariadb-server php-cli php-mysql \
	php-intl php-curl gnome-keyring dbus-daemon

APP := target/debug/valise-app
CLI := target/debug/valise
DEMO_LIBRARY := target/demo/library.sqlite3
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test system-deps node-deps ui app demo tauri-driver lint unit ui-test e2e bindings bench clean-demo \
	wordpress wordpress-stop wordpress-test

## Setup ---------------------------------------------------------------------

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing system packages:" $$missing; \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

node-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

## Build ---------------------------------------------------------------------

ui: node-deps
	cd ui && npm run build

# The app embeds ui/dist at compile time, so the UI is built first.
app: system-deps ui
	cargo build -p valise -p valise-cli

demo: app
	@if [ ! -f $(DEMO_LIBRARY) ]; then \
	    mkdir -p $(dir $(DEMO_LIBRARY)) && \
	    $(CLI) --library $(DEMO_LIBRARY) import src-tauri/demo; \
	fi

clean-demo:
	rm -f $(DEMO_LIBRARY) $(DEMO_LIBRARY)-wal $(DEMO_LIBRARY)-shm

## Run -----------------------------------------------------------------------

run: demo
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	    $(APP) --library $(DEMO_LIBRARY); \
	else \
	    echo "No display: running under Xvfb (xvfb-run)."; \
	    xvfb-run -a -s "-screen 0 1280x820x24" $(APP) --library $(DEMO_LIBRARY); \
	fi

## A private WordPress to try Valise against ----------------------------------

WP_DIR := target/wordpress/site

wordpress: system-deps
	@if [ -f $(WP_DIR).json ] && curl -fs -o /dev/null "$$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["url"])' $(WP_DIR).json)/wp-json/"; then \
	    echo "A site is already running:"; \
	else \
	    [ -x $(WP_DIR)/stop ] && $(WP_DIR)/stop; rm -rf $(WP_DIR) $(WP_DIR).json; mkdir -p $(dir $(WP_DIR)); \
	    tests/wordpress/start $(WP_DIR) > $(WP_DIR).json || exit 1; \
	fi
	@python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); \
	print("  site:      " + s["url"] + "/"); \
	print("  wp-admin:  " + s["url"] + "/wp-admin/  (login " + s["admin"]["login"] + ", password " + s["admin"]["password"] + ")"); \
	[print("  %-10s %-17s Application Password: %s" % (u["login"], u["role"], u["password"])) for u in s["users"]]; \
	print("  run cron:  " + s["cron"]); \
	print("  stop it:   make wordpress-stop   (everything it started is under $(WP_DIR))")' $(WP_DIR).json

wordpress-stop:
	@if [ -x $(WP_DIR)/stop ]; then $(WP_DIR)/stop && echo "Stopped the site in $(WP_DIR)."; else echo "No site in $(WP_DIR)."; fi
	@rm -f $(WP_DIR).json

## Test ----------------------------------------------------------------------

test: system-deps tauri-driver ui lint unit wordpress-test ui-test e2e
	@echo "All Valise tests passed."

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check

unit:
	cargo test -p valise-core -p valise-cli

# The companion plugin on a real WordPress (two private sites, stopped even
# when a check fails; under a minute).
wordpress-test: system-deps
	tests/wordpress/check

ui-test: node-deps
	cd ui && npm test

# End to end: the real app window under Xvfb, driven through tauri-driver.
e2e: app tauri-driver
	VALISE_E2E_APP=$(abspath $(APP)) xvfb-run -a -s "-screen 0 1280x820x24" \
	    cargo test -p valise-e2e -- --test-threads=1 --nocapture

bindings:
	VALISE_WRITE_BINDINGS=1 cargo test -p valise-core --lib bindings

# Every figure of BENCHMARKS.md. The start-up figure runs the release app.
bench: system-deps ui tauri-driver
	cargo build --release -p valise -p valise-cli
	cargo bench -p valise-core --bench figures
	cargo bench -p valise-core --bench wordpress
	VALISE_E2E_APP=$(abspath target/release/valise-app) xvfb-run -a -s "-screen 0 1280x820x24" \
	    cargo bench -p valise-e2e --bench keystroke --bench cli_to_window --bench assets_window

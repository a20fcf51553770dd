#!/usr/bin/env bash
# Installs what building, serving and testing BRIDGE Lab need, skipping whatever is already
# there (a warm run takes about a second). Sourced by serve.sh and test.sh; run it alone too.
#   scripts/install.sh          the app's toolchain: wasm32 target, trunk, wasm-bindgen-cli, and
#                               binaryen's wasm-opt from npm (tools/; runs under node, offline)
#   scripts/install.sh --tests  also Chromium + ChromeDriver, shellcheck (Debian), playwright-core and axe-core (npm)
set -euo pipefail

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen crate pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[install]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1
  fi
}

install_rust_tools() {
  command -v cargo >/dev/null || { say "cargo not found: install Rust from https://rustup.rs first"; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 6 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
    # Not --locked: its lockfile names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# wasm-opt for release builds: npm's binaryen (Debian's 108 breaks our output, TOOLCHAIN.md).
# Callers put tools/node_modules/.bin on PATH, where trunk looks for it.
install_wasm_opt() {
  command -v npm >/dev/null || { say "npm not found: install Node.js 20 first"; exit 1; }
  if [ "$("$root/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null)" != "wasm-opt version 132 (version_132)" ]; then
    say "installing binaryen's wasm-opt 132 from npm"
    (cd "$root/tools" && npm ci --no-audit --no-fund --silent)
  fi
}

install_browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and ChromeDriver from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ ! -d "$root/tests/e2e/node_modules/playwright-core" ] || [ ! -d "$root/tests/e2e/node_modules/axe-core" ]; then
    say "installing playwright-core (drives the system Chromium; downloads no browser) and axe-core"
    (cd "$root/tests/e2e" && npm ci --no-audit --no-fund --silent)
  fi
}

install_shellcheck() {
  if ! command -v shellcheck >/dev/null; then
    say "installing shellcheck from Debian (the tests lint deploy/slurm/ with it)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
  fi
}

install_rust_tools
install_wasm_opt
if [ "${1:-}" = "--tests" ]; then
  install_browser
  install_shellcheck
fi

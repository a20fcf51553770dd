#!/usr/bin/env bash
# Installs what is needed and runs every check and test: formatting, clippy (native and wasm32),
# docs, native unit/property/integration tests, wasm tests in headless Chromium, the benchmarks'
# build, and the end-to-end test of the built app in headless Chromium.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install.sh" --tests
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"
cd "$root"

started=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - started ))" >&2; }
wasm=wasm32-unknown-unknown

step "format"
cargo fmt --check

step "clippy, native"
cargo clippy --all-targets --quiet -- -D warnings
step "clippy, wasm32"
cargo clippy --target $wasm --lib --bins --test web --quiet -- -D warnings

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target $wasm --lib

step "native tests"
cargo test --quiet

step "wasm tests in headless Chromium"
WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --target $wasm --test web

step "benchmarks build"
cargo bench --no-run --quiet

step "release builds: the CLI and the app"
cargo build --release --quiet --bin bridge
trunk build --release --offline

step "end-to-end in headless Chromium"
node tests/e2e/exact.mjs
node tests/e2e/classroom.mjs
node tests/e2e/graph_leader.mjs

step "all tests passed"

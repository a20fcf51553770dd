#!/usr/bin/env bash
# Runs the benchmarks: criterion natively (exact solver, value look-ups, leader, baselines,
# followers), the leader's and followers' wasm benchmark in headless Chromium and the bi-level
# trainer's wall time in the page (tests/e2e/page_lbf_bench.mjs), several seeds at once
# against one after another (tests/e2e/page_seeds_bench.mjs), the graph leader in the page
# against the command line (tests/e2e/page_graph_bench.mjs) and how soon a first visit can use
# the page (tests/e2e/page_load_bench.mjs) with what it downloads (scripts/sizes.sh), then prints
# their wasm/native ratios measured in this one run. Figures go to target/bench-summary.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install.sh" --tests
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"
cd "$root"
out=target/bench-summary.md
mkdir -p target

cargo bench --bench exact -- --warm-up-time 1 --measurement-time 4 | tee target/bench-exact.txt
cargo bench --bench values -- --warm-up-time 1 --measurement-time 2 | tee target/bench-values.txt
cargo bench --bench leader -- --warm-up-time 1 --measurement-time 4 | tee target/bench-leader.txt
cargo bench --bench baselines -- --warm-up-time 1 --measurement-time 3 | tee target/bench-baselines.txt
cargo bench --bench followers -- --warm-up-time 1 --measurement-time 4 | tee target/bench-followers.txt
WASM_BINDGEN_TEST_TIMEOUT=600 cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture | tee target/bench-wasm.txt
# The bi-level trainer's wall time in the page (teaching and 6a4t with the page's defaults).
trunk build --release --offline
# What a first visit downloads, and the milliseconds to the first panel usable and to the
# worker's Ready.
scripts/sizes.sh dist | tee target/bench-sizes.txt
node tests/e2e/page_load_bench.mjs 5 | tee target/bench-page-load.txt
node tests/e2e/page_lbf_bench.mjs teaching 6a4t | tee target/bench-page-lbf.txt
# Several seeds at once in the page against one after another.
cargo build --release --quiet --bin bridge
node tests/e2e/page_seeds_bench.mjs | tee target/bench-page-seeds.txt
# The graph leader's training and search in the page against the command line.
node tests/e2e/page_graph_bench.mjs 300 | tee target/bench-page-graph.txt

python3 - "$out" <<'PY'
import re, sys
unit = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
native = {}
name = None
for line in open("target/bench-leader.txt", encoding="utf-8").readlines() + open(
        "target/bench-followers.txt", encoding="utf-8").readlines():
    # criterion prints a long benchmark id on a line of its own, before the time.
    m = re.match(r"^(\S*)\s+time:\s+\[\S+ \S+ (\S+) (\S+)", line)
    if m:
        native[m.group(1) or name] = float(m.group(2)) * unit[m.group(3)]
    elif re.match(r"^\S+$", line.strip()) and not line.startswith(" "):
        name = line.strip()
wasm = {}
for line in open("target/bench-wasm.txt", encoding="utf-8"):
    m = re.search(r"bench (\S+) ([0-9.]+)", line)
    if m:
        wasm[m.group(1)] = float(m.group(2))
rows = ["| benchmark | native ms | wasm ms | wasm / native |", "|---|---|---|---|"]
for name in sorted(set(native) | set(wasm)):
    n, w = native.get(name), wasm.get(name)
    show = lambda x: "-" if x is None else f"{x:.4g}"
    ratio = f"{w / n:.2f}" if n and w else "-"
    rows.append(f"| {name} | {show(n)} | {show(w)} | {ratio} |")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "summary in $out" >&2

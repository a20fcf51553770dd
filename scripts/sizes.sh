#!/usr/bin/env bash
# What a first visit downloads: the JavaScript and wasm of each built app directory given
# (default dist/), raw and gzipped (gzip -9, as a server would send them), with the total.
#   scripts/sizes.sh                  the current build
#   scripts/sizes.sh old/dist dist    two builds, one after the other
set -euo pipefail
[ $# -gt 0 ] || set -- dist
for dir in "$@"; do
  echo "$dir:"
  total=0 total_gz=0
  for f in "$dir"/*.js "$dir"/*.wasm; do
    [ -e "$f" ] || continue
    raw=$(stat -c %s "$f")
    gz=$(gzip -9c "$f" | wc -c)
    total=$((total + raw)) total_gz=$((total_gz + gz))
    printf '  %-36s %9d bytes  %8d gzipped\n' "$(basename "$f")" "$raw" "$gz"
  done
  printf '  %-36s %9d bytes  %8d gzipped\n' "total" "$total" "$total_gz"
done

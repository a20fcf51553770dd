#!/usr/bin/env bash
# Installs what is needed, builds the app (release) and serves it on http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install.sh"
export PATH="$HOME/.cargo/bin:$root/tools/node_modules/.bin:$PATH"
cd "$root"
port=${PORT:-8080}
echo "BRIDGE Lab: building, then serving on http://127.0.0.1:$port/ (Ctrl-C stops)" >&2
exec trunk serve --offline --release --address 127.0.0.1 --port "$port"

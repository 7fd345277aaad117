#!/usr/bin/env bash
# Everything a fresh Debian machine needs to build, run and test Hyperlab. Idempotent.
#   - Debian packages: Chromium (UI tests), PyTorch + OpenBLAS (numerical reference),
#     FashionMNIST (real data), build tools for native modules, SLURM + munge (a single-node
#     cluster for the SLURM tests, started by test/slurm/start-slurm.sh)
#   - Node 24 from the npm registry, first on PATH (scripts/node24.sh)
#   - npm ci, the build, and a real VS Code (code-server) for the integration tests
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev
  chromium python3-torch python3-numpy libopenblas0-pthread dataset-fashion-mnist curl
  slurm-wlm munge)
# pip installs the client's wheel in its test; venv makes the client benchmark's environment for its peers
APT_PACKAGES+=(python3-pip python3-venv)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

N24=$(bash scripts/node24.sh)
export PATH="$N24/bin:$PATH"
export npm_config_nodedir="$N24"   # native addons build against Node 24's headers, not the system Node's
export ONNXRUNTIME_NODE_INSTALL=skip # its CPU binaries are in the npm package; the install script only fetches CUDA parts from outside the registry
hash -r
echo "node $(node --version), npm $(npm --version)"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
if [ -f test/e2e/setup-vscode.sh ]; then bash test/e2e/setup-vscode.sh; fi

#!/usr/bin/env bash
# Builds the web console into src/Nube.Service/wwwroot, where nubed's project picks it up (build
# and publish). Installs the pinned npm packages first (npm ci, from package-lock.json) when
# node_modules is missing or the lock changed since the last install. Needs Node 18 or newer.
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "web/build.sh: node and npm are required (scripts/install-deps.sh installs them)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || { echo "web/build.sh: Node 18 or newer is required, found $(node --version)" >&2; exit 1; }

stamp=node_modules/.nube-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[web] installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
echo "[web] building the web console"
npm run --silent build -- --logLevel warn

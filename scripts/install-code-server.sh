#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3, the last release that runs on Node 20)
# for end-to-end tests of the extension on this kind of machine: no GitHub, no VS Code download.
# Usage: scripts/install-code-server.sh [TARGET_DIR]   (default: $HOME/.cache/code-server-4.100.3)
# Prints the path of entry.js last. Idempotent: a finished install is reused.
# The project's copy of /work/shared/tools/install-code-server.sh; test/e2e uses the install it leaves (or the entry.js in
# $TRIBUTARY_CODE_SERVER).
set -euo pipefail
VERSION=4.100.3
TARGET=${1:-$HOME/.cache/code-server-$VERSION}
if [ -f "$TARGET/.installed" ]; then echo "$TARGET/package/out/node/entry.js"; exit 0; fi

# Native build headers and ripgrep (VS Code's own ripgrep package downloads from GitHub, which fails here).
need=""
for p in libkrb5-dev ripgrep pkg-config; do dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"; done
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else echo "install these Debian packages first:$need" >&2; exit 1; fi
fi

GYP=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
[ -f "$GYP" ] || GYP=/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
# Build against the headers of the machine's own Node (no header download).
NODEDIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
[ -d "$NODEDIR/include/node" ] || { echo "no Node headers under $NODEDIR/include/node" >&2; exit 1; }

rm -rf "$TARGET"; mkdir -p "$TARGET"; cd "$TARGET"
npm pack "code-server@$VERSION" --silent >/dev/null
tar xzf "code-server-$VERSION.tgz" && rm "code-server-$VERSION.tgz"
cd package
npm install --omit=dev --ignore-scripts --no-audit --no-fund --silent
npm rebuild argon2 --build-from-source --silent >/dev/null

cd lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund --silent
for m in kerberos @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog node-pty; do
  [ -f "node_modules/$m/binding.gyp" ] || continue
  (cd "node_modules/$m" && node "$GYP" rebuild --nodedir="$NODEDIR" >/dev/null 2>&1) || { echo "native build failed: $m" >&2; exit 1; }
done
mkdir -p node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --silent)

touch "$TARGET/.installed"
echo "$TARGET/package/out/node/entry.js"

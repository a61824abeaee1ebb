#!/usr/bin/env bash
# Debian packages the test suites drive: kcat and confluent-kafka-python (both librdkafka) for the compat tests, with
# requests and jsonschema for its schema registry client and JSON Schema serializer,
# Chromium for the webview and end-to-end tests; libkrb5-dev, ripgrep and pkg-config for the real VS Code the
# end-to-end tests run (code-server 4.100.3, installed once by scripts/install-code-server.sh under
# ~/.cache/code-server-4.100.3, about 2 minutes; reused afterwards). Needs root for the packages (CI runs as root);
# elsewhere it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
need=""
for p in kcat python3-confluent-kafka python3-requests python3-jsonschema chromium libkrb5-dev ripgrep pkg-config rapidjson-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    echo "installed:$need"
  else
    echo "the real-client and end-to-end tests need these Debian packages:$need (sudo apt-get install$need); without them those tests skip" >&2
    exit 0
  fi
fi
# The real VS Code for test/e2e (idempotent: a finished install is reused), in the home of whoever runs the tests:
# under sudo, the invoking user's.
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  sudo -u "$SUDO_USER" -H bash scripts/install-code-server.sh >/dev/null
else
  bash scripts/install-code-server.sh >/dev/null
fi

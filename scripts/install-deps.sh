#!/usr/bin/env bash
# Debian packages the test suites drive: kcat and confluent-kafka-python (both librdkafka) for the compat tests,
# Chromium for the webview tests. Needs root (CI runs as root); elsewhere it says what to install.
set -euo pipefail
need=""
for p in kcat python3-confluent-kafka chromium; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  echo "installed:$need"
else
  echo "the real-client tests need these Debian packages:$need (sudo apt-get install$need); without them those tests skip" >&2
fi

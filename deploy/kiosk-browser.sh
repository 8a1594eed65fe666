#!/usr/bin/env bash
# Full-screen kiosk browser with a throw-away profile: nothing survives a restart.
set -euo pipefail
profile=$(mktemp -d /tmp/vital5-browser.XXXXXX)
trap 'rm -rf "$profile"' EXIT
until curl -fsS http://127.0.0.1:8000/healthz > /dev/null; do sleep 1; done
exec chromium --kiosk --incognito --no-first-run --disable-translate \
  --disable-pinch --overscroll-history-navigation=0 --disable-background-networking \
  --user-data-dir="$profile" http://127.0.0.1:8000/

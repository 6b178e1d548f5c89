#!/usr/bin/env bash
# Retakes the README's screenshots (docs/*.png) from the demo content: starts the built portal on a new data folder
# with the demo on, waits until its outputs are scored and its simulated participants have voted, and drives
# Chromium over it (scripts/screenshots.mjs). With --walk DIR: every page in both themes into DIR instead.
# Usage: scripts/screenshots.sh [--walk DIR]   (after scripts/setup.sh: Debian's chromium, and the Node.js that
# Playwright's .NET package brings with the tests' build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
email=screenshots@camreview.test
password=screenshots-password-1234
work=$(mktemp -d)
portal_pid=
trap '[[ -n $portal_pid ]] && { kill -TERM "$portal_pid" 2> /dev/null; wait "$portal_pid" 2> /dev/null; }; rm -rf "$work"' EXIT

CAMREVIEW__ADMIN__EMAIL=$email CAMREVIEW__ADMIN__PASSWORD=$password CAMREVIEW__ADMIN__DISPLAYNAME="Ada Lovelace" \
  "$root/camreview" serve --urls http://127.0.0.1:0 --data "$work/data" > "$work/portal.log" 2>&1 &
portal_pid=$!
url=
for ((i = 0; i < 600; i++)); do
  url=$(sed -n 's/^CamReview is running at \(http[^ ]*\).*/\1/p' "$work/portal.log" | head -1)
  [[ -n $url ]] && curl -fsS -o /dev/null "$url/health" && break
  kill -0 "$portal_pid" 2> /dev/null || { cat "$work/portal.log" >&2; exit 1; }
  url=
  sleep 0.1
done
[[ -n $url ]] || { echo "the portal did not start" >&2; cat "$work/portal.log" >&2; exit 1; }
"$root/tests/CamReview.Web.Tests/bin/Release/net10.0/.playwright/node/linux-x64/node" "$root/scripts/screenshots.mjs" "$url" "$email" "$password" "$@"

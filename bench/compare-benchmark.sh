#!/usr/bin/env bash
# Server time to render the compare page of a pair with 6 outputs (and its read-only share page).
# A real portal on a new data folder: a 49-frame 1280x720 reference (the real Megamind shot), a target image, a
# pair, and 6 outputs imported as other methods' results (homography transfers of the target at different pan
# speeds, made with `camreview render`), each analysed and scored by the portal's jobs before timing starts.
# Timed with curl's time_total on loopback, signed in: GET /projects/{p}/pairs/{id}/compare is the server-side
# render of the whole page (the comparison loaded from SQLite, the metric table, the three Plotly figures as JSON,
# comments, share links) before the browser connects its live circuit; GET /share/{token} is the static page.
# Then in Chromium (Debian's, driven by Playwright for Node, bench/page-interactive.mjs): the compare page opened LOADS
# times by the signed-in user, from the start of the navigation to the first byte, the page shown, interactive (its
# live circuit up, so clicks are answered) and every Plotly figure drawn.
# Usage: bench/compare-benchmark.sh [REQUESTS] [LOADS]   (defaults 30 per page after 3 warm-up requests, and 10
# loads; median and p95)
set -euo pipefail
requests=${1:-30}
loads=${2:-10}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
work=$(mktemp -d); trap 'portal_stop; rm -rf "$work"' EXIT
jar=$work/cookies.txt

reference_clip "$work/reference.mp4"
ffmpeg -v error -i "$data/Megamind.avi" -vf "select='eq(n,120)',scale=1280:720" -frames:v 1 "$work/target.png"
speeds=(0.2 0.3 0.4 0.5 0.6 0.8)
for i in "${!speeds[@]}"; do
  "$cli" render --trajectory pan-right --speed "${speeds[$i]}" --frames 49 --target "$work/target.png" --out "$work/method-$i.mp4" > /dev/null
done

machine
portal_start "$work/data" "$work/portal.log"
portal_sign_in
project=$(portal_project "Compare benchmark")
reference=$(portal_upload "$project" reference-video "$work/reference.mp4" video/mp4 | json_field '["id"]')
target=$(portal_upload "$project" target-image "$work/target.png" image/png | json_field '["id"]')
pair=$(api POST "projects/$project/pairs" "{\"referenceAssetId\": $reference, \"targetAssetId\": $target}" | json_field '["id"]')
for i in "${!speeds[@]}"; do
  portal_upload "$project" output "$work/method-$i.mp4" video/mp4 -F "methodName=method $((i + 1)) (pan ${speeds[$i]} deg/frame)" -F "pairId=$pair" > /dev/null
done
portal_wait_idle "$project"
scored=$(api GET "pairs/$pair/metrics.json" | json_field '; v=sum(o["metrics"]["cameraScore"]["value"] is not None for o in d["outputs"])')
[[ $scored == 6 ]] || { echo "only $scored of 6 outputs were scored" >&2; exit 1; }
share=$(api POST "pairs/$pair/share-links" '{"label": "benchmark", "expiresInDays": 1}' | json_field '["url"]')

# times URL  requests URL $requests times (after 3 warm-ups) and prints the times in milliseconds, one per line.
times() {
  local i
  for ((i = 0; i < 3; i++)); do curl -fsS -o /dev/null -b "$jar" "$1"; done
  for ((i = 0; i < requests; i++)); do curl -fsS -o /dev/null -b "$jar" -w '%{time_total}\n' "$1"; done | awk '{ printf "%.1f\n", $1 * 1000 }'
}
p95() { sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); if (i > NR) i = NR; print a[i] }'; }

echo "pair $pair: reference 1280x720 49 frames, 6 scored outputs; $requests requests per page after 3 warm-ups"
echo
echo "| page | median ms | p95 ms | HTML bytes |"
echo "|---|---|---|---|"
for page in "compare page|$portal_url/projects/$project/pairs/$pair/compare" "share page|$portal_url/$share"; do
  name=${page%%|*}; url=${page#*|}
  times "$url" > "$work/times.txt"
  size=$(curl -fsS -b "$jar" "$url" | wc -c)
  echo "| $name | $(median < "$work/times.txt") | $(p95 < "$work/times.txt") | $size |"
done

# In Chromium: a signed-in user opening the compare page, $loads times (bench/page-interactive.mjs).
node=$root/tests/CamReview.Web.Tests/bin/Release/net10.0/.playwright/node/linux-x64/node
"$node" "$root/bench/page-interactive.mjs" "$portal_url/" "$admin_email" "$admin_password" "projects/$project/pairs/$pair/compare" "$loads" > "$work/browser.tsv"
echo
echo "compare page in Chromium, $loads loads (ms from the start of the navigation):"
echo
echo "| step | median ms | p95 ms |"
echo "|---|---|---|"
for column in "1|server's first byte" "2|page shown (DOMContentLoaded)" "3|interactive (live circuit)" "4|every plot drawn"; do
  tail -n +2 "$work/browser.tsv" | cut -f"${column%%|*}" > "$work/column.txt"
  echo "| ${column#*|} | $(median < "$work/column.txt") | $(p95 < "$work/column.txt") |"
done
echo "plots on the page: $(tail -n +2 "$work/browser.tsv" | cut -f5 | sort -u | tr '\n' ' ')"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Time from "Render" to the first progress a viewer sees, and to 100 %, on the real portal: renders started through
# the API (POST /api/pairs/{id}/renders), progress received over SignalR (/hubs/review, "job" updates of the
# project's group) by bench/FirstProgress, one render at a time.
# The pair: the 1280x720 Megamind reference of bench/render-benchmark.sh (49 frames) and graf1.png, rendered by
# homography transfer of the reference's motion at 1280x720. A first portal process makes the project, uploads and
# pair, and lets the upload's reference analysis finish (cached in the data folder, as on any portal); then a new
# process on the same data folder runs the renders, so the first render is the first after start (cold). The
# renders after it are warm. Default job settings (one job at a time on this 2-core machine).
# Usage: bench/first-progress-benchmark.sh [WARM_RENDERS]   (default 10; medians reported)
set -euo pipefail
warm=${1:-10}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
work=$(mktemp -d); trap 'portal_stop; rm -rf "$work"' EXIT
jar=$work/cookies.txt
dotnet build "$root/bench/FirstProgress" -c Release -nologo -v quiet -clp:NoSummary > "$work/build.log" || { cat "$work/build.log"; exit 1; }
probe=$root/bench/FirstProgress/bin/Release/net10.0/FirstProgress
reference_clip "$work/reference-1280x720.mp4"

portal_start "$work/data" "$work/portal-setup.log"
portal_sign_in
project=$(portal_project "Renders")
reference=$(portal_upload "$project" reference-video "$work/reference-1280x720.mp4" video/mp4 | json_field '["id"]')
target=$(portal_upload "$project" target-image "$data/graf1.png" image/png | json_field '["id"]')
pair=$(api POST "projects/$project/pairs" "{\"referenceAssetId\": $reference, \"targetAssetId\": $target, \"name\": \"Megamind -> graf1\"}" | json_field '["id"]')
portal_wait_idle "$project"
portal_stop

machine
portal_start "$work/data" "$work/portal.log"
cookie=$(awk -F'\t' 'NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
PORTAL_COOKIE=$cookie PORTAL_ANTIFORGERY=$antiforgery "$probe" "$portal_url" "$project" "$pair" $((warm + 1)) '{"motion": "reference", "width": 1280, "height": 720}' \
  > "$work/times.tsv"
portal_stop

# column N  the warm renders' values of column N (1-based, after the header and the cold render).
column() { awk -F'\t' -v c="$1" 'NR > 2 { print $c }' "$work/times.tsv"; }
cold() { awk -F'\t' -v c="$1" 'NR == 2 { print $c }' "$work/times.tsv"; }
range() { column "$1" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
echo
echo "| from the request (POST /api/pairs/{id}/renders) to | cold: first render after start | warm: median of $warm (range) |"
echo "|---|---|---|"
row() { echo "| $1 | $(cold "$2") ms | $(column "$2" | median) ms ($(range "$2")) |"; }
row "the API's answer (201, job queued)" 2
row "\"job\" update: queued" 3
row "**first progress update: running (\"starting\", 0 %)**" 4
row "first update past 0 % (stage: cold $(cold 6), warm $(column 6 | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }'))" 5
row "**100 % (succeeded, output stored)**" 7
echo "| the job's own total (claim to finish) | $(cold 8) s | $(column 8 | median) s ($(range 8)) |"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Renders per hour with 1, 2 and 4 CPU render workers (`camreview worker`, one job each) on this machine, the same N
# renders each time, and the time from a worker's lease to the first progress a viewer of the job sees.
# One portal (`camreview serve`, SQLite) that runs no jobs itself (CamReview:Jobs:MaxConcurrency=0, LocalRenders=false:
# the outputs' scores wait in its queue and cost nothing during the runs); the workers and the portal share the
# machine's cores. Each render: homography transfer of the reference's camera move (the 49-frame 1280x720 Megamind
# clip of bench/render-benchmark.sh, analysed by the worker) onto graf1.png, output 640x360.
# The viewer polls GET /api/jobs/{id} every 20 ms (bench/worker_benchmark.py), so a delay is measured to within about
# 20 ms plus one request; the lease time is the worker's own log line (same clock).
# Usage: bench/worker-benchmark.sh [N]   (default 6)
set -euo pipefail
n=${1:-6}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
work=$(mktemp -d); trap 'portal_stop; rm -rf "$work"' EXIT
jar=$work/cookies.txt
reference_clip "$work/reference-1280x720.mp4"

export CAMREVIEW__JOBS__MAXCONCURRENCY=0 CAMREVIEW__JOBS__LOCALRENDERS=false
machine
portal_start "$work/data" "$work/portal.log"
portal_sign_in
portal_worker_pair "Workers"
python3 "$root/bench/worker_benchmark.py" "$portal_url" "$cookie" "$antiforgery" "$pair" "$token" "$cli" "$n" '{"motion": "reference", "width": 640, "height": 360}' "$work"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

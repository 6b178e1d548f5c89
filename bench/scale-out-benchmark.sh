#!/usr/bin/env bash
# Time from a render worker's lease to the first progress a viewer on the other portal instance sees. Two portals
# (A and B, `camreview serve`) on one private PostgreSQL and one Redis (scripts/servers.sh; CamReview:Redis turns on
# SignalR's Redis backplane) with one data folder, neither running jobs itself (as in bench/worker-benchmark.sh);
# WORKERS `camreview worker` processes against A; one viewer connected to B and one to A (bench/FirstProgress --watch:
# the review hub over SignalR, each update timestamped on arrival). N renders queued at once through A, the render
# of bench/worker-benchmark.sh (the 49-frame 1280x720 Megamind reference's move onto graf1.png, 640x360 output).
# For every render: the worker's lease (its own log line, same clock) to the first progress past 0 % seen on B and
# on A, and B - A. With the backplane on, A's own viewers get their updates through Redis too, so the floor is a second
# phase in the same run: A alone without Redis, the same N renders and workers, its viewer's delay.
# Usage: bench/scale-out-benchmark.sh [N] [WORKERS]   (default 6 renders, 1 worker)
set -euo pipefail
n=${1:-6}
workers=${2:-1}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
# shellcheck source=scripts/servers.sh
source "$root/scripts/servers.sh"
work=$(mktemp -d)
a_pid= b_pid= worker_pids=() watcher_pids=()
cleanup() {
  ((${#watcher_pids[@]})) && kill "${watcher_pids[@]}" 2> /dev/null
  # SIGTERM, as Ctrl-C: a worker gives back the job it holds and stops (a script's background jobs ignore SIGINT).
  ((${#worker_pids[@]})) && kill -TERM "${worker_pids[@]}" 2> /dev/null && wait "${worker_pids[@]}" 2> /dev/null
  portal_pid=$b_pid portal_stop; portal_pid=$a_pid portal_stop
  servers_stop
  rm -rf "$work"
}
trap cleanup EXIT
jar=$work/cookies.txt
dotnet build "$root/bench/FirstProgress" -c Release -nologo -v quiet -clp:NoSummary > "$work/build.log" || { cat "$work/build.log"; exit 1; }
probe=$root/bench/FirstProgress/bin/Release/net10.0/FirstProgress
reference_clip "$work/reference-1280x720.mp4"

servers_start
export CAMREVIEW__DATABASE__PROVIDER=postgres "CONNECTIONSTRINGS__CAMREVIEW=$pg_server;Database=camreview" CAMREVIEW__REDIS=$redis \
  CAMREVIEW__JOBS__MAXCONCURRENCY=0 CAMREVIEW__JOBS__LOCALRENDERS=false
machine
# B starts once A has created (and migrated) the database.
portal_start "$work/data" "$work/portal-a.log"; a_pid=$portal_pid a_url=$portal_url
portal_start "$work/data" "$work/portal-b.log"; b_pid=$portal_pid b_url=$portal_url
portal_url=$a_url
portal_sign_in
# The sign-in cookie and antiforgery token made on A work on B: the instances share the data folder's keys.
portal_worker_pair "Scale-out"

# watch_renders LABEL URL...  a viewer on each URL (seen-LABEL-K.tsv, K = 0, 1, ...), N renders queued through
# $portal_url and WORKERS workers against it (worker-LABEL-I.log); returns once the renders succeeded, workers stopped.
watch_renders() {
  local label=$1 k=0 url i job jobs=()
  shift
  for url in "$@"; do
    PORTAL_COOKIE=$cookie PORTAL_ANTIFORGERY=$antiforgery "$probe" --watch "$url" "$project" "$n" > "$work/seen-$label-$k.tsv" &
    watcher_pids+=($!)
    for ((i = 0; i < 300; i++)); do [[ -s $work/seen-$label-$k.tsv ]] && break; sleep 0.1; done
    [[ -s $work/seen-$label-$k.tsv ]] || { echo "the viewer on $url did not join the project" >&2; return 1; }
    k=$((k + 1))
  done
  for ((i = 0; i < n; i++)); do
    jobs+=("$(api POST "pairs/$pair/renders" '{"method": "homography", "parameters": {"motion": "reference", "width": 640, "height": 360}}' | json_field '["id"]')")
  done
  for ((i = 0; i < workers; i++)); do
    CAMREVIEW_WORKER_TOKEN=$token "$cli" worker --portal "$portal_url" --name "bench-$label-$i" --poll 0.2 > "$work/worker-$label-$i.log" 2>&1 &
    worker_pids+=($!)
  done
  wait "${watcher_pids[@]}"
  watcher_pids=()
  for job in "${jobs[@]}"; do
    until [[ $(api GET "jobs/$job" | json_field '["state"]') == succeeded ]]; do sleep 0.2; done
  done
  kill -TERM "${worker_pids[@]}"; wait "${worker_pids[@]}" || true
  worker_pids=()
}

# The figures: through Redis, viewers on B and on A; then the floor, the same renders on A alone without Redis
# (B stopped, A restarted on the same database and data folder), where an update goes straight to A's viewer.
watch_renders redis "$b_url" "$a_url"
portal_pid=$b_pid portal_stop; portal_pid=$a_pid portal_stop; b_pid=
export CAMREVIEW__REDIS=
portal_start "$work/data" "$work/portal-alone.log"; a_pid=$portal_pid
watch_renders alone "$portal_url"

python3 - "$n" "$work" << 'PY'
import glob, sys
from datetime import datetime, timezone
n, work = int(sys.argv[1]), sys.argv[2]
def seen(label, k):
    return {int(l.split("\t")[0]): float(l.split("\t")[1]) for l in list(open(f"{work}/seen-{label}-{k}.tsv"))[1:]}
def leased(label, seen_at):
    """job -> Unix ms of its last lease in this phase; the worker logs the UTC time of day, dated by the first
    progress that follows it."""
    out = {}
    for f in glob.glob(f"{work}/worker-{label}-*.log"):
        for line in open(f):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "job" and parts[3] == "leased" and int(parts[2]) in seen_at:
                at = seen_at[int(parts[2])]
                day = datetime.fromtimestamp(at / 1000, timezone.utc).date()
                t = datetime.strptime(f"{day} {parts[0]}", "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp() * 1000
                out[int(parts[2])] = t - 86400000 if t > at else t
    return out
b, a, alone = seen("redis", 0), seen("redis", 1), seen("alone", 0)
lease, lease_alone = leased("redis", a), leased("alone", alone)
med = lambda v: sorted(v)[len(v) // 2]
floor = med([alone[j] - lease_alone[j] for j in lease_alone])
def row(name, values, ratio=True):
    v = sorted(values)
    print(f"| {name} | {med(v):.0f} ms | {v[0]:.0f} to {v[-1]:.0f} ms | " + (f"{med(v) / floor:.2f} |" if ratio else "- |"))
print(f"\n| lease to the first progress past 0 %, {n} renders each | median | range | median / floor |\n|---|---|---|---|")
row("viewer on **B**, the other instance (Redis)", [b[j] - lease[j] for j in lease])
row("viewer on A, the workers' instance (Redis)", [a[j] - lease[j] for j in lease])
row("**B - A**, the same update, per render", [b[j] - a[j] for j in lease], ratio=False)
row("floor: viewer on A alone, no Redis", [alone[j] - lease_alone[j] for j in lease_alone])
PY
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

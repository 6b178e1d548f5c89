#!/usr/bin/env bash
# Vote throughput of the participant API: the portal (`camreview serve`) on loopback with a new data folder, whose
# demo study (made by the portal itself on first start, see src/CamReview.Web/Demo/DemoStudy.cs) then receives VOTES
# votes from CLIENTS concurrent clients (bench/VoteLoad, a small .NET program outside the solution): each client joins
# as one anonymous participant after another and answers every question of every trial, one request per vote.
# Reports votes/s, p50/p99 latency of a vote request, and checks that the votes stored in the SQLite file equal the
# votes acknowledged. The participant rate limits are turned off for this run (CamReview:Studies:*PerMinute=0):
# with the defaults, 30 joins a minute from one address would throttle the load generator, not measure the portal.
# Also reports the CPU time the portal process spent per vote (less dependent on other load than wall time), and,
# right after the load, the SQLite floor on the same disk (bench/SqliteFloor: the same SQLite library and settings,
# WAL and the default synchronous setting): durable single-row transactions a second, and rows a second in 50-row
# transactions, with the votes/s as a ratio of each.
# The portal logs as configured by default (Information, with ASP.NET Core's per-request entries and each SQL
# statement only at Warning); run it under e.g. env 'Logging__LogLevel__Microsoft.AspNetCore=Information' to
# measure with every request logged.
# Usage: bench/vote-benchmark.sh [VOTES] [CLIENTS]   (default 20000 votes, 50 clients)
set -euo pipefail
votes=${1:-20000}
clients=${2:-50}
bench_media=no
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d)
portal=
cleanup() { [[ -n $portal ]] && kill "$portal" 2>/dev/null && wait "$portal" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for tool in VoteLoad SqliteFloor; do
  dotnet build "$root/bench/$tool" -c Release -v quiet -nologo > "$work/build.log" || { cat "$work/build.log"; exit 1; }
done
load=$root/bench/VoteLoad/bin/Release/net10.0/VoteLoad
floor=$root/bench/SqliteFloor/bin/Release/net10.0/SqliteFloor
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db=$work/data/camreview.db

CAMREVIEW__ADMIN__EMAIL=bench@camreview.test CAMREVIEW__ADMIN__PASSWORD=bench-password-1 \
CAMREVIEW__STUDIES__JOINSPERMINUTE=0 CAMREVIEW__STUDIES__VOTESPERMINUTE=0 CAMREVIEW__STUDIES__READSPERMINUTE=0 \
  "$cli" serve --urls "http://127.0.0.1:$port" --data "$work/data" > "$work/portal.log" 2>&1 &
portal=$!

# The demo study opens once its three outputs are rendered and scored, with its simulated participants' votes in.
token=
for ((i = 0; i < 600; i++)); do
  if [[ -f $db ]]; then
    token=$(sqlite3 -readonly "$db" "SELECT Token FROM Studies WHERE State = 'Open' AND (SELECT COUNT(*) FROM StudyParticipants p WHERE p.StudyId = Studies.Id) >= 24" 2>/dev/null || true)
  fi
  [[ -n $token ]] && break
  sleep 1
done
[[ -n $token ]] || { echo "the demo study did not open; portal log:"; tail -20 "$work/portal.log"; exit 1; }
count() { sqlite3 -readonly "$db" "SELECT COUNT(*) FROM StudyVotes"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$portal/stat"; } # user + system clock ticks
before=$(count)
cpu_before=$(cpu)

machine
result=$("$load" "http://127.0.0.1:$port" "$token" "$votes" "$clients")
after=$(count)
cpu_after=$(cpu)
echo "$result"
acknowledged=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["acknowledged"])' "$result")
stored=$((after - before))
echo "portal CPU: $(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$acknowledged" 'BEGIN { printf "%.1f s, %.2f ms per vote", t / hz, 1000 * t / hz / n }')"
echo "stored $stored votes, acknowledged $acknowledged: $([[ $stored == "$acknowledged" ]] && echo equal || echo DIFFERENT)"
floor_result=$("$floor" "$work/floor.db")
echo "SQLite floor (same disk, load now: $(cut -d' ' -f1-3 /proc/loadavg)): $floor_result"
python3 -c 'import json, sys; r = json.loads(sys.argv[1]); f = json.loads(sys.argv[2]); v = r["votesPerSecond"]
print("votes/s against the floor: %.2f x single-row transactions/s, %.3f x rows/s in %d-row transactions"
      % (v / f["singleRowTransactionsPerSecond"], v / f["batchedRowsPerSecond"], f["batch"]))' "$result" "$floor_result"
[[ $stored == "$acknowledged" ]]

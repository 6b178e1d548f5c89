#!/usr/bin/env bash
# Vote throughput of the participant API: the portal (`camreview serve`) on loopback with a new data folder, whose
# demo study (made by the portal itself on first start, see src/CamReview.Web/Demo/DemoStudy.cs) then receives VOTES
# votes from CLIENTS concurrent clients (bench/VoteLoad, a small .NET program outside the solution): each client joins
# as one anonymous participant after another and answers every question of every trial, one request per vote.
# Reports votes/s, p50/p99 latency of a vote request, and checks that the votes stored in the database equal the
# votes acknowledged. The participant rate limits are turned off for this run (CamReview:Studies:*PerMinute=0):
# with the defaults, 30 joins a minute from one address would throttle the load generator, not measure the portal.
# Also reports the CPU time the portal process spent per vote (less dependent on other load than wall time), and,
# right after the load, the SQLite floor on the same disk (bench/SqliteFloor: the same SQLite library and settings,
# WAL and the default synchronous setting): durable single-row transactions a second, and rows a second in 50-row
# transactions, with the votes/s as a ratio of each.
# The portal logs as configured by default (Information, with ASP.NET Core's per-request entries and each SQL
# statement only at Warning); run it under e.g. env 'Logging__LogLevel__Microsoft.AspNetCore=Information' to
# measure with every request logged.
# --provider postgres runs the portal on a private PostgreSQL instead (scripts/servers.sh: a new server on a free
# loopback port, durable settings, in a temporary folder on the same disk), and its floor is pgbench (from Debian's
# postgresql) on that server right after the load, the portal stopped: CLIENTS clients doing single-row insert
# transactions into a table shaped like StudyVotes, for 15 s; votes/s as a ratio of its transactions/s.
# Usage: bench/vote-benchmark.sh [--provider sqlite|postgres] [VOTES] [CLIENTS]   (default sqlite, 20000 votes, 50 clients)
set -euo pipefail
provider=sqlite
if [[ ${1:-} == --provider ]]; then provider=${2:-}; shift 2 || true; fi
[[ $provider == sqlite || $provider == postgres ]] || { echo "--provider is sqlite or postgres, not '$provider'" >&2; exit 2; }
votes=${1:-20000}
clients=${2:-50}
bench_media=no
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/servers.sh
source "$root/scripts/servers.sh"
work=$(mktemp -d)
portal=
cleanup() { [[ -n $portal ]] && kill "$portal" 2>/dev/null && wait "$portal" 2>/dev/null; servers_stop; rm -rf "$work"; }
trap cleanup EXIT

for tool in VoteLoad SqliteFloor; do
  dotnet build "$root/bench/$tool" -c Release -v quiet -nologo > "$work/build.log" || { cat "$work/build.log"; exit 1; }
done
load=$root/bench/VoteLoad/bin/Release/net10.0/VoteLoad
floor=$root/bench/SqliteFloor/bin/Release/net10.0/SqliteFloor
port=$(free_port)
if [[ $provider == postgres ]]; then
  servers_start
  export CAMREVIEW__DATABASE__PROVIDER=postgres "CONNECTIONSTRINGS__CAMREVIEW=$pg_server;Database=camreview"
  # The portal creates the database on start: until then the queries find nothing.
  sql() { pg_sql camreview "$1" 2> /dev/null || true; }
else
  sql() { [[ -f $work/data/camreview.db ]] && sqlite3 -readonly "$work/data/camreview.db" "$1" 2> /dev/null || true; }
fi

CAMREVIEW__ADMIN__EMAIL=bench@camreview.test CAMREVIEW__ADMIN__PASSWORD=bench-password-1 \
CAMREVIEW__STUDIES__JOINSPERMINUTE=0 CAMREVIEW__STUDIES__VOTESPERMINUTE=0 CAMREVIEW__STUDIES__READSPERMINUTE=0 \
  "$cli" serve --urls "http://127.0.0.1:$port" --data "$work/data" > "$work/portal.log" 2>&1 &
portal=$!

# The demo study opens once its three outputs are rendered and scored; its simulated participants then join and vote
# one after another, and the portal logs their number once the last vote is in.
token=
for ((i = 0; i < 600; i++)); do
  grep -q 'Demo: study .* simulated participants' "$work/portal.log" && token=$(sql "SELECT \"Token\" FROM \"Studies\" WHERE \"State\" = 'Open'")
  [[ -n $token ]] && break
  sleep 1
done
[[ -n $token ]] || { echo "the demo study did not open; portal log:"; tail -20 "$work/portal.log"; exit 1; }
count() { sql 'SELECT COUNT(*) FROM "StudyVotes"'; }
cpu() { awk '{ print $14 + $15 }' "/proc/$portal/stat"; } # user + system clock ticks
before=$(count)
cpu_before=$(cpu)

echo "provider: $provider"
machine
result=$("$load" "http://127.0.0.1:$port" "$token" "$votes" "$clients")
after=$(count)
cpu_after=$(cpu)
echo "$result"
acknowledged=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["acknowledged"])' "$result")
stored=$((after - before))
echo "portal CPU: $(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$acknowledged" 'BEGIN { printf "%.1f s, %.2f ms per vote", t / hz, 1000 * t / hz / n }')"
echo "stored $stored votes, acknowledged $acknowledged: $([[ $stored == "$acknowledged" ]] && echo equal || echo DIFFERENT)"
if [[ $provider == postgres ]]; then
  # The portal's idle pooled connections would leave too few of the server's 100 for pgbench's clients.
  kill "$portal"; wait "$portal" 2> /dev/null || true; portal=
  # The floor's table: StudyVotes' columns and unique index (no foreign keys, as in SqliteFloor), in a database of its own.
  pg_sql postgres 'CREATE DATABASE floor'
  pg_sql floor 'CREATE TABLE "StudyVotes" ("Id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "ParticipantId" integer NOT NULL,
    "TrialId" integer NOT NULL, "QuestionId" integer NOT NULL, "Answer" varchar(16) NOT NULL, "ChosenPosition" integer NULL,
    "ResponseMs" double precision NULL, "CreatedUtc" timestamp with time zone NOT NULL);
    CREATE UNIQUE INDEX "IX_StudyVotes_ParticipantId_TrialId_QuestionId" ON "StudyVotes" ("ParticipantId", "TrialId", "QuestionId")'
  cat > "$work/insert.sql" << 'SQL'
\set p random(1, 2000000000)
INSERT INTO "StudyVotes" ("ParticipantId", "TrialId", "QuestionId", "Answer", "ChosenPosition", "ResponseMs", "CreatedUtc")
  VALUES (:p, 1, 1, 'Pick', 1, 1500, now()) ON CONFLICT DO NOTHING;
SQL
  pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$clients" -j 2 -T 15 -f "$work/insert.sql" floor > "$work/pgbench.log" 2>&1 \
    || { cat "$work/pgbench.log"; exit 1; }
  tps=$(sed -n 's/^tps = \([0-9]*\).* (without initial connection time)/\1/p' "$work/pgbench.log")
  echo "PostgreSQL floor (pgbench, same server, $clients clients, single-row insert transactions for 15 s, load now: $(cut -d' ' -f1-3 /proc/loadavg)):" \
    "$tps transactions/s, $(sed -n 's/^latency average = //p' "$work/pgbench.log") average latency"
  python3 -c 'import json, sys; v = json.loads(sys.argv[1])["votesPerSecond"]
print("votes/s against the floor: %.2f x single-row insert transactions/s from as many clients" % (v / float(sys.argv[2])))' "$result" "$tps"
else
  floor_result=$("$floor" "$work/floor.db")
  echo "SQLite floor (same disk, load now: $(cut -d' ' -f1-3 /proc/loadavg)): $floor_result"
  python3 -c 'import json, sys; r = json.loads(sys.argv[1]); f = json.loads(sys.argv[2]); v = r["votesPerSecond"]
print("votes/s against the floor: %.2f x single-row transactions/s, %.3f x rows/s in %d-row transactions"
      % (v / f["singleRowTransactionsPerSecond"], v / f["batchedRowsPerSecond"], f["batch"]))' "$result" "$floor_result"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $stored == "$acknowledged" ]]

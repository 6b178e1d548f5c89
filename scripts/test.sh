#!/usr/bin/env bash
# The README's test command: set up, run every test project (real OpenCV, FFmpeg, ONNX Runtime, SQLite,
# Chromium), then print one line "tests: N passed, N failed" counted from the test results.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh || exit 1

results=artifacts/test-results
rm -rf "$results"; mkdir -p "$results"
rc=0

# The model must not have changes that no migration covers, for either provider (dotnet-ef, restored by setup.sh;
# uses its Release build). A failure fails the run, after the tests have still run and been counted.
for m in migrations/CamReview.Migrations migrations/CamReview.Migrations.Postgres; do
  echo "[test] pending model changes in $m (dotnet ef migrations has-pending-model-changes)"
  if ! dotnet ef migrations has-pending-model-changes --project "$m" --startup-project "$m" --configuration Release --no-build; then
    echo "[test] the model has changes that no migration covers: add one ($m/README.md)" >&2
    rc=1
  fi
done

# A private PostgreSQL and Redis on free loopback ports for the scale-out tests (tests/Shared/TestServers.cs reads
# their addresses; without them the tests start their own), stopped when this script ends, whatever ends it.
# shellcheck source=scripts/servers.sh
source scripts/servers.sh
trap servers_stop EXIT
servers_start || exit 1
export CAMREVIEW_TEST_POSTGRES=$pg_server
export CAMREVIEW_TEST_REDIS=$redis
echo "[test] PostgreSQL on 127.0.0.1:$pg_port, Redis on $redis"

# One project at a time: the browser and video tests are heavy for small machines.
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "[test] $name"
  dotnet test "$proj" -c Release --no-build -nologo --logger "trx;LogFileName=$name.trx" \
    --results-directory "$results" "$@" || rc=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<< "$counters"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
(( files == 0 || passed == 0 )) && rc=1
line="tests: $passed passed, $failed failed"
(( skipped )) && line+=", $skipped skipped"
echo "$line"
(( failed )) && rc=1
exit $rc

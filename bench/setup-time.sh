#!/usr/bin/env bash
# Setup time of a fresh clone: first run (tool restore, NuGet restore and full build) and a
# second run (everything present). Debian packages are whatever this machine already has.
# Usage: bench/setup-time.sh [REPO]   (default: this repository)
set -euo pipefail
repo=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q "$repo" "$dir/camreview"
cd "$dir/camreview"
for run in first second; do
  start=$(date +%s.%N)
  bash scripts/setup.sh > "$dir/setup-$run.log" 2>&1 || { cat "$dir/setup-$run.log"; exit 1; }
  end=$(date +%s.%N)
  awk -v r="$run" -v s="$start" -v e="$end" 'BEGIN { printf "%s run: %.1f s\n", r, e - s }'
done

#!/usr/bin/env bash
# CameraScore speed and accuracy against the single-threaded Python + OpenCV baseline (bench/baseline_score.py).
# Speed: `camreview score` on two real 270-frame clips (Megamind.avi vs Megamind_bugy.avi), ORB and SIFT,
# same frames, same analysis size (640), each timed in the same run as the baseline. The like-for-like figure is
# `score --metrics camera-score` (what the baseline computes); the default `score` also estimates the camera
# path (pce, rotErr, transErr) and decodes the generated clip once more (flicker), timed in its own column.
# The two-still homography's accuracy on a real pair with ground truth is bench/still-homography.sh.
# Usage: bench/score-benchmark.sh [RUNS]   (default 3 runs; the median wall time is reported)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ref=$data/Megamind.avi gen=$data/Megamind_bugy.avi


machine
echo "| features | camreview --metrics camera-score s (median of $runs) | baseline s (median of $runs) | ratio | camreview all metrics s | camreview score | baseline score |"
echo "|---|---|---|---|---|---|---|"
for features in orb sift; do
  ours=() theirs=() full=()
  for ((i = 0; i < runs; i++)); do
    full+=("$(seconds "$cli" score --reference "$ref" --generated "$gen" --features "$features" --json)")
    ours+=("$(BENCH_OUT=/tmp/camreview-bench.out seconds "$cli" score --reference "$ref" --generated "$gen" --features "$features" --metrics camera-score --json)")
    our_score=$(python3 -c 'import json,sys; print("%.4e" % json.load(sys.stdin)["cameraScore"])' < /tmp/camreview-bench.out)
    theirs+=("$(BENCH_OUT=/tmp/camreview-bench.out seconds /usr/bin/python3 "$root/bench/baseline_score.py" "$ref" "$gen" --features "$features")")
    their_score=$(python3 -c 'import json,sys; print("%.4e" % json.load(sys.stdin)["cameraScore"])' < /tmp/camreview-bench.out)
  done
  o=$(echo "${ours[*]}" | median) t=$(echo "${theirs[*]}" | median)
  echo "| $features | $o | $t | $(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.2f", o / t }') | $(echo "${full[*]}" | median) | $our_score | $their_score |"
done


#!/usr/bin/env bash
# Two-still homography on a real wide-baseline pair with ground truth: the Oxford graf1 -> graf3 pair (a strong
# viewpoint change; H1to3p is its published homography). Error over the image (a 4-px grid of graf1's pixels that
# land in graf3: mean and largest) and at the four corners, by bench/still_error.py. camreview with its full-size
# refinement (the default), without it (--no-refine: the feature fit at the analysis size) and the Python + OpenCV
# baseline (bench/baseline_score.py --homography), ORB and SIFT at the default analysis size and the original size,
# with the median wall time of RUNS runs.
# Usage: bench/still-homography.sh [RUNS]   (default 3)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
machine
a=$data/graf1.png b=$data/graf3.png truth=$data/H1to3p.xml
out=$(mktemp); trap 'rm -f "$out"' EXIT
echo "| features | analysis size | program | mean px | max px | corner px | s (median of $runs) |"
echo "|---|---|---|---|---|---|---|"
for features in orb sift; do
  for side in 640 0; do
    for program in "camreview" "camreview --no-refine" "baseline"; do
      case $program in
        baseline) cmd=(/usr/bin/python3 "$root/bench/baseline_score.py" --homography "$a" "$b" --features "$features" --max-side "$side") ;;
        *) read -ra extra <<< "${program#camreview}"; cmd=("$cli" homography "$a" "$b" --features "$features" --max-side "$side" --json "${extra[@]}") ;;
      esac
      times=()
      for ((i = 0; i < runs; i++)); do times+=("$(BENCH_OUT=$out seconds "${cmd[@]}")"); done
      read -r mean max corner < <(/usr/bin/python3 "$root/bench/still_error.py" "$truth" "$a" "$b" < "$out")
      echo "| $features | $([[ $side == 0 ]] && echo original || echo "$side") | $program | $mean | $max | $corner | $(echo "${times[*]}" | median) |"
    done
  done
done

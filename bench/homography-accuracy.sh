#!/usr/bin/env bash
# Known-truth homography accuracy on 40 warped real photos (bench/homography_truth.py): camreview against the
# Python + OpenCV baseline (bench/baseline_score.py), same analysis size (640), same detectors and fits.
# Usage: bench/homography-accuracy.sh [OTHER_CAMREVIEW]   (optionally a second camreview build to compare with)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
machine
programs=("camreview=$cli homography --json" "baseline=/usr/bin/python3 $root/bench/baseline_score.py --homography")
[[ $# -ge 1 ]] && programs+=("other=$1 homography --json")
/usr/bin/python3 "$root/bench/homography_truth.py" "$data" "$work" "${programs[@]}"

#!/usr/bin/env bash
# Real test media for the benchmarks, from Debian's opencv-doc package (not installed: only unpacked into
# artifacts/bench-data). Megamind.avi / Megamind_bugy.avi: 270-frame film clips (cuts, a black first frame);
# graf1.png / graf3.png + H1to3p.xml: an Oxford affine-benchmark pair with its ground-truth homography; ten real photos
# for the known-truth homography benchmark (bench/homography-accuracy.sh).
# Also installs python3-opencv for the Python baselines. Prints the data folder.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=$root/artifacts/bench-data
files=(Megamind.avi Megamind_bugy.avi graf1.png graf3.png H1to3p.xml
       building.jpg leuvenA.jpg baboon.jpg fruits.jpg home.jpg messi5.jpg aero1.jpg box_in_scene.png board.jpg)
if ! /usr/bin/python3 -c 'import cv2' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-opencv >/dev/null
fi
missing=0
for f in "${files[@]}"; do [[ -f $data/$f ]] || missing=1; done
if ((missing)); then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download opencv-doc >/dev/null 2>&1 && dpkg -x opencv-doc_*.deb x)
  mkdir -p "$data"
  for f in "${files[@]}"; do cp "$tmp/x/usr/share/doc/opencv-doc/examples/data/$f" "$data/"; done
fi
echo "$data"

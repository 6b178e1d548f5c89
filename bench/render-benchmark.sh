#!/usr/bin/env bash
# Homography transfer of 49 frames at 1280x720 against its floor: decoding the reference and encoding 49 frames
# with ffmpeg alone (same codec settings: libx264, yuv420p, +faststart). The reference is 49 frames of the
# real Megamind clip scaled to 1280x720; the target is graf1.png fitted to 1280x720.
# `camreview render` includes analysing the reference (features and fits on all 48 pairs).
# Usage: bench/render-benchmark.sh [RUNS]   (default 3 runs; medians reported)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-3}
data=$("$root/bench/fetch-data.sh")
cli=$root/src/CamReview.Cli/bin/Release/net9.0/linux-x64/camreview
[[ -x $cli ]] || bash "$root/scripts/setup.sh" >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ref=$work/reference-1280x720.mp4
# Frames 100..148: a continuous shot (no cut), so every pair carries motion.
ffmpeg -v error -i "$data/Megamind.avi" -vf "select='between(n,100,148)',scale=1280:720,setsar=1" -vsync 0 \
  -c:v libx264 -pix_fmt yuv420p -crf 18 "$ref"

seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'; }
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "machine: $(nproc) cores, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
floor=() black=() crop=() inpaint=()
for ((i = 0; i < runs; i++)); do
  floor+=("$(seconds ffmpeg -v error -y -i "$ref" -frames:v 49 -c:v libx264 -pix_fmt yuv420p -movflags +faststart "$work/floor.mp4")")
  black+=("$(seconds "$cli" render --reference "$ref" --target "$data/graf1.png" --width 1280 --height 720 --out "$work/black.mp4")")
  crop+=("$(seconds "$cli" render --reference "$ref" --target "$data/graf1.png" --width 1280 --height 720 --border safe-crop --out "$work/crop.mp4")")
  inpaint+=("$(seconds "$cli" render --reference "$ref" --target "$data/graf1.png" --width 1280 --height 720 --border inpaint --out "$work/inpaint.mp4")")
done
f=$(echo "${floor[*]}" | median)
echo "| run | median s of $runs | x floor |"
echo "|---|---|---|"
echo "| floor: ffmpeg decode + encode 49 frames | $f | 1.00 |"
for name in black crop inpaint; do
  declare -n times=$name
  m=$(echo "${times[*]}" | median)
  echo "| camreview render --border ${name/crop/safe-crop} | $m | $(awk -v m="$m" -v f="$f" 'BEGIN { printf "%.2f", m / f }') |"
done

#!/usr/bin/env bash
# Homography transfer of 49 frames at 1280x720 against its floor: decoding the reference plus encoding the same
# 49 output frames with ffmpeg alone, from raw BGR frames (what the renderer pipes to ffmpeg), with the same
# settings (libx264, yuv420p, +faststart). Encoding cost depends on the picture, so the floor encodes the frames
# the render produced (taken from its lossless PNG output beforehand, not timed).
# The reference is 49 frames of the real Megamind clip scaled to 1280x720; the target is graf1.png fitted to
# 1280x720. `camreview render` includes analysing the reference (features and fits on all 48 pairs).
# Usage: bench/render-benchmark.sh [RUNS]   (default 3 runs; medians reported)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ref=$work/reference-1280x720.mp4
reference_clip "$ref"


machine
declare -A times
for border in black safe-crop inpaint; do
  # The frames this render produces, as raw BGR for the floor's encoder (not timed).
  "$cli" render --reference "$ref" --target "$data/graf1.png" --width 1280 --height 720 --border "$border" \
    --out "$work/frames.mp4" --png-dir "$work/png-$border" > /dev/null
  ffmpeg -v error -y -framerate 24 -i "$work/png-$border/frame_%04d.png" -f rawvideo -pix_fmt bgr24 "$work/$border.bgr"
  floor=() ours=()
  for ((i = 0; i < runs; i++)); do
    s=$(date +%s.%N)
    ffmpeg -v error -i "$ref" -f null -
    ffmpeg -v error -y -f rawvideo -pix_fmt bgr24 -s 1280x720 -r 24 -i "$work/$border.bgr" \
      -c:v libx264 -pix_fmt yuv420p -movflags +faststart "$work/floor.mp4"
    e=$(date +%s.%N)
    floor+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }')")
    ours+=("$(seconds "$cli" render --reference "$ref" --target "$data/graf1.png" --width 1280 --height 720 --border "$border" --out "$work/out.mp4")")
  done
  times[$border]="$(echo "${floor[*]}" | median) $(echo "${ours[*]}" | median)"
done
echo "| border | floor s (decode + encode, median of $runs) | camreview render s (median of $runs) | x floor |"
echo "|---|---|---|---|"
for border in black safe-crop inpaint; do
  read -r f o <<< "${times[$border]}"
  echo "| $border | $f | $o | $(awk -v o="$o" -v f="$f" 'BEGIN { printf "%.2f", o / f }') |"
done

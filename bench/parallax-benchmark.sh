#!/usr/bin/env bash
# Issue figures for parallax transfer and the learned-model paths, all through the CLI:
#  1. parallax render of 49 frames at 512x512 on the CPU with the depth given (an arc around the scene), against
#     homography transfer of the same size and length;
#  2. the camera-path analysis rate of `camreview analyze` (homographies + camera path) on a real 270-frame clip;
#  3. ONNX Runtime inference per frame for models of realistic shape (bench/make_models.py: a DINO-style
#     encoder at 224x224 and a depth network at 256x256, random weights), as recorded by CamReview itself.
# Usage: bench/parallax-benchmark.sh [RUNS]   (default 3; medians reported)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c 'import onnx' 2>/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-onnx >/dev/null
/usr/bin/python3 "$root/bench/make_models.py" "$work"
# A 512x512 target (centre of graf1) and a 16-bit depth map: a far wall with two nearer boxes.
/usr/bin/python3 - "$data/graf1.png" "$work" <<'PY'
import sys, cv2, numpy as np
img = cv2.imread(sys.argv[1]); h, w = img.shape[:2]
cv2.imwrite(f"{sys.argv[2]}/target.png", img[(h - 512) // 2:(h + 512) // 2, (w - 512) // 2:(w + 512) // 2])
depth = np.full((512, 512), 10000, np.uint16)
depth[100:300, 80:260] = 3000
depth[260:460, 300:470] = 5000
cv2.imwrite(f"{sys.argv[2]}/depth.png", depth)
PY

machine
parallax=() homography=()
for ((i = 0; i < runs; i++)); do
  parallax+=("$(seconds "$cli" render --trajectory arc-right --method parallax --target "$work/target.png" --depth "$work/depth.png" --frames 49 --out "$work/p.mp4")")
  homography+=("$(seconds "$cli" render --trajectory pan-right --method homography --target "$work/target.png" --frames 49 --out "$work/h.mp4")")
done
echo "| 49 frames at 512x512, CPU | median s of $runs |"
echo "|---|---|"
echo "| parallax transfer, depth given (arc-right) | $(echo "${parallax[*]}" | median) |"
echo "| homography transfer (pan-right), for comparison | $(echo "${homography[*]}" | median) |"

echo
analyze=()
for ((i = 0; i < runs; i++)); do analyze+=("$(BENCH_OUT="$work/a.json" seconds "$cli" analyze "$data/Megamind.avi" --json)"); done
pairs=$(json_field '["motion"]["pairsUsed"] + d["motion"]["pairsFlagged"]' < "$work/a.json")
a=$(echo "${analyze[*]}" | median)
echo "| camreview analyze Megamind.avi (270 frames, 720x528, ORB, analysis at 640, with camera path) | median s of $runs | pairs per second |"
echo "|---|---|---|"
echo "| $pairs pairs | $a | $(awk -v p="$pairs" -v a="$a" 'BEGIN { printf "%.0f", p / a }') |"

echo
"$cli" score --reference "$work/h.mp4" --generated "$work/h.mp4" --target "$work/target.png" --encoder "$work/encoder.onnx" --json > "$work/s.json"
"$cli" render --trajectory dolly-in --method parallax --target "$work/target.png" --depth-model "$work/depth.onnx" --frames 5 --out "$work/d.mp4" --json > "$work/d.json"
echo "| ONNX model (CPU execution provider) | per frame |"
echo "|---|---|"
echo "| image encoder, 1x3x224x224 -> 384 (model run only) | $(json_field '["sceneEncoder"]["runMsPerImage"]; v=round(v, 2)' < "$work/s.json") ms |"
echo "| image encoder incl. preprocessing (resize 256 bicubic, crop 224, normalise) | $(json_field '["sceneEncoder"]["perImageMs"]; v=round(v, 2)' < "$work/s.json") ms |"
echo "| depth network, 1x3x256x256 -> 256x256 (one inference per target image) | $(json_field '["depthInferenceSeconds"] * 1000; v=round(v, 1)' < "$work/d.json") ms |"
echo "(provider: $(json_field '["sceneEncoder"]["provider"]' < "$work/s.json"))"

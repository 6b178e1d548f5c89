#!/usr/bin/env bash
# Camera paths against COLMAP, the field's reference for camera poses, on posed clips with known truth.
# The clips are the camera-path tests' own (bench/PosedClips writes them with their true poses): real photos on
# planes at several depths, 36 frames at 640x360, fx = 500, H.264; motions: arc (truck + yaw), dolly forward with a
# pan, crane up with a tilt, handheld shake, and a truck past a near plane that holds most of the picture.
# Both are given the true intrinsics: `camreview analyze --focal 500`, and COLMAP 3.8 (Debian's package, CPU):
# feature_extractor (PINHOLE 500,500,320,180, one camera), sequential_matcher, mapper with
# --Mapper.init_min_tri_angle 1 and the intrinsics held fixed, on the clip's decoded frames (COLMAP's time includes
# that decode). Accuracy by bench/camera_path_truth.py: rotation error per frame against the truth, the largest
# translation-direction error, the centre error after one scale. Then the re-encode noise floor: each clip
# re-encoded with x264 at CRF 18, scored against its original (`camreview score --focal 500`), and both tools'
# paths of the re-encode compared with their own paths of the original.
# Usage: bench/colmap-benchmark.sh [RUNS]   (camreview's time is the median of RUNS runs, default 3; COLMAP runs once)
set -euo pipefail
runs=${1:-3}
bench_media=no
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v colmap >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt=(apt-get); elif sudo -n true 2>/dev/null; then apt=(sudo apt-get)
  else echo "colmap is missing: apt-get install -y --no-install-recommends colmap" >&2; exit 1; fi
  "${apt[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends colmap >/dev/null
fi
dotnet build "$root/bench/PosedClips" -c Release -v quiet -nologo > /dev/null
work=$(mktemp -d /tmp/camreview-colmap.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/bench/PosedClips/bin/Release/net10.0/PosedClips" "$work" > /dev/null
truth_py=$root/bench/camera_path_truth.py

# colmap_path CLIP DIR: runs COLMAP on the clip's frames and leaves the largest model as DIR/txt/images.txt.
colmap_path() {
  local clip=$1 dir=$2 best
  mkdir -p "$dir/images" "$dir/sparse" "$dir/txt"
  ffmpeg -v error -i "$clip" -start_number 0 "$dir/images/frame_%04d.png"
  colmap feature_extractor --database_path "$dir/db.db" --image_path "$dir/images" --ImageReader.camera_model PINHOLE \
    --ImageReader.single_camera 1 --ImageReader.camera_params 500,500,320,180 --SiftExtraction.use_gpu 0 >> "$dir/log" 2>&1
  colmap sequential_matcher --database_path "$dir/db.db" --SiftMatching.use_gpu 0 >> "$dir/log" 2>&1
  colmap mapper --database_path "$dir/db.db" --image_path "$dir/images" --output_path "$dir/sparse" --Mapper.init_min_tri_angle 1 \
    --Mapper.ba_refine_focal_length 0 --Mapper.ba_refine_principal_point 0 --Mapper.ba_refine_extra_params 0 >> "$dir/log" 2>&1 || true  # no model: no frame posed
  # COLMAP may make several models (or none): the one with the most registered frames counts.
  best=$(shopt -s nullglob; for m in "$dir"/sparse/*/; do
           echo "$(colmap model_analyzer --path "$m" 2>&1 | sed -n 's/.*Registered images: *\([0-9]*\).*/\1/p') $m"
         done | sort -rn | head -1 | cut -d' ' -f2)
  if [[ -n $best ]]; then colmap model_converter --input_path "$best" --output_path "$dir/txt" --output_type TXT >> "$dir/log" 2>&1 || true; fi
  touch "$dir/txt/images.txt"
}
# field JSON KEY: one value of the evaluator's output ("-" when null).
field() { /usr/bin/python3 -c "import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print('-' if v is None else v)" "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

machine
echo "camreview $(git -C "$root" rev-parse --short HEAD), $(colmap help 2>&1 | head -1)"
echo
echo "| clip | camreview RotErr °/frame | COLMAP RotErr °/frame | camreview / COLMAP | direction error ° camreview / COLMAP | centre error camreview / COLMAP | frames posed camreview / COLMAP | camreview s (median of $runs) | COLMAP s | COLMAP / camreview time |"
echo "|---|---|---|---|---|---|---|---|---|---|"
total_ours=0 total_theirs=0
clips=(arc dolly-pan crane-tilt handheld near-plane)
for name in "${clips[@]}"; do
  clip=$work/$name.mp4 times=()
  for ((i = 0; i < runs; i++)); do
    times+=("$(BENCH_OUT=$work/$name.analysis.json seconds "$cli" analyze "$clip" --focal 500 --json)")
  done
  ours_s=$(echo "${times[*]}" | median)
  theirs_s=$(seconds colmap_path "$clip" "$work/colmap-$name")
  ours=$(/usr/bin/python3 "$truth_py" "$work/$name.truth.json" "$work/$name.analysis.json")
  theirs=$(/usr/bin/python3 "$truth_py" "$work/$name.truth.json" "$work/colmap-$name/txt/images.txt")
  r_ours=$(field "$ours" rotErrPerFrameDegrees) r_theirs=$(field "$theirs" rotErrPerFrameDegrees)
  echo "| $name | $r_ours | $r_theirs | $(ratio "$r_ours" "$r_theirs") | $(field "$ours" directionErrorMaxDegrees) / $(field "$theirs" directionErrorMaxDegrees) |" \
       "$(field "$ours" centreErrorRms) / $(field "$theirs" centreErrorRms) | $(field "$ours" registered) / $(field "$theirs" registered) of 36 |" \
       "$ours_s | $theirs_s | $(ratio "$theirs_s" "$ours_s") |"
  total_ours=$(awk -v a="$total_ours" -v b="$ours_s" 'BEGIN { print a + b }')
  total_theirs=$(awk -v a="$total_theirs" -v b="$theirs_s" 'BEGIN { print a + b }')
done
echo "| all | | | | | | | $total_ours | $total_theirs | $(ratio "$total_theirs" "$total_ours") |"

echo
echo "Re-encode noise floor (x264 CRF 18 against the original):"
echo
echo "| clip | camreview score RotErr °/frame | PCE | TransErr per frame | camreview path change °/frame | COLMAP path change °/frame |"
echo "|---|---|---|---|---|---|"
for name in "${clips[@]}"; do
  clip=$work/$name.mp4 again=$work/$name.crf18.mp4
  ffmpeg -v error -i "$clip" -c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p "$again"
  score=$("$cli" score --reference "$clip" --generated "$again" --focal 500 --json)
  read -r rot pce trans < <(/usr/bin/python3 -c "import json,sys; d=json.loads(sys.argv[1]); f=lambda v: '-' if v is None else '%.4f' % v; print(f(d.get('rotErrPerFrameDegrees')), f(d.get('pce')), f(d.get('transErrPerFrame')))" "$score")
  "$cli" analyze "$again" --focal 500 --json > "$work/$name.crf18.analysis.json"
  colmap_path "$again" "$work/colmap-$name.crf18"
  ours=$(/usr/bin/python3 "$truth_py" "$work/$name.analysis.json" "$work/$name.crf18.analysis.json")
  theirs=$(/usr/bin/python3 "$truth_py" "$work/colmap-$name/txt/images.txt" "$work/colmap-$name.crf18/txt/images.txt" 2>/dev/null || echo '{"rotErrPerFrameDegrees": null}')
  echo "| $name | $rot | $pce | $trans | $(field "$ours" rotErrPerFrameDegrees) | $(field "$theirs" rotErrPerFrameDegrees) |"
done

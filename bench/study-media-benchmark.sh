#!/usr/bin/env bash
# Time to prepare a study's participant videos, against ffmpeg's own plain encode of the same clips as the floor.
# A real portal (`camreview serve`, jobs on) gets a pair made of real film frames: the reference (frames 100..148 of
# OpenCV's Megamind.avi at 1280x720, H.264) and three imported outputs of other sizes, rates and codecs (1280x720
# H.264 from Megamind_bugy.avi with a title naming its method, 960x540 MPEG-4 Part 2 in AVI, 854x480 at half the
# rate). Once their browser proxies and scores are done, a pairwise study over the three (one attention check, so
# every output is encoded twice) is opened, and the script polls the study until its videos are ready:
#   portal   the POST that opens the study -> the study reports its videos ready (queued job, encodes, posters,
#            padding, moving into place);
#   job      the job's own encode and total seconds (its timings);
#   floor    the same encodings (each source as many times as the job encodes it) by the ffmpeg CLI alone, one after
#            another like the job: libx264 veryfast, yuv420p, scaled and letterboxed to the study's size and frame rate
#            (read from the profile the study reports), quality-based (CRF 23), no noise, no posters, no padding.
# Usage: bench/study-media-benchmark.sh [RUNS]   (default 3; medians reported)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
work=$(mktemp -d); trap 'portal_stop; rm -rf "$work"' EXIT
jar=$work/cookies.txt

clip() { ffmpeg -v error -i "$data/$1" -an -vf "select='between(n,100,148)',$2,setsar=1" -fps_mode passthrough "${@:3}"; }
reference_clip "$work/reference.mp4"
clip Megamind_bugy.avi scale=1280:720 -c:v libx264 -pix_fmt yuv420p -crf 20 -metadata title=QuokkaFlow-37 "$work/out-a.mp4"
clip Megamind.avi "scale=960:540,hue=h=40" -c:v mpeg4 -q:v 3 "$work/out-b.avi"
clip Megamind.avi "scale=854:480,select='not(mod(n,2))'" -c:v libx264 -pix_fmt yuv420p -crf 20 "$work/out-c.mp4"
fps=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$work/reference.mp4")

# floor RATE  the plain ffmpeg encodes of the job's encodings at the study's rate: the reference once, each output twice.
floor() {
  local src
  for src in reference.mp4 out-a.mp4 out-a.mp4 out-b.avi out-b.avi out-c.mp4 out-c.mp4; do
    ffmpeg -v error -y -i "$work/$src" -an -vf "scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2" \
      -r "$1" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$work/floor.mp4"
  done
}

machine
echo "sources: reference 1280x720 49 frames at $fps fps; outputs 1280x720 H.264, 960x540 MPEG-4 AVI, 854x480 at half rate"
echo
echo "| run | portal: open -> ready s | job encode s | job total s | floor: ffmpeg alone s | portal / floor | profile |"
echo "|---|---|---|---|---|---|---|"
portals=() encodes=() totals=() floors=()
for ((i = 1; i <= runs; i++)); do
  portal_start "$work/data-$i" "$work/portal-$i.log"
  portal_sign_in
  project=$(portal_project "Study media")
  ref=$(portal_upload "$project" reference-video "$work/reference.mp4" video/mp4 | json_field '["id"]')
  target=$(portal_upload "$project" target-image "$data/building.jpg" image/jpeg | json_field '["id"]')
  pair=$(api POST "projects/$project/pairs" "{\"referenceAssetId\": $ref, \"targetAssetId\": $target}" | json_field '["id"]')
  for m in a:QuokkaFlow-37:video/mp4:mp4 b:ZebraWarp-91:video/x-msvideo:avi c:NarwhalCam-58:video/mp4:mp4; do
    IFS=: read -r name method type ext <<< "$m"
    portal_upload "$project" output "$work/out-$name.$ext" "$type" -F "methodName=$method" -F "pairId=$pair" > /dev/null
  done
  # Proxies and scores first: the job should not share the CPU with them.
  while api GET "projects/$project/assets" | json_field '; v=sum(a.get("playbackPending", False) for a in d)' | grep -qv '^0$'; do sleep 0.2; done
  portal_wait_idle "$project"
  study=$(api POST studies "{\"projectId\": $project, \"study\": {\"name\": \"bench\", \"design\": \"pairwise\", \"allowTie\": true, \"trialsPerParticipant\": 3,
    \"attentionChecks\": 1, \"pairIds\": [$pair], \"methods\": [\"QuokkaFlow-37\", \"ZebraWarp-91\", \"NarwhalCam-58\"],
    \"questions\": [{\"key\": \"overall\", \"text\": \"Which do you prefer?\"}]}}" | json_field '["id"]')
  start=$(date +%s.%N)
  api POST "studies/$study/state" '{"state": "open"}' > /dev/null
  until api GET "studies/$study" | json_field '["media"]["ready"]' | grep -q True; do sleep 0.1; done
  portal_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
  details=$(api GET "studies/$study")
  job=$(echo "$details" | json_field '["media"]["jobId"]')
  timings=$(api GET "jobs/$job" | json_field '["timingsJson"]')
  encode=$(echo "$timings" | json_field '["encode"]'); total=$(echo "$timings" | json_field '["total"]')
  profile=$(echo "$details" | json_field '["media"]["profile"]')
  portal_stop
  floor_s=$(seconds floor "$(sed -n 's/.*, \([0-9.]*\) fps,.*/\1/p' <<< "$profile")")
  portals+=("$portal_s"); encodes+=("$encode"); totals+=("$total"); floors+=("$floor_s")
  echo "| $i | $portal_s | $encode | $total | $floor_s | $(awk -v p="$portal_s" -v f="$floor_s" 'BEGIN { printf "%.2f", p / f }') | $profile |"
  rm -rf "$work/data-$i"
done
p=$(echo "${portals[*]}" | median); f=$(echo "${floors[*]}" | median)
echo "| **median** | **$p** | $(echo "${encodes[*]}" | median) | $(echo "${totals[*]}" | median) | **$f** | **$(awk -v p="$p" -v f="$f" 'BEGIN { printf "%.2f", p / f }')** | |"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

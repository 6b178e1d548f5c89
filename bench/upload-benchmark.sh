#!/usr/bin/env bash
# Upload of a ~200 MB reference video to the running portal over the plain streamed upload endpoint
# (POST /api/projects/{id}/assets, multipart, as the upload form sends it), with curl streaming the file.
# Each run starts a new portal on a new data folder (so no upload is a duplicate), signs in through the sign-in
# form, makes a project and uploads. The video is 1920x1080 H.264 (testsrc2 with temporal noise, so that it takes
# ~200 MB in 135 frames), within the default limits (2 GiB, 4096x2304, 18000 frames, 600 s).
# From curl's own timestamps (-v --trace-time):
#   transfer  request sent -> curl reports the body completely uploaded (the server streams it to a temporary
#             file and hashes it as it arrives);
#   answer    request sent -> the server's 201, i.e. transfer plus validation: sniffing (done from the first bytes
#             during the transfer), decoding every frame, poster and thumbnail, storing under the SHA-256.
# The server's own request time (from its log) is shown beside it, and, for scale, the time ffmpeg alone takes to
# decode the same file (all cores), measured after each upload. MB = 10^6 bytes.
# Usage: bench/upload-benchmark.sh [RUNS]   (default 3; medians reported)
set -euo pipefail
runs=${1:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/portal.sh
source "$root/bench/portal.sh"
work=$(mktemp -d); trap 'portal_stop; rm -rf "$work"' EXIT
jar=$work/cookies.txt
video=$work/reference-1080p.mp4
ffmpeg -v error -f lavfi -i testsrc2=size=1920x1080:rate=25 -vf noise=alls=10:allf=t -frames:v 135 \
  -c:v libx264 -preset ultrafast -qp 12 -pix_fmt yuv420p -movflags +faststart "$video"
bytes=$(stat -c %s "$video")

# at PATTERN  the time (seconds of the day) of the first curl trace line matching PATTERN (the last with "last").
at() { grep -E "^[0-9:.]+ $1" "$work/trace.txt" | { [[ ${2:-} == last ]] && tail -1 || head -1; } | awk -F'[: ]' '{ printf "%.6f", $1 * 3600 + $2 * 60 + $3 }'; }
diff_s() { awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; if (d < 0) d += 86400; printf "%.2f", d }'; }
rate() { awk -v n="$bytes" -v s="$1" 'BEGIN { printf "%.0f", n / 1e6 / s }'; }

machine
echo "video: $bytes bytes, 1920x1080, 135 frames H.264 (ffmpeg testsrc2 + noise, libx264 ultrafast qp 12)"
echo
echo "| run | transfer s | transfer MB/s | until the 201 s | overall MB/s | after the transfer s (decode, previews, store) | server's request time s | ffmpeg decode alone s |"
echo "|---|---|---|---|---|---|---|---|"
transfers=() answers=() afters=() servers=() decodes=()
for ((i = 1; i <= runs; i++)); do
  portal_start "$work/data-$i" "$work/portal-$i.log"
  portal_sign_in
  project=$(portal_project "Uploads")
  portal_upload "$project" reference-video "$video" video/mp4 -v --trace-time > "$work/answer.json" 2> "$work/trace.txt"
  portal_stop
  decode=$(seconds ffmpeg -v error -i "$video" -f null -)
  [[ $(json_field '["sizeBytes"]' < "$work/answer.json") == "$bytes" ]] || { echo "the stored size differs" >&2; exit 1; }
  sent=$(at '> POST'); uploaded=$(at '\* We are completely uploaded'); answered=$(at '< HTTP/1.1 201' last)
  transfer=$(diff_s "$sent" "$uploaded"); answer=$(diff_s "$sent" "$answered")
  after=$(awk -v a="$answer" -v t="$transfer" 'BEGIN { printf "%.2f", a - t }')
  server=$(sed -n 's/.*Request finished HTTP\/1.1 POST .*\/assets - 201 .* \([0-9.]*\)ms$/\1/p' "$work/portal-$i.log" | awk '{ printf "%.2f", $1 / 1000 }')
  transfers+=("$transfer"); answers+=("$answer"); afters+=("$after"); servers+=("$server"); decodes+=("$decode")
  echo "| $i | $transfer | $(rate "$transfer") | $answer | $(rate "$answer") | $after | $server | $decode |"
  rm -rf "$work/data-$i"
done
t=$(echo "${transfers[*]}" | median); a=$(echo "${answers[*]}" | median)
echo "| **median** | $t | **$(rate "$t")** | $a | **$(rate "$a")** | $(echo "${afters[*]}" | median) | $(echo "${servers[*]}" | median) | $(echo "${decodes[*]}" | median) |"
echo
echo "stored as: $(json_field '; v="%sx%s, %s frames, %s s, %s" % (d["width"], d["height"], d["frameCount"], d["durationSeconds"], d["mediaType"])' < "$work/answer.json")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

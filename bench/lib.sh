# Shared by the benchmark scripts (sourced, not run). Sourcing it sets:
#   root  the repository;  data  the real test media (bench/fetch-data.sh; skipped when the script sets
#   bench_media=no before sourcing);  cli  the built camreview executable (built by scripts/setup.sh when missing).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ ${bench_media:-yes} == no ]] || data=$("$root/bench/fetch-data.sh")
cli=$root/src/CamReview.Cli/bin/Release/net10.0/camreview
[[ -x $cli ]] || bash "$root/scripts/setup.sh" >/dev/null

# seconds CMD...  runs CMD with stdout to $BENCH_OUT (default /dev/null) and prints its wall time in seconds.
seconds() { local s e; s=$(date +%s.%N); "$@" > "${BENCH_OUT:-/dev/null}"; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'; }
# median  reads numbers separated by spaces or newlines and prints their median.
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# machine  one line describing this machine and its load right now.
machine() { echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"; }
# json_field EXPR  reads JSON on stdin and prints d EXPR (Python), e.g. json_field '["motion"]["pairsUsed"]'.
json_field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); exec('v=d' + sys.argv[1]); print(v)" "$1"; }
# reference_clip OUT  writes the reference the render benchmarks use: frames 100..148 of the real Megamind clip (a
# continuous shot, no cut, so every pair carries motion) at 1280x720, H.264.
reference_clip() {
  ffmpeg -v error -i "$data/Megamind.avi" -an -vf "select='between(n,100,148)',scale=1280:720,setsar=1" -vsync 0 \
    -c:v libx264 -pix_fmt yuv420p -crf 18 "$1"
}

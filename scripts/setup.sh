#!/usr/bin/env bash
# One setup for both README commands: system packages, .NET local tools and a Release build. Idempotent: each
# step checks what is already there and skips. OpenCV (with FFmpeg inside), ONNX Runtime and the front end
# (MudBlazor, Plotly.Blazor) come as NuGet packages with the build; nothing native is compiled here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[setup] %s\n' "$*"; }
t0=$(date +%s)
mkdir -p artifacts

# --skip-apt: the system packages are provided otherwise (e.g. a container image's own apt step).
# --skip-build: stop before `dotnet build` (a container build publishes instead).
skip_apt=0; skip_build=0
for arg in "$@"; do
  case $arg in
    --skip-apt) skip_apt=1 ;;
    --skip-build) skip_build=1 ;;
    *) echo "usage: scripts/setup.sh [--skip-apt] [--skip-build]" >&2; exit 2 ;;
  esac
done

# 1. Debian packages (only the missing ones): ffmpeg encodes H.264 proxies and renders; libgtk-3-0 is linked by
#    OpenCvSharp's native OpenCV library; chromium runs the browser tests; opencv-doc's example photos are the
#    textures of the posed camera-path test clips.
#    postgresql and redis-server are the servers of the scale-out tests (which start private ones on free ports).
apt_packages=(ffmpeg libgtk-3-0 chromium fonts-dejavu-core ca-certificates opencv-doc postgresql redis-server)
missing=()
((skip_apt)) || for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then apt=(apt-get); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get)
  else
    echo "[setup] missing Debian packages: ${missing[*]}" >&2
    echo "[setup] run as root (or with passwordless sudo), or install them first: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the services it installs: the tests start their own servers, so these are stopped again.
  for service in postgresql redis-server; do
    [[ " ${missing[*]} " == *" $service "* ]] && { "${apt[@]/apt-get/service}" "$service" stop >/dev/null 2>&1 || true; }
  done
fi
command -v dotnet >/dev/null || { echo "[setup] the .NET SDK (dotnet) is required: see README, Requirements" >&2; exit 1; }

# 2. .NET local tools (dotnet-ef, pinned in dotnet-tools.json); restoring is a no-op once they are there.
dotnet tool restore >artifacts/tool-restore.log 2>&1 || { cat artifacts/tool-restore.log >&2; echo "[setup] dotnet tool restore failed" >&2; exit 1; }

# 3. Restore and build everything (Release), incremental. Warnings are printed (and are errors under CI=true).
((skip_build)) && { say "ready (build skipped) in $(( $(date +%s) - t0 )) s"; exit 0; }
say "building (Release)"
if ! dotnet build CamReview.sln -c Release -nologo -v quiet -clp:NoSummary >artifacts/build.log 2>&1; then
  grep -E ': (error|warning) ' artifacts/build.log | sed 's/ \[[^]]*\]$//' | sort -u | head -40 >&2
  echo "[setup] build failed; full log: artifacts/build.log" >&2
  exit 1
fi
warnings=$(grep -E ': warning ' artifacts/build.log | sed 's/ \[[^]]*\]$//' | sort -u || true)
[[ -n $warnings ]] && { echo "$warnings" >&2; say "$(wc -l <<< "$warnings") build warning(s), listed above"; }
say "ready in $(( $(date +%s) - t0 )) s"

#!/usr/bin/env bash
# One setup for both README commands: system packages, the OpenCV shim, ONNX Runtime, front-end
# packages, and a Release build. Idempotent: each step checks what is already there and skips.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[setup] %s\n' "$*"; }
t0=$(date +%s)

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

# 1. Debian packages (only the missing ones).
apt_packages=(libopencv-dev ffmpeg cmake g++ pkg-config chromium fonts-dejavu-core ca-certificates)
# Node.js may come from elsewhere than Debian (an image or NodeSource install): only ask apt when absent.
command -v npm >/dev/null || apt_packages+=(nodejs npm)
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
fi
command -v dotnet >/dev/null || { echo "[setup] the .NET SDK (dotnet) is required: see README, Requirements" >&2; exit 1; }

# 3. ONNX Runtime (CPU build, from the onnxruntime-node npm package; pinned, verified, never committed).
ort_version=1.30.0
ort_tgz_sha256=6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75
ort_so_sha256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
ort_so=artifacts/native/libonnxruntime.so.1
if [[ ! -f $ort_so ]] || [[ $(sha256sum "$ort_so" | cut -d' ' -f1) != "$ort_so_sha256" ]]; then
  say "fetching ONNX Runtime $ort_version"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "onnxruntime-node@$ort_version" --silent >/dev/null 2>&1)
  echo "$ort_tgz_sha256  $tmp/onnxruntime-node-$ort_version.tgz" | sha256sum -c --quiet -
  tar -xzf "$tmp/onnxruntime-node-$ort_version.tgz" -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  echo "$ort_so_sha256  $tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c --quiet -
  mkdir -p artifacts/native
  mv "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$ort_so"
fi

# 4. Front-end packages (npm ci from the lockfile), copied into wwwroot/lib.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f wwwroot/lib/.lock-hash ]] || [[ $(cat wwwroot/lib/.lock-hash) != "$lock_hash" ]]; then
  say "installing front-end packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm ci --ignore-scripts --no-audit --no-fund
  rm -rf wwwroot/lib && mkdir -p wwwroot/lib/bootstrap wwwroot/lib/bootstrap-icons wwwroot/lib/plotly
  cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map wwwroot/lib/bootstrap/
  cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map wwwroot/lib/bootstrap/
  cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts wwwroot/lib/bootstrap-icons/
  cp node_modules/plotly.js-dist-min/plotly.min.js wwwroot/lib/plotly/
  echo "$lock_hash" > wwwroot/lib/.lock-hash
fi

# 5. Restore and build everything (Release), incremental.
mkdir -p artifacts
((skip_build)) && { say "ready (build skipped) in $(( $(date +%s) - t0 )) s"; exit 0; }
say "building (Release)"
dotnet build CamReview.sln -c Release -nologo -v quiet -clp:NoSummary -p:WarningLevel=0 /nowarn:NU1603 >artifacts/build.log 2>&1 \
  || { tail -40 artifacts/build.log >&2; echo "[setup] build failed; full log: artifacts/build.log" >&2; exit 1; }
say "ready in $(( $(date +%s) - t0 )) s"

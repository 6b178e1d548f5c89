#!/usr/bin/env bash
# Builds the OpenCV shim (src/CamReview.Vision/native) into artifacts/native/libcamreview_vision.so.
# Idempotent and cheap when nothing changed (incremental CMake build; the .so is only re-copied when it differs,
# so MSBuild's PreserveNewest copy does not churn). Run before `dotnet build`: the Vision csproj picks the .so up
# at MSBuild evaluation time. Needs: cmake, g++, libopencv-dev.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src_dir="$repo_root/src/CamReview.Vision/native"
build_dir="$repo_root/artifacts/native/build"
out_so="$repo_root/artifacts/native/libcamreview_vision.so"

# Configure only once (or after the cache went away); later runs let the build step re-run CMake if needed.
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$src_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j2

built_so="$build_dir/libcamreview_vision.so"
if [[ ! -f "$out_so" ]] || ! cmp -s "$built_so" "$out_so"; then
  cp "$built_so" "$out_so.tmp"
  mv -f "$out_so.tmp" "$out_so"
  echo "build-native: updated $out_so"
else
  echo "build-native: $out_so is up to date"
fi

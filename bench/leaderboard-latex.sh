#!/usr/bin/env bash
# Does the leaderboard's LaTeX table compile? Makes a small benchmark (3 pairs from real photos, 3 methods whose names
# need escaping), runs `camreview eval` on it, puts the written leaderboard.tex into a minimal two-column article with
# booktabs (a conference page: 2 cm margins) and compiles it with pdflatex; says whether the table fits the page. Installs Debian's texlive-latex-recommended first when pdflatex is missing (needs
# root or passwordless sudo). Exits non-zero when the table does not compile. Then times `eval` on all cores and on one
# job against its peer, one `camreview score` per row (same settings, fresh caches).
# Usage: bench/leaderboard-latex.sh [WORKDIR]   (default: a new temporary folder, kept for a look at the PDF)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v pdflatex >/dev/null; then
  sudo=(); ((EUID == 0)) || sudo=(sudo -n)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends texlive-latex-recommended >/dev/null
fi
work=${1:-$(mktemp -d /tmp/camreview-leaderboard-XXXXXX)}
mkdir -p "$work/media"
cd "$work"

# Three pairs: a preset camera move on one photo (the reference) to transfer onto another (the target).
pairs=("pan-right building.jpg fruits.jpg" "zoom-in baboon.jpg home.jpg" "tilt-up leuvenA.jpg board.jpg")
echo "reference,target,method,output" > manifest.csv
for pair in "${pairs[@]}"; do
  read -r move source target <<< "$pair"
  ffmpeg -v error -y -i "$data/$source" -vf scale=480:272 "media/${source%.*}.png"
  ffmpeg -v error -y -i "$data/$target" -vf scale=480:272 "media/${target%.*}.png"
  ref=media/$move.mp4 tgt=media/${target%.*}.png
  "$cli" render --trajectory "$move" --target "media/${source%.*}.png" --frames 16 --out "$ref" >/dev/null
  "$cli" render --reference "$ref" --target "$tgt" --method homography --out "media/$move-homography.mp4" >/dev/null
  "$cli" render --reference "$ref" --target "$tgt" --method parallax --border safe-crop --out "media/$move-parallax.mp4" >/dev/null
  # A method that ignores the reference: the same roll whatever is asked.
  "$cli" render --trajectory roll-cw --target "$tgt" --frames 16 --out "media/$move-roll.mp4" >/dev/null
  printf '%s,%s,%s,%s\n' "$ref" "$tgt" "homography_warp" "media/$move-homography.mp4" "$ref" "$tgt" "parallax (safe-crop)" "media/$move-parallax.mp4" \
    "$ref" "$tgt" "roll #1 & 100%" "media/$move-roll.mp4" >> manifest.csv
done

"$cli" eval manifest.csv --out eval
cat > paper.tex <<'TEX'
\documentclass[twocolumn]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{booktabs}
\begin{document}
\input{eval/leaderboard.tex}
\end{document}
TEX
if pdflatex -interaction=nonstopmode -halt-on-error paper.tex > pdflatex.log 2>&1 && [[ -s paper.pdf ]]; then
  echo "pdflatex: $(grep -o 'Output written on .*' pdflatex.log) ($(pdflatex --version | head -1))"
  echo "table width: $(grep -o 'Overfull \\hbox ([0-9.]*pt too wide)' paper.log || echo 'fits the text width')"
else
  tail -20 pdflatex.log
  echo "pdflatex: the leaderboard table did not compile (log: $work/pdflatex.log)" >&2
  exit 1
fi

# Speed: eval from scratch on all cores and on one job, against one `camreview score` per row.
machine
all=$(seconds "$cli" eval manifest.csv --out timed-all --jobs "$(nproc)")
one=$(seconds "$cli" eval manifest.csv --out timed-one --jobs 1)
again=$(seconds "$cli" eval manifest.csv --out timed-all)
score_each() { tail -n +2 manifest.csv | while IFS=, read -r ref tgt _ out; do "$cli" score --reference "$ref" --target "$tgt" --generated "$out" --json; done; }
peer=$(seconds score_each)
echo "| eval, $(nproc) jobs | eval, 1 job | score per row | eval again (all resumed) |"
echo "|---|---|---|---|"
echo "| $all s ($(awk -v a="$all" -v p="$peer" 'BEGIN { printf "%.2f", a / p }')x) | $one s ($(awk -v a="$one" -v p="$peer" 'BEGIN { printf "%.2f", a / p }')x) | $peer s (1x) | $again s |"

#!/usr/bin/python3
"""Known-truth homography accuracy on real photos: each photo is warped by random perspective homographies (corners
moved by up to 12% of the image), with Gaussian noise (sigma 2) and JPEG re-encoding (quality 85) on the warped side.
Each program fits A -> B; the error of a case is the mean distance (pixels of A's frame) between where the fit and the
truth put A's four corners and its centre.
Usage: homography_truth.py DATA_DIR WORK_DIR NAME=COMMAND... (COMMAND: a program taking `A B --features F --method M`
and printing {"h": ...} JSON; split on spaces)"""
import json
import subprocess
import sys

import cv2
import numpy as np

PHOTOS = ["building.jpg", "leuvenA.jpg", "baboon.jpg", "fruits.jpg", "home.jpg", "messi5.jpg", "aero1.jpg",
          "box_in_scene.png", "graf1.png", "board.jpg"]


def make_cases(data, work):
    rng = np.random.default_rng(7)
    cases = []
    for name in PHOTOS:
        a = cv2.imread(f"{data}/{name}")
        h, w = a.shape[:2]
        for k in range(4):
            src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
            dst = src + rng.uniform(-0.12, 0.12, (4, 2)).astype(np.float32) * np.float32([w, h])
            truth = cv2.getPerspectiveTransform(src, dst)
            b = cv2.warpPerspective(a, truth, (w, h), flags=cv2.INTER_LINEAR)
            b = np.clip(b.astype(np.float32) + rng.normal(0, 2, b.shape), 0, 255).astype(np.uint8)
            pa, pb = f"{work}/{name}.{k}.a.png", f"{work}/{name}.{k}.b.jpg"
            cv2.imwrite(pa, a)
            cv2.imwrite(pb, b, [cv2.IMWRITE_JPEG_QUALITY, 85])
            cases.append((pa, pb, truth, w, h))
    return cases


def error(est, truth, w, h):
    pts = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1], [w / 2, h / 2, 1]], float).T
    project = lambda m: (lambda p: p[:2] / p[2])(np.asarray(m, float) @ pts)
    return float(np.mean(np.linalg.norm(project(est) - project(truth), axis=0)))


def main():
    data, work, programs = sys.argv[1], sys.argv[2], [arg.split("=", 1) for arg in sys.argv[3:]]
    cases = make_cases(data, work)
    print(f"| features / fit | {' | '.join(f'{n} median px | {n} mean px | {n} max px' for n, _ in programs)} |")
    print(f"|---|{'---|---|---|' * len(programs)}")
    for features, method in [("orb", "magsac"), ("sift", "magsac"), ("orb", "ransac"), ("sift", "ransac")]:
        cells = []
        for _, command in programs:
            errors = []
            for pa, pb, truth, w, h in cases:
                out = subprocess.run(command.split() + [pa, pb, "--features", features, "--method", method],
                                     capture_output=True, text=True).stdout
                fit = json.loads(out).get("h") if out.strip() else None
                errors.append(error(fit, truth, w, h) if fit else float("inf"))
            e = np.array(errors)
            cells.append(f"{np.median(e):.3f} | {np.mean(e):.3f} | {np.max(e):.2f}")
        print(f"| {features} / {method} | {' | '.join(cells)} |")
    print(f"({len(cases)} cases; inf = no fit)")


main()

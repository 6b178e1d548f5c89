#!/usr/bin/python3
"""Baseline for the CameraScore benchmark: a straightforward single-threaded Python + OpenCV
implementation of the same metric as `camreview score` (each frame's features computed once; consecutive
pairs matched with a 0.75 ratio test and fitted robustly; CameraScore = mean squared Frobenius distance
of the normalized homographies over pairs usable in both clips).

Usage: baseline_score.py REFERENCE GENERATED [--features orb|sift] [--method ransac|magsac] [--max-side 640]
       baseline_score.py --homography A B [--features ...]     (one homography, A's pixels into B's)
Prints one JSON object.
"""
import argparse
import json
import time

import cv2
import numpy as np

MIN_INLIERS = 15


def detector(kind):
    return cv2.ORB_create(nfeatures=2000) if kind == "orb" else cv2.SIFT_create(nfeatures=2000)


def norm_type(kind):
    return cv2.NORM_HAMMING if kind == "orb" else cv2.NORM_L2


def shrink(gray, max_side):
    """Longest side at most max_side (0: keep), area interpolation; returns the image and its scale."""
    h, w = gray.shape
    scale = 1.0 if max_side <= 0 else min(1.0, max_side / max(w, h))
    if scale < 1.0:
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return gray, scale


def read_frames(path, max_side):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(shrink(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), max_side)[0])
    return frames


def fit(kp_a, des_a, kp_b, des_b, kind, method):
    if des_a is None or des_b is None or len(kp_a) < 4 or len(kp_b) < 4:
        return None, 0, 0
    matcher = cv2.BFMatcher(norm_type(kind))
    knn = matcher.knnMatch(des_a, des_b, k=2)
    good = [m[0] for m in knn if len(m) == 2 and m[0].distance < 0.75 * m[1].distance]
    if len(good) < 4:
        return None, 0, len(good)
    src = np.float32([kp_a[m.queryIdx].pt for m in good])
    dst = np.float32([kp_b[m.trainIdx].pt for m in good])
    flag = cv2.RANSAC if method == "ransac" else cv2.USAC_MAGSAC
    h, mask = cv2.findHomography(src, dst, flag, 3.0)
    if h is None:
        return None, 0, len(good)
    return h / h[2, 2], int(mask.sum()), len(good)


def normalize(h, w, hgt):
    s = max(w, hgt) / 2.0
    n = np.array([[1 / s, 0, -w / 2 / s], [0, 1 / s, -hgt / 2 / s], [0, 0, 1]])
    hn = n @ h @ np.linalg.inv(n)
    return hn / hn[2, 2]


def clip_homographies(path, kind, method, max_side):
    frames = read_frames(path, max_side)
    det = detector(kind)
    feats = [det.detectAndCompute(f, None) for f in frames]  # once per frame
    out = []
    for i in range(len(frames) - 1):
        h, inliers, _ = fit(*feats[i], *feats[i + 1], kind, method)
        hgt, w = frames[i].shape
        out.append(normalize(h, w, hgt) if h is not None and inliers >= MIN_INLIERS else None)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--features", choices=["orb", "sift"], default="orb")
    p.add_argument("--method", choices=["ransac", "magsac"], default="magsac")
    p.add_argument("--max-side", type=int, default=640)
    p.add_argument("--homography", action="store_true")
    args = p.parse_args()
    start = time.perf_counter()
    if args.homography:
        det = detector(args.features)
        a, sa = shrink(cv2.imread(args.a, cv2.IMREAD_GRAYSCALE), args.max_side)
        b, sb = shrink(cv2.imread(args.b, cv2.IMREAD_GRAYSCALE), args.max_side)
        h, inliers, matches = fit(*det.detectAndCompute(a, None), *det.detectAndCompute(b, None), args.features, args.method)
        if h is not None:  # back to the original pixels: S_B^-1 H S_A
            h = np.linalg.inv(np.diag([sb, sb, 1.0])) @ h @ np.diag([sa, sa, 1.0])
            h = h / h[2, 2]
        print(json.dumps({"h": None if h is None else h.tolist(), "inliers": inliers, "matches": matches,
                          "seconds": time.perf_counter() - start}))
        return
    ref = clip_homographies(args.a, args.features, args.method, args.max_side)
    gen = clip_homographies(args.b, args.features, args.method, args.max_side)
    n = min(len(ref), len(gen))
    values = [float(np.sum((r - g) ** 2)) for r, g in zip(ref[:n], gen[:n]) if r is not None and g is not None]
    print(json.dumps({"cameraScore": sum(values) / len(values) if values else None, "pairsUsed": len(values),
                      "pairsFlagged": n - len(values), "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    cv2.setNumThreads(1)  # single-threaded, as the benchmark specifies
    main()

#!/usr/bin/python3
"""Accuracy of an estimated camera path against a posed clip's truth, or against another estimate (the re-encode
noise floor: the path of a re-encoded clip against the path of its original). For bench/colmap-benchmark.sh.

Usage: camera_path_truth.py TRUTH ESTIMATE
  each a path file: NAME.truth.json (bench/PosedClips), COLMAP's images.txt, or `camreview analyze --json` output.
Prints one JSON object: frames, registered, rotErrDegrees (sum over registered frames of the geodesic angle between
the estimated and the true rotation relative to frame 0), rotErrPerFrameDegrees, directionErrorMaxDegrees (angle
between the estimated and the true centre of frame i relative to frame 0, over frames whose true centre is at least
half the farthest one away), centreErrorRms (centres aligned by the one least-squares scale, in units of the true
path's farthest centre).
"""
import argparse
import json
import re

import cv2
import numpy as np


def rotation_from_vector_degrees(v):
    r, _ = cv2.Rodrigues(np.radians(np.asarray(v, dtype=float)).reshape(3, 1))
    return r


def quaternion_matrix(w, x, y, z):
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def camreview_path(path):
    """Frame index -> (camera axes in camera-0 coordinates, centre) from `camreview analyze --json`."""
    d = json.load(open(path))
    return {f["frame"]: (rotation_from_vector_degrees(f["rotation"]), np.asarray(f["centre"], dtype=float))
            for f in d["cameraPath"]["frames"]}


def colmap_path(path):
    """The same from COLMAP's images.txt (world-to-camera quaternion and translation), re-expressed relative to
    frame 0 (which must be registered)."""
    poses = {}
    lines = [l for l in open(path) if not l.startswith("#")]
    for line in lines[::2]:
        p = line.split()
        if len(p) < 10:
            continue
        frame = int(re.search(r"(\d+)\.png$", p[9]).group(1))
        r = quaternion_matrix(*map(float, p[1:5]))
        t = np.asarray(list(map(float, p[5:8])))
        poses[frame] = (r.T, -r.T @ t)  # camera axes and centre in COLMAP's world
    if 0 not in poses:
        return {}
    a0, c0 = poses[0]
    return {i: (a0.T @ a, a0.T @ (c - c0)) for i, (a, c) in poses.items()}


def load(path):
    """Frame index -> (camera axes in camera-0 coordinates, centre) from any of the three kinds of file."""
    if path.endswith(".txt"):
        return colmap_path(path)
    d = json.load(open(path))
    if "cameraPath" in d:
        return camreview_path(path)
    return {i: (np.asarray(f["r"], dtype=float), np.asarray(f["c"], dtype=float)) for i, f in enumerate(d["frames"])}


def angle_degrees(a, b):
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def geodesic_degrees(ra, rb):
    cos = (np.trace(ra.T @ rb) - 1) / 2
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("estimate")
    args = ap.parse_args()
    reference = load(args.truth)
    true = [reference[i] for i in sorted(reference)]
    if sorted(reference) != list(range(len(true))):
        raise SystemExit(f"{args.truth}: not every frame is posed")
    est = load(args.estimate)
    n = len(true)
    registered = sorted(i for i in est if i < n)
    rot = [geodesic_degrees(est[i][0], true[i][0]) for i in registered]
    far = max(np.linalg.norm(c) for _, c in true)
    directions = [angle_degrees(est[i][1], true[i][1]) for i in registered if np.linalg.norm(true[i][1]) >= 0.5 * far]
    ce = np.array([est[i][1] for i in registered]) if registered else np.zeros((0, 3))
    ct = np.array([true[i][1] for i in registered]) if registered else np.zeros((0, 3))
    denom = float((ce * ce).sum())
    scale = float((ce * ct).sum()) / denom if denom > 0 else 0.0
    rms = float(np.sqrt(((scale * ce - ct) ** 2).sum(axis=1).mean()) / far) if registered else None
    print(json.dumps({
        "frames": n,
        "registered": len(registered),
        "rotErrDegrees": round(sum(rot), 4) if rot else None,
        "rotErrPerFrameDegrees": round(sum(rot) / len(rot), 5) if rot else None,
        "directionErrorMaxDegrees": round(max(directions), 3) if directions else None,
        "centreErrorRms": round(rms, 5) if rms is not None else None,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Error of an estimated homography against the ground truth over image A: mean and largest distance (pixels of B)
between where the two put a grid of A's pixels (every 4 px) that the truth maps inside B, and the largest corner error.
Usage: still_error.py TRUTH.xml A.png B.png < result.json   (result: {"h": [[...],[...],[...]]})
Prints "mean max corner" (pixels), or "- - -" when the result has no homography."""
import json
import sys

import cv2
import numpy as np

fs = cv2.FileStorage(sys.argv[1], cv2.FILE_STORAGE_READ)
truth = fs.getNode(fs.root().keys()[0]).mat()
ha, wa = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE).shape
hb, wb = cv2.imread(sys.argv[3], cv2.IMREAD_GRAYSCALE).shape
result = json.load(sys.stdin)
if not result.get("h"):
    print("- - -")
    sys.exit(0)
est = np.array(result["h"], dtype=float)
xs, ys = np.meshgrid(np.arange(0, wa, 4.0), np.arange(0, ha, 4.0))
grid = np.stack([xs.ravel(), ys.ravel()], axis=1).reshape(-1, 1, 2)
t = cv2.perspectiveTransform(grid, truth).reshape(-1, 2)
inside = (t[:, 0] >= 0) & (t[:, 0] < wb) & (t[:, 1] >= 0) & (t[:, 1] < hb)
e = np.linalg.norm(cv2.perspectiveTransform(grid, est).reshape(-1, 2) - t, axis=1)[inside]
corners = np.array([[0, 0], [wa, 0], [0, ha], [wa, ha]], dtype=float).reshape(-1, 1, 2)
c = np.linalg.norm(cv2.perspectiveTransform(corners, truth) - cv2.perspectiveTransform(corners, est), axis=2)
print(f"{e.mean():.3f} {e.max():.3f} {c.max():.3f}")

#!/usr/bin/python3
"""Largest distance (pixels) between where a homography and the ground truth put image A's four corners.
Usage: corner_error.py TRUTH.xml WIDTH HEIGHT < result.json   (result: {"h": [[...],[...],[...]]})"""
import json
import sys

import cv2
import numpy as np

fs = cv2.FileStorage(sys.argv[1], cv2.FILE_STORAGE_READ)
truth = fs.getNode(fs.root().keys()[0]).mat()
w, h = float(sys.argv[2]), float(sys.argv[3])
est = np.array(json.load(sys.stdin)["h"], dtype=float)
corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=float).reshape(-1, 1, 2)
a = cv2.perspectiveTransform(corners, truth)
b = cv2.perspectiveTransform(corners, est)
print(f"{np.max(np.linalg.norm(a - b, axis=2)):.2f}")

#!/usr/bin/python3
"""Small convolutional ONNX models of realistic shape for timing ONNX Runtime (no trained weights: the numbers
they produce are meaningless; only their cost is measured). Random weights, fixed seed.

  encoder.onnx: [1,3,224,224] -> [1,384] (5 stride-2 3x3 convs 3-32-64-128-256-384 + ReLU, global average pool),
                the input/output contract of a DINO-style image encoder.
  depth.onnx:   [1,3,256,256] -> [1,256,256] (4 3x3 convs 3-32-64-32-1 + ReLU, a relative inverse depth map),
                the contract of a MiDaS / Depth-Anything-style depth model.
Usage: make_models.py OUT_DIR
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

rng = np.random.default_rng(7)


def conv(name, x, cin, cout, stride, nodes, inits):
    w = (rng.standard_normal((cout, cin, 3, 3)) * np.sqrt(2.0 / (cin * 9))).astype(np.float32)
    b = np.zeros(cout, np.float32)
    inits += [helper.make_tensor(f"{name}_w", TensorProto.FLOAT, w.shape, w.flatten()),
              helper.make_tensor(f"{name}_b", TensorProto.FLOAT, b.shape, b)]
    nodes.append(helper.make_node("Conv", [x, f"{name}_w", f"{name}_b"], [f"{name}_c"], pads=[1, 1, 1, 1], strides=[stride, stride]))
    nodes.append(helper.make_node("Relu", [f"{name}_c"], [f"{name}_r"]))
    return f"{name}_r"


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


out = sys.argv[1]
nodes, inits, x = [], [], "pixel_values"
for i, (cin, cout) in enumerate([(3, 32), (32, 64), (64, 128), (128, 256), (256, 384)]):
    x = conv(f"e{i}", x, cin, cout, 2, nodes, inits)
nodes.append(helper.make_node("ReduceMean", [x], ["embedding"], axes=[2, 3], keepdims=0))
save(helper.make_graph(nodes, "encoder", [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, [1, 3, 224, 224])],
                       [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 384])], inits), f"{out}/encoder.onnx")

nodes, inits, x = [], [], "image"
for i, (cin, cout) in enumerate([(3, 32), (32, 64), (64, 32), (32, 1)]):
    x = conv(f"d{i}", x, cin, cout, 1, nodes, inits)
nodes.append(helper.make_node("Squeeze", [x, "axis1"], ["inverse_depth"]))
inits.append(helper.make_tensor("axis1", TensorProto.INT64, [1], [1]))
save(helper.make_graph(nodes, "depth", [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 256, 256])],
                       [helper.make_tensor_value_info("inverse_depth", TensorProto.FLOAT, [1, 256, 256])], inits), f"{out}/depth.onnx")

#!/usr/bin/env python3
"""Write a synthetic but realistic ONNX model with at least N nodes, for scale benchmarks.

The graph is one block repeated until there are at least N nodes (it stops at the end of the
block that reaches N), each block with its own weights:

  conv (default)  x -> Conv 3x3 (pad 1, bias) -> BatchNormalization -> Relu -> Add(x, .) -> next
                  4 nodes a block; input [batch, C, H, W], output of the same shape.
  mlp             x -> MatMul -> Add(bias) -> Gelu -> Add(x, .) -> LayerNormalization -> next
                  5 nodes a block; input [batch, seq, C], output of the same shape (opset 20,
                  the first with Gelu).

By default the weights are stripped: each initializer keeps its name, dims and data type but has
no data, so a 100,000-node conv model is about 15 MB. opcat needs only shapes. onnx.checker is
not run on such a file, since it rejects it ("TensorProto ... should contain one and only one
value field"), and onnx-tool cannot profile it. --with-weights writes real random weights
(seeded) and runs onnx.checker on the result; with the default 16 channels a 100,000-node conv
model is about 240 MB, and it must stay under protobuf's 2 GB.

The output is deterministic: same arguments, same bytes.

Usage (the venv comes from tools/setup_onnx_venv.sh):

    PY="$(bash tools/setup_onnx_venv.sh)"
    "$PY" tools/make_large_onnx.py 100000 /tmp/large.onnx                    # weights stripped
    "$PY" tools/make_large_onnx.py 1000 /tmp/small_w.onnx --with-weights     # random weights
    "$PY" tools/make_large_onnx.py 100000 /tmp/mlp.onnx --block mlp --channels 32

Prints one line to stderr: the file, its node count, initializer count, parameter count and size.
"""

import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20240601


def initializer(name, shape, rng, with_weights, kind="normal", scale=1.0):
    """A float32 initializer; without weights only its name, dims and data type are set."""
    if not with_weights:
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(shape)
        return t
    if kind == "normal":
        data = rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)
    elif kind == "ones_ish":  # around 1, e.g. BN scale / running var (must stay positive)
        data = (1.0 + 0.1 * rng.random(shape, dtype=np.float32)).astype(np.float32)
    else:
        raise ValueError(kind)
    return numpy_helper.from_array(data, name)


def conv_block(i, x, c, rng, with_weights):
    p = f"block{i}"
    fan_in = c * 9
    inits = [
        initializer(f"{p}.conv.weight", [c, c, 3, 3], rng, with_weights, scale=math.sqrt(2.0 / fan_in)),
        initializer(f"{p}.conv.bias", [c], rng, with_weights, scale=0.01),
        initializer(f"{p}.bn.scale", [c], rng, with_weights, kind="ones_ish"),
        initializer(f"{p}.bn.bias", [c], rng, with_weights, scale=0.01),
        initializer(f"{p}.bn.mean", [c], rng, with_weights, scale=0.01),
        initializer(f"{p}.bn.var", [c], rng, with_weights, kind="ones_ish"),
    ]
    nodes = [
        helper.make_node("Conv", [x, f"{p}.conv.weight", f"{p}.conv.bias"], [f"{p}.conv"], name=f"{p}.conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization",
                         [f"{p}.conv", f"{p}.bn.scale", f"{p}.bn.bias", f"{p}.bn.mean", f"{p}.bn.var"],
                         [f"{p}.bn"], name=f"{p}.bn", epsilon=1e-5),
        helper.make_node("Relu", [f"{p}.bn"], [f"{p}.relu"], name=f"{p}.relu"),
        helper.make_node("Add", [x, f"{p}.relu"], [f"{p}.out"], name=f"{p}.add"),
    ]
    return nodes, inits, f"{p}.out"


def mlp_block(i, x, c, rng, with_weights):
    p = f"block{i}"
    inits = [
        initializer(f"{p}.fc.weight", [c, c], rng, with_weights, scale=math.sqrt(1.0 / c)),
        initializer(f"{p}.fc.bias", [c], rng, with_weights, scale=0.01),
        initializer(f"{p}.ln.scale", [c], rng, with_weights, kind="ones_ish"),
        initializer(f"{p}.ln.bias", [c], rng, with_weights, scale=0.01),
    ]
    nodes = [
        helper.make_node("MatMul", [x, f"{p}.fc.weight"], [f"{p}.fc"], name=f"{p}.fc"),
        helper.make_node("Add", [f"{p}.fc", f"{p}.fc.bias"], [f"{p}.fc_bias"], name=f"{p}.fc_bias"),
        helper.make_node("Gelu", [f"{p}.fc_bias"], [f"{p}.gelu"], name=f"{p}.gelu"),
        helper.make_node("Add", [x, f"{p}.gelu"], [f"{p}.res"], name=f"{p}.res"),
        helper.make_node("LayerNormalization", [f"{p}.res", f"{p}.ln.scale", f"{p}.ln.bias"], [f"{p}.out"],
                         name=f"{p}.ln", axis=-1, epsilon=1e-5),
    ]
    return nodes, inits, f"{p}.out"


BLOCKS = {
    # name: (builder, nodes per block, opset, input shape from (batch, channels, spatial))
    "conv": (conv_block, 4, 17, lambda b, c, s: [b, c, s, s]),
    "mlp": (mlp_block, 5, 20, lambda b, c, s: [b, s, c]),
}


def build(n_nodes, block, channels, spatial, batch, with_weights):
    builder, per_block, opset, in_shape = BLOCKS[block]
    blocks = max(1, -(-n_nodes // per_block))
    rng = np.random.default_rng(SEED)
    nodes, inits = [], []
    x = "input"
    for i in range(blocks):
        n, w, x = builder(i, x, channels, rng, with_weights)
        nodes.extend(n)
        inits.extend(w)
    shape = in_shape(batch, channels, spatial)
    # The last block's output keeps its tensor name, declared as the graph output.
    graph = helper.make_graph(
        nodes, f"synthetic_{block}_{blocks}blocks",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape)],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="opcat/tools/make_large_onnx.py", producer_version="1")
    model.ir_version = 8 if opset < 19 else 9
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("nodes", nargs="?", type=int, default=100_000, help="minimum node count (default 100000)")
    ap.add_argument("out", help="output .onnx path")
    ap.add_argument("--block", choices=sorted(BLOCKS), default="conv", help="repeated block (default conv)")
    ap.add_argument("--channels", type=int, default=16, help="channels / hidden size (default 16)")
    ap.add_argument("--spatial", type=int, default=16,
                    help="H = W for conv, sequence length for mlp (default 16)")
    ap.add_argument("--batch", type=int, default=1, help="batch size (default 1)")
    ap.add_argument("--with-weights", action="store_true",
                    help="write real random weights (seeded) and run onnx.checker")
    args = ap.parse_args()
    if args.nodes < 1 or args.channels < 1 or args.spatial < 1 or args.batch < 1:
        ap.error("nodes, channels, spatial and batch must be positive")

    model = build(args.nodes, args.block, args.channels, args.spatial, args.batch, args.with_weights)
    params = sum(math.prod(t.dims) for t in model.graph.initializer)
    if args.with_weights:
        if model.ByteSize() >= 2 ** 31:
            sys.exit(f"make_large_onnx: {model.ByteSize():,} bytes is over protobuf's 2 GB limit; "
                     f"use fewer nodes or channels")
        onnx.checker.check_model(model)
    data = model.SerializeToString(deterministic=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print(f"make_large_onnx: wrote {args.out}: {len(model.graph.node):,} nodes ({args.block} blocks), "
          f"{len(model.graph.initializer):,} initializers, {params:,} params"
          f"{'' if args.with_weights else ' (stripped)'}, {len(data):,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

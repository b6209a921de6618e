#!/usr/bin/env python3
"""Write a synthetic MXNet symbol JSON with at least N operation nodes, for scale benchmarks.

A chain of residual blocks Convolution(3x3) → BatchNorm → Activation(relu) → elemwise_add over
16 channels at 16×16, with weights declared the way HybridBlock.export writes them (input
channels deferred as 0). Deterministic; stdlib only.

Usage: python3 tools/make_large_symbol.py N OUT.json
"""

import json
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    target, out = int(sys.argv[1]), sys.argv[2]
    nodes = [{"op": "null", "name": "data", "inputs": []}]
    arg_nodes = [0]
    current = 0
    ops = 0
    block = 0

    def var(name, shape):
        nodes.append({"op": "null", "name": name, "attrs": {"__shape__": shape}, "inputs": []})
        arg_nodes.append(len(nodes) - 1)
        return len(nodes) - 1

    def op(kind, name, attrs, inputs):
        nodes.append({"op": kind, "name": name, "attrs": attrs, "inputs": [[i, 0, 0] for i in inputs]})
        return len(nodes) - 1

    while ops < target:
        p = f"b{block}_"
        w = var(p + "conv_weight", "(16, 0, 3, 3)")
        b = var(p + "conv_bias", "(16,)")
        conv = op("Convolution", p + "conv", {"kernel": "(3, 3)", "pad": "(1, 1)", "num_filter": "16"}, [current, w, b])
        gamma, beta = var(p + "bn_gamma", "(0,)"), var(p + "bn_beta", "(0,)")
        mean, variance = var(p + "bn_moving_mean", "(0,)"), var(p + "bn_moving_var", "(0,)")
        nodes.append({"op": "BatchNorm", "name": p + "bn", "attrs": {}, "inputs": [[conv, 0, 0], [gamma, 0, 0], [beta, 0, 0],
                                                                              [mean, 0, 1], [variance, 0, 1]]})
        bn = len(nodes) - 1
        relu = op("Activation", p + "relu", {"act_type": "relu"}, [bn])
        current = op("elemwise_add", p + "add", {}, [relu, current]) if block > 0 else relu
        ops += 4 if block > 0 else 3
        block += 1
    symbol = {"nodes": nodes, "arg_nodes": arg_nodes, "node_row_ptr": list(range(len(nodes) + 1)),
              "heads": [[current, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}
    with open(out, "w") as f:
        json.dump(symbol, f, separators=(",", ":"))
    print(f"make_large_symbol: wrote {out}: {ops} operation nodes, {len(nodes)} nodes in all", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The reference side of the ONNX benchmark: onnx-tool's shape inference and profile, timed.

For each ONNX file given (with weights: onnx-tool cannot profile a weight-stripped file such as
make_large_onnx.py writes by default, unless --fill-stripped first gives each such initializer
zero data in memory), this does what `python -m onnx_tool -i FILE` does before
printing its table, with the pinned onnx-tool 1.0.1:

    model = onnx_tool.Model(path, {"verbose": False})   # onnx.load + onnx-tool's own graph
    g = model.graph
    g.graph_reorder_nodes()                             # topological order
    g.shape_infer(inputs)                               # every tensor's shape (inputs: --shape)
    g.profile(exclude_ops)                              # per-node MACs and params
    macs, params = g.macs[0], g.params                  # totals (macs[1] is sparsity-aware MACs)

and prints one CSV row per file on stdout:

    file,macs,params,seconds

seconds is the wall time of those steps together (load, and --fill-stripped's filling, included;
Python start and imports not).
With --phases three more columns give load, shape_infer and profile separately (reorder counts
with load). Files are profiled in order, in this one process; a file that fails prints its
error to stderr, gets no row, and makes the exit status 1.

Counting conventions, onnx-tool's own: a node's params are the elements of its initializer
inputs not counted for an earlier node (a scalar initializer counts 0: onnx-tool's volume([]) is
0); MACs are onnx-tool's per-op formulas (e.g. Conv: out elements x in channels/group x kernel,
plus bias adds; activations and normalizations count their element-wise work too). By default
every node is profiled; --hide-no-macs-ops leaves out onnx_tool.NoMacsOps (Identity, Constant,
Shape, Reshape, Gather, ...) from MACs and params alike, as the onnx_tool CLI does.

Usage (the venv comes from tools/setup_onnx_venv.sh, which pins onnx-tool):

    PY="$(bash tools/setup_onnx_venv.sh)"
    "$PY" tools/make_large_onnx.py 1000 /tmp/w1k.onnx --with-weights
    "$PY" tools/onnx_tool_bench.py /tmp/w1k.onnx
    "$PY" tools/onnx_tool_bench.py --phases --shape input:1x3x224x224 resnet50.onnx vit.onnx
"""

import argparse
import csv
import os
import math
import sys
import time
import traceback
import warnings

import numpy as np
import onnx
import onnx_tool


def parse_shape(spec):
    """'name:1x3x224x224' -> (name, [1, 3, 224, 224])."""
    name, sep, dims = spec.rpartition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"--shape wants NAME:D0xD1x..., not {spec!r}")
    try:
        shape = [int(d) for d in dims.split("x")] if dims else []
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shape wants NAME:D0xD1x..., not {spec!r}") from None
    return name, shape


def number(x):
    """onnx-tool's totals are floats (MACs) or ints; print integral values without '.0'."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


DATA_FIELDS = ("raw_data", "float_data", "int32_data", "string_data", "int64_data", "double_data", "uint64_data")


def fill_stripped(model):
    """Give every initializer that has dims but no data (and no external data) zero bytes, in place."""
    filled = 0
    for t in model.graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL or any(len(getattr(t, f)) for f in DATA_FIELDS):
            continue
        count = math.prod(t.dims)
        if count == 0:
            continue
        itemsize = onnx.helper.tensor_dtype_to_np_dtype(t.data_type).itemsize
        t.raw_data = bytes(count * itemsize)
        filled += 1
    return filled


def profile(path, inputs, exclude_ops, fill):
    t0 = time.perf_counter()
    if fill:
        proto = onnx.load(path)
        fill_stripped(proto)
        model = onnx_tool.Model(proto, {"verbose": False})
    else:
        model = onnx_tool.Model(path, {"verbose": False})
    if not model.valid:
        raise ValueError("onnx_tool.Model says the file is not a valid ONNX model")
    g = model.graph
    g.graph_reorder_nodes()
    t1 = time.perf_counter()
    g.shape_infer(inputs)
    t2 = time.perf_counter()
    g.profile(exclude_ops)
    t3 = time.perf_counter()
    if not g.valid_profile:
        raise ValueError("onnx-tool did not finish a valid profile")
    return g.macs[0], g.params, (t1 - t0, t2 - t1, t3 - t2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="ONNX files, with weights")
    ap.add_argument("--shape", action="append", type=parse_shape, default=[], metavar="NAME:D0xD1x...",
                    help="concrete shape for a graph input with symbolic dims (float32 zeros); repeatable")
    ap.add_argument("--hide-no-macs-ops", action="store_true",
                    help="leave onnx_tool.NoMacsOps out of the totals, like the onnx_tool CLI")
    ap.add_argument("--fill-stripped", action="store_true",
                    help="give weight-stripped initializers zero data in memory first (timed with load), "
                         "so onnx-tool can profile files such as make_large_onnx.py writes by default")
    ap.add_argument("--phases", action="store_true",
                    help="add load_seconds,shape_infer_seconds,profile_seconds columns")
    ap.add_argument("--fill-to", metavar="DIR",
                    help="instead of profiling: write a copy of each file into DIR with its stripped "
                         "initializers given zero data (full-size files with weights, for benchmarks)")
    args = ap.parse_args()

    if args.fill_to:
        os.makedirs(args.fill_to, exist_ok=True)
        for path in args.files:
            proto = onnx.load(path)
            fill_stripped(proto)
            onnx.save(proto, os.path.join(args.fill_to, os.path.basename(path)))
        return 0

    inputs = {name: np.zeros(shape, dtype=np.float32) for name, shape in args.shape} or None
    exclude_ops = set(onnx_tool.NoMacsOps) if args.hide_no_macs_ops else None
    out = csv.writer(sys.stdout, lineterminator="\n")
    header = ["file", "macs", "params", "seconds"]
    if args.phases:
        header += ["load_seconds", "shape_infer_seconds", "profile_seconds"]
    out.writerow(header)
    sys.stdout.flush()
    failed = False
    for path in args.files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                macs, params, phases = profile(path, inputs, exclude_ops, args.fill_stripped)
        except Exception as e:  # noqa: BLE001  (report and go on with the next file)
            failed = True
            print(f"onnx_tool_bench: {path}: {type(e).__name__}: {e}", file=sys.stderr)
            traceback.print_exc(limit=3, file=sys.stderr)
            continue
        row = [path, number(macs), number(params), f"{sum(phases):.3f}"]
        if args.phases:
            row += [f"{p:.3f}" for p in phases]
        out.writerow(row)
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

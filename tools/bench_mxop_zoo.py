#!/usr/bin/env python3
"""Benchmark, reference side: how long mxop 0.2.0 takes to count the 34 zoo models.

Counts every model of tools/mxnet_zoo.py twice, full and backbone (68 calls that
are each equivalent to mxop's `op_summary`: build the Gluon net from the model zoo,
`initialize()`, `count_ops` with a forward pass, `count_params`), exactly as
tools/mxop_reference.py does. mxop works on a live Gluon net, so building the net
is part of its cost and is timed. Nothing is downloaded (no pretrained weights).

stdout: the counts in the CSV format of data/reference/mxop_zoo.csv (header, then
        one line per model), so the run can be checked with `diff`.
stderr: the total wall time of the 68 counts (imports excluded).
--timings PATH: also write `model,seconds` (full + backbone, net building included) per model.

Usage (with the venv from tools/setup_mxnet_venv.sh):
    .venv-mxnet/bin/python tools/bench_mxop_zoo.py > counts.csv
"""

import sys
import time

import mxnet as mx

from mxnet_zoo import MODELS, mxop_count

COUNTS = ("params", "muls", "adds", "divs", "exps")


def main() -> int:
    timings_path = None
    if len(sys.argv) == 3 and sys.argv[1] == "--timings":
        timings_path = sys.argv[2]
    elif len(sys.argv) != 1:
        print("usage: bench_mxop_zoo.py [--timings PATH]", file=sys.stderr)
        return 2
    timings = []
    print(",".join(["model", "input_shape"] + list(COUNTS) + ["bb_" + c for c in COUNTS]))
    start = time.perf_counter()
    for model in MODELS:
        began = time.perf_counter()
        full = mxop_count(model, drop_fc=False)
        backbone = mxop_count(model, drop_fc=True)
        mx.nd.waitall()
        timings.append((model.name, time.perf_counter() - began))
        values = [full[c] for c in COUNTS] + [backbone[c] for c in COUNTS]
        print(",".join([model.name, model.input_shape_str] + [str(v) for v in values]), flush=True)
    mx.nd.waitall()
    elapsed = time.perf_counter() - start
    if timings_path:
        with open(timings_path, "w") as f:
            f.write("model,seconds\n")
            for name, seconds in timings:
                f.write(f"{name},{seconds:.6f}\n")
    print(f"bench_mxop_zoo: {len(MODELS)} models x 2 (full, backbone) = {2 * len(MODELS)} mxop counts "
          f"in {elapsed:.2f} s wall time", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

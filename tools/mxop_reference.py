#!/usr/bin/env python3
"""Record mxop 0.2.0's exact counts for the 34 zoo models: data/reference/mxop_zoo.csv.

mxop (hey-yahei/OpSummary.MXNet, PyPI 0.2.0) counts params and ops of a Gluon net
with forward hooks. Each model is measured twice, the way mxop's own test
(tests/test_gluon_utils.py, `test_op_summary`) does it: a fresh net from the model
zoo, `initialize()`, then `op_summary(net, input_size, exclude=...)` with no
exclusion (full model) and with mxop's `dropped_layers` excluded (backbone, the
`bb_` columns). We call op_summary's two halves, `count_ops` and `count_params`,
directly with the same arguments, to get the integers instead of its print-out.

Output columns:
    model,input_shape,params,muls,adds,divs,exps,bb_params,bb_muls,bb_adds,bb_divs,bb_exps
`model` is the mxnet get_model name, `input_shape` e.g. 1x3x224x224.

Usage (with the venv from tools/setup_mxnet_venv.sh):
    .venv-mxnet/bin/python tools/mxop_reference.py [--output CSV]
"""

import argparse
import csv
import os
import sys

import mxnet as mx
import mxop  # noqa: F401  (fail early if mxop is missing)
import numpy as np
from importlib.metadata import version

from mxnet_zoo import MODELS, MXOP_ZOO_CSV, PINNED, mxop_count

COUNTS = ("params", "muls", "adds", "divs", "exps")
HEADER = ["model", "input_shape"] + list(COUNTS) + ["bb_" + c for c in COUNTS]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=MXOP_ZOO_CSV, help="CSV to write (default: %(default)s)")
    args = parser.parse_args()

    installed = {"mxnet": mx.__version__, "numpy": np.__version__, "mxop": version("mxop")}
    if installed != PINNED:
        raise SystemExit(f"installed {installed}, the reference data needs {PINNED}; "
                         "use the venv from tools/setup_mxnet_venv.sh")

    rows = []
    for model in MODELS:
        full = mxop_count(model, drop_fc=False)
        backbone = mxop_count(model, drop_fc=True)
        rows.append([model.name, model.input_shape_str]
                    + [full[c] for c in COUNTS] + [backbone[c] for c in COUNTS])
        print(",".join(str(v) for v in rows[-1]), file=sys.stderr)

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {os.path.relpath(args.output)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

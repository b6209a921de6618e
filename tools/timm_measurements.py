"""Measured speeds from timm's benchmark tables, as zoo-manifest `measurements`.

A measured speed belongs to a model (an architecture) at an input on a device, not to a
checkpoint: timm's two benchmark tables (../shared/reference/zoos/timm/, from
huggingface/pytorch-image-models@aa4b5850c1543fa488abf260f18390eda46cf85d, results/) give per
architecture and resolution (`infer_img_size`) the samples per second and step time at a batch
size, on

  benchmark-infer-amp-nchw-pt291-cu128-4090.csv              RTX 4090, AMP, PyTorch 2.9.1, CUDA 12.8, NCHW
  benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv   Core i9-10940X, fp32, PyTorch 2.4.0 with torch.compile

Each row becomes two measurements of the architecture's model at input `<name>:1x3xSxS` (one
sample's input; the batch size is its own field): `samples_per_sec` and `step_time_ms` (the time
of one batch). Their GMACs columns are not copied (opcat counts MACs itself; the cross-check doc
compares them).

tools/export_timm_zoo.py adds them to each model of data/zoos/timm/manifest.json (a dynamic
export at every size measured, a static one at its own). Plain Python, no ML package.
"""

import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TABLES = os.path.join(REPO, "..", "shared", "reference", "zoos", "timm")
COMMIT = "aa4b585"

# (file, device, precision, what the table's name says about how it was run)
BENCHMARKS = [
    ("benchmark-infer-amp-nchw-pt291-cu128-4090.csv", "RTX 4090", "amp", "PyTorch 2.9.1, CUDA 12.8, NCHW"),
    ("benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv", "Core i9-10940X", "fp32",
     "PyTorch 2.4.0, torch.compile, NCHW"),
]


def load(tables=TABLES):
    """{architecture: [(img_size, device, precision, batch, samples/s, step ms, source)]}."""
    rows = {}
    for file, device, precision, how in BENCHMARKS:
        source = f"timm {file} ({how}; huggingface/pytorch-image-models@{COMMIT}, results/)"
        with open(os.path.join(tables, file), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                rows.setdefault(r["model"], []).append((
                    int(r["infer_img_size"]), device, precision, int(r["infer_batch_size"]),
                    float(r["infer_samples_per_sec"]), float(r["infer_step_time"]), source))
    return rows


def measurements(arch, input_name, table):
    """The manifest `measurements` of one architecture."""
    result = []
    for size, device, precision, batch, rate, step, source in table.get(arch, []):
        base = {"input": {"name": input_name, "shape": [1, 3, size, size]}, "device": device,
                "precision": precision, "batch_size": batch}
        result.append(dict(base, metric="samples_per_sec", value=rate, source=source))
        result.append(dict(base, metric="step_time_ms", value=step, source=source))
    return result

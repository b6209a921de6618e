#!/usr/bin/env python3
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

Usage, after tools/export_timm_zoo.py has written data/zoos/timm/manifest.json (plain Python, no
ML package; idempotent: the measurements of every listed model are replaced):
    python3 tools/timm_measurements.py [--manifest data/zoos/timm/manifest.json]
"""

import argparse
import csv
import json
import os
import sys

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", default=os.path.join(REPO, "data", "zoos", "timm", "manifest.json"))
    args = ap.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    table = load()
    measured = 0
    for entry in manifest["models"]:
        arch = entry["name"].split("/", 1)[-1]
        found = measurements(arch, entry["input"]["name"], table)
        if found:
            entry["measurements"] = found
            measured += 1
        else:
            entry.pop("measurements", None)
    with open(args.manifest, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"{measured} of {len(manifest['models'])} models have measurements", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""timm's own published figures for the exported architectures, for the cross-check in
docs/cross-check.md (Tests/ModelFormatsTests/CrossCheckTests.swift writes it):

  data/zoos/timm/published.csv  checkpoint, model, eval_input, param_count_m
      results-imagenet.csv's param_count (millions, two decimals; its thousands separators
      dropped) of every exported checkpoint
  data/zoos/timm/published_gmacs.csv  model, input, device, infer_gmacs, source
      the infer_gmacs column (GMACs, two decimals, from timm's profiler: DeepSpeed's or fvcore's)
      of timm's two benchmark tables, at every input the manifest has a measurement for (a
      dynamic export at every size measured, a static one at its own; a measurement whose
      infer_gmacs cell is empty keeps it empty, the run and docs/cross-check.md name it)

Sources: ../shared/reference/zoos/timm/ (huggingface/pytorch-image-models@aa4b585, results/).
tools/export_timm_zoo.py runs it after each export run; plain Python, no ML package.
Usage: python3 tools/timm_published.py
"""

from __future__ import annotations

import csv
import json
import os

import timm_measurements

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT_DIR = os.path.join(REPO, "data", "zoos", "timm")


def write(path: str, columns: list, rows: list) -> None:
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(path + ".tmp", path)


def binding(shape: dict) -> str:
    return f"{shape['name']}:" + "x".join(str(d) for d in shape["shape"])


def main() -> int:
    with open(os.path.join(OUT_DIR, "manifest.json"), encoding="utf-8") as f:
        models = json.load(f)["models"]
    with open(os.path.join(timm_measurements.TABLES, "results-imagenet.csv"), newline="", encoding="utf-8") as f:
        params = {r["model"]: r["param_count"].replace(",", "") for r in csv.DictReader(f)}  # "1,012.56"
    gmacs = {}
    for file, device, _, _ in timm_measurements.BENCHMARKS:
        with open(os.path.join(timm_measurements.TABLES, file), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                gmacs[(r["model"], int(r["infer_img_size"]), device)] = (r["infer_gmacs"], file)
    published, published_gmacs, blank = [], [], []
    for m in models:
        for c in m["checkpoints"]:
            name = c["name"].split("@")[0]
            published.append({"checkpoint": c["name"], "model": m["name"], "eval_input": binding(c["eval_input"]),
                              "param_count_m": params[name]})
        arch = name.split(".")[0]
        seen = set()
        for s in m.get("measurements", []):
            key = (s["input"]["shape"][-1], s["device"])
            if key in seen:
                continue
            seen.add(key)
            value, file = gmacs[(arch, key[0], key[1])]
            if not value:  # a measurement without infer_gmacs: kept empty, the page names it
                blank.append(f"{arch} at {key[0]} on {key[1]}")
            published_gmacs.append({"model": m["name"], "input": binding(s["input"]), "device": key[1],
                                    "infer_gmacs": value, "source": f"timm {file} (pytorch-image-models@"
                                    f"{timm_measurements.COMMIT})"})
    write(os.path.join(OUT_DIR, "published.csv"), ["checkpoint", "model", "eval_input", "param_count_m"], published)
    write(os.path.join(OUT_DIR, "published_gmacs.csv"), ["model", "input", "device", "infer_gmacs", "source"],
          published_gmacs)
    print(f"timm published: {len(published)} checkpoints' param_count, {len(published_gmacs)} benchmark GMACs"
          + (f" ({len(blank)} of them empty: {', '.join(blank)})" if blank else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The shared files the zoo scripts write: data/zoo/manifest.json and the reference CSVs.

Several scripts write one manifest (tools/export_mxnet_zoo.py, tools/export_torchvision_zoo.py,
tools/export_quantized_mxnet.py, tools/export_quantized_onnx.py) and two write
data/reference/quantized.csv. Each replaces only its own group of entries or rows (its format,
float or quantized) and keeps the others; the order is fixed, so any script can run alone:
float models before quantized ones, and within each, mxnet-symbol before onnx, each group in the
order its script wrote it. Plain Python: no ML package needed.
"""
from __future__ import annotations

import csv
import json
import os
from typing import Optional


def _group(entry: dict) -> tuple:
    return ("quantized_from" in entry, entry.get("format", ""))


def merge_manifest(path: str, entries: list, fmt: str, quantized: bool, header: Optional[dict] = None) -> None:
    """Replaces the manifest's entries of `fmt` (quantized or float) by `entries`; `header` updates
    the top-level fields (e.g. generated_by)."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    else:
        manifest = {"format_version": 1, "models": []}
    if any(_group(e) != (quantized, fmt) for e in entries):
        raise SystemExit(f"manifest: every new entry must be a {'quantized' if quantized else 'float'} {fmt} model")
    kept = [e for e in manifest["models"] if _group(e) != (quantized, fmt)]
    clash = {e["name"] for e in kept} & {e["name"] for e in entries}
    if clash:
        raise SystemExit(f"manifest: names already used by other entries: {sorted(clash)}")
    models = sorted(kept + entries, key=_group)  # stable: each group keeps its order
    floats = {e["name"] for e in models if "quantized_from" not in e}
    missing = {e["quantized_from"] for e in models if "quantized_from" in e} - floats
    if missing:
        raise SystemExit(f"manifest: quantized_from names no float entry: {sorted(missing)}")
    manifest.update(header or {})
    manifest["zoo"] = "seed"  # data/zoo: the seed's models and the quick start's small ONNX and quantized set
    manifest["models"] = models
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def merge_csv(path: str, header: list, rows: list, fmt: str) -> None:
    """Replaces the rows of `fmt` (a `format` column) by `rows` (dicts with every header column);
    rows of other formats stay, mxnet-symbol before onnx. Without a `format` column, writes `rows`."""
    others = []
    if "format" in header and os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != header:
                raise SystemExit(f"{path}: header {reader.fieldnames} != {header}")
            others = [r for r in reader if r["format"] != fmt]
    merged = others + rows
    if "format" in header:
        merged.sort(key=lambda r: r["format"])  # stable
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([row[c] for c in header] for row in merged)

#!/usr/bin/env python3
"""Write a synthetic zoo of N distinct model files for ingest benchmarks (stdlib only).

Model i is the bundled MXNet zoo model i % 34 with a marker attribute added to the graph's
top-level "attrs", so every file has its own content (and SHA-256) while its counts stay
those of the original. The manifest has the same fields as data/zoo/manifest.json.

Usage: python3 tools/synthetic_zoo.py N OUTDIR
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    count, out = int(sys.argv[1]), sys.argv[2]
    zoo = os.path.join(ROOT, "data", "zoo")
    with open(os.path.join(zoo, "manifest.json")) as f:
        base = [m for m in json.load(f)["models"] if m["format"] == "mxnet-symbol"]
    graphs = {}
    for entry in base:
        with open(os.path.join(zoo, entry["file"])) as f:
            graphs[entry["name"]] = json.load(f)
    os.makedirs(out, exist_ok=True)
    models = []
    for i in range(count):
        entry = dict(base[i % len(base)])
        graph = graphs[entry["name"]]
        graph.setdefault("attrs", {})["opcat_synthetic_variant"] = ["int", i]
        name = f"synthetic{i:05d}_{entry['name']}"
        entry.update(name=name, file=f"{name}-symbol.json", display_name=None, metrics=[])
        with open(os.path.join(out, entry["file"]), "w") as f:
            json.dump(graph, f)
        models.append(entry)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"format_version": 1, "generated_by": "tools/synthetic_zoo.py", "models": models}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""MACs of timm's reparameterizable architectures after timm fuses them for inference, for the
cross-check in docs/cross-check.md (Tests/ModelFormatsTests/CrossCheckTests.swift reads it).

RepVGG, MobileOne, FastViT, RepViT, GhostNetV3 and others train with parallel branches (a 3x3
and a 1x1 convolution, k over-parameterized copies, BatchNorm after each) that
`timm.utils.reparameterize_model` folds into one convolution for inference. The exported graphs
(and opcat's counts) are the training-time structure, as `timm.create_model` builds it; timm's
RTX 4090 benchmark table profiles the fused network, its Core i9 table the unfused one. This
script gives the fused figure, so that the page can show which of timm's numbers is which.

For every model of data/zoos/timm/manifest.json that has a module with `fuse`, `reparameterize`
or `switch_to_deploy` (found by building it on the meta device, which allocates nothing), at
every input published_gmacs.csv lists for it: FlopCounterMode's MACs (FLOPs / 2) of the seeded
random-weight model as built, and of `reparameterize_model(model)`. Models whose fused MACs equal
the unfused ones (a fuse that only folds BatchNorm into a convolution) are listed too.

Output: data/zoos/timm/reparameterized.csv  model, input, macs, macs_reparameterized, versions

Usage (venv from tools/setup_corpus_venv.sh; about 5 minutes):
    .venv-corpus/bin/python tools/timm_reparameterized.py
"""

from __future__ import annotations

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_timm_zoo  # noqa: E402
import torch_zoo as tz  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "data", "zoos", "timm")
OUT = os.path.join(OUT_DIR, "reparameterized.csv")
HOOKS = ("fuse", "reparameterize", "switch_to_deploy")


def main() -> int:
    tz.quiet()
    torch = tz.setup_torch()
    import timm
    from timm.utils.model import reparameterize_model

    with open(os.path.join(OUT_DIR, "manifest.json"), encoding="utf-8") as f:
        models = json.load(f)["models"]
    with open(os.path.join(OUT_DIR, "published_gmacs.csv"), newline="", encoding="utf-8") as f:
        inputs: dict[str, list[str]] = {}
        for r in csv.DictReader(f):
            sizes = inputs.setdefault(r["model"], [])
            if r["input"] not in sizes:
                sizes.append(r["input"])
    archs = export_timm_zoo.table()
    versions = f"torch {torch.__version__.split('+')[0]}, timm {timm.__version__}"
    rows = []
    for m in models:
        if m["name"] not in inputs:
            continue
        arch = m["name"].split("/", 1)[1]
        if arch not in archs:  # a second file of an architecture (<arch>_<size>): built as its own
            arch = arch.rsplit("_", 1)[0]
        built_from = f"{arch}.{export_timm_zoo.default_row(archs[arch])['tag']}"  # as the export builds it
        kwargs = {}
        exported_side = m["input"]["shape"][-1]
        try:
            with torch.device("meta"):
                probe = timm.create_model(built_from, pretrained=False)
        except Exception:  # noqa: BLE001 - some inits compute on real tensors; build on the CPU then
            probe = timm.create_model(built_from, pretrained=False)
        if not any(hasattr(c, h) for c in probe.modules() for h in HOOKS):
            continue
        cfg = probe.pretrained_cfg
        if cfg.get("fixed_input_size") and int(cfg["input_size"][-1]) != exported_side:
            kwargs = {"img_size": exported_side}
        probe = None
        torch.manual_seed(tz.SEED)
        net = tz.randomize(timm.create_model(built_from, pretrained=False, **kwargs).eval())
        fused = reparameterize_model(net)
        for binding in inputs[m["name"]]:
            h, w = (int(d) for d in binding.split(":")[1].split("x")[2:])
            rows.append({"model": m["name"], "input": binding,
                         "macs": tz.flop_counter_macs(net, tz.example(h, w)),
                         "macs_reparameterized": tz.flop_counter_macs(fused, tz.example(h, w)),
                         "versions": versions})
            print(f"{m['name']} {binding}: {rows[-1]['macs']:,} -> {rows[-1]['macs_reparameterized']:,}", flush=True)
        net = fused = None
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["model", "input", "macs", "macs_reparameterized", "versions"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    changed = sum(1 for r in rows if r["macs"] != r["macs_reparameterized"])
    print(f"{len(rows)} model and input pairs of reparameterizable models; {changed} change their MACs when fused")
    return 0


if __name__ == "__main__":
    sys.exit(main())

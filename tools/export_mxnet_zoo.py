#!/usr/bin/env python3
"""Export the 34 MXNet Gluon model-zoo graphs of the OpSummary.MXNet table as symbol JSON.

For every model of tools/mxnet_zoo.py (in the seed table's order) this script

1. builds the net in a fresh `mx.name.NameManager()` (so node names are stable:
   `alexnet0_...`, `resnetv10_...`), runs `initialize(); hybridize()`, a forward pass on
   `mx.nd.ones(input_shape)`, and `export`s it to data/zoo/<name>-symbol.json. The
   `-0000.params` weights file is deleted; no weights are kept. The JSON file is left
   exactly as MXNet writes it. Nothing is downloaded (no pretrained weights).
2. finds the *backbone end*: the graph node whose output is the input of the blocks
   mxop drops for its backbone columns (`dropped_layers` of mxop's tests; see
   tools/mxnet_zoo.py). The ops a dropped block emits are named with the block's
   prefix (e.g. `resnetv10_pool1_fwd`); the backbone end is the unique op node, not
   itself dropped, that feeds a dropped op node.
3. checks that the op nodes that are ancestors of the backbone end (inclusive) are
   exactly the op nodes that are not dropped, apart from zero-cost ops after it
   (such as a Dropout); any such exception is printed.
4. checks the parameter counts against mxop 0.2.0's `count_params` on the same net:
   the sum of MXNet `infer_shape` arg shapes (except `data`) and aux shapes equals
   mxop's params, and the args/aux feeding the backbone ancestors equal mxop's
   backbone params (with the dropped blocks excluded). A mismatch is fatal.
5. writes data/zoo/manifest.json, with the top-1/top-5 accuracies taken from
   data/reference/seed_table.csv (run tools/extract_seed_table.py first). Entries of
   other formats already in the manifest (the ONNX models that
   tools/export_torchvision_zoo.py adds) are kept unchanged, after the MXNet ones.

Usage (with the venv from tools/setup_mxnet_venv.sh):
    .venv-mxnet/bin/python tools/export_mxnet_zoo.py
"""

import json
import os
import sys
from math import prod

import mxnet as mx
import numpy as np
from mxop.gluon import count_params

from mxnet_zoo import MODELS, PINNED, ZOO_DIR, ZooModel, ancestors, build_net, dropped_blocks, read_seed_table
from zoo_files import merge_manifest

METRIC_SOURCE = ("MXNet Gluon model zoo documentation, as quoted in the OpSummary.MXNet README "
                 "(hey-yahei/OpSummary.MXNet@d18637c)")

# Ops that compute nothing at inference time. They may legitimately sit between the
# backbone end and the dropped blocks without being dropped themselves.
ZERO_COST_OPS = {"Dropout", "Flatten", "identity", "_copy", "BlockGrad"}


def export_symbol(model: ZooModel):
    """Build, run and export one model. Returns (net, path of the symbol JSON)."""
    with mx.name.NameManager():
        net = build_net(model)
    net.initialize()
    net.hybridize()
    net(mx.nd.ones(model.input_shape))
    mx.nd.waitall()
    prefix = os.path.join(ZOO_DIR, model.name)
    net.export(prefix)  # writes <prefix>-symbol.json and <prefix>-0000.params
    os.remove(prefix + "-0000.params")
    return net, prefix + "-symbol.json"


def find_backbone_end(graph: dict, dropped_prefixes: list):
    """(backbone end index, set of dropped op-node indices) of an exported graph."""
    nodes = graph["nodes"]

    def is_dropped(name: str) -> bool:
        return any(name.startswith(p) for p in dropped_prefixes)

    dropped_ops = {i for i, n in enumerate(nodes) if n["op"] != "null" and is_dropped(n["name"])}
    feeders = set()
    for i in sorted(dropped_ops):
        for src, out_idx, _version in nodes[i]["inputs"]:
            if nodes[src]["op"] != "null" and src not in dropped_ops:
                assert out_idx == 0, f"{nodes[src]['name']} feeds the dropped blocks with output {out_idx}"
                feeders.add(src)
    assert len(feeders) == 1, f"backbone end is not unique: {[nodes[i]['name'] for i in sorted(feeders)]}"
    return feeders.pop(), dropped_ops


def check_model(model: ZooModel, net, path: str) -> dict:
    """Backbone end, dropped block names and checks for one exported model."""
    with open(path, encoding="utf-8") as f:
        graph = json.load(f)
    nodes = graph["nodes"]

    blocks = dropped_blocks(net, model)
    backbone_end, dropped_ops = find_backbone_end(graph, [b.prefix for b in blocks])
    end_name = nodes[backbone_end]["name"]

    # Ancestor check: ancestors(backbone end) ∩ ops == all non-dropped ops, except zero-cost ops.
    op_ids = {i for i, n in enumerate(nodes) if n["op"] != "null"}
    upstream = ancestors(graph, backbone_end)
    kept_ops = op_ids - dropped_ops
    assert upstream & op_ids <= kept_ops, f"{model.name}: a dropped op is upstream of {end_name}"
    exceptions = sorted(kept_ops - upstream)
    for i in exceptions:
        print(f"  {model.name}: op not upstream of the backbone end {end_name}: "
              f"{nodes[i]['name']} ({nodes[i]['op']})", file=sys.stderr)
        assert nodes[i]["op"] in ZERO_COST_OPS, f"{model.name}: {nodes[i]['name']} is not a zero-cost op"

    # Parameter check with MXNet's own shape inference, against mxop's count_params.
    sym = mx.sym.load(path)
    arg_shapes, _, aux_shapes = sym.infer_shape(data=model.input_shape)
    arg_sizes = dict(zip(sym.list_arguments(), (prod(s) for s in arg_shapes)))
    aux_sizes = dict(zip(sym.list_auxiliary_states(), (prod(s) for s in aux_shapes)))
    del arg_sizes["data"]
    sizes = {**arg_sizes, **aux_sizes}
    full = sum(sizes.values())
    backbone = sum(sizes[nodes[i]["name"]] for i in upstream
                   if nodes[i]["op"] == "null" and nodes[i]["name"] != "data")
    mxop_full, mxop_backbone = count_params(net), count_params(net, blocks)
    if (full, backbone) != (mxop_full, mxop_backbone):
        raise SystemExit(f"{model.name}: infer_shape params {full} / backbone {backbone} "
                         f"!= mxop {mxop_full} / {mxop_backbone}")

    return {"backbone_end": end_name, "dropped_blocks": [b.name for b in blocks],
            "params": full, "backbone_params": backbone, "exceptions": len(exceptions)}


def manifest_entry(model: ZooModel, info: dict, seed_row: dict) -> dict:
    def metric(key: str) -> dict:
        return {"dataset": "ImageNet-1k val", "metric": key, "value": float(seed_row[key]),
                "source": METRIC_SOURCE}

    return {
        "name": model.name,
        "display_name": model.display_name,
        "family": model.family,
        "format": "mxnet-symbol",
        "file": f"{model.name}-symbol.json",
        "input": {"name": "data", "shape": list(model.input_shape)},
        "backbone_end": info["backbone_end"],
        "dropped_blocks": info["dropped_blocks"],
        "metrics": [metric("top1"), metric("top5")],
    }


def main() -> int:
    for pkg, version in (("mxnet", mx.__version__), ("numpy", np.__version__)):
        if version != PINNED[pkg]:
            raise SystemExit(f"{pkg} {version} is installed, the reference data needs {PINNED[pkg]}; "
                             "use the venv from tools/setup_mxnet_venv.sh")
    seed = read_seed_table()
    os.makedirs(ZOO_DIR, exist_ok=True)

    entries = []
    for model in MODELS:
        if seed[model.name]["model"] != model.display_name:
            raise SystemExit(f"{model.name}: seed table says {seed[model.name]['model']!r}")
        net, path = export_symbol(model)
        info = check_model(model, net, path)
        print(f"{model.name:17} end={info['backbone_end']:45} params={info['params']} "
              f"backbone={info['backbone_params']}")
        entries.append(manifest_entry(model, info, seed[model.name]))

    # Entries of other formats and quantized models (their own scripts) stay as they are.
    merge_manifest(os.path.join(ZOO_DIR, "manifest.json"), entries, "mxnet-symbol", quantized=False, header={
        "format_version": 1,
        "generated_by": "tools/export_mxnet_zoo.py",
        "packages": {"mxnet": PINNED["mxnet"], "numpy": PINNED["numpy"]},
    })
    print(f"wrote {len(MODELS)} symbol files and manifest.json to {os.path.relpath(ZOO_DIR)}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Export GluonCV's detection, segmentation and pose networks as MXNet -symbol.json graphs, with
reference counts made by MXNet itself, into Tests/Fixtures/corpus/gluoncv/.

Nothing is downloaded: every network is built with `pretrained=False` (and `pretrained_base=False`
where the constructor takes it), initialized, hybridized, run once on zeros of its input size and
exported (`HybridBlock.export`); only the -symbol.json is kept (no weights).

Reference counts, written to Tests/Fixtures/corpus/reference_gluoncv.csv (one row per file):
  params      elements of the exported arg params (`.params` file, `arg:*`): what MXNet stores
              as learnable
  buffers     elements of the aux states (`aux:*`: BatchNorm running mean and variance)
  macs_infer_shape
              the multiply-accumulates of the linear ops (Convolution, Deconvolution,
              FullyConnected, dot, batch_dot), computed here from the output shapes MXNet's own
              `infer_shape` gives every node of the graph at the input size: out elements ×
              (in channels / groups) × kernel elements for a convolution, in elements × (out
              channels / groups) × kernel elements for a deconvolution, out elements × in
              features for a dense layer, out elements × the contracted length for products.
  op_types    the op types of the graph, for the record
It is the same formula opcat applies, but over MXNet's shapes, so a shape opcat infers wrongly
shows as a MAC difference.

Usage (the MXNet venv, which tools/setup_mxnet_venv.sh makes with gluoncv 0.10.5.post0 and its
dependencies pinned to releases that keep numpy 1.23.5):
    PY="$(bash tools/setup_mxnet_venv.sh)"
    "$PY" tools/export_gluoncv_corpus.py [--only NAME]      # about 3 minutes; re-exports are identical
"""

import argparse
import csv
import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import mxnet as mx  # noqa: E402
from gluoncv import model_zoo  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "Tests", "Fixtures", "corpus", "gluoncv")
REFERENCE = os.path.join(REPO, "Tests", "Fixtures", "corpus", "reference_gluoncv.csv")

# (task, model name, input shape)
MODELS = [
    ("detection", "ssd_300_vgg16_atrous_voc", (1, 3, 300, 300)),
    ("detection", "ssd_512_mobilenet1.0_voc", (1, 3, 512, 512)),
    ("detection", "ssd_512_resnet50_v1_voc", (1, 3, 512, 512)),
    ("detection", "yolo3_mobilenet1.0_voc", (1, 3, 416, 416)),
    ("detection", "yolo3_darknet53_voc", (1, 3, 416, 416)),
    ("detection", "faster_rcnn_resnet50_v1b_voc", (1, 3, 600, 800)),
    ("detection", "center_net_resnet18_v1b_voc", (1, 3, 512, 512)),
    ("instance", "mask_rcnn_resnet18_v1b_coco", (1, 3, 600, 800)),
    ("segmentation", "fcn_resnet50_voc", (1, 3, 480, 480)),
    ("segmentation", "psp_resnet50_ade", (1, 3, 480, 480)),
    ("segmentation", "deeplab_resnet50_ade", (1, 3, 480, 480)),
    ("pose", "simple_pose_resnet18_v1b", (1, 3, 256, 192)),
    ("pose", "mobile_pose_mobilenetv3_small", (1, 3, 256, 192)),
]

COLUMNS = ["set", "model", "file", "task", "inputs", "params", "buffers", "macs_infer_shape", "op_types",
           "nodes", "bytes", "note"]


def build(name):
    for kwargs in ({"pretrained": False, "pretrained_base": False}, {"pretrained": False}):
        try:
            return model_zoo.get_model(name, **kwargs)
        except TypeError:
            continue
    raise SystemExit(f"{name}: get_model refused both keyword sets")


def tuple_attr(text, default):
    if text is None:
        return default
    text = text.strip("()[] ")
    return tuple(int(v) for v in text.split(",") if v.strip() not in ("", "None"))


def product(dims):
    total = 1
    for d in dims:
        total *= d
    return total


def linear_macs(symbol_json, shapes_of):
    """MACs of the linear ops from MXNet's inferred shapes: {node name: output shapes}."""
    nodes = symbol_json["nodes"]
    total = 0
    for node in nodes:
        op, attrs = node["op"], node.get("attrs", {})
        if op not in ("Convolution", "Deconvolution", "FullyConnected", "dot", "batch_dot"):
            continue
        ins = [shapes_of(nodes[i[0]]["name"])[i[1]] for i in node["inputs"]]
        out = shapes_of(node["name"])[0]
        if op in ("Convolution", "Deconvolution"):
            taps = product(tuple_attr(attrs.get("kernel"), ()))
            groups = int(attrs.get("num_group", "1"))
            if op == "Convolution":  # every output sums its input channels' taps
                total += product(out) * (ins[0][1] // groups) * taps
            else:  # every input scatters into its output channels' taps
                total += product(ins[0]) * (out[1] // groups) * taps
        elif op == "FullyConnected":
            flatten = attrs.get("flatten", "True") in ("True", "true", "1")
            features = product(ins[0][1:]) if flatten else ins[0][-1]
            total += product(out) * features
        else:  # dot, batch_dot: the contracted axis of the first operand
            transpose_a = attrs.get("transpose_a", "False") in ("True", "true", "1")
            a = ins[0]
            contracted = a[-2] if transpose_a else a[-1]
            if op == "dot" and len(a) > 2:
                contracted = a[0] if transpose_a else a[-1]
            total += product(out) * contracted
    return total


def export_text(net, shape):
    """(symbol JSON text, arg param elements, aux state elements) of a Gluon network: initialized,
    hybridized, run once on zeros of `shape` and exported."""
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros(shape))
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "net")
        net.export(prefix)
        with open(prefix + "-symbol.json") as f:
            # Initializers are named after Python object ids and addresses: dropped, so a re-export is identical.
            text = re.sub(r'("__init__": "Constant_[^"]*?)_\d{9,}"', r'\1"', f.read())
            text = re.sub(r" object at 0x[0-9a-f]+>", " object>", text)
        saved = mx.nd.load(prefix + "-0000.params")
    params = sum(v.size for k, v in saved.items() if k.startswith("arg:"))
    buffers = sum(v.size for k, v in saved.items() if k.startswith("aux:"))
    return text, params, buffers


def shapes_by_name(graph, shape):
    """A function from node name to its output shapes, from MXNet's infer_shape of `graph` (parsed
    symbol JSON) at `data` = `shape`. GluonCV reuses node names (Xception65's relu0_fwd appears
    many times): shapes are looked up by name, so the graph's names are made unique first, in
    place (shapes do not change)."""
    seen = {}
    for node in graph["nodes"]:
        seen[node["name"]] = seen.get(node["name"], 0) + 1
        if seen[node["name"]] > 1:
            node["name"] = f"{node['name']}__{seen[node['name']]}"
    symbol = mx.sym.load_json(json.dumps(graph))
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(data=shape)
    by_output = dict(zip(internals.list_outputs(), out_shapes))

    def shapes_of(node_name):
        found = [by_output[k] for k in by_output if k == node_name or k.startswith(node_name + "_output")]
        if not found and node_name in by_output:
            found = [by_output[node_name]]
        if not found:  # a variable
            found = [by_output[node_name]] if node_name in by_output else [()]
        return found

    return shapes_of


def export(task, name, shape):
    text, params, buffers = export_text(build(name), shape)
    graph = json.loads(text)
    shapes_of = shapes_by_name(graph, shape)
    macs = linear_macs(graph, shapes_of)
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, f"{name}-symbol.json")
    with open(path, "w") as f:
        f.write(text)
    ops = sorted({n["op"] for n in graph["nodes"] if n["op"] != "null"})
    return {
        "set": "gluoncv", "model": name, "file": f"gluoncv/{name}-symbol.json", "task": task,
        "inputs": "data:" + "x".join(str(d) for d in shape), "params": params, "buffers": buffers,
        "macs_infer_shape": macs, "op_types": " ".join(ops), "nodes": len(graph["nodes"]),
        "bytes": len(text.encode()),
        "note": f"gluoncv 0.10.5.post0 get_model({name!r}, pretrained=False), default init, hybridize, "
                f"one forward at {shape}, export",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="export only the models whose name contains this")
    args = ap.parse_args()
    rows = {}
    if os.path.exists(REFERENCE):
        with open(REFERENCE) as f:
            rows = {r["model"]: r for r in csv.DictReader(f)}
    for task, name, shape in MODELS:
        if args.only and args.only not in name:
            continue
        start = time.time()
        try:
            rows[name] = export(task, name, shape)
            r = rows[name]
            print(f"ok  {name} ({time.time() - start:.0f} s): params {r['params']:,} buffers {r['buffers']:,} MACs {r['macs_infer_shape']:,} "
                  f"({r['nodes']} nodes)", flush=True)
        except Exception as e:  # one failed export is reported, the others go on
            print(f"ERR {name}: {type(e).__name__}: {str(e).splitlines()[0][:300]}", flush=True)
    order = [name for _, name, _ in MODELS]
    with open(REFERENCE, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for name in order:
            if name in rows:
                w.writerow({k: rows[name].get(k, "") for k in COLUMNS})
    return 0


if __name__ == "__main__":
    sys.exit(main())

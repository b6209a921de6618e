#!/usr/bin/env python3
"""Export every ImageNet classification model of GluonCV's model-zoo tables as an MXNet
-symbol.json graph (gzip-compressed, no weights) into data/zoos/gluoncv/, with reference counts
made by MXNet itself and the zoo's manifest.

Sources: GluonCV's tables, ../shared/reference/zoos/gluoncv/*.csv (dmlc/gluon-cv,
docs/model_zoo/csv_tables/Classifications/, commit 567775619f3b97d47e7c360748912a4fd883ff52).
CIFAR10.csv is CIFAR-10, not ImageNet, and is not part of this zoo. A table row is a checkpoint:
`Model` names the architecture (citation marks such as ` [1]_` dropped; `get_model` takes the name
in lower case, `ResNext101_64x4d_v1` as `resnext101_64x4d`), `:tag:` rows are a second set of
weights of the same architecture (named `<Model>@<hashtag>`, as `get_model(name,
pretrained=hashtag)` selects them), `Top-1`/`Top-5` are percentages, `Hashtag` is the weights'
sha1 prefix.

Nothing is downloaded: float networks are built with `get_model(name, pretrained=False)`,
initialised, hybridized, run once on zeros of the evaluation input and exported
(`HybridBlock.export`); only the -symbol.json is kept. The two int8 models (`ResNet50_v1_int8`,
`MobileNet1.0_int8`) are GluonCV's own quantized graphs, which the gluoncv package ships as
symbol files (`gluoncv/model_zoo/quantized/*-symbol.json`, MKLDNN-fused, saved by MXNet 1.5); they
are taken as the package holds them.

Evaluation inputs: 224x224, except InceptionV3 at 299x299 (the table's own hint), and ResNeSt101 at
256, ResNeSt200 at 320, ResNeSt269 at 416 (the sizes GluonCV's image-classification estimator,
gluoncv/auto/estimators/image_classification/image_classification.py, sets for them).

Reference counts, data/zoos/gluoncv/reference.csv (one row per model, at its evaluation input):
  params      float: elements of the exported arg params (what MXNet stores as learnable)
  buffers     float: elements of the aux states (BatchNorm running mean and variance)
  stored_elements
              int8: elements of every argument but `data` and every aux state, from MXNet's
              infer_shape of the quantized symbol (weights, biases, calibration ranges)
  macs        the multiply-accumulates of the linear ops (Convolution, Deconvolution,
              FullyConnected, dot, batch_dot) over the output shapes MXNet's own infer_shape gives
              every node (see tools/export_gluoncv_corpus.py); for an int8 graph, out elements x
              weight elements per output over its fused convolutions and dense layers, checked
              equal to its float parent's figure
A failed export is logged in data/zoos/gluoncv/failures.csv with the reason.

Resumable: a model already in reference.csv whose file exists is not exported again (--force
re-exports; --only NAME limits the run). Each model is exported in its own process, stopped after
--timeout seconds.

Usage (the MXNet venv):
    PY="$(bash tools/setup_mxnet_venv.sh)"
    "$PY" tools/export_gluoncv_zoo.py            # about 10 minutes on 2 cores; re-exports are identical
"""

import argparse
import csv
import glob
import gzip
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TABLES = os.path.join(REPO, "..", "shared", "reference", "zoos", "gluoncv")
OUT_DIR = os.path.join(REPO, "data", "zoos", "gluoncv")
REFERENCE = os.path.join(OUT_DIR, "reference.csv")
FAILURES = os.path.join(OUT_DIR, "failures.csv")
MANIFEST = os.path.join(OUT_DIR, "manifest.json")

GLUONCV_COMMIT = "567775619f3b97d47e7c360748912a4fd883ff52"
VERSIONS = "mxnet 1.9.1, gluoncv 0.10.5.post0, numpy 1.23.5"
EVAL_SIZE = {"inceptionv3": 299, "resnest101": 256, "resnest200": 320, "resnest269": 416}
GET_MODEL_NAME = {"resnext101_64x4d_v1": "resnext101_64x4d"}
# GluonCV's taxonomy is its tables; the models of "Others" are families of their own.
OTHERS_FAMILY = {"alexnet": "alexnet", "darknet53": "darknet", "inceptionv3": "inception",
                 "googlenet": "googlenet", "xception": "xception", "senet_154": "senet"}
COLUMNS = ["model", "file", "kind", "input", "params", "buffers", "stored_elements", "macs", "nodes",
           "op_types", "versions"]


def table_rows():
    """Every checkpoint row of the ImageNet tables, in table order."""
    rows = []
    for path in sorted(glob.glob(os.path.join(TABLES, "*.csv"))):
        table = os.path.splitext(os.path.basename(path))[0]
        if table == "CIFAR10":
            continue
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                text = r["Model"]
                tag = text.startswith(":tag:")
                text = re.sub(r":tag:`([^`]*)`", r"\1", re.sub(r"\s*\[\d+\]_", "", text)).strip()
                arch = text.lower()
                rows.append({
                    "table": table, "display": text, "arch": arch, "tag": tag,
                    "hash": r["Hashtag"].strip(), "top1": float(r["Top-1"]), "top5": float(r["Top-5"]),
                    "int8": arch.endswith("_int8"),
                })
    return rows


def family(row):
    if row["table"] == "Others":
        return OTHERS_FAMILY[row["arch"]]
    return {"Pruned_ResNet": "resnet"}.get(row["table"], row["table"].lower())


def eval_size(arch):
    return EVAL_SIZE.get(arch.removesuffix("_int8"), 224)


def file_of(arch):
    return f"{arch}-symbol.json.gz"


# --------------------------------------------------------------------------- worker (MXNet)

def worker(arch, size):
    """Exports one model; prints its reference row as JSON on the last line."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import warnings
    import logging
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    sys.path.insert(0, HERE)
    import mxnet as mx
    from math import prod
    from gluoncv import model_zoo
    from export_gluoncv_corpus import export_text, linear_macs, shapes_by_name

    shape = (1, 3, size, size)
    name = GET_MODEL_NAME.get(arch, arch)
    row = {"model": arch, "file": file_of(arch), "input": "data:" + "x".join(map(str, shape)), "versions": VERSIONS}
    if arch.endswith("_int8"):
        import gluoncv
        path = os.path.join(os.path.dirname(gluoncv.__file__), "model_zoo", "quantized", f"{name}-symbol.json")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        graph = json.loads(text)
        sym = mx.sym.load_json(text)
        args, _, aux = sym.infer_shape(data=shape)
        stored = sum(prod(s) for n, s in zip(sym.list_arguments(), args) if n != "data") + sum(prod(s) for s in aux)
        shapes_of = shapes_by_name(graph, shape)
        nodes = graph["nodes"]
        macs = 0
        for node in nodes:
            if node["op"] in ("_sg_mkldnn_conv", "_sg_mkldnn_fully_connected", "FullyConnected", "Convolution"):
                weight = shapes_of(nodes[node["inputs"][1][0]]["name"])[0]
                macs += prod(shapes_of(node["name"])[0]) * prod(weight[1:])
        parent = model_zoo.get_model(name.removesuffix("_int8"), pretrained=False)
        parent_text, _, _ = export_text(parent, shape)
        parent_graph = json.loads(parent_text)
        parent_macs = linear_macs(parent_graph, shapes_by_name(parent_graph, shape))
        if macs != parent_macs:
            raise SystemExit(f"{arch}: int8 graph's MACs {macs} != float parent's {parent_macs}")
        row.update(kind="int8", params="", buffers="", stored_elements=stored, macs=macs)
    else:
        net = model_zoo.get_model(name, pretrained=False)
        text, params, buffers = export_text(net, shape)
        graph = json.loads(text)
        macs = linear_macs(graph, shapes_by_name(graph, shape))
        row.update(kind="float", params=params, buffers=buffers, stored_elements="", macs=macs)
    row["nodes"] = len(graph["nodes"])
    row["op_types"] = " ".join(sorted({n["op"] for n in graph["nodes"] if n["op"] != "null"}))
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, file_of(arch)), "wb") as f:
        f.write(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(json.dumps(row))


# --------------------------------------------------------------------------- driver

def read_csv(path, key):
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in columns})


def source_of(row):
    return (f"GluonCV model zoo, Classifications/{row['table']}.csv (dmlc/gluon-cv@{GLUONCV_COMMIT[:7]}), "
            f"hashtag {row['hash']}")


def manifest(rows, reference):
    """One entry per exported architecture, a checkpoint per table row."""
    entries, by_arch = [], {}
    for row in rows:
        by_arch.setdefault(row["arch"], []).append(row)
    for arch, checkpoints in by_arch.items():
        if arch not in reference:
            continue
        first = checkpoints[0]
        size = eval_size(arch)
        entry = {
            "name": f"gluoncv/{arch}",
            "display_name": first["display"],
            "family": family(first),
            "format": "mxnet-symbol",
            "file": file_of(arch),
            "input": {"name": "data", "shape": [1, 3, size, size]},
            "metrics": [],
            "checkpoints": [],
        }
        if first["int8"]:
            entry["quantized_from"] = f"gluoncv/{arch.removesuffix('_int8')}"
        for c in checkpoints:
            source = source_of(c)
            entry["checkpoints"].append({
                "name": f"{c['display']}@{c['hash']}" if c["tag"] else c["display"],
                "eval_input": {"name": "data", "shape": [1, 3, size, size]},
                "crop_fraction": 0.875,
                "interpolation": "bilinear",
                "pretraining": "in1k",
                "source": source,
                "metrics": [
                    {"dataset": "ImageNet-1k val", "metric": m, "value": round(c[m] / 100, 6), "source": source}
                    for m in ("top1", "top5")
                ],
            })
        entries.append(entry)
    # A quantized model follows the float models (its parent must be listed).
    entries.sort(key=lambda e: "quantized_from" in e)
    return {
        "format_version": 1,
        "zoo": "gluoncv",
        "generated_by": "tools/export_gluoncv_zoo.py",
        "packages": {"mxnet": "1.9.1", "gluoncv": "0.10.5.post0", "numpy": "1.23.5"},
        "models": entries,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="export only the architectures whose name contains this")
    ap.add_argument("--force", action="store_true", help="export again what is already exported")
    ap.add_argument("--timeout", type=int, default=900, help="seconds one model may take (default 900)")
    ap.add_argument("--worker", nargs=2, metavar=("ARCH", "SIZE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return 0

    rows = table_rows()
    archs = list(dict.fromkeys(r["arch"] for r in rows))
    reference = read_csv(REFERENCE, "model")
    failures = read_csv(FAILURES, "model")
    for arch in archs:
        if args.only and args.only not in arch:
            continue
        done = arch in reference and os.path.exists(os.path.join(OUT_DIR, file_of(arch)))
        if done and not args.force:
            continue
        start = time.time()
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", arch, str(eval_size(arch))]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
            if run.returncode != 0:
                lines = [ln for ln in (run.stderr or run.stdout).strip().splitlines() if ln.strip()]
                raise RuntimeError(lines[-1][:400] if lines else f"exit status {run.returncode}")
            reference[arch] = json.loads(run.stdout.strip().splitlines()[-1])
            failures.pop(arch, None)
            r = reference[arch]
            print(f"ok  {arch} ({time.time() - start:.0f} s): params {r['params'] or '-'} buffers {r['buffers'] or '-'} "
                  f"MACs {r['macs']:,} ({r['nodes']} nodes)", flush=True)
        except subprocess.TimeoutExpired:
            failures[arch] = {"model": arch, "reason": f"export took more than {args.timeout} s"}
            print(f"ERR {arch}: timed out", flush=True)
        except Exception as e:  # one failed export is logged, the others go on
            failures[arch] = {"model": arch, "reason": str(e)}
            reference.pop(arch, None)
            print(f"ERR {arch}: {e}", flush=True)

    order = [a for a in archs if a in reference]
    os.makedirs(OUT_DIR, exist_ok=True)
    write_csv(REFERENCE, COLUMNS, [reference[a] for a in order])
    write_csv(FAILURES, ["model", "reason"], [failures[a] for a in archs if a in failures])
    with open(MANIFEST, "w", encoding="utf-8") as f:
        json.dump(manifest(rows, reference), f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"{len(order)} of {len(archs)} architectures exported ({len(rows)} checkpoints); "
          f"{len(failures)} failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

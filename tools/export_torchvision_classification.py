#!/usr/bin/env python3
"""Export every torchvision ImageNet classification model that has weights as an ONNX graph
(weights stripped, gzip-compressed) into data/zoos/torchvision/, with reference counts made by
torch itself and the zoo's manifest, one checkpoint per weights enum member.

Source: the torchvision 0.28.0 package. The architectures are
`torchvision.models.list_models(module=torchvision.models)` (the classification models); the
checkpoints of one are the members of `torchvision.models.get_model_weights(name)`, with their
metadata: the evaluation input is `weights.transforms().crop_size` (square), crop_fraction =
crop_size / resize_size, interpolation the transforms' resize interpolation, top-1/top-5 from
`meta["_metrics"]["ImageNet-1K"]` (percent, stored as fractions; VGG16_Weights.IMAGENET1K_FEATURES
has none), pretraining `in1k`, or `ig3b` for the SWAG weights (pretrained weakly supervised on
Instagram's 3.6 B images, then fine-tuned end to end, E2E, or with a linear classifier on the
frozen trunk, LINEAR, on ImageNet-1k). meta["num_params"] and meta["_ops"] (torchvision's GFLOPS,
multiply-adds) of every checkpoint go into published.csv, with meta["_file_size"] (MB).

Nothing is downloaded: each net is `get_model(name, weights=None)` with seeded random weights
(tools/torch_zoo.py: how it is counted, exported, checked and stripped; GoogLeNet is built with
aux_logits=False, as its weights builder leaves it: BUILD_KWARGS). One file per architecture,
exported with dynamic height and width, and counted at every evaluation size its checkpoints use
(one reference row each); onnxruntime must give torch's logits at each of them and at a size no
checkpoint uses (the first size + 32, or the next size torch takes; dynamic_checks.csv holds
FlopCounterMode's MACs there, for tools/zoo_explained.py to compare). Exporters, in this order
(tools/torch_zoo.py): TorchScript (training=PRESERVE, no constant folding: every parameter and
BatchNorm statistic stays as torch holds it), then dynamo, each with dynamic height and width;
when neither passes (AlexNet's and VGG's AdaptiveAvgPool2d to 7x7 needs a static input size;
Swin's shifted-window masks and paddings are computed in Python at the traced size), the model
is exported statically at each of its sizes (TorchScript, else dynamo), one file each. The models
built for one size are exported statically at each size from the start: the ViTs (`image_size`
sets the position embedding; `<arch>_<size>` is get_model(name, weights=None, image_size=size),
what the SWAG E2E weights load into) and MaxViT (its partitions are built for 224). The log line
of each architecture says which exporter made its files and why others were rejected.

Outputs (data/zoos/torchvision/): <file>.onnx.gz, manifest.json, reference.csv (columns and
definitions in tools/torch_zoo.py; `model` is the architecture), dynamic_checks.csv,
initializers.csv (the file's float tensors against torch's, by name, for tools/zoo_explained.py),
published.csv, failures.csv (model, reason). The backbone end is left to opcat's proposal.

Resumable: an architecture whose files all exist with reference rows is skipped (--force exports
it again; --only NAME,... limits the run to those architectures). Each architecture is exported in
its own process, stopped after --timeout seconds (default 600; the largest have more, TIMEOUT).

Usage (venv from tools/setup_corpus_venv.sh; 2 cores shared, so one thread and nice):
    nice -n 10 .venv-corpus/bin/python tools/export_torchvision_classification.py [--only resnet50] [--force]
then  .venv-corpus/bin/python tools/zoo_explained.py torchvision   for explained.csv.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_zoo as tz  # noqa: E402

ZOO = "torchvision"
OUT_DIR = os.path.join(tz.REPO_ROOT, "data", "zoos", ZOO)
REFERENCE = os.path.join(OUT_DIR, "reference.csv")
FAILURES = os.path.join(OUT_DIR, "failures.csv")
MANIFEST = os.path.join(OUT_DIR, "manifest.json")
PUBLISHED = os.path.join(OUT_DIR, "published.csv")
PUBLISHED_COLUMNS = ["checkpoint", "model", "eval_input", "num_params", "ops_gflops", "file_size_mb"]
DOC = ("opcat zoo: torchvision {arch} (weights=None{extra}), exported by "
       "tools/export_torchvision_classification.py with torch.onnx.export({how}); float tensors with more than "
       "16 elements have no data")
HOW = {"torchscript": "dynamo=False, opset_version=17, training=PRESERVE, do_constant_folding=False",
       "dynamo": "dynamo=True, opset_version=18, optimize=False"}
DYNAMIC_HOW = {"torchscript": ", dynamic_axes height and width", "dynamo": ", dynamic_shapes Dim.AUTO for height and width"}

# get_model arguments that build the network the weights define: torchvision's GoogLeNet weights
# builder drops the auxiliary classifiers after loading (meta num_params counts none), so the
# model is built without them; Inception-v3 keeps its AuxLogits (counted in meta num_params).
BUILD_KWARGS = {"googlenet": {"aux_logits": False}}
# Built for one input size: exported statically at each size (separate files).
SIZE_BOUND = {"maxvit_t"}
TIMEOUT = {"vit_h_14": 5400, "regnet_y_128gf": 3600, "vit_l_16": 2400, "regnet_y_32gf": 1800,
           "efficientnet_b7": 1200, "efficientnet_v2_l": 1200}
# torchvision's module names as families (the existing zoo's spellings).
FAMILY = {"vision_transformer": "vit", "swin_transformer": "swin", "mobilenetv2": "mobilenet_v2",
          "mobilenetv3": "mobilenet_v3", "shufflenetv2": "shufflenet_v2"}


def architectures() -> list:
    import torchvision
    from torchvision.models import get_model_weights, list_models
    names = []
    for name in list_models(module=torchvision.models):
        try:
            if list(get_model_weights(name)):
                names.append(name)
        except ValueError:
            pass
    return names


def crop_and_resize(weight) -> tuple:
    t = weight.transforms()
    crop, resize = list(t.crop_size), list(t.resize_size)
    assert len(crop) == 1 and len(resize) == 1, f"{weight}: crop {crop}, resize {resize}"
    return int(crop[0]), int(resize[0]), t.interpolation.value


def size_bound(arch: str) -> bool:
    return arch.startswith("vit_") or arch in SIZE_BOUND


def default_side(arch: str) -> int:
    """The size get_model(arch, weights=None) builds a size-bound model for."""
    from torchvision.models import get_model
    if arch.startswith("vit_"):
        return get_model(arch, weights=None).image_size
    return 224


def plan(arch: str, static: bool = False) -> list:
    """[(stem, side, build kwargs, dynamic, checkpoint names)] for the architecture's files."""
    from torchvision.models import get_model_weights
    weights = list(get_model_weights(arch))
    default = get_model_weights(arch).DEFAULT
    sides = {}
    for w in [default] + [w for w in weights if w != default]:
        sides.setdefault(crop_and_resize(w)[0], []).append(f"{type(w).__name__}.{w.name}")
    if not (size_bound(arch) or static):
        return [(arch, list(sides), {}, True, [n for v in sides.values() for n in v])]
    files = []
    base = default_side(arch) if size_bound(arch) else crop_and_resize(default)[0]
    if base not in sides:
        raise RuntimeError(f"{arch}: no checkpoint at the size {base} the architecture is built for")
    for side, names in sorted(sides.items(), key=lambda kv: (kv[0] != base, kv[0])):
        kwargs = {"image_size": side} if arch.startswith("vit_") and side != base else {}
        if arch in SIZE_BOUND and side != base:
            raise RuntimeError(f"{arch} is built for {base}; a checkpoint is evaluated at {side}")
        files.append((arch if side == base else f"{arch}_{side}", [side], kwargs, False, names))
    return files


# --------------------------------------------------------------------------- worker

def worker(arch: str, result_path: str) -> None:
    tz.quiet()
    torch = tz.setup_torch()
    from torchvision.models import get_model
    files, notes = [], []

    def build(kwargs):
        torch.manual_seed(tz.SEED)
        return tz.randomize(get_model(arch, weights=None, **BUILD_KWARGS.get(arch, {}), **kwargs).eval())

    def doc_for(kwargs):
        extra = "".join(f", {k}={v}" for k, v in {**BUILD_KWARGS.get(arch, {}), **kwargs}.items())
        return lambda exporter, dynamic: DOC.format(arch=arch, extra=extra, how=HOW[exporter] + (
            DYNAMIC_HOW[exporter] if dynamic else ""))

    plan_ = plan(arch)
    if plan_[0][3]:  # one file with dynamic H and W
        stem, sides, kwargs, _, names = plan_[0]
        r = tz.try_dynamic(build(kwargs), sides, os.path.join(OUT_DIR, f"{stem}.onnx.gz"), doc_for(kwargs), arch,
                           ("torchscript", "dynamo"), notes)
        if r is not None:
            files.append(dict(r, stem=stem, sides=sides, kwargs=kwargs, dynamic=True, checkpoints=names))
        else:
            plan_ = plan(arch, static=True)
    if not files:
        for stem, sides, kwargs, _, names in plan_:
            r = tz.export_static(build(kwargs), sides[0], os.path.join(OUT_DIR, f"{stem}.onnx.gz"), doc_for(kwargs),
                                 arch, notes)
            files.append(dict(r, stem=stem, sides=sides, kwargs=kwargs, dynamic=False, checkpoints=names))
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump({"files": files, "notes": notes}, f)


# --------------------------------------------------------------------------- manifest

def checkpoint_entry(weight, side: int) -> dict:
    crop, resize, interpolation = crop_and_resize(weight)
    assert crop == side
    name = f"{type(weight).__name__}.{weight.name}"
    source = f"torchvision {tz.PINNED['torchvision']}, {name} ({weight.meta['recipe']})"
    acc = weight.meta["_metrics"]["ImageNet-1K"]
    metrics = []
    for metric, key in (("top1", "acc@1"), ("top5", "acc@5")):
        value = acc.get(key)
        if value is not None and value == value:  # not NaN (IMAGENET1K_FEATURES has no figures)
            metrics.append({"dataset": "ImageNet-1k val", "metric": metric, "value": tz.percent_to_fraction(value),
                            "source": source})
    return {
        "name": name,
        "eval_input": {"name": tz.INPUT, "shape": [1, 3, side, side]},
        "crop_fraction": crop / resize,
        "interpolation": interpolation,
        "pretraining": "ig3b" if "SWAG" in weight.name else "in1k",
        "source": source,
        "metrics": metrics,
    }


def family(arch: str) -> str:
    from torchvision.models import get_model_builder
    module = get_model_builder(arch).__module__.rsplit(".", 1)[-1]
    return FAMILY.get(module, module)


def build_outputs(archs: list, reference: list) -> tuple:
    """(manifest, published rows) for the architectures whose files are all in `reference`."""
    from torchvision.models import get_model_weights
    by_file = {}
    for r in reference:
        by_file.setdefault(r["file"], []).append(r)
    entries, published = [], []
    for arch in archs:
        enum = get_model_weights(arch)
        weights = {f"{type(w).__name__}.{w.name}": w for w in enum}
        default = f"{type(enum.DEFAULT).__name__}.{enum.DEFAULT.name}"
        stems = tz.stems_of(arch, reference)
        if not stems:
            continue
        for stem in stems:
            rows = by_file[f"{stem}.onnx.gz"]
            sides = {int(r["input"].rsplit("x", 1)[1]) for r in rows}
            names = [n for n, w in weights.items() if crop_and_resize(w)[0] in sides]
            if len(stems) > 1:  # one file per size: the checkpoints at the file's size
                side = sides.pop()
                names = [n for n in names if crop_and_resize(weights[n])[0] == side]
            first = default if default in names else names[0]
            side = crop_and_resize(weights[first])[0]
            display = type(enum.DEFAULT).__name__.removesuffix("_Weights")
            if stem != arch:
                display += f" ({stem.rsplit('_', 1)[1]})"
            entries.append({
                "name": f"{ZOO}/{stem}",
                "display_name": display,
                "family": family(arch),
                "format": "onnx",
                "file": f"{stem}.onnx.gz",
                "input": {"name": tz.INPUT, "shape": [1, 3, side, side]},
                "metrics": [],
                "checkpoints": [checkpoint_entry(weights[n], crop_and_resize(weights[n])[0]) for n in names],
            })
            for n in names:
                w = weights[n]
                published.append({"checkpoint": n, "model": f"{ZOO}/{stem}",
                                  "eval_input": tz.input_key(*(crop_and_resize(w)[0],) * 2),
                                  "num_params": w.meta["num_params"], "ops_gflops": w.meta["_ops"],
                                  "file_size_mb": w.meta["_file_size"]})
    manifest = {"format_version": 1, "generated_by": "tools/export_torchvision_classification.py",
                "packages": tz.PACKAGES, "models": entries}
    return manifest, published


# --------------------------------------------------------------------------- driver

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated architectures to export")
    ap.add_argument("--force", action="store_true", help="export again what is already exported")
    ap.add_argument("--timeout", type=int, default=600, help="seconds one architecture may take (default 600)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.result)
        return 0

    tz.check_versions()
    archs = architectures()
    reference = tz.read_csv(REFERENCE)
    order = {a: i for i, a in enumerate(archs)}
    wanted = set(args.only.split(",")) if args.only else None
    total_start = time.time()
    for arch in archs:
        if wanted and arch not in wanted:
            continue
        stems = tz.stems_of(arch, reference)
        done = stems and all(os.path.exists(os.path.join(OUT_DIR, f"{s}.onnx.gz")) for s in stems)
        if done and not args.force:
            continue
        timeout = max(args.timeout, TIMEOUT.get(arch, 0))
        status, result, seconds = tz.run_worker(__file__, [arch], timeout)
        tz.record(OUT_DIR, ZOO, arch, status, result, seconds, order)
        reference = tz.read_csv(REFERENCE)

    failures = tz.read_csv(FAILURES)
    manifest, published = build_outputs(archs, reference)
    params = {r["file"]: int(r["params"]) for r in reference}
    for p in published:  # torchvision's own parameter count of each checkpoint against torch's
        file = next(m["file"] for m in manifest["models"] if m["name"] == p["model"])
        if int(p["num_params"]) != params[file]:
            print(f"note: {p['checkpoint']}: meta num_params {p['num_params']}, {file} has {params[file]} parameters")
    tz.write_json(MANIFEST, manifest)
    tz.write_csv(PUBLISHED, PUBLISHED_COLUMNS, published)
    exported = [a for a in archs if tz.stems_of(a, reference)]
    print(f"{len(manifest['models'])} files of {len(exported)} architectures ({sum(len(m['checkpoints']) for m in manifest['models'])} checkpoints) of {len(archs)}; "
          f"{len(failures)} failed; {time.time() - total_start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

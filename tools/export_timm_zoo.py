#!/usr/bin/env python3
"""Export every architecture of timm's ImageNet-1k results table as an ONNX graph (weights
stripped, gzip-compressed) into data/zoos/timm/, with reference counts made by torch itself and
the zoo's manifest, one checkpoint per table row.

Source: ../shared/reference/zoos/timm/results-imagenet.csv (huggingface/pytorch-image-models,
results/, commit aa4b5850c1543fa488abf260f18390eda46cf85d): a row is a checkpoint `arch.tag` with
its evaluation size `img_size` (square), `top1`/`top5` (percent, stored as fractions),
`crop_pct` (the crop fraction; the three rows with crop_pct 1.15, a resize below the crop, leave
it out: the manifest takes fractions in (0, 1]) and `interpolation`. Pretraining: timm's own
model_metadata-in1k.csv where its row names the checkpoint (an old name that timm's deprecation
table maps to `arch.tag`, or the architecture when the table has one checkpoint of it), else read
from the tag (PRETRAIN_DATA, PRETRAIN_METHOD: the first pretraining dataset named before the final
in1k, else in1k, then the methods it names: `in22k`, `in1k-dist`, `laion2b-clip` ...). The table
lists 290 checkpoints at two sizes (timm's default test size and the training size): such a
checkpoint is named `arch.tag` at the size its pretrained_cfg evaluates at (test_input_size, else
input_size) and `arch.tag@<size>` at the other.

Nothing is downloaded: a net is `timm.create_model("arch.tag", pretrained=False)` for the
architecture's default checkpoint (timm's default tag when the table has it, else the table's first
row of the architecture), so the checkpoint's pretrained_cfg sets num_classes and, for a model
with a fixed input size, img_size; seeded random weights (tools/torch_zoo.py says how it is
counted, exported, checked and stripped). All 1,556 checkpoints have 1,000 classes. One file per
architecture, `<arch>.onnx.gz`, exported with dynamic height and width and counted at every size
its checkpoints are evaluated at (a reference row each); onnxruntime must give torch's logits there
and at a size no checkpoint uses (the first size + 32, or the next of +64, +28, +56, +112, +96 that
torch takes; FlopCounterMode's MACs there go into dynamic_checks.csv for tools/zoo_explained.py).
Exporters (tools/torch_zoo.py): the TorchScript exporter (training=PRESERVE, no constant folding),
then, when its graph fails or is wrong at the other size, the dynamo exporter. A model with a fixed
input size (pretrained_cfg fixed_input_size: position embeddings, window partitions; none of them
has checkpoints at two sizes) goes dynamic only with `dynamic_img_size=True`, where timm takes it,
and only when its parameters, persistent buffers and MACs at the evaluation size equal the plain
model's; and only by dynamo (the TorchScript trace skips the position-embedding resampling at the
traced size and cannot translate its antialiased bicubic interpolation at another). A model that
does not export or check with dynamic sizes is exported statically at each evaluation size
(TorchScript, else dynamo; `<arch>.onnx.gz` for the default checkpoint's size, `<arch>_<size>.onnx.gz`
for others, built with img_size=size for a model with a fixed input size). An architecture whose
export fails on F.scaled_dot_product_attention (Hiera's 5-D mask-unit attention under dynamo) is
exported again with timm's fused attention off (set_fused_attn(False): the same products as
explicit MatMul, Softmax, MatMul; the file's doc string says so). The log line of each
architecture says which exporter made its files and why others were rejected.

Stripped as tools/torch_zoo.py says, and integer tensors with more than 4096 elements too (the
relative-position index tables a graph exported without constant folding keeps, one per block,
were half of the zoo's bytes; opcat reads only their shape: counts are the same with or without).

Outputs (data/zoos/timm/): the files, manifest.json, reference.csv (`model` is the architecture),
dynamic_checks.csv, initializers.csv (the file's float tensors against torch's, by name, for
tools/zoo_explained.py), failures.csv (model, reason), published.csv and published_gmacs.csv
(timm's own figures, tools/timm_published.py). The backbone end is left to opcat's
proposal.

Resumable: an architecture whose files all exist with reference rows is skipped (--force exports
it again; --only NAME,... limits the run; --limit N stops after N exports; the run stops when
the directory holds more than --max-mb, default 45 MB). Each architecture is
exported in its own process, stopped after --timeout seconds (default 600), raised for big
models: 600 s + 8 s per million parameters of the table's param_count. --jobs N runs N such
processes at once (one thread each); only the main process writes the CSVs and the manifest.

Usage (venv from tools/setup_corpus_venv.sh; 2 cores shared, so one thread and nice):
    nohup nice -n 10 .venv-corpus/bin/python tools/export_timm_zoo.py --jobs 2 > /tmp/timm_export.log 2>&1 &
then  .venv-corpus/bin/python tools/zoo_explained.py timm   for explained.csv.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timm_measurements  # noqa: E402
import timm_published  # noqa: E402
import torch_zoo as tz  # noqa: E402

ZOO = "timm"
TIMM_COMMIT = "aa4b5850c1543fa488abf260f18390eda46cf85d"
TABLES = os.path.join(tz.REPO_ROOT, "..", "shared", "reference", "zoos", "timm")
RESULTS = os.path.join(TABLES, "results-imagenet.csv")
METADATA = os.path.join(TABLES, "model_metadata-in1k.csv")
OUT_DIR = os.path.join(tz.REPO_ROOT, "data", "zoos", ZOO)
REFERENCE = os.path.join(OUT_DIR, "reference.csv")
FAILURES = os.path.join(OUT_DIR, "failures.csv")
MANIFEST = os.path.join(OUT_DIR, "manifest.json")
DOC = ("opcat zoo: timm {name} (pretrained=False{extra}), exported by tools/export_timm_zoo.py with "
       "torch.onnx.export({how}); float tensors with more than 16 elements have no data")
HOW = {"torchscript": "dynamo=False, opset_version=17, training=PRESERVE, do_constant_folding=False",
       "dynamo": "dynamo=True, opset_version=18, optimize=False"}
DYNAMIC_HOW = {"torchscript": ", dynamic_axes height and width", "dynamo": ", dynamic_shapes Dim.AUTO for height and width"}

# Tag tokens naming a pretraining dataset, and what the metadata table calls it.
PRETRAIN_DATA = {"in21k": "in21k", "in22k": "in22k", "in12k": "in12k", "jft": "jft300m", "m38m": "m38m",
                 "m30m": "m30m", "laion2b": "laion2b", "laiona": "laion400m", "openai": "openai-wit400m",
                 "webli": "webli", "ig1b": "ig1b", "swag": "ig3b", "yfcc100m": "yfcc100m", "seer": "ig1b"}
# Tag tokens naming a method, as the metadata table writes them after the dataset.
PRETRAIN_METHOD = {"dist": "dist", "distilled": "dist", "ns": "ns", "ap": "ap", "adv": "adv", "swsl": "swsl",
                   "ssl": "semisl", "wsl": "wsl", "mim": "selfsl", "mae": "selfsl", "fcmae": "selfsl",
                   "clip": "clip", "ssld": "ssld", "seer": "selfsl"}


# --------------------------------------------------------------------------- the table

def table():
    """{arch: [row, ...]} in table order; a row gains `tag`."""
    archs = {}
    with open(RESULTS, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            arch, _, tag = r["model"].partition(".")
            archs.setdefault(arch, []).append(dict(r, arch=arch, tag=tag))
    return archs


def default_row(rows: list) -> dict:
    from timm.models import _registry
    tags = _registry._model_default_cfgs[rows[0]["arch"]].tags
    return next((r for r in rows if r["tag"] == tags[0]), rows[0])


def sizes_of(rows: list) -> list:
    """The distinct evaluation sizes, the default checkpoint's first."""
    first = int(default_row(rows)["img_size"])
    return [first] + sorted({int(r["img_size"]) for r in rows} - {first})


def timeout_of(rows: list, base: int) -> int:
    return int(base + 8 * max(float(r["param_count"].replace(",", "")) for r in rows))


# --------------------------------------------------------------------------- worker

def counts(net, side: int) -> tuple:
    params, buffers = tz.params_and_buffers(net)
    return params, buffers, tz.flop_counter_macs(net, tz.example(side, side))


def worker(arch: str, result_path: str) -> None:
    tz.quiet()
    tz.STRIP_LARGE_INTEGERS = True  # the repository budget: index tables are most of some files
    torch = tz.setup_torch()
    import timm
    rows = table()[arch]
    name = f"{arch}.{default_row(rows)['tag']}"
    cfg = timm.models.get_pretrained_cfg(name)
    sizes = sizes_of(rows)
    notes = []

    def build(**kw):
        torch.manual_seed(tz.SEED)
        return tz.randomize(timm.create_model(name, pretrained=False, **kw).eval())

    def out(stem):
        return os.path.join(OUT_DIR, f"{stem}.onnx.gz")

    unfused = False  # set before the retry below; doc_for reads it when called

    def doc_for(kw):
        extra = "".join(f", {k}={v}" for k, v in kw.items()) + (", set_fused_attn(False)" if unfused else "")
        return lambda exporter, dynamic: DOC.format(name=name, extra=extra, how=HOW[exporter] + (
            DYNAMIC_HOW[exporter] if dynamic else ""))

    def export_files():
        files = []
        # 1. dynamic H and W: the TorchScript exporter, then the dynamo exporter. A model with a fixed
        # input size only with dynamic_img_size=True (when it counts the same), and only by dynamo: the
        # TorchScript trace skips timm's resampling of the position embedding at the traced size, and
        # has no translation of its antialiased bicubic interpolation at another.
        kw, exporters, net = {}, ("torchscript", "dynamo"), None
        if cfg.fixed_input_size:
            kw, exporters = {"dynamic_img_size": True}, ("dynamo",)
            plain = build()
            want = [counts(plain, s) for s in sizes]
            plain = None
            try:
                net = build(**kw)
            except TypeError as e:
                notes.append(f"no dynamic_img_size ({str(e).splitlines()[0][:100]})")
            if net is not None and [counts(net, s) for s in sizes] != want:
                notes.append("dynamic_img_size=True changes the counts at the evaluation size")
                net = None
        else:
            net = build()
        if net is not None:
            r = tz.try_dynamic(net, sizes, out(arch), doc_for(kw), arch, exporters, notes)
            net = None
            if r is not None:
                files.append(dict(r, stem=arch, sides=sizes, kwargs=kw, dynamic=True))
        # 2. static at each evaluation size: the TorchScript exporter, else the dynamo exporter
        if not files:
            for side in sizes:
                kw = {}
                if side != int(cfg.input_size[-1]) and cfg.fixed_input_size:
                    kw = {"img_size": side}
                stem = arch if side == sizes[0] else f"{arch}_{side}"
                if stem != arch and stem in table():
                    raise RuntimeError(f"{arch} at {side}: the file name {stem} is another architecture's")
                r = tz.export_static(build(**kw), side, out(stem), doc_for(kw), arch, notes)
                files.append(dict(r, stem=stem, sides=[side], kwargs=kw, dynamic=False))
        return files

    # timm's fused attention is F.scaled_dot_product_attention; the dynamo exporter cannot translate
    # it on 5-D queries (Hiera's mask units), and the TorchScript exporter has no translation of
    # the antialiased bicubic resampling such models also use. With fused attention off, timm
    # computes the same products as explicit MatMul, Softmax, MatMul (FlopCounterMode's MACs are the
    # same either way), and the whole architecture is exported again that way.
    try:
        files = export_files()
    except Exception as e:  # noqa: BLE001 - any exporter error; the retry's error is the one logged
        if "scaled_dot_product_attention" not in str(e):
            raise
        notes.append(f"exported with timm.layers.set_fused_attn(False): {tz.describe_error(e)}")
        timm.layers.set_fused_attn(False)
        unfused = True
        files = export_files()
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump({"files": files, "notes": notes, "built_from": name}, f)


# --------------------------------------------------------------------------- manifest

def metadata_pretrain() -> dict:
    """Checkpoint name -> model_metadata-in1k.csv's pretrain, where a metadata row names it."""
    from timm.models import _registry
    archs = table()
    names = {r["model"] for rows in archs.values() for r in rows}
    deprecated = {}
    for mapping in _registry._module_to_deprecated_models.values():
        deprecated.update(mapping)
    found = {}
    with open(METADATA, newline="", encoding="utf-8") as f:
        for m in csv.DictReader(f):
            old = m["model"]
            if deprecated.get(old) in names:
                found[deprecated[old]] = m["pretrain"]
            elif old in archs and len(archs[old]) == 1:
                found.setdefault(archs[old][0]["model"], m["pretrain"])
    return found


def pretrain_from_tag(tag: str) -> str:
    tokens = tag.split("_")
    last_in1k = max((i for i, t in enumerate(tokens) if t == "in1k"), default=len(tokens))
    data = next((PRETRAIN_DATA[t] for t in tokens[:last_in1k] if t in PRETRAIN_DATA), "in1k")
    methods = []
    for t in tokens:
        m = PRETRAIN_METHOD.get(t)
        if m and m not in methods:
            methods.append(m)
    return "-".join([data] + methods)


def checkpoint_name(r: dict, rows: list) -> str:
    """The table's name; a checkpoint the table lists at two sizes is named so at the size its
    pretrained_cfg evaluates at (test_input_size, else input_size) and `name@<size>` at the other."""
    import timm
    if sum(x["model"] == r["model"] for x in rows) == 1:
        return r["model"]
    cfg = timm.models.get_pretrained_cfg(r["model"])
    default = int((cfg.test_input_size or cfg.input_size)[-1])
    return r["model"] if int(r["img_size"]) == default else f"{r['model']}@{r['img_size']}"


def checkpoint_entry(r: dict, rows: list, pretrain: dict) -> dict:
    side = int(r["img_size"])
    source = f"timm {tz.PINNED['timm']} {r['model']}, results-imagenet.csv (huggingface/pytorch-image-models@{TIMM_COMMIT[:7]})"
    entry = {"name": checkpoint_name(r, rows), "eval_input": {"name": tz.INPUT, "shape": [1, 3, side, side]}}
    crop = float(r["crop_pct"])
    if 0 < crop <= 1:
        entry["crop_fraction"] = crop
    entry.update({
        "interpolation": r["interpolation"],
        "pretraining": pretrain.get(r["model"]) or pretrain_from_tag(r["tag"]),
        "source": source,
        "metrics": [{"dataset": "ImageNet-1k val", "metric": m, "value": tz.percent_to_fraction(r[m]),
                     "source": source} for m in ("top1", "top5")],
    })
    return entry


def build_manifest(archs: dict, reference: list) -> dict:
    from timm.models import _registry
    pretrain = metadata_pretrain()
    by_file = {}
    for r in reference:
        by_file.setdefault(r["file"], []).append(r)
    # Measured speeds from timm's benchmark tables: a dynamic file takes every size they measure,
    # a static one only its own.
    speeds = timm_measurements.load()
    dynamic = {r["file"] for r in tz.read_csv(os.path.join(OUT_DIR, "dynamic_checks.csv"))}
    entries = []
    for arch, rows in archs.items():
        stems = tz.stems_of(arch, reference)
        for stem in stems:
            sides = {int(r["input"].rsplit("x", 1)[1]) for r in by_file[f"{stem}.onnx.gz"]}
            mine = [r for r in rows if int(r["img_size"]) in sides]
            first = default_row(rows)
            if first not in mine:
                first = mine[0]
            side = int(first["img_size"])
            entries.append({
                "name": f"{ZOO}/{stem}",
                "display_name": arch if stem == arch else f"{arch} ({side})",
                "family": _registry._model_to_module[arch],
                "format": "onnx",
                "file": f"{stem}.onnx.gz",
                "input": {"name": tz.INPUT, "shape": [1, 3, side, side]},
                "metrics": [],
                "checkpoints": [checkpoint_entry(r, rows, pretrain) for r in [first] + [r for r in mine if r is not first]],
            })
            measured = [m for m in timm_measurements.measurements(arch, tz.INPUT, speeds)
                        if f"{stem}.onnx.gz" in dynamic or m["input"]["shape"][-1] in sides]
            if measured:
                entries[-1]["measurements"] = measured
    return {"format_version": 1, "generated_by": "tools/export_timm_zoo.py", "packages": tz.PACKAGES,
            "models": entries}


# --------------------------------------------------------------------------- driver

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated architectures to export")
    ap.add_argument("--force", action="store_true", help="export again what is already exported")
    ap.add_argument("--skip-failed", action="store_true", help="do not retry what failures.csv lists")
    ap.add_argument("--limit", type=int, help="stop after this many exports")
    ap.add_argument("--max-mb", type=float, default=45, help="stop when data/zoos/timm holds more than this many "
                    "MB (default 45: the repository's budget for all zoos is about 55 MB)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds one architecture may take (default 600, "
                    "plus 8 s per million parameters)")
    ap.add_argument("--jobs", type=int, default=1, help="architectures exported at once, each in its own "
                    "single-threaded process (default 1)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.result)
        return 0

    tz.check_versions()
    archs = table()
    order = {a: i for i, a in enumerate(archs)}
    wanted = args.only.split(",") if args.only else None
    if wanted:
        unknown = [a for a in wanted if a not in archs]
        if unknown:
            raise SystemExit(f"not in results-imagenet.csv: {unknown}")
    failures = {r["model"]: r for r in tz.read_csv(FAILURES)}
    reference = tz.read_csv(REFERENCE)
    queue = []
    for arch in wanted or list(archs):
        stems = tz.stems_of(arch, reference)
        done = stems and all(os.path.exists(os.path.join(OUT_DIR, f"{s}.onnx.gz")) for s in stems)
        if done and not args.force:
            continue
        if args.skip_failed and f"{ZOO}/{arch}" in failures:
            continue
        queue.append(arch)
    if args.limit is not None:
        queue = queue[:args.limit]
    exported = 0
    total_start = time.time()
    # Workers run in their own processes (one thread each); this process alone records results,
    # one at a time, so reference.csv and the manifest are never written concurrently.
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        running = {}
        pending = list(reversed(queue))
        while True:
            while pending and len(running) < args.jobs:
                held = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR)) / 1e6 \
                    if os.path.isdir(OUT_DIR) else 0
                if held > args.max_mb:
                    print(f"stopped: data/zoos/timm holds {held:.1f} MB, more than --max-mb {args.max_mb:g}",
                          flush=True)
                    pending = []
                    break
                arch = pending.pop()
                future = pool.submit(tz.run_worker, __file__, [arch], timeout_of(archs[arch], args.timeout))
                running[future] = arch
            if not running:
                break
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                arch = running.pop(future)
                status, result, seconds = future.result()
                exported += 1
                tz.record(OUT_DIR, ZOO, arch, status, result, seconds, order)
                tz.write_json(MANIFEST, build_manifest(archs, tz.read_csv(REFERENCE)))

    failures = tz.read_csv(FAILURES)
    reference = tz.read_csv(REFERENCE)
    manifest = build_manifest(archs, reference)
    tz.write_json(MANIFEST, manifest)
    timm_published.main()  # published.csv, published_gmacs.csv for the cross-check
    done = [a for a in archs if tz.stems_of(a, reference)]
    print(f"{len(manifest['models'])} files of {len(done)} architectures "
          f"({sum(len(m['checkpoints']) for m in manifest['models'])} checkpoints) of {len(archs)} "
          f"({sum(len(v) for v in archs.values())} checkpoints); {len(failures)} failed; "
          f"{exported} exported in {time.time() - total_start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

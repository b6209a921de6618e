"""Shared machinery of the PyTorch real-zoo scripts (tools/export_torchvision_classification.py,
tools/export_timm_zoo.py): build a classifier with seeded random weights, count it with torch,
export it to ONNX, check the export with onnxruntime, strip the weights, write the zoo files.

What is counted (the reference row of a file at one evaluation input):
  params   sum(p.numel() for p in net.parameters()) (shared parameters once)
  buffers  the elements of the persistent floating-point buffers of net.named_buffers(), the
           state a checkpoint holds besides the parameters: BatchNorm's running_mean and
           running_var, and any other float buffer the model saves in its state_dict (fixed
           sin-cos position embeddings, ...). Not included: BatchNorm's num_batches_tracked (an
           int64 counter), integer buffers (relative-position indices), and non-persistent
           buffers (registered with persistent=False: attention masks and tables the model
           recomputes from its configuration, not part of a checkpoint).
  macs     torch.utils.flop_counter.FlopCounterMode's total FLOPs // 2 of net(x) in eval mode,
           under torch.no_grad() and the math scaled-dot-product-attention backend
           (FlopCounterMode has no formula for the CPU flash kernel), with nn.MultiheadAttention's fused
           inference fast path off (setup_torch), as for the export.

Export (export_onnx), batch fixed at 1, input "input", output "logits", the net in eval mode:
  torchscript  torch.onnx.export(net, x, path, dynamo=False, opset_version=17,
               training=TrainingMode.PRESERVE, do_constant_folding=False, dynamic_axes={"input": {2:
               "height", 3: "width"}} for a dynamic export). TrainingMode.PRESERVE keeps the eval
               mode and skips the exporter's eval-mode peephole pass, which folds every BatchNorm
               after a Conv into the Conv (γ, β and the running statistics would be gone, and each
               folded Conv would gain a bias); without constant folding no computation on
               parameters or buffers is replaced by its result (Swin's relative-position table
               gathered by its index would become a full bias per block, a weight-standardized
               convolution a second weight). So the file holds the parameters and BatchNorm
               statistics exactly as torch does; shape computations stay as Shape/Gather/Concat
               nodes, which opcat evaluates.
  dynamo       torch.onnx.export(net, (x,), dynamo=True, opset_version=18, optimize=False,
               dynamic_shapes=({2: Dim.AUTO, 3: Dim.AUTO},) for a dynamic export), then
               rewrite_without_folding (the onnxscript optimizer's per-op rewrites, such as
               SplitToSequence into Split, without its constant folding). The drivers use it where
               the TorchScript exporter fails (timm's dynamic_img_size position-embedding
               resampling, F.fold) or gives a graph that is wrong at other sizes.
A dynamic export is accepted only when onnxruntime (no graph optimization) gives torch's logits
(max |difference| < 1e-3 of their largest magnitude) at every evaluation size and at one more size
(check_size); otherwise the drivers export statically at each evaluation size.

Stripping (export_torchvision_zoo.strip_tensor, applied to the graph and its subgraphs): every
float tensor with more than 16 elements (initializer or Constant value) loses its data but keeps
name, dims and data_type; with STRIP_LARGE_INTEGERS (the timm zoo) so does every integer tensor
with more than 4096 elements (index tables, see INTEGER_STRIP_MIN); the file is serialized
deterministically and gzip-compressed (gzip.compress(data, 9, mtime=0)).

Plain helpers here import torch lazily, so the drivers can start without loading it.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from importlib.metadata import version
from math import prod

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)

PINNED = {"torch": "2.13.0", "torchvision": "0.28.0", "timm": "1.0.31", "onnx": "1.23.2",
          "onnxruntime": "1.32.0", "numpy": "2.4.6", "protobuf": "7.36.2"}
VERSIONS = "torch 2.13.0, torchvision 0.28.0, timm 1.0.31, onnx 1.23.2"
PACKAGES = {k: PINNED[k] for k in ("torch", "torchvision", "timm", "onnx", "onnxruntime", "numpy")}
OPSET = 17
SEED = 0
INPUT, OUTPUT = "input", "logits"
REFERENCE_COLUMNS = ["model", "file", "kind", "input", "params", "buffers", "stored_elements", "macs", "nodes",
                     "op_types", "versions"]
CHECK_COLUMNS = ["model", "file", "input", "macs", "ort"]  # dynamic_checks.csv: a size no checkpoint uses
# initializers.csv: how the file's float initializers relate to the torch model's tensors (by name),
# for tools/zoo_explained.py: elements (and up to 6 names, then the count) of each group.
INITIALIZER_COLUMNS = ["model", "file", "params", "persistent_buffers", "persistent_names", "transient_buffers",
                       "transient_names",
                       "other", "other_names", "constants", "constant_names", "absent_params", "absent_names",
                       "absent_buffers", "absent_buffer_names"]


def check_versions(pinned: dict = PINNED, what: str = "the zoo") -> None:
    """Stops unless the installed packages are exactly `pinned` (also used by export_onnx_corpus.py)."""
    installed = {}
    for pkg in pinned:
        try:
            installed[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            installed[pkg] = None
    if installed != pinned:
        raise SystemExit(f"installed {installed}, {what} needs {pinned}; "
                         "use the venv from tools/setup_corpus_venv.sh")


def stems_of(arch: str, reference: list) -> list:
    """The stems of an architecture's files (reference rows name the architecture in `model`)."""
    stems = []
    for r in reference:
        stem = r["file"].removesuffix(".onnx.gz")
        if r["model"] == arch and stem not in stems:
            stems.append(stem)
    return stems


def quiet() -> None:
    warnings.simplefilter("ignore")
    import logging
    logging.disable(logging.WARNING)


def setup_torch():
    """One thread; nn.MultiheadAttention's and nn.TransformerEncoderLayer's inference fast path off
    (it runs as one fused aten::_native_multi_head_attention, which neither the ONNX exporter
    translates nor FlopCounterMode sees into)."""
    import torch
    torch.set_num_threads(1)
    torch.backends.mha.set_fastpath_enabled(False)
    return torch


def percent_to_fraction(value) -> float:
    return float(Decimal(str(value)) / 100)


def input_key(side_h: int, side_w: int) -> str:
    return f"{INPUT}:1x3x{side_h}x{side_w}"


# --------------------------------------------------------------------------- counting (torch)

def randomize(net):
    from export_torchvision_zoo import randomize as fill
    return fill(net, SEED)


def params_and_buffers(net) -> tuple:
    """(parameters, elements of the persistent floating-point buffers)."""
    params = sum(p.numel() for p in net.parameters())
    transient = {f"{name}.{b}" if name else b for name, m in net.named_modules() for b in m._non_persistent_buffers_set}
    buffers = sum(b.numel() for name, b in net.named_buffers() if b.is_floating_point() and name not in transient)
    return params, buffers


def flop_counter_macs(net, x) -> int:
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode
    for p in net.parameters():
        p.requires_grad_(False)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH), counter:
        net(x)
    return int(counter.get_total_flops()) // 2


def example(h: int, w: int):
    import torch
    return torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(SEED))


# --------------------------------------------------------------------------- export

FOLD = False  # do_constant_folding: see the module docstring


def export_onnx(net, x, directory: str, dynamic: bool, exporter: str = "torchscript"):
    """Exports into `directory`/model.onnx (external data files beside it when the model is over
    protobuf's 2 GB); returns the path. exporter: "torchscript" (see the module docstring) or
    "dynamo": torch.onnx.export(dynamo=True, opset_version=18, optimize=False, dynamic_shapes=({2:
    Dim.AUTO, 3: Dim.AUTO},) when dynamic), then rewrite_without_folding. optimize=False: the
    onnxscript optimizer would constant-fold computations on parameters into new initializers (a
    relative-position table gathered by its index becomes the full bias) and store scalar
    constants as initializers."""
    import torch
    path = os.path.join(directory, "model.onnx")
    with torch.no_grad():
        if exporter == "dynamo":
            shapes = ({2: torch.export.Dim.AUTO, 3: torch.export.Dim.AUTO},) if dynamic else None
            program = torch.onnx.export(net, (x,), dynamo=True, opset_version=DYNAMO_OPSET, input_names=[INPUT],
                                        output_names=[OUTPUT], dynamic_shapes=shapes, verbose=False, optimize=False)
            rewrite_without_folding(program.model)
            program.save(path, external_data=True)
        else:
            axes = {INPUT: {2: "height", 3: "width"}} if dynamic else None
            torch.onnx.export(net, (x,), path, dynamo=False, opset_version=OPSET, input_names=[INPUT],
                              output_names=[OUTPUT], dynamic_axes=axes, do_constant_folding=FOLD,
                              training=torch.onnx.TrainingMode.PRESERVE)
    return path


DYNAMO_OPSET = 18  # the dynamo exporter's lowest


def rewrite_without_folding(model) -> None:
    """The onnxscript optimizer's op-level rewrites without its constant folding: its
    FoldConstantsPass with should_fold always False runs only the per-op partial evaluators
    (SplitToSequence + SequenceAt into Split, shapes known statically, no-op Casts and Reshapes),
    which compute nothing from parameters; then unused nodes are removed. Nothing is lifted into
    initializers."""
    import onnx_ir.passes.common as common_passes
    from onnxscript.optimizer import _constant_folding
    import onnx_ir as ir
    passes = ir.passes.Sequential(
        common_passes.InlinePass(),
        _constant_folding.FoldConstantsPass(shape_inference=True, input_size_limit=0, output_size_limit=0,
                                            should_fold=lambda node: False),
        common_passes.RemoveUnusedNodesPass(),
        common_passes.RemoveUnusedFunctionsPass(),
    )
    passes(model)


def load_without_float_data(path: str):
    """The exported model with its integer external tensors loaded and the float ones left out."""
    import onnx
    from onnx import external_data_helper
    from export_torchvision_zoo import FLOAT_TYPES
    proto = onnx.load(path, load_external_data=False)
    base = os.path.dirname(path)
    for tensor in external_data_helper._get_all_tensors(proto):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            if tensor.data_type in FLOAT_TYPES and prod(tensor.dims) > 16:
                continue  # stripped anyway
            external_data_helper.load_external_data_for_tensor(tensor, base)
            tensor.data_location = onnx.TensorProto.DEFAULT
            del tensor.external_data[:]
    return proto


# Integer tensors over this many elements lose their data too when STRIP_LARGE_INTEGERS is set (the
# timm zoo): they are index tables (relative-position indices, which a graph exported without
# constant folding keeps, one per block: 331,776 int64 for a 24x24 window), read by Gather (through
# Reshape) for their shape only. Shape operands, axes and small index lists have a few elements
# and keep theirs.
INTEGER_STRIP_MIN = 4096
STRIP_LARGE_INTEGERS = False
INTEGER_STRIPPED_VALUE = (f"; so do integer tensors with more than {INTEGER_STRIP_MIN} elements (index tables)")


def strip_integer_tensor(tensor) -> bool:
    from export_torchvision_zoo import DATA_FIELDS, FLOAT_TYPES
    if not STRIP_LARGE_INTEGERS or tensor.data_type in FLOAT_TYPES or prod(tensor.dims) <= INTEGER_STRIP_MIN:
        return False
    for field in DATA_FIELDS:
        tensor.ClearField(field)
    tensor.ClearField("data_location")
    return True


def strip_graph(graph) -> int:
    """export_torchvision_zoo.strip_tensor on every initializer and Constant value of the graph and
    its subgraphs (and strip_integer_tensor); returns how many tensors lost their data."""
    import onnx
    from export_torchvision_zoo import constant_tensors, strip_tensor
    if graph.sparse_initializer:
        raise RuntimeError("sparse initializers not handled")
    tensors = list(graph.initializer) + [t for _, t in constant_tensors(graph)]
    stripped = sum(strip_tensor(t) or strip_integer_tensor(t) for t in tensors)
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                stripped += strip_graph(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                stripped += sum(strip_graph(g) for g in attr.graphs)
    return stripped


def strip_and_stamp(proto, doc: str) -> int:
    from export_torchvision_zoo import STRIPPED_KEY, STRIPPED_VALUE
    if proto.functions:
        raise RuntimeError("model-local functions not handled")
    stripped = strip_graph(proto.graph)
    from export_onnx_corpus import clear_value_metadata
    clear_value_metadata(proto.graph)  # the dynamo exporter's stack traces (this machine's paths)
    proto.producer_name = "pytorch"
    proto.producer_version = PINNED["torch"]
    proto.domain = ""
    proto.model_version = 0
    proto.doc_string = doc
    proto.graph.doc_string = ""
    del proto.metadata_props[:]
    entry = proto.metadata_props.add()
    entry.key, entry.value = STRIPPED_KEY, STRIPPED_VALUE + (INTEGER_STRIPPED_VALUE if STRIP_LARGE_INTEGERS else "")
    return stripped


def serialize(proto) -> bytes:
    return proto.SerializeToString(deterministic=True)


def write_gz(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(gzip.compress(data, 9, mtime=0))
    os.replace(path + ".tmp", path)


def initializer_facts(net, proto) -> dict:
    """The graph's float initializers sorted by the torch tensor of the same name: parameters,
    persistent or non-persistent (transient) float buffers, or other (exporter constants, folded
    tables); the float values of its Constant nodes over one element (constants); and the torch
    parameters and persistent float buffers no initializer is named after (absent)."""
    from export_torchvision_zoo import FLOAT_TYPES, constant_tensors
    params = {n: p.numel() for n, p in net.named_parameters()}
    transient = {f"{name}.{b}" if name else b for name, m in net.named_modules() for b in m._non_persistent_buffers_set}
    buffers = {n: b.numel() for n, b in net.named_buffers() if b.is_floating_point()}
    groups = {"params": [], "persistent_buffers": [], "transient_buffers": [], "other": [], "constants": []}
    tensors = [t for t in proto.graph.initializer if t.data_type in FLOAT_TYPES]
    constants = [(node.output[0], t) for node, t in constant_tensors(proto.graph)
                 if t.data_type in FLOAT_TYPES and prod(t.dims) > 1]
    groups["constants"] = [(name, prod(t.dims)) for name, t in constants]
    for t in tensors:
        n = prod(t.dims)
        if t.name in params:
            groups["params"].append((t.name, n))
        elif t.name in buffers:
            groups["transient_buffers" if t.name in transient else "persistent_buffers"].append((t.name, n))
        else:
            groups["other"].append((t.name, n))
    names = {t.name for t in tensors}
    absent = [(k, v) for k, v in params.items() if k not in names]
    absent_buffers = [(k, v) for k, v in buffers.items() if k not in names and k not in transient]

    def summary(items):
        shown = [f"{k}{list(d) if (d := dims.get(k)) is not None else ''}" for k, _ in items[:6]]
        return " ".join(shown) + (f" (+{len(items) - 6} more)" if len(items) > 6 else "")

    dims = {t.name: t.dims for t in tensors} | {name: t.dims for name, t in constants}
    return {"params": sum(n for _, n in groups["params"]),
            "persistent_buffers": sum(n for _, n in groups["persistent_buffers"]),
            "persistent_names": summary(groups["persistent_buffers"]),
            "transient_buffers": sum(n for _, n in groups["transient_buffers"]),
            "transient_names": summary(groups["transient_buffers"]),
            "other": sum(n for _, n in groups["other"]), "other_names": summary(groups["other"]),
            "constants": sum(n for _, n in groups["constants"]), "constant_names": summary(groups["constants"]),
            "absent_params": sum(n for _, n in absent), "absent_names": summary(absent),
            "absent_buffers": sum(n for _, n in absent_buffers), "absent_buffer_names": summary(absent_buffers)}


def graph_summary(proto) -> tuple:
    nodes = proto.graph.node
    return len(nodes), " ".join(sorted({n.op_type for n in nodes}))


# --------------------------------------------------------------------------- onnxruntime check

def ort_session(path: str):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def ort_agrees(session, net, x) -> str:
    """'' when onnxruntime's logits at x match torch's (relative to their scale), else why not."""
    import numpy as np
    import torch
    try:
        got = session.run(None, {INPUT: x.numpy()})[0]
    except Exception as e:  # noqa: BLE001
        return f"onnxruntime fails at {tuple(x.shape)}: {str(e).splitlines()[0][:160]}"
    with torch.no_grad():
        want = net(x)
    if isinstance(want, (tuple, list)):
        want = want[0]
    want = want.numpy()
    if got.shape != want.shape:
        return f"onnxruntime output {got.shape} != torch {want.shape} at {tuple(x.shape)}"
    scale = float(np.abs(want).max()) or 1.0
    err = float(np.abs(got - want).max()) / scale
    return "" if err < 1e-3 else f"onnxruntime output differs from torch at {tuple(x.shape)} (max rel err {err:.2g})"


# --------------------------------------------------------------------------- one file (child process)

def check_size(net, sizes: list):
    """A square size no checkpoint uses that the model takes (some need a multiple of their patch
    size): the first of the first size + 32, 64, 28, 56, 112, 96 at which torch runs the net."""
    import torch
    for delta in (32, 64, 28, 56, 112, 96):
        side = sizes[0][0] + delta
        if any(side == s[0] for s in sizes):
            continue
        try:
            with torch.no_grad():
                net(example(side, side))
            return (side, side)
        except Exception:  # noqa: BLE001
            continue
    return None


def export_file(net, sizes: list, dynamic: bool, check_size, out_path: str, doc: str, model: str,
                exporter: str = "torchscript") -> dict:
    """Counts `net` at every (h, w) of `sizes` (the first one is the export's), exports it (with
    dynamic H and W when `dynamic`), checks the export with onnxruntime at every size (and at
    `check_size`, a size no checkpoint uses, for a dynamic export) against torch, strips it and
    writes `out_path` (.onnx.gz). Returns the reference rows, the check row and notes; raises
    when onnxruntime disagrees."""
    import torch
    params, buffers = params_and_buffers(net)
    file = os.path.basename(out_path)
    rows, checks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        x0 = example(*sizes[0])
        path = export_onnx(net, x0, tmp, dynamic, exporter)
        session = ort_session(path)
        why = ort_agrees(session, net, x0)
        if why:
            raise RuntimeError(why)
        for size in sizes[1:] + ([check_size] if dynamic and check_size else []):
            why = ort_agrees(session, net, example(*size))
            if why:
                raise DynamicShapeError(why)
        del session
        proto = load_without_float_data(path)
    facts = dict(initializer_facts(net, proto), model=model, file=os.path.basename(out_path))
    strip_and_stamp(proto, doc)
    data = serialize(proto)
    nodes, op_types = graph_summary(proto)
    del proto
    for (h, w) in sizes:
        rows.append({"model": model, "file": file, "kind": "float", "input": input_key(h, w), "params": params,
                     "buffers": buffers, "stored_elements": "", "macs": flop_counter_macs(net, example(h, w)),
                     "nodes": nodes, "op_types": op_types, "versions": VERSIONS})
    if dynamic and check_size:
        checks.append({"model": model, "file": file, "input": input_key(*check_size),
                       "macs": flop_counter_macs(net, example(*check_size)), "ort": "ok"})
    write_gz(out_path, data)
    torch.set_grad_enabled(True)
    return {"rows": rows, "checks": checks, "initializers": facts, "bytes": len(data),
            "gz_bytes": os.path.getsize(out_path)}


class DynamicShapeError(RuntimeError):
    """The dynamic export gives other results than torch at another size."""


# --------------------------------------------------------------------------- driver helpers

def read_csv(path: str) -> list:
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: str, columns: list, rows: list) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in columns})
    os.replace(path + ".tmp", path)


def write_json(path: str, value) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(path + ".tmp", path)


def first_error_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if any(w in ln for w in ("Error", "error:", "Exception", "assert"))]
    line = errors[-1] if errors else (lines[-1] if lines else "no output")
    return line[:300]


def run_worker(script: str, args: list, timeout: int) -> tuple:
    """Runs `script --worker ARGS --result FILE` in its own process group; (status, result or
    reason, seconds). status: ok, failed, timeout."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore",
               HF_HUB_OFFLINE="1")
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        result = os.path.join(tmp, "result.json")
        cmd = [sys.executable, os.path.abspath(script), "--worker", *args, "--result", result]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True, text=True, errors="replace")
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "timeout", f"export took more than {timeout} s", time.time() - start
        if proc.returncode == 0 and os.path.exists(result):
            with open(result, encoding="utf-8") as f:
                return "ok", json.load(f), time.time() - start
        reason = first_error_line(output)
        if proc.returncode < 0:
            reason = f"killed by signal {-proc.returncode} (out of memory?); " + reason
        return "failed", reason, time.time() - start


# --------------------------------------------------------------------------- export attempts (worker)

def describe_error(e: Exception) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    text = (lines[0] if lines else "")[:200]
    return f"{type(e).__name__}: {text}"


def try_dynamic(net, sides: list, out_path: str, doc, model: str, exporters: tuple, notes: list):
    """export_file with dynamic H and W by each exporter in turn (checked at a size no checkpoint
    uses, see check_size); the result (with `exporter`), or None when none passes. doc(exporter,
    dynamic) gives the file's doc string."""
    sizes = [(s, s) for s in sides]
    for exporter in exporters:
        try:
            check = check_size(net, sizes)
            if check is None:
                raise DynamicShapeError("torch runs the model at no other size tried")
            r = export_file(net, sizes, True, check, out_path, doc(exporter, True), model, exporter)
            return dict(r, exporter=exporter)
        except Exception as e:  # noqa: BLE001
            notes.append(f"{exporter} dynamic export rejected ({describe_error(e)})")
    return None


def export_static(net, side: int, out_path: str, doc, model: str, notes: list) -> dict:
    """export_file at one static size by the TorchScript exporter, else by dynamo."""
    try:
        return dict(export_file(net, [(side, side)], False, None, out_path, doc("torchscript", False), model),
                    exporter="torchscript")
    except Exception as e:  # noqa: BLE001
        notes.append(f"torchscript static export failed ({describe_error(e)}); dynamo")
    return dict(export_file(net, [(side, side)], False, None, out_path, doc("dynamo", False), model, "dynamo"),
                exporter="dynamo")


# --------------------------------------------------------------------------- driver: one architecture's outcome

def record(out_dir: str, zoo: str, arch: str, status: str, result, seconds: float, order: dict) -> None:
    """Replaces the architecture's rows of reference.csv, dynamic_checks.csv, initializers.csv and
    failures.csv (re-read first, so only its rows change) and prints its log line."""
    paths = {k: os.path.join(out_dir, f"{k}.csv") for k in ("reference", "dynamic_checks", "initializers", "failures")}
    tables = {k: read_csv(p) for k, p in paths.items()}
    old = {r["file"] for r in tables["reference"] if r["model"] == arch}
    key = f"{zoo}/{arch}"
    failures = [r for r in tables["failures"] if r["model"] != key]
    if status == "ok":
        files = result["files"]
        new = {f"{r['stem']}.onnx.gz" for r in files}
        for stale in old - new:
            if os.path.exists(os.path.join(out_dir, stale)):
                os.remove(os.path.join(out_dir, stale))
        fresh = {"reference": [row for r in files for row in r["rows"]],
                 "dynamic_checks": [c for r in files for c in r["checks"]],
                 "initializers": [r["initializers"] for r in files]}
        desc = "; ".join(
            f"{r['stem']} {'dynamic' if r['dynamic'] else 'static'} {'/'.join(map(str, r['sides']))} {r['exporter']}"
            f"{' ' + json.dumps(r['kwargs']) if r['kwargs'] else ''}: params {r['rows'][0]['params']:,} "
            f"MACs {', '.join(format(x['macs'], ',') for x in r['rows'])} "
            f"({r['rows'][0]['nodes']} nodes, {r['gz_bytes'] / 1e3:.0f} kB)" for r in files)
        print(f"ok  {arch} ({seconds:.0f} s): {desc}" + "".join(f" [{n}]" for n in result["notes"]), flush=True)
    else:
        new = set()
        fresh = {"reference": [], "dynamic_checks": [], "initializers": []}
        failures.append({"model": key, "reason": result})
        print(f"ERR {arch} ({seconds:.0f} s): {result}", flush=True)

    def rank(row):
        stem = row["file"].removesuffix(".onnx.gz")
        return (order.get(row.get("model"), len(order)), stem != row.get("model"), stem)

    columns = {"reference": REFERENCE_COLUMNS, "dynamic_checks": CHECK_COLUMNS, "initializers": INITIALIZER_COLUMNS}
    for k, cols in columns.items():
        rows = [r for r in tables[k] if r["file"] not in old | new and r.get("model") != arch] + fresh[k]
        write_csv(paths[k], cols, sorted(rows, key=rank))
    write_csv(paths["failures"], ["model", "reason"],
              sorted(failures, key=lambda r: order.get(r["model"].split("/", 1)[1], len(order))))

#!/usr/bin/env python3
"""Quantize MXNet Gluon models with mxnet.contrib.quantization (MXNet 1.9.1, CPU) for opcat.

Writes symbol JSONs of int8 graphs (no weights), their rows of data/reference/quantized.csv
and their entries of data/zoo/manifest.json. Every float parent is built the way
tools/mxnet_zoo.py builds the zoo (a fresh `mx.name.NameManager()`, `get_model(name,
pretrained=False)`), initialised after `mx.random.seed(0)` with `mx.init.MSRAPrelu(factor_type="in",
slope=0)` (He initialisation: the activations keep their scale through the depth, so the calibrated
ranges are not ~0 in the deep layers as they are with the default Uniform(±0.07); no weight is
stored, only the ranges depend on it), hybridized and run once on `mx.nd.ones`. Then one of two
quantization paths:

* `fused`: the Gluon path, `mxnet.contrib.quantization.quantize_net(net, quantized_dtype=...,
  calib_mode=..., data_shapes=[DataDesc('data', shape)], ctx=mx.cpu())` (it warns that it is
  deprecated and calls quantize_net_v2, quantize_mode='full'). On the CPU it partitions the graph
  with the MKLDNN_QUANTIZE backend, so conv+bn+act(+sum) and FC(+act) become `_sg_mkldnn_conv` and
  `_sg_mkldnn_fully_connected` nodes with a `subgraphs` entry. The SymbolBlock it returns is
  hybridized, run once and exported; the `-0000.params` file is deleted. The uint8 graphs are not
  run (MXNet refuses them: "Expect int8 when data_min < 0.0" at the first conv whose input can be
  negative); the forward pass changes nothing in the exported JSON, so they are exported alike.
* `plain`: the symbolic path, `mx.contrib.quant.quantize_model(sym, arg_params, aux_params,
  ctx=mx.cpu(), calib_mode=..., quantized_dtype=..., quantize_mode='full', label_names=None)` on
  the float symbol and parameters that `export` + `load_checkpoint` give. It applies no subgraph
  backend, so it gives the plain ops `_contrib_quantized_conv`, `_contrib_quantized_fully_connected`,
  `_contrib_quantized_elemwise_add`, `_contrib_quantized_pooling`, `_contrib_quantized_flatten`,
  `_contrib_quantized_batch_norm`, `_contrib_quantized_act`, `_contrib_requantize`,
  `_contrib_dequantize`. The returned symbol is saved with `Symbol.save` (there is no Gluon block).
  MXNet cannot run these int8 graphs on the CPU (its MKLDNN quantized conv needs uint8 input)
  and `_contrib_quantized_conv` refuses num_group > 1 in shape inference, so the plain graphs
  are built only from nets without grouped convs; they are checked with infer_shape/infer_type.

`calib_mode='naive'` calibrates on CALIB_BATCHES batches of shape (1, 3, H, W), drawn as
float32 standard normals from `numpy.random.default_rng(SEED)` and fed through `mx.io.NDArrayIter`.
`MXNET_SUBGRAPH_BACKEND=NONE` is set before MXNet is imported: without it the fp32 Module that
`quantize_model` binds for calibration is partitioned by the default MKLDNN backend, its monitor
sees fused nodes, and five of the plain tinynet requantize nodes get no calibration range. The
`quantize_net` outputs are the same with and without it (quantize_net partitions explicitly).

Outputs (fixture names are `<parent>[_plain]_<dtype>_<calib>`):
    data/zoo/resnet18_v1_int8-symbol.json          fused, int8, calib none      (zoo)
    data/zoo/mobilenet1.0_int8-symbol.json         fused, auto, calib naive     (zoo)
    Tests/Fixtures/quantized/mxnet/                the other fused resnet18_v1 combinations
                                                   (none/naive x int8/uint8/auto), the plain
                                                   resnet18_v1 (int8, none), and `tinynet`: a
                                                   small float net (1x3x32x32) with the layer
                                                   variants the zoo lacks (conv with bias, with and
                                                   without BN, conv+sum, FC+relu, FC without bias),
                                                   its float symbol and four quantized versions.
    data/reference/quantized.csv                   the mxnet-symbol rows (the onnx rows of
                                                   tools/export_quantized_onnx.py are kept)
    data/zoo/manifest.json                         the quantized mxnet-symbol entries (with
                                                   `quantized_from`); all other entries are kept
                                                   byte for byte, in the order: float entries,
                                                   quantized mxnet-symbol, quantized onnx.

Reference figures per quantized file (see data/reference/README.md):
    macs_float_parent   on the float parent symbol: Σ over Convolution / FullyConnected nodes of
                        output elements × input channels / num_group × kernel elements (FC: input
                        features), shapes from MXNet infer_shape on get_internals(). The same sum
                        over the quantized graph (conv/FC weights read from input 1, outputs from
                        infer_shape) must agree; the script asserts it.
    *_param_elements    MXNet infer_type + infer_shape of the quantized symbol: elements of the
                        arguments except `data`, plus the auxiliary states, grouped by dtype.
    ops                 top-level op histogram (subgraph bodies not counted), `op:count;...`.

Usage (with the venv from tools/setup_mxnet_venv.sh):
    .venv-mxnet/bin/python tools/export_quantized_mxnet.py [--check]
`--check` builds everything twice and fails unless both runs give the same bytes.
"""

from __future__ import annotations

import os

# Before `import mxnet`: see the docstring. OMP_NUM_THREADS=1 makes the calibration forward
# passes use one thread, so the min/max ranges cannot depend on the core count (2 threads gave
# the same bytes).
os.environ["MXNET_SUBGRAPH_BACKEND"] = "NONE"
os.environ["OMP_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from math import prod  # noqa: E402
from typing import Optional, Tuple  # noqa: E402

import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet.contrib.quantization import quantize_net  # noqa: E402
from mxnet.gluon import HybridBlock, nn  # noqa: E402

from mxnet_zoo import MODELS_BY_NAME, PINNED, REPO_ROOT, ZOO_DIR, ancestors, build_net  # noqa: E402
from zoo_files import merge_csv, merge_manifest  # noqa: E402

FIXTURE_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "quantized", "mxnet")
MANIFEST = os.path.join(ZOO_DIR, "manifest.json")
CSV_PATH = os.path.join(REPO_ROOT, "data", "reference", "quantized.csv")

FORMAT = "mxnet-symbol"
SEED = 0
CALIB_BATCHES = 4

# Shared with tools/export_quantized_onnx.py (each script writes the rows of its format).
CSV_HEADER = ["file", "format", "parent", "parent_file", "method", "macs_float_parent",
              "macs_float_parent_backbone", "int8_param_elements", "uint8_param_elements",
              "int32_param_elements", "int64_param_elements", "float32_param_elements", "ops"]
DTYPE_COLUMNS = {"int8": "int8_param_elements", "uint8": "uint8_param_elements",
                 "int32": "int32_param_elements", "int64": "int64_param_elements",
                 "float32": "float32_param_elements"}

TINY = "tinynet"
TINY_SHAPE = (1, 3, 32, 32)


class TinyNet(HybridBlock):
    """A small net with the conv/FC variants the zoo models lack.

    conv0 (no bias) + BN + relu; conv1 (bias) + BN + relu; conv2 (bias) + relu; conv3 (bias) added
    to conv2's output (the sum operand) + relu; 2x2 max pool; conv4 (1x1, no bias, nothing fused);
    global avg pool; Flatten; dense0 (bias) + relu; dense1 (no bias).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.conv0 = nn.Conv2D(16, 3, padding=1, use_bias=False)
            self.bn0 = nn.BatchNorm()
            self.conv1 = nn.Conv2D(16, 3, padding=1, use_bias=True)
            self.bn1 = nn.BatchNorm()
            self.conv2 = nn.Conv2D(16, 3, padding=1, use_bias=True)
            self.conv3 = nn.Conv2D(16, 3, padding=1, use_bias=True)
            self.pool = nn.MaxPool2D(2)
            self.conv4 = nn.Conv2D(32, 1, use_bias=False)
            self.gap = nn.GlobalAvgPool2D()
            self.flatten = nn.Flatten()
            self.dense0 = nn.Dense(24, activation="relu")
            self.dense1 = nn.Dense(10, use_bias=False)

    def hybrid_forward(self, F, x):  # noqa: N803  (Gluon's signature)
        x = F.Activation(self.bn0(self.conv0(x)), act_type="relu")
        x = F.Activation(self.bn1(self.conv1(x)), act_type="relu")
        y = F.Activation(self.conv2(x), act_type="relu")
        x = F.Activation(self.conv3(y) + y, act_type="relu")
        x = self.conv4(self.pool(x))
        return self.dense1(self.dense0(self.flatten(self.gap(x))))


@dataclass(frozen=True)
class Parent:
    name: str  # zoo name (tools/mxnet_zoo.py) or TINY
    shape: Tuple[int, int, int, int]
    file: str  # repo-relative path of the float symbol

    def build(self):
        with mx.name.NameManager():
            if self.name == TINY:
                return TinyNet(prefix="tinynet0_")
            return build_net(MODELS_BY_NAME[self.name])


PARENTS = {
    "resnet18_v1": Parent("resnet18_v1", (1, 3, 224, 224), "data/zoo/resnet18_v1-symbol.json"),
    "mobilenet1.0": Parent("mobilenet1.0", (1, 3, 224, 224), "data/zoo/mobilenet1.0-symbol.json"),
    TINY: Parent(TINY, TINY_SHAPE, "Tests/Fixtures/quantized/mxnet/tinynet-symbol.json"),
}


@dataclass(frozen=True)
class Variant:
    name: str  # file <name>-symbol.json; zoo name for zoo variants
    parent: str
    path: str  # "fused" (quantize_net) or "plain" (quantize_model)
    dtype: str  # quantized_dtype
    calib: str  # calib_mode
    zoo: bool = False
    display_name: Optional[str] = None  # zoo variants only
    excluded: Tuple[str, ...] = ()  # excluded_sym_names (plain path)

    @property
    def directory(self) -> str:
        return ZOO_DIR if self.zoo else FIXTURE_DIR

    @property
    def file(self) -> str:
        return os.path.join(self.directory, f"{self.name}-symbol.json")

    @property
    def method(self) -> str:
        api = "quantize_net" if self.path == "fused" else "quantize_model"
        text = f"{api} quantized_dtype={self.dtype} calib_mode={self.calib}"
        if self.excluded:
            text += " excluded_sym_names=" + "+".join(self.excluded)
        return text


VARIANTS = (
    Variant("resnet18_v1_int8", "resnet18_v1", "fused", "int8", "none", zoo=True,
            display_name="ResNet18_v1 int8 (MKLDNN fused, no calibration)"),
    Variant("mobilenet1.0_int8", "mobilenet1.0", "fused", "auto", "naive", zoo=True,
            display_name="MobileNet_v1_1.00 int8 (MKLDNN fused, naive calibration)"),
    Variant("resnet18_v1_uint8_none", "resnet18_v1", "fused", "uint8", "none"),
    Variant("resnet18_v1_auto_none", "resnet18_v1", "fused", "auto", "none"),
    Variant("resnet18_v1_int8_naive", "resnet18_v1", "fused", "int8", "naive"),
    Variant("resnet18_v1_uint8_naive", "resnet18_v1", "fused", "uint8", "naive"),
    Variant("resnet18_v1_auto_naive", "resnet18_v1", "fused", "auto", "naive"),
    Variant("resnet18_v1_plain_int8_none", "resnet18_v1", "plain", "int8", "none"),
    Variant("tinynet_int8_none", TINY, "fused", "int8", "none"),
    Variant("tinynet_auto_naive", TINY, "fused", "auto", "naive"),
    Variant("tinynet_plain_int8_none", TINY, "plain", "int8", "none"),
    Variant("tinynet_plain_int8_naive", TINY, "plain", "int8", "naive", excluded=("tinynet0_conv4_fwd",)),
)

# Op types that must appear in the plain graphs, as the MXNet docs list the int8 operators.
PLAIN_OPS = {"_contrib_quantized_conv", "_contrib_quantized_fully_connected", "_contrib_quantized_elemwise_add",
             "_contrib_quantized_pooling", "_contrib_quantized_flatten", "_contrib_requantize",
             "_contrib_dequantize"}

CONV_OPS = {"Convolution", "_contrib_quantized_conv", "_sg_mkldnn_conv"}
FC_OPS = {"FullyConnected", "_contrib_quantized_fully_connected", "_sg_mkldnn_fully_connected"}


# --------------------------------------------------------------------------- building

def seeded_net(parent: Parent):
    """The float parent: built in a fresh NameManager, He-initialised after mx.random.seed(SEED),
    hybridized and run once."""
    net = parent.build()
    mx.random.seed(SEED)
    net.initialize(mx.init.MSRAPrelu(factor_type="in", slope=0.0))
    net.hybridize()
    net(mx.nd.ones(parent.shape))
    mx.nd.waitall()
    return net


def calibration_iter(shape) -> mx.io.NDArrayIter:
    rng = np.random.default_rng(SEED)
    data = rng.standard_normal((CALIB_BATCHES,) + tuple(shape[1:]), dtype=np.float32)
    return mx.io.NDArrayIter(data=data, batch_size=shape[0], shuffle=False)


def export_block(block, shape, prefix: str, forward: bool = True) -> None:
    """hybridize, one forward pass (unless `forward` is False), export; the params file is deleted.
    The forward pass is a check only: the exported JSON is the same without it."""
    block.hybridize()
    if forward:
        block(mx.nd.ones(shape))
        mx.nd.waitall()
    block.export(prefix)
    os.remove(prefix + "-0000.params")


def float_checkpoint(net, tmp: str):
    prefix = os.path.join(tmp, "float")
    net.export(prefix)
    return mx.model.load_checkpoint(prefix, 0)


def quantize(variant: Variant, out_prefix: str) -> None:
    """Writes <out_prefix>-symbol.json for one variant."""
    parent = PARENTS[variant.parent]
    net = seeded_net(parent)
    calib = {}
    if variant.calib != "none":
        calib = {"calib_data": calibration_iter(parent.shape), "num_calib_examples": CALIB_BATCHES}
    if variant.path == "fused":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the quantize_net deprecation warning, infer_type chatter
            qnet = quantize_net(net, quantized_dtype=variant.dtype, calib_mode=variant.calib,
                                data_shapes=[mx.io.DataDesc("data", parent.shape)], ctx=mx.cpu(), **calib)
        # uint8 graphs cannot run: the MKLDNN conv after a conv without ReLU stops with
        # "Expect int8 when data_min < 0.0". The export does not need the forward pass.
        export_block(qnet, parent.shape, out_prefix, forward=variant.dtype != "uint8")
        return
    tmp = tempfile.mkdtemp(prefix="opcat-quant-")
    try:
        sym, arg_params, aux_params = float_checkpoint(net, tmp)
    finally:
        shutil.rmtree(tmp)
    qsym, _, _ = mx.contrib.quant.quantize_model(
        sym, arg_params, aux_params, ctx=mx.cpu(), calib_mode=variant.calib, quantized_dtype=variant.dtype,
        quantize_mode="full", excluded_sym_names=list(variant.excluded), label_names=None, **calib)
    qsym.save(out_prefix + "-symbol.json")


def export_float_tiny(out_prefix: str) -> None:
    export_block(seeded_net(PARENTS[TINY]), TINY_SHAPE, out_prefix)


# --------------------------------------------------------------------------- analysis

def output_shapes(sym, shape) -> dict:
    """(node name, output index) -> shape, for the visible outputs of every node, from MXNet's
    infer_shape on get_internals(). Hidden outputs (BatchNorm's mean/var) come after the visible
    ones, so the index of a visible output is its position among its node's visible outputs."""
    internals = sym.get_internals()
    _, shapes, _ = internals.infer_shape(data=shape)
    result, seen = {}, collections.Counter()
    for k, s in enumerate(shapes):
        name = internals[k].name
        result[(name, seen[name])] = tuple(s)
        seen[name] += 1
    return result


def parse_tuple(text: str) -> tuple:
    """An MXNet tuple attribute such as "(3, 3)"."""
    return tuple(int(x) for x in text.strip("()[] ").split(",") if x.strip())


def weighted_macs(graph: dict, sym, shape, float_only: bool) -> list:
    """[(node index, MACs)] of the conv / FC nodes: output elements × weight elements per output.

    On the float graph (float_only) the weight elements per output are computed from the data
    input's shape and the attributes, C_in / num_group × Π kernel (FC: the input's features), and
    checked against the weight's shape; on the quantized graphs they are Π weight shape[1:], the
    weight being input 1 (fp32 or int8 argument, shape from infer_shape).
    """
    nodes = graph["nodes"]
    outs = output_shapes(sym, shape)
    result = []
    for i, n in enumerate(nodes):
        op = n["op"]
        if op not in CONV_OPS and op not in FC_OPS:
            continue
        assert not float_only or op in ("Convolution", "FullyConnected"), op
        weight = outs[(nodes[n["inputs"][1][0]]["name"], 0)]
        per_output = prod(weight[1:])
        if float_only:
            src, idx, _ = n["inputs"][0]
            in_shape = outs[(nodes[src]["name"], idx)]
            attrs = n["attrs"]
            if op == "Convolution":
                assert attrs.get("layout", "NCHW") == "NCHW", attrs
                expected = in_shape[1] // int(attrs["num_group"]) * prod(parse_tuple(attrs["kernel"]))
            else:
                assert attrs.get("flatten", "True") == "True", attrs
                expected = prod(in_shape[1:])
            assert expected == per_output, f"{n['name']}: {expected} != weight {weight}"
        result.append((i, prod(outs[(n["name"], 0)]) * per_output))
    return result


def descendants(graph: dict, start: int) -> set:
    readers = collections.defaultdict(list)
    for i, n in enumerate(graph["nodes"]):
        for src, _, _ in n["inputs"]:
            readers[src].append(i)
    seen, stack = set(), [start]
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(readers[i])
    return seen


def find_backbone_end(graph: dict, first_head_op: str) -> int:
    """The node feeding (input 0) the quantized version of the parent's first dropped op."""
    nodes = graph["nodes"]
    heads = [i for i, n in enumerate(nodes) if n["name"] in (first_head_op, "quantized_" + first_head_op)]
    assert len(heads) == 1, f"{first_head_op}: {heads}"
    return nodes[heads[0]]["inputs"][0][0]


def parent_backbone(parent: Parent, manifest: dict):
    """(backbone end name, name of the first dropped op) of a zoo parent, from the manifest and
    the float symbol: the one op reading the backbone end's output."""
    entry = {e["name"]: e for e in manifest["models"]}[parent.name]
    with open(os.path.join(REPO_ROOT, parent.file), encoding="utf-8") as f:
        graph = json.load(f)
    nodes = graph["nodes"]
    end = [i for i, n in enumerate(nodes) if n["name"] == entry["backbone_end"]]
    readers = [n["name"] for n in nodes if any(src == end[0] for src, _, _ in n["inputs"])]
    assert len(readers) == 1, readers
    return entry["backbone_end"], readers[0]


def analyze(path: str, parent: Parent, float_graph: dict, float_sym, manifest: dict, with_backbone: bool) -> dict:
    with open(path, encoding="utf-8") as f:
        graph = json.load(f)
    sym = mx.sym.load(path)
    nodes = graph["nodes"]
    shape = parent.shape

    # Parameter elements by dtype.
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=shape)
    arg_types, _, aux_types = sym.infer_type(data="float32")
    elements = collections.Counter()
    for name, s, t in zip(sym.list_arguments(), arg_shapes, arg_types):
        if name != "data":
            elements[np.dtype(t).name] += prod(s)
    for s, t in zip(aux_shapes, aux_types):
        elements[np.dtype(t).name] += prod(s)
    unknown = set(elements) - set(DTYPE_COLUMNS)
    assert not unknown, f"{path}: parameter dtypes {unknown}"

    float_macs = weighted_macs(float_graph, float_sym, shape, float_only=True)
    quant_macs = weighted_macs(graph, sym, shape, float_only=False)
    total = sum(m for _, m in float_macs)
    if sum(m for _, m in quant_macs) != total or len(quant_macs) != len(float_macs):
        raise SystemExit(f"{path}: quantized conv/FC MACs {sum(m for _, m in quant_macs)} "
                         f"({len(quant_macs)} nodes) != float {total} ({len(float_macs)} nodes)")

    info = {"elements": elements, "macs": total, "ops": collections.Counter(n["op"] for n in nodes if n["op"] != "null"),
            "nodes": len(nodes), "out_shapes": out_shapes}
    if with_backbone:
        float_end_name, first_head = parent_backbone(parent, manifest)
        float_end = [i for i, n in enumerate(float_graph["nodes"]) if n["name"] == float_end_name][0]
        float_up = ancestors(float_graph, float_end)
        backbone = sum(m for i, m in float_macs if i in float_up)
        end = find_backbone_end(graph, first_head)
        up, down = ancestors(graph, end), descendants(graph, end)
        loose = [nodes[i]["name"] for i in range(len(nodes))
                 if nodes[i]["op"] != "null" and i not in up and i not in down]
        assert not loose, f"{path}: ops neither upstream nor downstream of the backbone end: {loose}"
        if sum(m for i, m in quant_macs if i in up) != backbone:
            raise SystemExit(f"{path}: backbone MACs differ from the float parent's {backbone}")
        info["backbone_end"] = nodes[end]["name"]
        info["backbone_macs"] = backbone
        info["head_ops"] = [nodes[i]["op"] for i in sorted(down - {end}) if nodes[i]["op"] != "null"]
    info["types"] = output_dtypes(graph, sym)
    return info


def output_dtypes(graph: dict, sym) -> dict:
    """op -> Counter of the dtypes of output 0 of its nodes (MXNet infer_type on get_internals())."""
    internals = sym.get_internals()
    _, types, _ = internals.infer_type(data="float32")
    first = {}
    for k, t in enumerate(types):
        first.setdefault(internals[k].name, np.dtype(t).name)
    result = collections.defaultdict(collections.Counter)
    for n in graph["nodes"]:
        if n["op"] != "null":
            result[n["op"]][first[n["name"]]] += 1
    return result


# --------------------------------------------------------------------------- manifest / csv

def read_manifest() -> dict:
    with open(MANIFEST, encoding="utf-8") as f:
        return json.load(f)


def ops_column(ops: collections.Counter) -> str:
    return ";".join(f"{op}:{n}" for op, n in sorted(ops.items()))


# --------------------------------------------------------------------------- main

def build_all(directory_map) -> dict:
    """Writes every file into the directories directory_map gives; returns {path: bytes}."""
    written = {}
    tiny_prefix = os.path.join(directory_map(FIXTURE_DIR), TINY)
    export_float_tiny(tiny_prefix)
    written[tiny_prefix + "-symbol.json"] = None
    for v in VARIANTS:
        prefix = os.path.join(directory_map(v.directory), v.name)
        quantize(v, prefix)
        written[prefix + "-symbol.json"] = None
    for path in written:
        with open(path, "rb") as f:
            written[path] = f.read()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="build everything twice and fail unless the bytes are identical")
    args = parser.parse_args()
    for pkg, installed in (("mxnet", mx.__version__), ("numpy", np.__version__)):
        if installed != PINNED[pkg]:
            raise SystemExit(f"{pkg} {installed} is installed, the reference data needs {PINNED[pkg]}; "
                             "use the venv from tools/setup_mxnet_venv.sh")
    logging.getLogger().setLevel(logging.ERROR)
    os.makedirs(FIXTURE_DIR, exist_ok=True)

    first = build_all(lambda d: d)
    if args.check:
        tmp = tempfile.mkdtemp(prefix="opcat-quant-check-")
        try:
            second = build_all(lambda d: tmp)
        finally:
            shutil.rmtree(tmp)
        for (path, data), again in zip(first.items(), second.values()):
            if data != again:
                raise SystemExit(f"{os.path.relpath(path, REPO_ROOT)}: two builds differ")
        print(f"check: {len(first)} files identical in two builds", file=sys.stderr)

    manifest = read_manifest()
    floats = {}
    for name, parent in PARENTS.items():
        path = os.path.join(REPO_ROOT, parent.file)
        with open(path, encoding="utf-8") as f:
            floats[name] = (json.load(f), mx.sym.load(path))

    rows, entries = [], []
    for v in VARIANTS:
        parent = PARENTS[v.parent]
        info = analyze(v.file, parent, *floats[v.parent], manifest, with_backbone=v.zoo)
        rel = os.path.relpath(v.file, REPO_ROOT)
        missing = PLAIN_OPS - set(info["ops"])
        if v.path == "plain":
            print(f"   plain ops missing in {v.name}: {sorted(missing) or 'none'}")
        rows.append({
            "file": rel, "format": FORMAT, "parent": v.parent, "parent_file": parent.file, "method": v.method,
            "macs_float_parent": info["macs"], "macs_float_parent_backbone": info.get("backbone_macs", ""),
            **{col: info["elements"].get(dtype, 0) for dtype, col in DTYPE_COLUMNS.items()},
            "ops": ops_column(info["ops"]),
        })
        print(f"== {rel}: {os.path.getsize(v.file)} bytes, {info['nodes']} nodes, "
              f"{sum(info['ops'].values())} ops, MACs {info['macs']}, params "
              + ", ".join(f"{k} {n}" for k, n in sorted(info["elements"].items())))
        print("   ops: " + ", ".join(f"{op} {n}" for op, n in sorted(info["ops"].items())))
        print("   output dtypes: " + "; ".join(f"{op} " + ",".join(f"{t}x{n}" for t, n in sorted(c.items()))
                                             for op, c in sorted(info["types"].items())))
        if v.zoo:
            print(f"   backbone end {info['backbone_end']} (MACs {info['backbone_macs']}); "
                  f"head: {' '.join(info['head_ops'])}")
            parent_entry = {e["name"]: e for e in manifest["models"]}[v.parent]
            entries.append({
                "name": v.name,
                "display_name": v.display_name,
                "family": parent_entry["family"],
                "format": FORMAT,
                "file": os.path.basename(v.file),
                "input": {"name": "data", "shape": list(parent.shape)},
                "backbone_end": info["backbone_end"],
                "quantized_from": v.parent,
                "metrics": [],
            })
        sys.stdout.flush()

    merge_csv(CSV_PATH, CSV_HEADER, rows, FORMAT)
    merge_manifest(MANIFEST, entries, FORMAT, quantized=True)
    print(f"wrote {len(first)} symbol files, {len(rows)} rows of {os.path.relpath(CSV_PATH, REPO_ROOT)} and "
          f"{len(entries)} entries of {os.path.relpath(MANIFEST, REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Quantize torchvision ONNX models with onnxruntime.quantization for opcat, weights stripped.

Every float parent is exported exactly as tools/export_torchvision_zoo.py exports it (its own
`build` and `export` functions: seeded random weights, torch.onnx.export with opset 17,
BatchNorm folded), *with* its weights; the script checks that stripping that parent with the zoo
rule gives the bytes of data/zoo/<parent>.onnx. The parent is saved to a temporary file (ORT
1.32's own ModelProto path fails on onnx 1.23's external-data check, so the path is passed) and
quantized with onnxruntime 1.32.0:

    quantize_static(parent, out, CalibrationReader, quant_format=QuantFormat.QDQ or .QOperator,
                    per_channel=..., activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)            # calibrate_method MinMax (default)
    quantize_dynamic(parent, out)                           # weight_type QInt8, per-tensor (defaults)

No pre-processing (`quant_pre_process`) is run: ORT warns "Please consider to run
pre-processing before quantization", and the graphs are quantized as the exporter wrote them.
The calibration reader feeds CALIB_IMAGES float32 standard-normal images of shape 1x3xHxW drawn
from `numpy.random.default_rng(SEED)`.

The quantized model is then stripped with the zoo rule extended to every tensor type: each
tensor (initializer or Constant-node value) with more than STRIP_MAX_KEPT elements loses its data
(int8 weights, int32 biases, per-channel scale and zero-point vectors included) but keeps its
name, dims and data_type; smaller tensors (per-tensor scales and zero points, shapes, Clip
bounds) keep their data. ORT's producer fields and its `onnx.infer` metadata entry stay; the doc
string is set and an `opcat.weights_stripped` metadata entry added. Serialization is
deterministic.

Outputs:
    data/zoo/resnet50_int8_qdq.onnx        quantize_static QDQ, per-channel weights     (zoo)
    data/zoo/mobilenet_v2_int8_qdq.onnx    quantize_static QDQ, per-channel weights     (zoo)
    data/zoo/resnet50_int8_qop.onnx        quantize_static QOperator, per-channel       (zoo)
    data/zoo/mobilenet_v2_dynamic.onnx     quantize_dynamic                             (zoo)
    Tests/Fixtures/quantized/onnx/         `tinynet`, a small torch net (1x3x32x32) with the
                                           layer variants the zoo parents lack (bias-free Conv,
                                           depthwise Conv, AveragePool, MatMul from a bias-free
                                           Linear): its float graph (stripped) and six quantized
                                           versions (QDQ and QOperator, per-channel and
                                           per-tensor; dynamic; static QDQ int8/int8).
    data/reference/quantized.csv           the onnx rows (the mxnet-symbol rows of
                                           tools/export_quantized_mxnet.py are kept, first)
    data/zoo/manifest.json                 the quantized onnx entries (with `quantized_from`);
                                           all other entries are kept byte for byte, in the
                                           order: float entries, quantized mxnet-symbol,
                                           quantized onnx.

Reference figures per quantized file (see data/reference/README.md):
    macs_float_parent   on the float parent *with weights*, after onnx.shape_inference: Σ over
                        Conv of output elements × C_in / group × kernel elements, plus Σ over
                        Gemm / MatMul of M·N·K (batch dimensions multiplied in). Each compute node
                        of the quantized graph (Conv, Gemm, MatMul, QLinearConv, QLinearMatMul,
                        QGemm, ConvInteger, MatMulInteger) is matched by name to one parent node,
                        and its weight must have the parent's dims (transposed for the MatMul that
                        dynamic quantization makes of a Gemm); the script asserts it.
    *_param_elements    Σ prod(dims) of the quantized file's initializers, by data_type.
    ops                 node histogram, `op:count;...`, with `domain.op` for non-default domains.

Usage (with the venv from tools/setup_torch_venv.sh, which has onnxruntime==1.32.0):
    .venv-torch/bin/python tools/export_quantized_onnx.py [--check]
`--check` quantizes everything twice and fails unless both runs give the same bytes.
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import logging
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from math import prod
from typing import Optional

import numpy as np
import onnx
import torch
from onnx import TensorProto
from torchvision.models import get_model_weights

import export_torchvision_zoo as tvz
from zoo_files import merge_csv, merge_manifest
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic,
                                      quantize_static)

REPO_ROOT = tvz.REPO_ROOT
ZOO_DIR = tvz.ZOO_DIR
MANIFEST = tvz.MANIFEST
FIXTURE_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "quantized", "onnx")
CSV_PATH = os.path.join(REPO_ROOT, "data", "reference", "quantized.csv")

PINNED = {**tvz.PINNED, "onnxruntime": "1.32.0"}
FORMAT = "onnx"
SEED = 0
CALIB_IMAGES = 4
STRIP_MAX_KEPT = tvz.STRIP_MAX_KEPT
DATA_FIELDS = tvz.DATA_FIELDS
STRIPPED_KEY = tvz.STRIPPED_KEY
STRIPPED_VALUE = (f"tensors of every type (initializers and Constant values) with more than {STRIP_MAX_KEPT} "
                  "elements keep name, dims and data_type but no data")
MODEL_DOC = ("opcat zoo: {parent} quantized by tools/export_quantized_onnx.py with onnxruntime "
             f"{PINNED['onnxruntime']} {{method}}; tensors with more than {STRIP_MAX_KEPT} elements have no data")

# Shared with tools/export_quantized_mxnet.py (each script writes the rows of its format).
CSV_HEADER = ["file", "format", "parent", "parent_file", "method", "macs_float_parent",
              "macs_float_parent_backbone", "int8_param_elements", "uint8_param_elements",
              "int32_param_elements", "int64_param_elements", "float32_param_elements", "ops"]
DTYPE_COLUMNS = {TensorProto.INT8: "int8_param_elements", TensorProto.UINT8: "uint8_param_elements",
                 TensorProto.INT32: "int32_param_elements", TensorProto.INT64: "int64_param_elements",
                 TensorProto.FLOAT: "float32_param_elements"}

TINY = "tinynet"
TINY_SIDE = 32

# Compute nodes and the input index of their weight.
FLOAT_COMPUTE = {"Conv": 1, "Gemm": 1, "MatMul": 1}
QUANT_COMPUTE = {"Conv": 1, "Gemm": 1, "MatMul": 1, "QLinearConv": 3, "QLinearMatMul": 3, "QGemm": 3,
                 "ConvInteger": 1, "MatMulInteger": 1}


class TinyNet(torch.nn.Module):
    """A small net with the layer variants the zoo parents lack.

    conv0 3x3 without bias (no BatchNorm: the ONNX Conv keeps no bias) + ReLU; conv1 3x3 + BatchNorm
    (folded into a biased Conv) + ReLU; conv2 depthwise 3x3 + ReLU6 (Clip), added to conv1's output;
    2x2 max pool; conv3 1x1 (bias); 2x2 average pool; global average pool; flatten; fc0 Linear
    (Gemm) + ReLU; fc1 Linear without bias (MatMul).
    """

    def __init__(self):
        super().__init__()
        self.conv0 = torch.nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.conv1 = torch.nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.conv2 = torch.nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pool = torch.nn.MaxPool2d(2)
        self.conv3 = torch.nn.Conv2d(16, 32, 1)
        self.avg = torch.nn.AvgPool2d(2)
        self.fc0 = torch.nn.Linear(32, 24)
        self.fc1 = torch.nn.Linear(24, 10, bias=False)

    def forward(self, x):
        x = torch.relu(self.conv0(x))
        y = torch.relu(self.bn1(self.conv1(x)))
        x = torch.nn.functional.relu6(self.conv2(y)) + y
        x = self.avg(self.conv3(self.pool(x)))
        x = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc1(torch.relu(self.fc0(x)))


@dataclass(frozen=True)
class Parent:
    name: str
    side: int
    file: str  # repo-relative path of the stripped float graph


PARENTS = {
    "resnet50": Parent("resnet50", 224, "data/zoo/resnet50.onnx"),
    "mobilenet_v2": Parent("mobilenet_v2", 224, "data/zoo/mobilenet_v2.onnx"),
    TINY: Parent(TINY, TINY_SIDE, "Tests/Fixtures/quantized/onnx/tinynet.onnx"),
}


@dataclass(frozen=True)
class Variant:
    name: str  # file <name>.onnx; zoo name for zoo variants
    parent: str
    kind: str  # "static" or "dynamic"
    quant_format: Optional[str] = None  # "QDQ" / "QOperator" (static)
    per_channel: bool = False
    activation_type: str = "QUInt8"
    weight_type: str = "QInt8"
    zoo: bool = False
    display_name: Optional[str] = None

    @property
    def directory(self) -> str:
        return ZOO_DIR if self.zoo else FIXTURE_DIR

    @property
    def file(self) -> str:
        return os.path.join(self.directory, f"{self.name}.onnx")

    @property
    def method(self) -> str:
        if self.kind == "dynamic":
            return f"quantize_dynamic per_channel={self.per_channel} weight_type={self.weight_type}"
        return (f"quantize_static quant_format={self.quant_format} per_channel={self.per_channel} "
                f"activation_type={self.activation_type} weight_type={self.weight_type} calibrate_method=MinMax")


VARIANTS = (
    Variant("resnet50_int8_qdq", "resnet50", "static", "QDQ", per_channel=True, zoo=True,
            display_name="ResNet-50 int8 (QDQ)"),
    Variant("mobilenet_v2_int8_qdq", "mobilenet_v2", "static", "QDQ", per_channel=True, zoo=True,
            display_name="MobileNetV2 int8 (QDQ)"),
    Variant("resnet50_int8_qop", "resnet50", "static", "QOperator", per_channel=True, zoo=True,
            display_name="ResNet-50 int8 (QOperator)"),
    Variant("mobilenet_v2_dynamic", "mobilenet_v2", "dynamic", zoo=True,
            display_name="MobileNetV2 int8 (dynamic quantization)"),
    Variant("tinynet_int8_qdq", TINY, "static", "QDQ", per_channel=True),
    Variant("tinynet_int8_qdq_per_tensor", TINY, "static", "QDQ", per_channel=False),
    Variant("tinynet_int8_qdq_s8s8", TINY, "static", "QDQ", per_channel=False, activation_type="QInt8"),
    Variant("tinynet_int8_qop", TINY, "static", "QOperator", per_channel=True),
    Variant("tinynet_int8_qop_per_tensor", TINY, "static", "QOperator", per_channel=False),
    Variant("tinynet_dynamic", TINY, "dynamic"),
)


# --------------------------------------------------------------------------- building

def build_parent(parent: Parent):
    """(net, ModelProto with weights) of a float parent, as export_torchvision_zoo.py makes it."""
    if parent.name == TINY:
        torch.manual_seed(SEED)
        net = tvz.randomize(TinyNet().eval())  # the same seeded filling as export_torchvision_zoo.build
    else:
        model = next(m for m in tvz.MODELS if m.name == parent.name)
        assert tvz.crop_size(get_model_weights(model.name).DEFAULT) == parent.side
        net = tvz.build(model)
    return net, tvz.export(net, parent.side)


class CalibrationReader(CalibrationDataReader):
    """CALIB_IMAGES float32 standard-normal images from numpy.random.default_rng(SEED)."""

    def __init__(self, side: int):
        rng = np.random.default_rng(SEED)
        self.images = [rng.standard_normal((1, 3, side, side), dtype=np.float32) for _ in range(CALIB_IMAGES)]
        self.index = 0

    def get_next(self):
        if self.index >= len(self.images):
            return None
        self.index += 1
        return {"input": self.images[self.index - 1]}

    def rewind(self):
        self.index = 0


def quantize(variant: Variant, parent_path: str, tmp: str) -> onnx.ModelProto:
    out = os.path.join(tmp, f"{variant.name}.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if variant.kind == "dynamic":
            quantize_dynamic(parent_path, out, per_channel=variant.per_channel,
                             weight_type=getattr(QuantType, variant.weight_type))
        else:
            quantize_static(parent_path, out, CalibrationReader(PARENTS[variant.parent].side),
                            quant_format=getattr(QuantFormat, variant.quant_format),
                            per_channel=variant.per_channel,
                            activation_type=getattr(QuantType, variant.activation_type),
                            weight_type=getattr(QuantType, variant.weight_type))
    return onnx.load(out)


def strip_tensor(tensor: TensorProto) -> bool:
    """Clears the data of a tensor of any type with more than STRIP_MAX_KEPT elements."""
    if prod(tensor.dims) <= STRIP_MAX_KEPT:
        return False
    for name in DATA_FIELDS:
        tensor.ClearField(name)
    tensor.ClearField("data_location")
    return True


def strip_and_stamp(proto: onnx.ModelProto, variant: Variant) -> int:
    graph = proto.graph
    if graph.sparse_initializer or proto.functions:
        raise SystemExit(f"{variant.name}: sparse initializers / functions not handled")
    if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for n in graph.node for a in n.attribute):
        raise SystemExit(f"{variant.name}: subgraphs not handled")
    stripped = sum(strip_tensor(t) for t in graph.initializer)
    stripped += sum(strip_tensor(t) for _, t in tvz.constant_tensors(graph))
    proto.doc_string = MODEL_DOC.format(parent=parent_label(variant.parent), method=variant.method)
    kept = [(e.key, e.value) for e in proto.metadata_props if e.key != STRIPPED_KEY]
    del proto.metadata_props[:]
    for key, value in kept + [(STRIPPED_KEY, STRIPPED_VALUE)]:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    return stripped


def parent_label(name: str) -> str:
    return "tools/export_quantized_onnx.py TinyNet" if name == TINY else f"torchvision {name} (weights=None)"


def stripped_parent(proto: onnx.ModelProto, parent: Parent) -> bytes:
    """The parent with the zoo's float-only strip rule (export_torchvision_zoo.strip_and_stamp)."""
    proto = copy.deepcopy(proto)
    if parent.name == TINY:
        model = tvz.TorchvisionModel(TINY, "TinyNet", TINY, "")
        tvz.strip_and_stamp(proto, model)
        proto.doc_string = ("opcat test fixture: TinyNet of tools/export_quantized_onnx.py, exported like "
                            "tools/export_torchvision_zoo.py exports the zoo; float tensors with more than "
                            f"{STRIP_MAX_KEPT} elements have no data")
    else:
        model = next(m for m in tvz.MODELS if m.name == parent.name)
        tvz.strip_and_stamp(proto, model)
    return tvz.serialize(proto)


def build_all(directory_map) -> dict:
    """Writes every file; returns {path: (bytes, quantized ModelProto with weights or None)} and
    the parents' ModelProtos with weights under the key ("parent", name)."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="opcat-ort-") as tmp:
        parent_paths = {}
        for name, parent in PARENTS.items():
            _, proto = build_parent(parent)
            path = os.path.join(tmp, f"parent-{name}.onnx")
            onnx.save(proto, path)
            parent_paths[name] = path
            result[("parent", name)] = proto
            data = stripped_parent(proto, parent)
            target = os.path.join(REPO_ROOT, parent.file)
            if name == TINY:
                target = os.path.join(directory_map(FIXTURE_DIR), os.path.basename(parent.file))
                with open(target, "wb") as f:
                    f.write(data)
                result[target] = (data, None)
            else:
                with open(target, "rb") as f:
                    if f.read() != data:
                        raise SystemExit(f"{name}: the parent, stripped, differs from {parent.file}; "
                                         "regenerate it with tools/export_torchvision_zoo.py first")
        for v in VARIANTS:
            proto = quantize(v, parent_paths[v.parent], tmp)
            weighted = copy.deepcopy(proto)
            strip_and_stamp(proto, v)
            data = tvz.serialize(proto)
            target = os.path.join(directory_map(v.directory), os.path.basename(v.file))
            with open(target, "wb") as f:
                f.write(data)
            result[target] = (data, weighted)
    return result


# --------------------------------------------------------------------------- analysis

def shapes_of(proto: onnx.ModelProto) -> dict:
    """tensor name -> dims, from onnx shape inference (the model must have its weights)."""
    inferred = onnx.shape_inference.infer_shapes(proto, strict_mode=True)
    g = inferred.graph
    result = {t.name: list(t.dims) for t in g.initializer}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        dims = vi.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            result[vi.name] = [d.dim_value for d in dims]
    return result


def attribute(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def float_macs(proto: onnx.ModelProto) -> dict:
    """node name -> MACs of the parent's Conv / Gemm / MatMul nodes."""
    shapes = shapes_of(proto)
    result = {}
    for n in proto.graph.node:
        if n.op_type not in FLOAT_COMPUTE:
            continue
        a, w, y = shapes[n.input[0]], shapes[n.input[1]], shapes[n.output[0]]
        if n.op_type == "Conv":
            group = attribute(n, "group", 1)
            kernel = attribute(n, "kernel_shape") or w[2:]
            assert list(kernel) == w[2:] and w[1] == a[1] // group, n.name
            result[n.name] = prod(y) * (a[1] // group) * prod(kernel)
        elif n.op_type == "Gemm":
            m, k = (a[1], a[0]) if attribute(n, "transA", 0) else (a[0], a[1])
            k2, cols = (w[1], w[0]) if attribute(n, "transB", 0) else (w[0], w[1])
            assert k == k2 and y == [m, cols], n.name
            result[n.name] = m * cols * k
        else:  # MatMul, B a 2-D weight
            assert len(w) == 2 and a[-1] == w[0] and y == a[:-1] + [w[1]], n.name
            result[n.name] = prod(a[:-1]) * w[1] * w[0]
    return result


def weight_dims(graph: onnx.GraphProto, node, index: int) -> list:
    """Dims of the initializer behind input `index`, looking through a DequantizeLinear."""
    inits = {t.name: t for t in graph.initializer}
    made_by = {o: m for m in graph.node for o in m.output}
    name = node.input[index]
    if name not in inits and name in made_by and made_by[name].op_type == "DequantizeLinear":
        name = made_by[name].input[0]
    return list(inits[name].dims)


def match_compute_nodes(parent: onnx.ModelProto, quantized: onnx.ModelProto, path: str) -> dict:
    """quantized compute node name -> parent node name; checks one-to-one and the weight dims."""
    parent_nodes = {n.name: n for n in parent.graph.node if n.op_type in FLOAT_COMPUTE}
    result = {}
    for n in quantized.graph.node:
        if n.op_type not in QUANT_COMPUTE or n.domain not in ("", "ai.onnx", "com.microsoft"):
            continue
        base = n.name
        for suffix in ("_quant", "_MatMul"):
            if base not in parent_nodes and base.endswith(suffix):
                base = base[: -len(suffix)]
        if base not in parent_nodes:
            raise SystemExit(f"{path}: compute node {n.name} ({n.op_type}) has no parent node")
        p = parent_nodes[base]
        want = weight_dims(parent.graph, p, FLOAT_COMPUTE[p.op_type])
        got = weight_dims(quantized.graph, n, QUANT_COMPUTE[n.op_type])
        if got != want and not (len(want) == 2 and got == want[::-1] and n.op_type == "MatMulInteger"):
            raise SystemExit(f"{path}: {n.name} weight {got} != parent {p.name} {want}")
        result[n.name] = base
    if sorted(result.values()) != sorted(parent_nodes):
        raise SystemExit(f"{path}: compute nodes do not match the parent's one to one")
    return result


def upstream(graph, start: int) -> set:
    return tvz.upstream(graph, start)


def downstream(graph, start: int) -> set:
    return tvz.downstream(graph, start)


def backbone(parent_proto: onnx.ModelProto, quantized: onnx.ModelProto, macs: dict, matched: dict,
             parent_end: str, path: str) -> dict:
    """The quantized backbone end: the node feeding (input 0) the quantized version of the
    parent's first head node, the one node reading the parent's backbone end. Checks that every
    node is upstream or downstream of it (except nodes fed by initializers / Constants only, such
    as weight DequantizeLinear nodes and Constant nodes), and that the compute nodes upstream of it
    are the parent's backbone compute nodes."""
    pg, qg = parent_proto.graph, quantized.graph
    p_index = {n.name: i for i, n in enumerate(pg.node)}
    end_out = pg.node[p_index[parent_end]].output[0]
    readers = [n.name for n in pg.node if end_out in n.input]
    assert len(readers) == 1, readers
    head = readers[0]
    q_index = {n.name: i for i, n in enumerate(qg.node)}
    q_head = [q_index[name] for name in (head, head + "_quant") if name in q_index]
    assert len(q_head) == 1, (head, q_head)
    made_by = tvz.producers(qg)
    end = made_by[qg.node[q_head[0]].input[0]]
    up, down = upstream(qg, end), downstream(qg, end)
    init = {t.name for t in qg.initializer}
    fed_by_constants = set()
    for i, n in enumerate(qg.node):  # topological order
        if all(x in init or (x in made_by and made_by[x] in fed_by_constants) for x in n.input if x):
            fed_by_constants.add(i)
    loose = [qg.node[i].name for i in range(len(qg.node)) if i not in up | down | fed_by_constants]
    if loose:
        raise SystemExit(f"{path}: nodes neither upstream nor downstream of the backbone end: {loose}")
    p_up = {pg.node[i].name for i in upstream(pg, p_index[parent_end])}
    q_up_compute = {matched[qg.node[i].name] for i in up if qg.node[i].name in matched}
    if q_up_compute != {name for name in macs if name in p_up}:
        raise SystemExit(f"{path}: the compute nodes upstream of the backbone end differ from the parent's")
    return {"backbone_end": qg.node[end].name, "backbone_macs": sum(macs[name] for name in q_up_compute),
            "head_ops": [op_name(qg.node[i]) for i in sorted(down - {end})]}


def op_name(node) -> str:
    return f"{node.domain}.{node.op_type}" if node.domain not in ("", "ai.onnx") else node.op_type


def elements_by_type(graph: onnx.GraphProto, path: str) -> dict:
    counts = collections.Counter()
    for t in graph.initializer:
        if t.data_type not in DTYPE_COLUMNS:
            raise SystemExit(f"{path}: initializer {t.name} of type {TensorProto.DataType.Name(t.data_type)}")
        counts[DTYPE_COLUMNS[t.data_type]] += prod(t.dims)
    return counts


# --------------------------------------------------------------------------- manifest / csv

# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="quantize everything twice and fail unless the bytes are identical")
    args = parser.parse_args()
    installed = {pkg: version(pkg) for pkg in PINNED}
    if installed != PINNED:
        raise SystemExit(f"installed {installed}, the zoo needs {PINNED}; use the venv from tools/setup_torch_venv.sh")
    logging.getLogger().setLevel(logging.ERROR)  # ORT's "consider pre-processing" warnings
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(FIXTURE_DIR, exist_ok=True)

    first = build_all(lambda d: d)
    if args.check:
        with tempfile.TemporaryDirectory(prefix="opcat-ort-check-") as tmp:
            second = build_all(lambda d: tmp)
            for (path, value), again in zip(((k, v) for k, v in first.items() if isinstance(k, str)),
                                            (v for k, v in second.items() if isinstance(k, str))):
                if value[0] != again[0]:
                    raise SystemExit(f"{os.path.relpath(path, REPO_ROOT)}: two runs differ")
        print(f"check: {sum(1 for k in first if isinstance(k, str))} files identical in two runs", file=sys.stderr)

    with open(MANIFEST, encoding="utf-8") as f:
        manifest_entries = {e["name"]: e for e in json.load(f)["models"]}
    parents = {name: first[("parent", name)] for name in PARENTS}
    parent_macs = {name: float_macs(proto) for name, proto in parents.items()}

    rows, entries = [], []
    for v in VARIANTS:
        data, weighted = first[v.file]
        rel = os.path.relpath(v.file, REPO_ROOT)
        saved = onnx.load_from_string(data)
        macs = parent_macs[v.parent]
        matched = match_compute_nodes(parents[v.parent], weighted, rel)
        counts = elements_by_type(saved.graph, rel)
        hist = collections.Counter(op_name(n) for n in saved.graph.node)
        row = {"file": rel, "format": FORMAT, "parent": v.parent, "parent_file": PARENTS[v.parent].file,
               "method": v.method, "macs_float_parent": sum(macs.values()), "macs_float_parent_backbone": "",
               **{col: counts.get(col, 0) for col in DTYPE_COLUMNS.values()},
               "ops": ";".join(f"{op}:{n}" for op, n in sorted(hist.items()))}
        inits = collections.Counter(TensorProto.DataType.Name(t.data_type) for t in saved.graph.initializer)
        stripped = sum(1 for t in saved.graph.initializer if prod(t.dims) > STRIP_MAX_KEPT)
        print(f"== {rel}: {len(data)} bytes, {len(saved.graph.node)} nodes, {len(saved.graph.initializer)} "
              f"initializers ({', '.join(f'{k} {n}' for k, n in sorted(inits.items()))}; {stripped} stripped), "
              f"{len(saved.graph.value_info)} value_info, opsets "
              + ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in saved.opset_import))
        print(f"   MACs {row['macs_float_parent']}; elements " + ", ".join(
            f"{col.split('_')[0]} {counts.get(col, 0)}" for col in DTYPE_COLUMNS.values()))
        print("   ops: " + ", ".join(f"{op} {n}" for op, n in sorted(hist.items())))
        unnamed = sum(1 for n in saved.graph.node if not n.name)
        if unnamed:
            print(f"   {unnamed} nodes without a name")
        if v.zoo:
            parent_entry = manifest_entries[v.parent]
            info = backbone(parents[v.parent], weighted, macs, matched, parent_entry["backbone_end"], rel)
            row["macs_float_parent_backbone"] = info["backbone_macs"]
            print(f"   backbone end {info['backbone_end']} (MACs {info['backbone_macs']}); "
                  f"head: {' '.join(info['head_ops'])}")
            entries.append({
                "name": v.name,
                "display_name": v.display_name,
                "family": parent_entry["family"],
                "format": FORMAT,
                "file": os.path.basename(v.file),
                "input": {"name": "input", "shape": [1, 3, PARENTS[v.parent].side, PARENTS[v.parent].side]},
                "backbone_end": info["backbone_end"],
                "quantized_from": v.parent,
                "metrics": [],
            })
        rows.append(row)
        sys.stdout.flush()

    merge_csv(CSV_PATH, CSV_HEADER, rows, FORMAT)
    merge_manifest(MANIFEST, entries, FORMAT, quantized=True)
    print(f"wrote {sum(1 for k in first if isinstance(k, str))} .onnx files, {len(rows)} rows of "
          f"{os.path.relpath(CSV_PATH, REPO_ROOT)} and {len(entries)} entries of "
          f"{os.path.relpath(MANIFEST, REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

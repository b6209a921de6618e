#!/usr/bin/env python3
"""Export torchvision classification models to ONNX for the bundled zoo, weights stripped.

For every model of MODELS below (in that order) this script

1. builds the architecture with `torchvision.models.get_model(name, weights=None)` (nothing
   is downloaded), puts it in eval mode, and overwrites every parameter and floating-point
   buffer with seeded random values (BatchNorm running variances positive). Without that
   step the untrained net has many equal tensors (all-zero folded conv biases, LayerNorm
   weights of ones, ...), which the exporter deduplicates into one initializer read through
   `Identity` nodes: graphs that a trained net would never give.
2. exports it with the classic TorchScript exporter:
   `torch.onnx.export(model, torch.randn(1, 3, H, W), f, opset_version=17,
   input_names=["input"], output_names=["logits"], do_constant_folding=True, dynamo=False)`,
   H = W = the crop size of the DEFAULT weights' transforms (224 for every model here).
   Batch 1, static shapes, torch's defaults otherwise: in eval mode the exporter folds each
   BatchNorm that follows a Conv into that Conv (adding a bias to a Conv that had none).
3. strips the weights: every float tensor (initializer, or `Constant` node value) with more
   than STRIP_MAX_KEPT elements loses its data (raw_data, float_data, ..., external data)
   but keeps its name, dims and data_type. Integer tensors and small float tensors keep
   their data (shapes, indices, axes, scalars). The model gets fixed doc_string and
   producer fields and a metadata_props entry saying what was stripped, and is written as
   data/zoo/<name>.onnx with deterministic protobuf serialization.
4. finds the *backbone end*: the one node of the feature-extractor module (`layer4`,
   `features`, `trunk_output`, `encoder`: torch names each ONNX node after its module path,
   e.g. `/layer4/layer4.1/relu_1/Relu`) whose output is read outside that module. The
   script checks that every other non-Constant node is either upstream of it or downstream
   of it (the pooling/classifier head), and that the graph output is downstream of it.
5. accounts for the parameters: the float initializer elements of the ONNX graph must equal
   torch's parameter count − the γ and β of the BatchNorms that were folded + the biases
   the folding added to bias-free convs (+ the relative-position biases that constant
   folding expands in Swin: see EXTRA_FLOAT_ELEMENTS). A mismatch is fatal.
6. writes data/reference/torchvision_onnx.csv and adds the ONNX entries to
   data/zoo/manifest.json, after the entries of other formats (the MXNet ones), which are
   kept byte for byte. Top-1/top-5 come from the DEFAULT weights' metadata
   (`weights.meta["_metrics"]["ImageNet-1K"]`, which needs no download).

It also prints, per model, the ONNX op histogram and how the shape operands of Reshape and
similar ops are computed (constant, from Shape ops, or from data).

Usage (with the venv from tools/setup_torch_venv.sh):
    .venv-torch/bin/python tools/export_torchvision_zoo.py [--check]
`--check` exports everything twice and fails unless both exports give the same bytes.
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import sys
import warnings
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version
from math import prod

import onnx
import torch
from onnx import TensorProto
from torchvision.models import get_model, get_model_weights

from zoo_files import merge_csv, merge_manifest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZOO_DIR = os.path.join(REPO_ROOT, "data", "zoo")
MANIFEST = os.path.join(ZOO_DIR, "manifest.json")
CSV_PATH = os.path.join(REPO_ROOT, "data", "reference", "torchvision_onnx.csv")

# The package versions the ONNX files and the CSV were generated with (importlib.metadata
# versions: torch.__version__ also carries the wheel's CUDA tag, e.g. 2.13.0+cu130).
PINNED = {"torch": "2.13.0", "torchvision": "0.28.0", "onnx": "1.23.2", "numpy": "2.4.6",
          "protobuf": "7.36.2"}

FORMAT = "onnx"
OPSET = 17
SEED = 0
STRIP_MAX_KEPT = 16  # float tensors with more elements than this lose their data
PRODUCER_NAME = "pytorch"  # what torch.onnx writes; set explicitly so it never varies
MODEL_DOC = ("opcat zoo: torchvision {name} (weights=None), exported by tools/export_torchvision_zoo.py "
             "with torch.onnx.export(dynamo=False, opset_version=17); float tensors with more than "
             f"{STRIP_MAX_KEPT} elements have no data")
STRIPPED_KEY = "opcat.weights_stripped"
STRIPPED_VALUE = (f"float tensors (initializers and Constant values) with more than {STRIP_MAX_KEPT} "
                  "elements keep name, dims and data_type but no data")

FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16,
               TensorProto.FLOAT8E4M3FN, TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2,
               TensorProto.FLOAT8E5M2FNUZ}
DATA_FIELDS = ("raw_data", "float_data", "double_data", "int32_data", "int64_data", "uint64_data",
               "string_data", "external_data")


@dataclass(frozen=True)
class TorchvisionModel:
    name: str  # torchvision.models.get_model name; also the zoo file name <name>.onnx
    display_name: str  # the architecture's name as the torchvision docs / paper print it
    family: str
    backbone_module: str  # the feature extractor; its output is the backbone end


MODELS = (
    TorchvisionModel("resnet18", "ResNet-18", "resnet", "layer4"),
    TorchvisionModel("resnet50", "ResNet-50", "resnet", "layer4"),
    TorchvisionModel("mobilenet_v2", "MobileNetV2", "mobilenet_v2", "features"),
    TorchvisionModel("mobilenet_v3_large", "MobileNetV3-Large", "mobilenet_v3", "features"),
    TorchvisionModel("efficientnet_b0", "EfficientNet-B0", "efficientnet", "features"),
    TorchvisionModel("regnet_y_400mf", "RegNetY-400MF", "regnet", "trunk_output"),
    TorchvisionModel("convnext_tiny", "ConvNeXt-Tiny", "convnext", "features"),
    TorchvisionModel("vit_b_16", "ViT-B/16", "vit", "encoder"),
    TorchvisionModel("swin_t", "Swin-T", "swin", "features"),
)

CSV_HEADER = [
    "model", "input_shape", "torch_params", "torch_float_buffers", "bn_folded_params",
    "conv_bias_added", "onnx_float_initializer_elements", "onnx_int_initializer_elements",
    "onnx_nodes", "torchvision_ops_g", "torchvision_params", "acc1", "acc5",
    # beyond the basic columns:
    "exporter_float_elements",  # float initializer elements that are no torch parameter (Swin)
    "onnx_float_constant_elements", "onnx_int_constant_elements",  # in Constant nodes
    "reshape_nodes", "reshape_computed_shapes",  # Reshapes whose shape operand is computed
]


# --------------------------------------------------------------------------- build / export

def randomize(net, seed: int = SEED):
    """Seeded random values for every float parameter and buffer of `net` (uniform ±0.1; running
    variances in [0.5, 1.5]), so no exporter deduplicates equal initializers. Shared by the
    export scripts (export_quantized_onnx.py, export_onnx_corpus.py)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in net.state_dict(keep_vars=True).items():
            if not tensor.is_floating_point():
                continue  # num_batches_tracked, Swin's relative_position_index
            if name.endswith("running_var"):
                tensor.uniform_(0.5, 1.5, generator=generator)
            else:
                tensor.uniform_(-0.1, 0.1, generator=generator)
    return net


def build(model: TorchvisionModel):
    """The eval-mode torchvision net with seeded random parameters and buffers."""
    torch.manual_seed(SEED)
    return randomize(get_model(model.name, weights=None).eval())


def crop_size(weights) -> int:
    size = weights.transforms().crop_size
    assert len(size) == 1, f"{weights}: crop size {size}"
    return int(size[0])


def export(net, side: int) -> onnx.ModelProto:
    """torch.onnx.export into memory, then parsed."""
    torch.manual_seed(SEED)
    example = torch.randn(1, 3, side, side)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "legacy TorchScript-based ONNX export"
        torch.onnx.export(net, example, buffer, opset_version=OPSET, input_names=["input"],
                          output_names=["logits"], do_constant_folding=True, dynamo=False)
    return onnx.load_from_string(buffer.getvalue())


def numel(tensor: TensorProto) -> int:
    return prod(tensor.dims)


def strip_tensor(tensor: TensorProto) -> bool:
    """Clears the data of a big float tensor in place; True if it did."""
    if tensor.data_type not in FLOAT_TYPES or numel(tensor) <= STRIP_MAX_KEPT:
        return False
    for field in DATA_FIELDS:
        tensor.ClearField(field)
    tensor.ClearField("data_location")
    return True


def constant_tensors(graph: onnx.GraphProto):
    """(node, TensorProto) of every Constant node with a `value` tensor."""
    for node in graph.node:
        if node.op_type != "Constant":
            continue
        for attr in node.attribute:
            if attr.name == "value":
                yield node, attr.t
            elif attr.name == "value_floats":
                assert len(attr.floats) <= STRIP_MAX_KEPT, f"{node.name}: big value_floats"
            elif attr.name == "sparse_value":
                raise SystemExit(f"{node.name}: sparse Constant not handled")


def strip_and_stamp(proto: onnx.ModelProto, model: TorchvisionModel) -> int:
    """Strips big float tensors and fixes the free-text fields. Returns #tensors stripped."""
    graph = proto.graph
    if graph.sparse_initializer:
        raise SystemExit(f"{model.name}: sparse initializers not handled")
    stripped = sum(strip_tensor(t) for t in graph.initializer)
    stripped += sum(strip_tensor(t) for _, t in constant_tensors(graph))
    if proto.functions:
        raise SystemExit(f"{model.name}: model-local functions not handled")
    if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for n in graph.node for a in n.attribute):
        raise SystemExit(f"{model.name}: subgraphs (If/Loop/Scan) not handled")
    proto.producer_name = PRODUCER_NAME
    proto.producer_version = PINNED["torch"]
    proto.domain = ""
    proto.model_version = 0
    proto.doc_string = MODEL_DOC.format(name=model.name)
    graph.doc_string = ""
    del proto.metadata_props[:]
    entry = proto.metadata_props.add()
    entry.key, entry.value = STRIPPED_KEY, STRIPPED_VALUE
    return stripped


def serialize(proto: onnx.ModelProto) -> bytes:
    return proto.SerializeToString(deterministic=True)


# --------------------------------------------------------------------------- graph analysis

def consumers(graph: onnx.GraphProto) -> dict:
    """tensor name -> indices of the nodes reading it."""
    readers = collections.defaultdict(list)
    for i, node in enumerate(graph.node):
        for name in node.input:
            if name:
                readers[name].append(i)
    return readers


def producers(graph: onnx.GraphProto) -> dict:
    return {out: i for i, node in enumerate(graph.node) for out in node.output if out}


def upstream(graph: onnx.GraphProto, start: int) -> set:
    """Indices of the nodes `start` depends on, `start` included."""
    made_by = producers(graph)
    seen, stack = set(), [start]
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(made_by[n] for n in graph.node[i].input if n in made_by)
    return seen


def downstream(graph: onnx.GraphProto, start: int) -> set:
    """Indices of the nodes that depend on `start`, `start` included."""
    readers = consumers(graph)
    seen, stack = set(), [start]
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            for out in graph.node[i].output:
                stack.extend(readers.get(out, ()))
    return seen


def in_module(node: onnx.NodeProto, module: str) -> bool:
    return node.name.startswith(f"/{module}/")


def find_backbone_end(proto: onnx.ModelProto, model: TorchvisionModel) -> dict:
    graph = proto.graph
    nodes = graph.node
    readers = consumers(graph)
    outputs = {o.name for o in graph.output}
    members = [i for i, n in enumerate(nodes) if in_module(n, model.backbone_module)]
    assert members, f"{model.name}: no node named /{model.backbone_module}/..."
    # Readers outside the module: named after another module. Unscoped nodes (`Reshape_3025`,
    # made by the exporter's in-place-op pass, e.g. for Swin's attention mask) are not counted.
    def outside(r: int) -> bool:
        return nodes[r].name.startswith("/") and not in_module(nodes[r], model.backbone_module)

    feeders = [i for i in members
               if any(o in outputs or any(outside(r) for r in readers[o]) for o in nodes[i].output)]
    if len(feeders) != 1:
        raise SystemExit(f"{model.name}: backbone end is not unique: {[nodes[i].name for i in feeders]}")
    end = feeders[0]
    assert len(nodes[end].output) == 1, f"{nodes[end].name} has several outputs"
    up, down = upstream(graph, end), downstream(graph, end)
    # Every node is upstream (backbone) or downstream (head), except Constants feeding the head.
    loose = [nodes[i].name for i in range(len(nodes))
             if i not in up and i not in down and nodes[i].op_type != "Constant"]
    if loose:
        raise SystemExit(f"{model.name}: nodes neither upstream nor downstream of the backbone end: {loose}")
    # The module's nodes are all upstream of the end (its last node in topological order included).
    stray = [nodes[i].name for i in members if i not in up]
    if stray:
        raise SystemExit(f"{model.name}: module nodes not upstream of the backbone end: {stray}")
    last_member = max(i for i in members if nodes[i].op_type != "Constant")
    assert last_member == end, f"{model.name}: {nodes[end].name} is not the module's last node"
    inner = [nodes[i].name for i in down - {end}
             if not nodes[i].name.startswith("/") or in_module(nodes[i], model.backbone_module)]
    if inner:
        raise SystemExit(f"{model.name}: nodes downstream of the backbone end that are no head nodes: {inner}")
    graph_out = producers(graph)[graph.output[0].name]
    assert graph_out in down, f"{model.name}: the graph output does not depend on the backbone end"
    head = [nodes[i].op_type for i in sorted(down - {end})]
    return {"backbone_end": nodes[end].name, "head_ops": head, "backbone_nodes": len(up)}


CONST, SHAPE, DATA = 0, 1, 2  # how a tensor's value is known: constant / from static shapes / from data


def value_classes(graph: onnx.GraphProto) -> dict:
    """tensor name -> CONST, SHAPE (computed from Shape ops and constants only) or DATA."""
    cls = {t.name: CONST for t in graph.initializer}
    for i in graph.input:
        if i.name not in cls:
            cls[i.name] = DATA
    for node in graph.node:  # topologically sorted
        if node.op_type == "Constant":
            c = CONST
        elif node.op_type == "Shape":
            c = SHAPE
        else:
            c = max((cls[n] for n in node.input if n), default=CONST)
        for out in node.output:
            cls[out] = c
    return cls


# Operands that give a shape, a size, indices or axes, by op type (index into node.input).
SHAPE_OPERANDS = {"Reshape": (1,), "Expand": (1,), "ConstantOfShape": (0,), "Range": (0, 1, 2),
                  "Slice": (1, 2, 3, 4), "Pad": (1, 2), "Tile": (1,), "Unsqueeze": (1,), "Squeeze": (1,),
                  "Gather": (1,), "ScatterND": (1,), "Resize": (1, 2, 3), "Split": (1,), "TopK": (1,),
                  "ReduceSum": (1,), "ReduceMean": (1,), "OneHot": (1,)}


def shape_operands(graph: onnx.GraphProto) -> dict:
    """op type -> Counter of the classes of its shape operands (one per node: the worst)."""
    cls = value_classes(graph)
    result = collections.defaultdict(collections.Counter)
    for node in graph.node:
        idx = SHAPE_OPERANDS.get(node.op_type)
        if idx is None:
            continue
        operands = [node.input[k] for k in idx if k < len(node.input) and node.input[k]]
        worst = max((cls[n] for n in operands), default=CONST)
        result[node.op_type][("const", "shape", "data")[worst]] += 1
    return result


def shape_computation_ops(graph: onnx.GraphProto) -> collections.Counter:
    """Op types (and counts) of the nodes whose outputs are computed from Shape ops (SHAPE class)."""
    cls = value_classes(graph)
    return collections.Counter(n.op_type for n in graph.node
                               if n.op_type != "Constant" and n.output and cls[n.output[0]] == SHAPE)


# --------------------------------------------------------------------------- parameter accounting

def relative_position_bias_extra(net) -> int:
    """Swin: constant folding turns each block's relative_position_bias_table ((2w-1)², heads)
    into the gathered bias (1, heads, w², w²): that many more float elements than the table."""
    extra = 0
    for module in net.modules():
        table = getattr(module, "relative_position_bias_table", None)
        if isinstance(table, torch.nn.Parameter):
            window = prod(module.window_size)
            extra += module.num_heads * window * window - table.numel()
    return extra


def account(net, proto: onnx.ModelProto, model: TorchvisionModel) -> dict:
    graph = proto.graph
    inits = {t.name: t for t in graph.initializer}
    params = sum(p.numel() for p in net.parameters())
    float_buffers = sum(b.numel() for name, b in net.named_buffers()
                        if b.is_floating_point() and not name.endswith("num_batches_tracked"))

    convs = [m for m in net.modules() if isinstance(m, torch.nn.modules.conv._ConvNd)]
    bns = [(name, m) for name, m in net.named_modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    onnx_convs = [n for n in graph.node if n.op_type == "Conv"]
    onnx_bns = [n for n in graph.node if n.op_type == "BatchNormalization"]
    assert len(onnx_convs) == len(convs), f"{model.name}: {len(onnx_convs)} Conv nodes, {len(convs)} conv modules"
    assert not any(m.transposed for m in convs), f"{model.name}: transposed convs not handled"

    # BatchNorms the export folded: none of their tensors is an initializer any more (a
    # BatchNormalization node would read them under their torch names).
    folded = [(name, m) for name, m in bns
              if not any(f"{name}.{suffix}" in inits for suffix in ("weight", "bias", "running_mean", "running_var"))]
    assert len(folded) == len(bns) - len(onnx_bns), \
        f"{model.name}: {len(bns) - len(folded)} BatchNorms kept their tensors, {len(onnx_bns)} nodes"
    bn_folded = sum(m.weight.numel() + m.bias.numel() for _, m in folded)
    kept_bn_params = sum(numel(inits[n.input[1]]) + numel(inits[n.input[2]]) for n in onnx_bns)
    assert bn_folded == sum(m.weight.numel() + m.bias.numel() for _, m in bns) - kept_bn_params

    # Bias elements the folding added: ONNX Conv biases minus the conv modules' own biases.
    onnx_conv_bias = sum(numel(inits[n.input[2]]) for n in onnx_convs if len(n.input) > 2 and n.input[2])
    torch_conv_bias = sum(m.bias.numel() for m in convs if m.bias is not None)
    conv_bias_added = onnx_conv_bias - torch_conv_bias
    # In these models every bias-free conv is followed by a BatchNorm, and every BatchNorm
    # follows such a conv: each fold adds out_channels bias elements and removes 2 x that.
    assert conv_bias_added == sum(m.out_channels for m in convs if m.bias is None), \
        f"{model.name}: not every bias-free conv got a bias"
    assert bn_folded == 2 * conv_bias_added, f"{model.name}: folded BatchNorms do not match the biased convs"

    float_inits = [t for t in graph.initializer if t.data_type in FLOAT_TYPES]
    int_inits = [t for t in graph.initializer if t.data_type not in FLOAT_TYPES]
    float_elements = sum(numel(t) for t in float_inits)
    expected_extra = relative_position_bias_extra(net)
    extra = float_elements - (params - bn_folded + conv_bias_added)
    if extra != expected_extra:
        raise SystemExit(f"{model.name}: float initializer elements {float_elements} != params {params} "
                         f"- bn_folded {bn_folded} + conv_bias_added {conv_bias_added} "
                         f"+ relative-position bias {expected_extra} (off by {extra - expected_extra})")
    constants = list(constant_tensors(graph))
    return {
        "torch_params": params,
        "torch_float_buffers": float_buffers,
        "bn_folded_params": bn_folded,
        "bn_folded_modules": len(folded),
        "bn_kept_modules": len(onnx_bns),
        "conv_bias_added": conv_bias_added,
        "onnx_float_initializer_elements": float_elements,
        "onnx_int_initializer_elements": sum(numel(t) for t in int_inits),
        "exporter_float_elements": extra,
        "onnx_float_constant_elements": sum(numel(t) for _, t in constants if t.data_type in FLOAT_TYPES),
        "onnx_int_constant_elements": sum(numel(t) for _, t in constants if t.data_type not in FLOAT_TYPES),
    }


# --------------------------------------------------------------------------- manifest / csv

def percent_to_fraction(value: float) -> float:
    return float(Decimal(repr(value)) / 100)


def manifest_entry(model: TorchvisionModel, weights, side: int, backbone_end: str) -> dict:
    enum_name = f"{type(weights).__name__}.{weights.name}"
    source = (f"torchvision {PINNED['torchvision']} weights metadata: {enum_name} "
              "(_metrics ImageNet-1K)")
    acc = weights.meta["_metrics"]["ImageNet-1K"]

    def metric(key: str, value: float) -> dict:
        return {"dataset": "ImageNet-1k val", "metric": key, "value": percent_to_fraction(value),
                "source": source}

    return {
        "name": model.name,
        "display_name": model.display_name,
        "family": model.family,
        "format": FORMAT,
        "file": f"{model.name}.onnx",
        "input": {"name": "input", "shape": [1, 3, side, side]},
        "backbone_end": backbone_end,
        "metrics": [metric("top1", acc["acc@1"]), metric("top5", acc["acc@5"])],
    }


# --------------------------------------------------------------------------- main

def export_one(model: TorchvisionModel):
    """(net, weights, side, final ModelProto, #stripped tensors, serialized bytes)."""
    weights = get_model_weights(model.name).DEFAULT
    side = crop_size(weights)
    net = build(model)
    proto = export(net, side)
    stripped = strip_and_stamp(proto, model)
    return net, weights, side, proto, stripped, serialize(proto)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="export every model twice and fail unless the bytes are identical")
    args = parser.parse_args()

    installed = {pkg: version(pkg) for pkg in PINNED}
    if installed != PINNED:
        raise SystemExit(f"installed {installed}, the zoo needs {PINNED}; "
                         "use the venv from tools/setup_torch_venv.sh")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(ZOO_DIR, exist_ok=True)

    entries, rows = [], []
    union = collections.Counter()
    for model in MODELS:
        net, weights, side, proto, stripped, data = export_one(model)
        if args.check:
            again = export_one(model)[-1]
            if again != data:
                raise SystemExit(f"{model.name}: two exports differ")
        with open(os.path.join(ZOO_DIR, f"{model.name}.onnx"), "wb") as f:
            f.write(data)

        graph = proto.graph
        info = find_backbone_end(proto, model)
        counts = account(net, proto, model)
        hist = collections.Counter(n.op_type for n in graph.node)
        union.update(hist)
        operands = shape_operands(graph)
        reshapes = operands.get("Reshape", collections.Counter())
        meta = weights.meta
        acc = meta["_metrics"]["ImageNet-1K"]
        rows.append({
            "model": model.name,
            "input_shape": f"1x3x{side}x{side}",
            **counts,
            "onnx_nodes": len(graph.node),
            "torchvision_ops_g": repr(meta["_ops"]),
            "torchvision_params": meta["num_params"],
            "acc1": repr(acc["acc@1"]),
            "acc5": repr(acc["acc@5"]),
            "reshape_nodes": sum(reshapes.values()),
            "reshape_computed_shapes": reshapes["shape"] + reshapes["data"],
        })
        entries.append(manifest_entry(model, weights, side, info["backbone_end"]))
        if meta["num_params"] != counts["torch_params"]:
            raise SystemExit(f"{model.name}: torchvision num_params {meta['num_params']} "
                             f"!= parameters {counts['torch_params']}")

        print(f"== {model.name}: {len(data)} bytes, {len(graph.node)} nodes, {stripped} tensors stripped, "
              f"{len(graph.initializer)} initializers")
        print(f"   backbone end {info['backbone_end']} ({info['backbone_nodes']} nodes upstream); "
              f"head: {' '.join(info['head_ops'])}")
        print(f"   params {counts['torch_params']} - bn_folded {counts['bn_folded_params']} "
              f"({counts['bn_folded_modules']} BatchNorms folded, {counts['bn_kept_modules']} kept) "
              f"+ conv_bias_added {counts['conv_bias_added']} + exporter {counts['exporter_float_elements']} "
              f"= float initializer elements {counts['onnx_float_initializer_elements']}; "
              f"int initializer elements {counts['onnx_int_initializer_elements']}; "
              f"Constant float/int elements {counts['onnx_float_constant_elements']}/"
              f"{counts['onnx_int_constant_elements']}; _ops {meta['_ops']} GFLOPS")
        print("   ops: " + ", ".join(f"{op} {n}" for op, n in sorted(hist.items())))
        for op, c in sorted(operands.items()):
            print(f"   {op} shape operands: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
        shape_ops = shape_computation_ops(graph)
        if shape_ops:
            print("   computed from Shape: " + ", ".join(f"{op} {n}" for op, n in sorted(shape_ops.items())))
        sys.stdout.flush()

    merge_csv(CSV_PATH, CSV_HEADER, rows, FORMAT)
    merge_manifest(MANIFEST, entries, FORMAT, quantized=False)
    print("== union of op types: " + ", ".join(f"{op} {n}" for op, n in sorted(union.items())))
    print(f"wrote {len(MODELS)} .onnx files, {os.path.relpath(CSV_PATH, REPO_ROOT)} and "
          f"{len(entries)} entries of {os.path.relpath(MANIFEST, REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared definitions for opcat's MXNet reference tooling (tools/*.py).

The 34 MXNet Gluon model-zoo models of the OpSummary.MXNet results table, in the
table's order, and the classifier layers that mxop drops for its backbone columns.

This module imports only the standard library at load time, so scripts that do
not need MXNet (extract_seed_table.py) can use it with any Python 3.11. The
helpers that need MXNet or mxop import them when called.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from typing import Tuple, Union

# Repository root (this file lives in <root>/tools/).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(REPO_ROOT, "data")
ZOO_DIR = os.path.join(DATA_DIR, "zoo")
REFERENCE_DIR = os.path.join(DATA_DIR, "reference")
SEED_TABLE_CSV = os.path.join(REFERENCE_DIR, "seed_table.csv")
MXOP_ZOO_CSV = os.path.join(REFERENCE_DIR, "mxop_zoo.csv")

# The package versions every file in data/ was generated with.
PINNED = {"mxnet": "1.9.1", "numpy": "1.23.5", "mxop": "0.2.0"}

# A "drop" selects blocks of a Gluon net, as mxop's backbone measurement does:
#   (attr, slice(i, None))  -> the children getattr(net, attr)[i], [i+1], ... to the end
#   (attr, i)               -> the single child getattr(net, attr)[i]
#   (attr, None)            -> the block getattr(net, attr) itself
Selector = Union[None, int, slice]
Drop = Tuple[str, Selector]


@dataclass(frozen=True)
class ZooModel:
    name: str  # as mxnet.gluon.model_zoo.vision.get_model spells it
    display_name: str  # the "Model" column of the OpSummary.MXNet table
    family: str
    input_shape: Tuple[int, int, int, int]
    drops: Tuple[Drop, ...]  # blocks excluded for the backbone (*Params/*Muls) columns

    @property
    def input_shape_str(self) -> str:
        return "x".join(str(d) for d in self.input_shape)


_S224 = (1, 3, 224, 224)
_S299 = (1, 3, 299, 299)


def _from(i: int) -> slice:
    return slice(i, None)


# The dropped blocks follow the `dropped_layers` table of mxop's own test file,
# tests/test_gluon_utils.py in hey-yahei/OpSummary.MXNet at commit d18637c (the code
# of the PyPI release mxop 0.2.0), re-expressed here with our own selector format.
# The comment on each group says which Gluon blocks that selects in MXNet 1.9.1.
_ALEXNET = (("features", _from(8)), ("output", None))  # Flatten Dense Dropout Dense Dropout + Dense
_RESNET_V1 = (("features", _from(8)), ("output", None))  # GlobalAvgPool2D + Dense
_RESNET_V2 = (("features", _from(11)), ("output", None))  # GlobalAvgPool2D Flatten + Dense
_DENSENET = (("features", _from(13)), ("output", None))  # AvgPool2D(7) Flatten + Dense
_MOBILENET_V1 = (("features", _from(81)), ("output", None))  # GlobalAvgPool2D Flatten + Dense
_MOBILENET_V2 = (("features", 23), ("output", _from(0)))  # GlobalAvgPool2D + Conv2D(pred) Flatten
_SQUEEZENET = (("output", _from(0)),)  # Conv2D Activation AvgPool2D Flatten


def _vgg(first_dense: int) -> Tuple[Drop, ...]:
    # Dense Dropout Dense Dropout (the tail of `features`) + the output Dense
    return (("features", _from(first_dense)), ("output", None))


MODELS: Tuple[ZooModel, ...] = (
    ZooModel("alexnet", "AlexNet", "alexnet", _S224, _ALEXNET),
    ZooModel("vgg11", "VGG11", "vgg", _S224, _vgg(21)),
    ZooModel("vgg13", "VGG13", "vgg", _S224, _vgg(25)),
    ZooModel("vgg16", "VGG16", "vgg", _S224, _vgg(31)),
    ZooModel("vgg19", "VGG19", "vgg", _S224, _vgg(37)),
    ZooModel("vgg11_bn", "VGG11_bn", "vgg", _S224, _vgg(29)),
    ZooModel("vgg13_bn", "VGG13_bn", "vgg", _S224, _vgg(35)),
    ZooModel("vgg16_bn", "VGG16_bn", "vgg", _S224, _vgg(44)),
    ZooModel("vgg19_bn", "VGG19_bn", "vgg", _S224, _vgg(53)),
    # AvgPool2D(8) Dropout + Dense
    ZooModel("inceptionv3", "Inception_v3", "inception", _S299, (("features", _from(18)), ("output", None))),
    ZooModel("resnet18_v1", "ResNet18_v1", "resnet_v1", _S224, _RESNET_V1),
    ZooModel("resnet34_v1", "ResNet34_v1", "resnet_v1", _S224, _RESNET_V1),
    ZooModel("resnet50_v1", "ResNet50_v1", "resnet_v1", _S224, _RESNET_V1),
    ZooModel("resnet101_v1", "ResNet101_v1", "resnet_v1", _S224, _RESNET_V1),
    ZooModel("resnet152_v1", "ResNet152_v1", "resnet_v1", _S224, _RESNET_V1),
    ZooModel("resnet18_v2", "ResNet18_v2", "resnet_v2", _S224, _RESNET_V2),
    ZooModel("resnet34_v2", "ResNet34_v2", "resnet_v2", _S224, _RESNET_V2),
    ZooModel("resnet50_v2", "ResNet50_v2", "resnet_v2", _S224, _RESNET_V2),
    ZooModel("resnet101_v2", "ResNet101_v2", "resnet_v2", _S224, _RESNET_V2),
    ZooModel("resnet152_v2", "ResNet152_v2", "resnet_v2", _S224, _RESNET_V2),
    ZooModel("densenet121", "DenseNet121", "densenet", _S224, _DENSENET),
    ZooModel("densenet161", "DenseNet161", "densenet", _S224, _DENSENET),
    ZooModel("densenet169", "DenseNet169", "densenet", _S224, _DENSENET),
    ZooModel("densenet201", "DenseNet201", "densenet", _S224, _DENSENET),
    ZooModel("mobilenet1.0", "MobileNet_v1_1.00", "mobilenet_v1", _S224, _MOBILENET_V1),
    ZooModel("mobilenet0.75", "MobileNet_v1_0.75", "mobilenet_v1", _S224, _MOBILENET_V1),
    ZooModel("mobilenet0.5", "MobileNet_v1_0.50", "mobilenet_v1", _S224, _MOBILENET_V1),
    ZooModel("mobilenet0.25", "MobileNet_v1_0.25", "mobilenet_v1", _S224, _MOBILENET_V1),
    ZooModel("mobilenetv2_1.0", "MobileNet_v2_1.00", "mobilenet_v2", _S224, _MOBILENET_V2),
    ZooModel("mobilenetv2_0.75", "MobileNet_v2_0.75", "mobilenet_v2", _S224, _MOBILENET_V2),
    ZooModel("mobilenetv2_0.5", "MobileNet_v2_0.50", "mobilenet_v2", _S224, _MOBILENET_V2),
    ZooModel("mobilenetv2_0.25", "MobileNet_v2_0.25", "mobilenet_v2", _S224, _MOBILENET_V2),
    ZooModel("squeezenet1.0", "SqueezeNet1_0", "squeezenet", _S224, _SQUEEZENET),
    ZooModel("squeezenet1.1", "SqueezeNet1_1", "squeezenet", _S224, _SQUEEZENET),
)

MODELS_BY_NAME = {m.name: m for m in MODELS}
MODELS_BY_DISPLAY_NAME = {m.display_name: m for m in MODELS}
assert len(MODELS) == 34 and len(MODELS_BY_NAME) == 34 and len(MODELS_BY_DISPLAY_NAME) == 34


def dropped_blocks(net, model: ZooModel) -> list:
    """The Gluon blocks of `net` that mxop excludes for `model`'s backbone counts.

    Resolved exactly as mxop's test (`_fetch_dropped_fc`) resolves its table: slices
    contribute the individual children (never a new container), in order.
    """
    blocks = []
    for attr, selector in model.drops:
        block = getattr(net, attr)
        if selector is None:
            blocks.append(block)
        elif isinstance(selector, int):
            blocks.append(block[selector])
        else:
            children = [block[i] for i in range(len(block))]
            blocks.extend(children[selector])
    return blocks


def read_seed_table(path: str = SEED_TABLE_CSV) -> dict:
    """data/reference/seed_table.csv as {get_model name: row dict of strings}."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [r["name"] for r in rows]
    if names != [m.name for m in MODELS]:
        raise SystemExit(f"{path}: models differ from tools/mxnet_zoo.py MODELS: {names}")
    return {r["name"]: r for r in rows}


def ancestors(graph: dict, end: int) -> set:
    """Indices of all nodes (ops and variables) `end` depends on, `end` included."""
    nodes = graph["nodes"]
    seen, stack = set(), [end]
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(src for src, _, _ in nodes[i]["inputs"])
    return seen


def build_net(model: ZooModel):
    """A freshly constructed (uninitialised, no pretrained weights) Gluon net."""
    from mxnet.gluon.model_zoo.vision import get_model

    return get_model(model.name, pretrained=False)


def mxop_count(model: ZooModel, drop_fc: bool) -> dict:
    """mxop 0.2.0's counts for one model, called the way mxop's test_op_summary does.

    That test does `net = m(); net.initialize(); op_summary(net, input_size,
    exclude=_fetch_dropped_fc(m, net) if drop_fc else [])`. op_summary just prints
    count_ops(net, input_size, {}, exclude) and count_params(net, exclude); we call
    those two directly to get the integers instead of parsing the print-out.
    Returns {"params", "muls", "adds", "divs", "exps"} as Python ints.
    """
    import mxnet as mx
    from mxop.gluon import count_ops, count_params

    net = build_net(model)
    net.initialize()
    exclude = dropped_blocks(net, model) if drop_fc else []
    ops = count_ops(net, model.input_shape, {}, exclude)
    params = count_params(net, exclude)
    mx.nd.waitall()
    result = {"params": int(params)}
    for key in ("muls", "adds", "divs", "exps"):
        result[key] = int(ops[key])
    return result

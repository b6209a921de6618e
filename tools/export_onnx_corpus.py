#!/usr/bin/env python3
"""Export a corpus of ONNX graphs "as people export them today", weights stripped, with reference counts.

The corpus lives in Tests/Fixtures/corpus/ (see its README.md). Every job of JOBS below builds a
model without pretrained weights (nothing is downloaded), overwrites its parameters with seeded
random values (so that no two initializers are equal and get deduplicated by an exporter),
exports it, checks the unstripped file with onnxruntime, strips the weights exactly like
tools/export_torchvision_zoo.py does (float tensors with more than 16 elements lose their data,
keep name/dims/data_type; the same functions are used, applied to subgraphs too), and writes

    Tests/Fixtures/corpus/<set>/<model>.onnx
    one row of Tests/Fixtures/corpus/reference.csv   (set, model, file, exporter, opset, inputs,
        params = sum(p.numel() for p in module.parameters()), buffers, macs_flop_counter =
        torch.utils.flop_counter.FlopCounterMode total FLOPs / 2, ...)
    its FlopCounterMode per-op breakdown in Tests/Fixtures/corpus/flop_counter_ops.json
    one row of Tests/Fixtures/corpus/export_log.csv  (status ok / failed / timeout and why)

Sets: timm-torchscript, timm-dynamo, hf, ort-fused, opset, detection (see SETS). Jobs of the
derived sets (ort-fused, opset) rebuild and re-export their parent in memory (the stripped
parent file has no weights to optimize or quantize) and record the parent in `parent`.

Each job runs in its own subprocess with a time limit (--timeout, default 300 s); a job whose
file exists and has a reference row is skipped (resumable), unless --force.

Usage (venv from tools/setup_corpus_venv.sh; 2 cores shared, so one thread):
    PY="$(bash tools/setup_corpus_venv.sh)"
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $PY tools/export_onnx_corpus.py [--sets timm-dynamo,hf] [--only MODEL,...] [--force]
    $PY tools/export_onnx_corpus.py --list
then  $PY tools/corpus_status.py  for opcat's status on every file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from math import prod
from typing import Callable, Optional

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
CORPUS_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "corpus")
REFERENCE_CSV = os.path.join(CORPUS_DIR, "reference.csv")
LOG_CSV = os.path.join(CORPUS_DIR, "export_log.csv")
FLOPS_JSON = os.path.join(CORPUS_DIR, "flop_counter_ops.json")

PINNED = {"torch": "2.13.0", "torchvision": "0.28.0", "onnx": "1.23.2", "onnxruntime": "1.32.0",
          "numpy": "2.4.6", "protobuf": "7.36.2", "timm": "1.0.31", "transformers": "5.24.0",
          "onnxscript": "0.7.2", "onnx-ir": "1.1.0", "ultralytics": "8.4.190"}
SEED = 0
TS_OPSET = 17  # torch.onnx.export(dynamo=False, opset_version=17)

REFERENCE_HEADER = [
    "set", "model", "file", "exporter", "opset", "other_domains", "parent",
    "inputs",            # opcat --input bindings: name:1x3x224x224;name2:...
    "symbolic_dims",     # the symbolic dims of the graph inputs and the values bound: batch=1;height=224
    "params",            # sum(p.numel() for p in module.parameters()) (shared parameters once)
    "buffers",           # float buffers (BatchNorm running stats, ...), not in params
    "macs_flop_counter",  # FlopCounterMode total FLOPs / 2 on the same inputs
    "onnx_float_initializer_elements", "onnx_int_initializer_elements",
    "onnx_float_constant_elements", "bn_params_torch",
    "onnx_nodes", "onnx_subgraph_nodes", "bytes", "ort_check", "note",
]
LOG_HEADER = ["set", "model", "exporter", "status", "seconds", "reason"]


# --------------------------------------------------------------------------- jobs

@dataclass
class Job:
    set: str
    model: str
    exporter: str
    run: Callable  # () -> Result (unstripped proto + reference fields)
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.set}/{self.model}"

    @property
    def file(self) -> str:
        return f"{self.set}/{self.model}.onnx"


@dataclass
class Result:
    proto: object  # onnx.ModelProto, weights still in
    exporter: str
    inputs: dict  # ONNX input name -> concrete shape (list of int)
    feeds: Optional[dict]  # ONNX input name -> numpy array, for the onnxruntime check (None: skip)
    params: int
    buffers: int
    macs: Optional[int]
    flop_ops: dict
    bn_params: int = 0
    parent: str = ""
    note: str = ""
    extra_strip: set = field(default_factory=set)  # non-float tensors to strip too (packed 4-bit weights)
    ort_alt_feeds: Optional[dict] = None  # a second input size, for graphs with symbolic dims


def quiet():
    """Silences the exporters' and libraries' warnings (they go to the log otherwise)."""
    warnings.simplefilter("ignore")
    import logging
    logging.disable(logging.WARNING)


def randomize(net, generator_seed: int = SEED):
    """export_torchvision_zoo's seeded random filling (every float parameter and buffer), for any module."""
    from export_torchvision_zoo import randomize as fill
    return fill(net, generator_seed)


def torch_counts(net, args: tuple, kwargs: Optional[dict] = None):
    """(params, float buffers, BatchNorm γβ params, MACs, per-op MACs) of net(*args)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    params = sum(p.numel() for p in net.parameters())
    buffers = sum(b.numel() for _, b in net.named_buffers() if b.is_floating_point())
    bn = sum(sum(p.numel() for p in m.parameters(recurse=False)) for m in net.modules()
             if isinstance(m, torch.nn.modules.batchnorm._BatchNorm))
    for p in net.parameters():  # FlopCounterMode's module tracker trips over views of leaf parameters
        p.requires_grad_(False)  # made under no_grad (CaiT's cls token): no tensor needs a gradient
    counter = FlopCounterMode(display=False)
    # The math SDPA backend: FlopCounterMode has no formula for the CPU flash kernel
    # (aten._scaled_dot_product_flash_attention_for_cpu) and would count no attention matmul at all.
    from torch.nn.attention import SDPBackend, sdpa_kernel
    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH), counter:
        net(*args, **(kwargs or {}))
    total = counter.get_total_flops()
    ops = {str(op): int(v) // 2 for op, v in sorted(counter.get_flop_counts().get("Global", {}).items(),
                                                     key=lambda kv: str(kv[0]))}
    return params, buffers, bn, int(total) // 2, ops


def onnx_from_torchscript(net, args, **kw):
    import onnx
    import torch
    buffer = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(net, args, buffer, dynamo=False, do_constant_folding=True, **kw)
    return onnx.load_from_string(buffer.getvalue())


def onnx_from_dynamo(net, args, **kw):
    import torch
    with torch.no_grad():
        program = torch.onnx.export(net, args, dynamo=True, **kw)
    return program.model_proto


def shapes_of(feeds: dict) -> dict:
    return {k: list(v.shape) for k, v in feeds.items()}


# ---- timm

# name, dynamic H/W for the TorchScript export (the model has no size-bound positional tables)
TIMM_MODELS = [
    ("resnet18", True), ("efficientnet_b0", True), ("mobilenetv3_small_100", True),
    ("tf_efficientnet_b0", True), ("tf_mobilenetv3_small_100", True), ("convnextv2_atto", True),
    ("xcit_nano_12_p16_224", True), ("edgenext_xx_small", True), ("volo_d1_224", False),
    ("vit_tiny_r_s16_p8_224", False), ("maxvit_rmlp_pico_rw_256", False), ("deit_tiny_patch16_224", False),
    ("swin_tiny_patch4_window7_224", False), ("levit_128s", False), ("regnety_002", True),
    ("ghostnet_100", True), ("mobilevit_xxs", True), ("coat_lite_tiny", False), ("poolformer_s12", True),
    ("repvgg_a0", True), ("cait_xxs24_224", False),
]
TIMM_DYNAMIC = dict(TIMM_MODELS)


def build_timm(name: str):
    import timm
    import torch
    torch.manual_seed(SEED)
    net = randomize(timm.create_model(name, pretrained=False).eval())
    side = net.pretrained_cfg["input_size"]
    x = torch.randn(1, *side, generator=torch.Generator().manual_seed(SEED))
    return net, x


# Models whose TorchScript export needs a newer opset than 17 (what a user does after the error).
TIMM_TS_OPSET = {"volo_d1_224": (18, "opset 17 fails: aten::col2im (F.fold) needs opset 18")}  # 18 fails too


def timm_torchscript(name: str, opset: Optional[int] = None) -> Result:
    net, x = build_timm(name)
    why = ""
    if opset is None:
        opset, why = TIMM_TS_OPSET.get(name, (TS_OPSET, ""))
    dynamic = TIMM_DYNAMIC[name]
    axes = {"input": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}} if dynamic \
        else {"input": {0: "batch"}, "logits": {0: "batch"}}
    proto = onnx_from_torchscript(net, (x,), opset_version=opset, input_names=["input"],
                                  output_names=["logits"], dynamic_axes=axes)
    params, buffers, bn, macs, ops = torch_counts(net, (x,))
    feeds = {"input": x.numpy()}
    alt = None
    if dynamic:
        h, w = x.shape[2:]
        alt = {"input": x.new_zeros(1, x.shape[1], h + 32, w + 32).numpy()}
    return Result(proto, "torchscript", shapes_of(feeds), feeds, params, buffers, macs, ops, bn,
                  note=f"torch.onnx.export(dynamo=False, opset_version={opset}, dynamic_axes={axes})"
                  + (f" ({why})" if why else ""), ort_alt_feeds=alt)


def timm_dynamo(name: str) -> Result:
    import torch
    net, x = build_timm(name)
    note = "torch.onnx.export(dynamo=True), static shapes"
    dynamic = TIMM_DYNAMIC[name]
    proto = None
    if dynamic:
        try:
            proto = onnx_from_dynamo(net, (x,), input_names=["input"], output_names=["logits"],
                                     dynamic_shapes=({2: torch.export.Dim.AUTO, 3: torch.export.Dim.AUTO},))
            note = "torch.onnx.export(dynamo=True, dynamic_shapes=({2: Dim.AUTO, 3: Dim.AUTO},))"
        except Exception as e:  # noqa: BLE001
            note = f"dynamic H/W failed ({type(e).__name__}: {str(e).splitlines()[0][:120]}); static shapes"
    if proto is None:
        proto = onnx_from_dynamo(net, (x,), input_names=["input"], output_names=["logits"])
    params, buffers, bn, macs, ops = torch_counts(net, (x,))
    feeds = {"input": x.numpy()}
    return Result(proto, "dynamo", shapes_of(feeds), feeds, params, buffers, macs, ops, bn, note=note)


# ---- Hugging Face transformers (configs only, nothing downloaded)

def hf_config(name: str):
    import transformers as T
    common = dict(attn_implementation="eager")
    if name == "bert_tiny":
        return T.BertConfig(hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512,
                            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **common)
    if name == "bert_base":
        return T.BertConfig(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **common)  # 12 x 768
    if name == "gpt2_tiny":
        return T.GPT2Config(n_layer=2, n_embd=128, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                            **common)
    if name == "llama_tiny":
        return T.LlamaConfig(hidden_size=128, intermediate_size=344, num_hidden_layers=2, num_attention_heads=4,
                             num_key_value_heads=2, vocab_size=32000, **common)
    raise KeyError(name)


HF_HEADS = {"bert_tiny": (2, 128), "bert_base": (12, 768), "gpt2_tiny": (2, 128), "llama_tiny": (4, 128)}
SEQ, PAST = 128, 64  # different, or torch.export unifies the two dims


def build_hf(name: str):
    """(module taking flat tensors, feeds dict (ordered), input names, output names, dynamic axes,
    symbolic dims)."""
    import torch
    import transformers as T

    cfg = hf_config(name)
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    if name.startswith("bert"):
        model = randomize(T.BertModel(cfg).eval())

        class Encoder(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                out = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state, out.pooler_output

        net = Encoder(model).eval()
        feeds = {"input_ids": torch.randint(0, cfg.vocab_size, (1, SEQ), generator=g),
                 "attention_mask": torch.ones(1, SEQ, dtype=torch.int64),
                 "token_type_ids": torch.zeros(1, SEQ, dtype=torch.int64)}
        outputs = ["last_hidden_state", "pooler_output"]
        axes = {k: {0: "batch_size", 1: "sequence_length"} for k in feeds}
        axes["last_hidden_state"] = {0: "batch_size", 1: "sequence_length"}
        axes["pooler_output"] = {0: "batch_size"}
        dims = {"batch_size": 1, "sequence_length": SEQ}
        return net, feeds, outputs, axes, dims

    cls = T.GPT2LMHeadModel if name.startswith("gpt2") else T.LlamaForCausalLM
    model = randomize(cls(cfg).eval())
    layers = cfg.num_hidden_layers
    assert layers == 2, "DecoderWithPast takes the past of 2 layers"
    kv_heads = getattr(cfg, "num_key_value_heads", None) or cfg.num_attention_heads
    head_dim = cfg.hidden_size // cfg.num_attention_heads

    class DecoderWithPast(torch.nn.Module):
        """optimum's decoder-with-past signature: input_ids, attention_mask, position_ids,
        past_key_values.N.key/value -> logits, present.N.key/value."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, position_ids, past_key_0, past_value_0, past_key_1,
                    past_value_1):  # explicit arguments (not *past): torch.export's dynamic_shapes need them
            past = (past_key_0, past_value_0, past_key_1, past_value_1)
            cache = T.DynamicCache(config=self.m.config)
            for i in range(layers):
                cache.update(past[2 * i], past[2 * i + 1], i)
            out = self.m(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                         past_key_values=cache, use_cache=True)
            present = []
            for layer in out.past_key_values.layers[:layers]:
                present += [layer.keys, layer.values]
            return (out.logits, *present)

    net = DecoderWithPast(model).eval()
    feeds = {"input_ids": torch.randint(0, cfg.vocab_size, (1, SEQ), generator=g),
             "attention_mask": torch.ones(1, PAST + SEQ, dtype=torch.int64),
             "position_ids": torch.arange(PAST, PAST + SEQ).unsqueeze(0)}
    for i in range(layers):
        for kind in ("key", "value"):
            feeds[f"past_key_values.{i}.{kind}"] = torch.randn(1, kv_heads, PAST, head_dim, generator=g)
    outputs = ["logits"] + [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    total = "past_sequence_length + sequence_length"
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: total},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    for k in feeds:
        if k.startswith("past_key_values"):
            axes[k] = {0: "batch_size", 2: "past_sequence_length"}
    for k in outputs[1:]:
        axes[k] = {0: "batch_size", 2: total}
    dims = {"batch_size": 1, "sequence_length": SEQ, "past_sequence_length": PAST, total: PAST + SEQ}
    return net, feeds, outputs, axes, dims


def hf_alt_feeds(feeds: dict) -> dict:
    """Other sizes (sequence 5, past 7) for the onnxruntime check of the symbolic dims."""
    alt = {}
    for k, v in feeds.items():
        a = v.numpy()
        if k in ("input_ids", "token_type_ids", "position_ids"):
            a = a[:, :5]
        elif k == "attention_mask":
            a = a[:, :5] if "past_key_values.0.key" not in feeds else a[:, :12]
        elif k.startswith("past_key_values"):
            a = a[:, :, :7]
        alt[k] = a.copy()
    return alt


def hf_export(name: str, exporter: str = "torchscript") -> Result:
    import torch
    net, feeds, outputs, axes, dims = build_hf(name)
    args = tuple(feeds.values())
    names = list(feeds)
    if exporter == "torchscript":
        proto = onnx_from_torchscript(net, args, opset_version=TS_OPSET, input_names=names, output_names=outputs,
                                      dynamic_axes=axes)
        note = (f"optimum-style: torch.onnx.export(dynamo=False, opset_version={TS_OPSET}, dynamic_axes=...), "
                "attn_implementation=eager")
    elif "past_key_values.0.key" not in feeds:
        proto = onnx_from_dynamo(net, args, input_names=names, output_names=outputs, dynamic_axes=axes)
        note = "torch.onnx.export(dynamo=True, dynamic_axes=... as for torchscript), attn_implementation=eager"
    else:
        # dynamic_axes -> dynamic_shapes conversion fails for these; the same dims as torch.export Dims
        # (batch and the mask length AUTO: batch 1 specializes, the mask length is past + sequence).
        Dim = torch.export.Dim
        seq, past = Dim("sequence_length", max=4096), Dim("past_sequence_length", max=4096)
        spec = {"input_ids": {0: Dim.AUTO, 1: seq}, "attention_mask": {0: Dim.AUTO, 1: Dim.AUTO},
                "position_ids": {0: Dim.AUTO, 1: seq}}
        for k in names[3:]:
            spec[k] = {0: Dim.AUTO, 2: past}
        params = ["input_ids", "attention_mask", "position_ids", "past_key_0", "past_value_0", "past_key_1",
                  "past_value_1"]
        dyn = {p: spec[n] for p, n in zip(params, names)}
        proto = onnx_from_dynamo(net, args, input_names=names, output_names=outputs, dynamic_shapes=dyn)
        note = ("torch.onnx.export(dynamo=True, dynamic_shapes: Dim('sequence_length'), Dim('past_sequence_length'), "
                "batch and mask length Dim.AUTO), attn_implementation=eager")
    params, buffers, bn, macs, ops = torch_counts(net, args)
    np_feeds = {k: v.numpy() for k, v in feeds.items()}
    return Result(proto, exporter, shapes_of(np_feeds), np_feeds, params, buffers, macs, ops, bn,
                  note=note, ort_alt_feeds=hf_alt_feeds(feeds))


# ---- ORT transformer optimizer / 4-bit quantizer (derived from the hf files)

def ort_fused(parent: str, model_type: str, opt_level: Optional[int]) -> Result:
    import onnx
    from onnxruntime.transformers import optimizer
    if parent in HF_HEADS:
        base = hf_export(parent)
        heads, hidden = HF_HEADS[parent]
        parent_file = f"hf/{parent}.onnx"
    else:
        base = timm_torchscript(parent)
        heads, hidden = VIT_HEADS[parent]
        parent_file = f"timm-torchscript/{parent}.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.onnx")
        onnx.save(base.proto, path)
        model = optimizer.optimize_model(path, model_type=model_type, num_heads=heads, hidden_size=hidden,
                                         opt_level=opt_level, use_gpu=False)
        stats = model.get_fused_operator_statistics()
        proto = model.model
    fused = {k: v for k, v in stats.items() if v}
    base.proto = proto
    base.exporter = "ort-optimizer"
    base.parent = parent_file
    base.note = (f"onnxruntime.transformers.optimizer.optimize_model(model_type='{model_type}', num_heads={heads}, "
                 f"hidden_size={hidden}, opt_level={opt_level}) on the parent; fused: {json.dumps(fused)}")
    return base


VIT_HEADS = {"deit_tiny_patch16_224": (3, 192)}


def ort_session_optimized(parent: str) -> Result:
    """What onnxruntime itself saves with SessionOptions.optimized_model_filepath at ORT_ENABLE_ALL
    on the CPU provider (NCHWc layout ops, fused Conv activations)."""
    import onnx
    import onnxruntime as ort
    base = timm_torchscript(parent)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "model.onnx"), os.path.join(tmp, "optimized.onnx")
        onnx.save(base.proto, src)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = dst
        options.intra_op_num_threads = 1
        ort.InferenceSession(src, options, providers=["CPUExecutionProvider"])
        base.proto = onnx.load(dst)
    base.exporter = "ort-session"
    base.parent = f"timm-torchscript/{parent}.onnx"
    base.note = ("onnxruntime.InferenceSession(parent, SessionOptions(graph_optimization_level=ORT_ENABLE_ALL, "
                 "optimized_model_filepath=...), CPUExecutionProvider): the optimized model ORT saves; " + base.note)
    return base


def ort_matmul_nbits(parent: str) -> Result:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    base = hf_export(parent)
    quantizer = MatMulNBitsQuantizer(base.proto, bits=4, block_size=32, is_symmetric=True)
    quantizer.process()
    proto = quantizer.model.model
    packed = set()
    for node in proto.graph.node:
        if node.op_type in ("MatMulNBits", "GatherBlockQuantized"):
            packed.update(n for n in node.input[1:] if n)
    base.proto = proto
    base.exporter = "ort-matmulnbits"
    base.parent = f"hf/{parent}.onnx"
    base.extra_strip = packed
    base.note = ("onnxruntime.quantization.matmul_nbits_quantizer.MatMulNBitsQuantizer(bits=4, block_size=32, "
                 "is_symmetric=True) on the parent (matmul_4bits_quantizer is gone in onnxruntime 1.32); the packed "
                 "uint8 weights and scales are stripped too (dims kept); params/MACs are the float model's")
    return base


# ---- onnx.version_converter (derived from timm torchscript exports)

def opset_converted(parent: str, target: int, source: int = TS_OPSET) -> Result:
    """onnx.version_converter on the TorchScript export at opset `source` (17: the parent file;
    down-conversion 17 -> 13 has no adapters (Relu, Mul 14 -> 13), so opset 13 files come from an
    opset-11 export converted up)."""
    import onnx
    from onnx import version_converter
    base = timm_torchscript(parent, opset=source)
    if target == 0:
        target = onnx.defs.onnx_opset_version()
    base.proto = version_converter.convert_version(base.proto, target)
    base.exporter = "version-converter"
    base.parent = f"timm-torchscript/{parent}.onnx"
    base.note = (f"onnx.version_converter.convert_version(TorchScript export at opset {source} -> {target}); "
                 + base.note)
    return base


# ---- detection

DET_SIDE = 320


def detection(name: str) -> Result:
    import torch
    import torchvision
    torch.manual_seed(SEED)
    net = torchvision.models.get_model(name, weights=None, weights_backbone=None).eval()
    randomize(net)
    x = torch.rand(3, DET_SIDE, DET_SIDE, generator=torch.Generator().manual_seed(SEED))
    outputs = {"maskrcnn_resnet50_fpn": ["boxes", "labels", "scores", "masks"],
               "keypointrcnn_resnet50_fpn": ["boxes", "labels", "scores", "keypoints", "keypoints_scores"]
               }.get(name, ["boxes", "labels", "scores"])
    proto = onnx_from_torchscript(net, ([x],), opset_version=TS_OPSET, input_names=["images"],
                                  output_names=outputs)
    params, buffers, bn, macs, ops = torch_counts(net, ([x],))
    with torch.no_grad():
        found = len(net([x])[0]["boxes"])
    feeds = {"images": x.numpy()}
    transform = net.transform
    return Result(proto, "torchscript", shapes_of(feeds), feeds, params, buffers, macs, ops, bn,
                  note=(f"torchvision get_model(weights=None, weights_backbone=None), random weights; input one "
                        f"3x{DET_SIDE}x{DET_SIDE} image (the model resizes it to min_size={transform.min_size}, "
                        f"max_size={transform.max_size}); torch.onnx.export(dynamo=False, opset_version={TS_OPSET}); "
                        f"flop_counter MACs are data-dependent (with these random weights the model returned {found} "
                        f"detections after NMS; the RoI/mask heads of the R-CNNs run on the proposals/detections)"))


def yolo(name: str = "yolov8n") -> Result:
    import onnx
    import torch
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "false")
    from ultralytics import YOLO
    torch.manual_seed(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            wrapper = YOLO(f"{name}.yaml")
            randomize(wrapper.model)
            path = wrapper.export(format="onnx", imgsz=640, opset=TS_OPSET, simplify=False, dynamic=False,
                                  device="cpu", verbose=False)
            proto = onnx.load(path)
        finally:
            os.chdir(cwd)
    net = wrapper.model.eval()  # the exporter fused Conv+BN in its copy; count the unfused model
    x = torch.rand(1, 3, 640, 640, generator=torch.Generator().manual_seed(SEED))
    params, buffers, bn, macs, ops = torch_counts(net, (x,))
    feeds = {"images": x.numpy()}
    return Result(proto, "ultralytics", shapes_of(feeds), feeds, params, buffers, macs, ops, bn,
                  note=(f"ultralytics YOLO('{name}.yaml').export(format='onnx', imgsz=640, opset={TS_OPSET}, "
                        "simplify=False, dynamic=False): TorchScript exporter, Conv+BN fused by ultralytics"))


# ---- the job list

def make_jobs() -> list:
    jobs = []
    for name, _ in TIMM_MODELS:
        jobs.append(Job("timm-torchscript", name, "torchscript", lambda n=name: timm_torchscript(n)))
    for name, _ in TIMM_MODELS:
        jobs.append(Job("timm-dynamo", name, "dynamo", lambda n=name: timm_dynamo(n)))
    for name in ("bert_tiny", "bert_base", "gpt2_tiny", "llama_tiny"):
        jobs.append(Job("hf", name, "torchscript", lambda n=name: hf_export(n)))
    for name in ("bert_tiny", "gpt2_tiny", "llama_tiny"):
        jobs.append(Job("hf", f"{name}-dynamo", "dynamo", lambda n=name: hf_export(n, "dynamo")))
    fused = [("bert_tiny", "bert", None), ("bert_tiny-opt99", "bert", 99), ("bert_base", "bert", None),
             ("gpt2_tiny", "gpt2", None), ("llama_tiny", "gpt2", None), ("deit_tiny_patch16_224", "vit", None)]
    for model, mtype, level in fused:
        parent = model.split("-")[0]
        jobs.append(Job("ort-fused", model, "ort-optimizer",
                        lambda p=parent, t=mtype, lv=level: ort_fused(p, t, lv)))
    for parent in ("resnet18", "efficientnet_b0"):
        jobs.append(Job("ort-fused", f"{parent}-ort-enable-all", "ort-session",
                        lambda p=parent: ort_session_optimized(p)))
    for parent in ("llama_tiny", "gpt2_tiny"):
        jobs.append(Job("ort-fused", f"{parent}-matmulnbits4", "ort-matmulnbits",
                        lambda p=parent: ort_matmul_nbits(p)))
    for parent, target in (("resnet18", 13), ("resnet18", 21), ("efficientnet_b0", 13), ("tf_efficientnet_b0", 21),
                           ("convnextv2_atto", 21), ("deit_tiny_patch16_224", 21), ("mobilevit_xxs", 21)):
        jobs.append(Job("opset", f"{parent}-opset{target}", "version-converter",
                        lambda p=parent, t=target: opset_converted(p, t)))
    for parent in ("resnet18", "efficientnet_b0", "mobilenetv3_small_100"):  # 17 -> 13 fails: from 11 instead
        jobs.append(Job("opset", f"{parent}-opset11to13", "version-converter",
                        lambda p=parent: opset_converted(p, 13, source=11)))
    jobs.append(Job("opset", "convnextv2_atto-opset-newest", "version-converter",
                    lambda: opset_converted("convnextv2_atto", 0)))
    for name in ("fasterrcnn_mobilenet_v3_large_320_fpn", "ssdlite320_mobilenet_v3_large", "retinanet_resnet50_fpn",
                 "maskrcnn_resnet50_fpn"):
        jobs.append(Job("detection", name, "torchscript", lambda n=name: detection(n)))
    jobs.append(Job("detection", "yolov8n", "ultralytics", lambda: yolo("yolov8n")))
    return jobs


SETS = ["timm-torchscript", "timm-dynamo", "hf", "ort-fused", "opset", "detection"]


# --------------------------------------------------------------------------- stripping

def strip_graph(graph, extra: set) -> int:
    """export_torchvision_zoo's strip_tensor on the initializers and Constant values of the graph
    and of every subgraph (If/Loop/Scan bodies); `extra` names non-float tensors to strip too."""
    import onnx
    from export_torchvision_zoo import DATA_FIELDS, constant_tensors, strip_tensor
    if graph.sparse_initializer:
        raise RuntimeError("sparse initializers not handled")
    stripped = 0
    for tensor in graph.initializer:
        if strip_tensor(tensor):
            stripped += 1
        elif tensor.name in extra and prod(tensor.dims) > 16:
            for f in DATA_FIELDS:
                tensor.ClearField(f)
            tensor.ClearField("data_location")
            stripped += 1
    stripped += sum(strip_tensor(t) for _, t in constant_tensors(graph))
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                stripped += strip_graph(attr.g, extra)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                stripped += sum(strip_graph(g, extra) for g in attr.graphs)
    return stripped


def clear_value_metadata(graph) -> None:
    """Drops the metadata_props of nodes and values (the dynamo exporter's stack traces, with this
    machine's paths, FX node text and module class names: most of a file's bytes), in subgraphs too."""
    import onnx
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        del value.metadata_props[:]
    del graph.metadata_props[:]
    for node in graph.node:
        del node.metadata_props[:]
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                clear_value_metadata(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                for g in attr.graphs:
                    clear_value_metadata(g)


def strip_and_stamp(proto, job: Job, extra: set) -> int:
    from export_torchvision_zoo import STRIPPED_KEY, STRIPPED_VALUE, constant_tensors, strip_tensor
    stripped = strip_graph(proto.graph, extra)
    clear_value_metadata(proto.graph)
    for function in proto.functions:
        for node in function.node:
            del node.metadata_props[:]
    for function in proto.functions:
        stripped += sum(strip_tensor(t) for _, t in constant_tensors(function))
    proto.doc_string = (f"opcat corpus: {job.file}, made by tools/export_onnx_corpus.py ({job.exporter}); "
                        f"float tensors with more than 16 elements have no data")
    keep = [(p.key, p.value) for p in proto.metadata_props if p.key not in (STRIPPED_KEY, "opcat.corpus")]
    del proto.metadata_props[:]
    for key, value in keep + [(STRIPPED_KEY, STRIPPED_VALUE + (
            "; so do the packed MatMulNBits weights" if extra else "")), ("opcat.corpus", job.file)]:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    return stripped


# --------------------------------------------------------------------------- graph facts

def graph_facts(proto) -> dict:
    from export_torchvision_zoo import FLOAT_TYPES, constant_tensors
    import onnx
    graph = proto.graph
    sub_nodes = 0

    def walk(g, top):
        nonlocal sub_nodes
        for node in g.node:
            if not top:
                sub_nodes += 1
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g, False)
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    for s in attr.graphs:
                        walk(s, False)
    walk(graph, True)
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), "")
    others = sorted(f"{o.domain}:{o.version}" for o in proto.opset_import if o.domain not in ("", "ai.onnx"))
    return {
        "opset": opset,
        "other_domains": " ".join(others),
        "onnx_float_initializer_elements": sum(prod(t.dims) for t in graph.initializer if t.data_type in FLOAT_TYPES),
        "onnx_int_initializer_elements": sum(prod(t.dims) for t in graph.initializer
                                             if t.data_type not in FLOAT_TYPES),
        "onnx_float_constant_elements": sum(prod(t.dims) for _, t in constant_tensors(graph)
                                            if t.data_type in FLOAT_TYPES),
        "onnx_nodes": len(graph.node),
        "onnx_subgraph_nodes": sub_nodes,
    }


def symbolic_dims(proto, inputs: dict) -> dict:
    """dim_param -> bound value, from the graph inputs and the concrete shapes used."""
    init = {t.name for t in proto.graph.initializer}
    dims = {}
    for value in proto.graph.input:
        if value.name in init or value.name not in inputs:
            continue
        for d, n in zip(value.type.tensor_type.shape.dim, inputs[value.name]):
            if d.dim_param:
                dims.setdefault(d.dim_param, n)
    return dims


def ort_check(proto_bytes: bytes, res: Result) -> str:
    """'ok' when onnxruntime runs the unstripped model (and the second size, when given)."""
    if res.feeds is None:
        return "skipped"
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        session = ort.InferenceSession(proto_bytes, options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001
        return f"load failed: {str(e).splitlines()[0][:160]}"
    names = {i.name for i in session.get_inputs()}
    try:
        session.run(None, {k: v for k, v in res.feeds.items() if k in names})
    except Exception as e:  # noqa: BLE001
        return f"run failed: {str(e).splitlines()[0][:160]}"
    if res.ort_alt_feeds:
        try:
            session.run(None, {k: v for k, v in res.ort_alt_feeds.items() if k in names})
            alt = " ".join(f"{k}:{'x'.join(map(str, v.shape))}" for k, v in res.ort_alt_feeds.items()
                           if k in names and k in ("input", "input_ids", "past_key_values.0.key"))
            return f"ok; also ran at {alt}"
        except Exception as e:  # noqa: BLE001
            return f"ok; other sizes fail: {str(e).splitlines()[0][:120]}"
    return "ok"


# --------------------------------------------------------------------------- one job (child process)

def run_job(job: Job, result_path: str) -> None:
    quiet()
    import torch
    torch.set_num_threads(1)
    res = job.run()
    proto = res.proto
    unstripped = proto.SerializeToString()
    check = ort_check(unstripped, res)
    del unstripped
    stripped = strip_and_stamp(proto, job, res.extra_strip)
    from export_torchvision_zoo import serialize
    data = serialize(proto)
    out = os.path.join(CORPUS_DIR, job.file)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(data)
    os.replace(out + ".tmp", out)
    graph_inputs = {v.name for v in proto.graph.input} - {t.name for t in proto.graph.initializer}
    inputs = {k: v for k, v in res.inputs.items() if k in graph_inputs}
    dims = symbolic_dims(proto, inputs)
    row = {
        "set": job.set, "model": job.model, "file": job.file, "exporter": res.exporter, "parent": res.parent,
        "inputs": ";".join(f"{k}:{'x'.join(map(str, v))}" for k, v in inputs.items()),
        "symbolic_dims": ";".join(f"{k}={v}" for k, v in dims.items()),
        "params": res.params, "buffers": res.buffers,
        "macs_flop_counter": "" if res.macs is None else res.macs,
        "bn_params_torch": res.bn_params,
        **graph_facts(proto),
        "bytes": len(data), "ort_check": check,
        "note": "; ".join(x for x in (res.note, job.note, f"{stripped} tensors stripped") if x),
    }
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump({"row": row, "flop_ops": res.flop_ops}, f)


# --------------------------------------------------------------------------- driver

def read_csv(path: str) -> list:
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: str, header: list, rows: list) -> None:
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(path + ".tmp", path)


def job_order(jobs: list) -> dict:
    return {j.key: i for i, j in enumerate(jobs)}


def load_state():
    refs = {r["file"][:-len(".onnx")]: r for r in read_csv(REFERENCE_CSV)}
    logs = {f"{r['set']}/{r['model']}": r for r in read_csv(LOG_CSV)}
    flops = {}
    if os.path.exists(FLOPS_JSON):
        with open(FLOPS_JSON, encoding="utf-8") as f:
            flops = json.load(f)
    return refs, logs, flops


def update_state(jobs, job: Job, row: Optional[dict], flop_entry: Optional[dict], log: dict) -> None:
    """Re-reads the three files and changes only this job's entries (another run may have written)."""
    refs, logs, flops = load_state()
    if row is None:
        refs.pop(job.key, None)
        flops.pop(job.file, None)
    else:
        refs[job.key] = row
        flops[job.file] = flop_entry
    logs[job.key] = log
    save_state(jobs, refs, logs, flops)


def save_state(jobs, refs: dict, logs: dict, flops: dict) -> None:
    order = job_order(jobs)
    rank = lambda key: (order.get(key, len(order)), key)  # noqa: E731
    write_csv(REFERENCE_CSV, REFERENCE_HEADER, [refs[k] for k in sorted(refs, key=rank)])
    write_csv(LOG_CSV, LOG_HEADER, [logs[k] for k in sorted(logs, key=rank)])
    with open(FLOPS_JSON + ".tmp", "w", encoding="utf-8") as f:
        json.dump({k: flops[k] for k in sorted(flops, key=rank)}, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(FLOPS_JSON + ".tmp", FLOPS_JSON)


def first_error_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if any(w in line for w in ("Error", "error:", "Exception"))]
    line = errors[-1] if errors else (lines[-1] if lines else "no output")
    context = [x for x in lines if x.startswith("(Occurred when translating")]
    if context:
        line += " " + context[-1]
    return line[:300]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated sets (default: all): " + ",".join(SETS))
    parser.add_argument("--only", help="comma-separated model names")
    parser.add_argument("--force", action="store_true", help="re-export jobs that are done")
    parser.add_argument("--skip-failed", action="store_true", help="do not retry jobs the log says failed")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per job (default 300)")
    parser.add_argument("--list", action="store_true", help="list the jobs and whether they are done")
    parser.add_argument("--job", help=argparse.SUPPRESS)  # set/model: run one job (child process)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()

    sys.path.insert(0, TOOLS_DIR)
    jobs = make_jobs()
    if args.job:
        job = next(j for j in jobs if j.key == args.job)
        run_job(job, args.result)
        return 0

    from torch_zoo import check_versions
    check_versions(PINNED, "the corpus")
    os.makedirs(CORPUS_DIR, exist_ok=True)
    refs, logs, flops = load_state()

    chosen = jobs
    if args.sets:
        wanted = set(args.sets.split(","))
        chosen = [j for j in chosen if j.set in wanted]
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [j for j in chosen if j.model in wanted]

    def done(j: Job) -> bool:
        return j.key in refs and os.path.exists(os.path.join(CORPUS_DIR, j.file))

    if args.list:
        for j in chosen:
            state = "done" if done(j) else logs.get(j.key, {}).get("status", "todo")
            print(f"{j.key:60s} {j.exporter:18s} {state}")
        return 0

    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", YOLO_OFFLINE="1", YOLO_AUTOINSTALL="false", TOKENIZERS_PARALLELISM="false",
               PYTHONWARNINGS="ignore")
    for job in chosen:
        if done(job) and not args.force:
            continue
        if args.skip_failed and logs.get(job.key, {}).get("status") in ("failed", "timeout"):
            continue
        print(f"== {job.key} ({job.exporter})", flush=True)
        start = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            result = os.path.join(tmp, "result.json")
            cmd = [sys.executable, os.path.abspath(__file__), "--job", job.key, "--result", result]
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True, text=True, errors="replace")
            try:
                output, _ = proc.communicate(timeout=args.timeout)
                status = "ok" if proc.returncode == 0 and os.path.exists(result) else "failed"
                reason = "" if status == "ok" else f"exit {proc.returncode}: {first_error_line(output)}"
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                output, _ = proc.communicate()
                status, reason = "timeout", f"no result within {args.timeout} s"
            seconds = round(time.time() - start, 1)
            row = flop_entry = None
            if status == "ok":
                with open(result, encoding="utf-8") as f:
                    payload = json.load(f)
                row = payload["row"]
                flop_entry = {"macs_flop_counter": row["macs_flop_counter"], "ops": payload["flop_ops"]}
                reason = row["ort_check"]
            else:
                stale = os.path.join(CORPUS_DIR, job.file)
                if os.path.exists(stale):
                    os.remove(stale)
                with open(os.path.join(tempfile.gettempdir(), f"corpus-{job.set}-{job.model}.log"), "w") as f:
                    f.write(output or "")
            log = {"set": job.set, "model": job.model, "exporter": job.exporter, "status": status,
                   "seconds": seconds, "reason": reason}
            print(f"   {status} in {seconds} s {reason}", flush=True)
            update_state(jobs, job, row, flop_entry, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())

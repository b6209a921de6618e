#!/usr/bin/env python3
"""Generate reference shape fixtures from real MXNet for opcat's shape inference.

Builds many small ``mx.sym`` graphs (one case per op configuration), asks MXNet
1.9.1 for ``infer_shape`` on the graph and on ``get_internals()``, and writes
``Tests/Fixtures/mxnet_ops/cases.json``.

Run with the MXNet venv (tools/setup_mxnet_venv.sh; tools/regenerate_zoo.sh runs it too):

    .venv-mxnet/bin/python tools/mxnet_op_fixtures.py

Each case:
    name      unique, descriptive
    op        the main op under test (op of the head node; "graph" for multi-op graphs)
    symbol    json.loads(sym.tojson())
    inputs    shapes of the graph inputs (variables that are not parameters)
    expected  {"args": {...}, "aux": {...}, "nodes": [[node, out_idx, shape], ...],
               "outputs": [shape of each head of the symbol, in order]}
              or {"error": "<first line of MXNet's error message, timestamp removed>"}

Cases whose node names look like ``_plus0`` use operator sugar (``a + b``) on purpose;
they are built in a fresh NameManager, so the auto-generated names are stable.
A case declared as an error that MXNet accepts (or the reverse) is reported on stderr
and makes the script exit with status 1.

``nodes`` lists every op node's every *visible* output, in the order of
``sym.get_internals().list_outputs()`` (hidden outputs such as BatchNorm's
mean/var or Dropout's mask are not listed by MXNet).

The output is deterministic: running the script twice gives a byte-identical file.
"""

import json
import logging
import os
import re
import sys
from collections import Counter, OrderedDict

import mxnet as mx

logging.disable(logging.CRITICAL)  # infer_shape logs the arguments on failure

V = mx.sym.var
S = mx.sym
I = mx.sym._internal

OUT_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "Tests", "Fixtures", "mxnet_ops", "cases.json")

CASES = []  # (name, op_override, inputs, build_fn, expect_error)


def case(name, inputs, build, op=None, error=False):
    """Register a case. ``build`` is a zero-arg function returning the symbol."""
    CASES.append((name, op, OrderedDict((k, tuple(v)) for k, v in inputs.items()), build, error))


def err(name, inputs, build, op=None):
    case(name, inputs, build, op=op, error=True)


def P(name, shape):
    """A learnable parameter consumed by a plain op, with an explicit shape."""
    return V(name, shape=shape)


_TS = re.compile(r"\[\d{2}:\d{2}:\d{2}\] ")


def clean_error(ex):
    """First meaningful line of an MXNet error, without the (non-deterministic) timestamp."""
    lines = [l.strip() for l in str(ex).splitlines() if l.strip()]
    pick = None
    for l in lines:
        if "Traceback" in l or l.startswith("File ") or l.startswith("Stack trace"):
            continue
        pick = l
        break
    if pick is None:
        pick = lines[-1] if lines else type(ex).__name__
    pick = _TS.sub("", pick)
    return pick.rstrip(" :")


def shp(t):
    return [int(x) for x in t]


def run_case(name, op_override, inputs, build, expect_error):
    with mx.name.NameManager():
        with mx.AttrScope():
            sym = build()
    symjson = json.loads(sym.tojson())
    nodes = symjson["nodes"]
    head_op = nodes[symjson["heads"][0][0]]["op"]
    op = op_override or head_op
    var_names = [n["name"] for n in nodes if n["op"] == "null"]
    for k in inputs:
        if k not in var_names:
            raise RuntimeError("%s: input %s not in graph (%s)" % (name, k, var_names))
    out = OrderedDict()
    out["name"] = name
    out["op"] = op
    out["symbol"] = symjson
    out["inputs"] = OrderedDict((k, list(v)) for k, v in inputs.items())
    expected = OrderedDict()
    try:
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**inputs)
        if arg_shapes is None:
            raise RuntimeError("shape inference incomplete (infer_shape returned None)")
        internals = sym.get_internals()
        _, int_shapes, _ = internals.infer_shape(**inputs)
        if int_shapes is None:
            raise RuntimeError("shape inference incomplete on internals")
    except Exception as ex:  # MXNetError, or our RuntimeError
        if not expect_error:
            print("UNEXPECTED ERROR in %s: %s" % (name, clean_error(ex)), file=sys.stderr)
        expected["error"] = clean_error(ex)
        out["expected"] = expected
        return out, not expect_error
    if expect_error:
        print("UNEXPECTED SUCCESS in %s: outputs %s" % (name, out_shapes), file=sys.stderr)
    args = OrderedDict()
    for n, s in zip(sym.list_arguments(), arg_shapes):
        if n in inputs:
            if tuple(s) != tuple(inputs[n]):
                raise RuntimeError("%s: input %s shape changed %s" % (name, n, s))
            continue
        args[n] = shp(s)
    aux = OrderedDict((n, shp(s)) for n, s in zip(sym.list_auxiliary_states(), aux_shapes))
    node_list = []
    counts = Counter()
    var_set = set(var_names)
    for i, s in enumerate(int_shapes):
        nname = internals[i].name
        if nname in var_set:
            continue
        node_list.append([nname, counts[nname], shp(s)])
        counts[nname] += 1
    # sanity: head outputs must match
    expected["args"] = args
    expected["aux"] = aux
    expected["nodes"] = node_list
    expected["outputs"] = [shp(s) for s in out_shapes]
    out["expected"] = expected
    return out, expect_error


# ---------------------------------------------------------------------------
# Case definitions
# ---------------------------------------------------------------------------

d = lambda: V("data")
d2 = lambda: V("data2")


def define_convolution():
    C = S.Convolution
    case("convolution_1d_basic", {"data": (2, 3, 20)},
         lambda: C(d(), num_filter=4, kernel=(3,), name="conv"))
    case("convolution_1d_stride_pad_dilate", {"data": (2, 3, 21)},
         lambda: C(d(), num_filter=4, kernel=(5,), stride=(2,), pad=(2,), dilate=(2,), name="conv"))
    case("convolution_1d_group3_no_bias", {"data": (1, 6, 16)},
         lambda: C(d(), num_filter=9, kernel=(3,), pad=(1,), num_group=3, no_bias=True, name="conv"))
    case("convolution_2d_basic", {"data": (2, 3, 10, 10)},
         lambda: C(d(), num_filter=8, kernel=(3, 3), name="conv"))
    case("convolution_2d_no_bias_true", {"data": (2, 3, 10, 10)},
         lambda: C(d(), num_filter=8, kernel=(3, 3), no_bias=True, name="conv"))
    case("convolution_2d_no_bias_false_explicit", {"data": (2, 3, 10, 10)},
         lambda: C(d(), num_filter=8, kernel=(3, 3), no_bias=False, name="conv"))
    case("convolution_2d_stride2_pad1", {"data": (1, 3, 224, 224)},
         lambda: C(d(), num_filter=16, kernel=(3, 3), stride=(2, 2), pad=(1, 1), name="conv"))
    case("convolution_2d_7x7_stride2_pad3", {"data": (1, 3, 224, 224)},
         lambda: C(d(), num_filter=64, kernel=(7, 7), stride=(2, 2), pad=(3, 3), no_bias=True, name="conv"))
    case("convolution_2d_11x11_stride4_pad2", {"data": (1, 3, 224, 224)},
         lambda: C(d(), num_filter=64, kernel=(11, 11), stride=(4, 4), pad=(2, 2), name="conv"))
    case("convolution_2d_asymmetric_kernel_stride_pad", {"data": (2, 3, 17, 13)},
         lambda: C(d(), num_filter=5, kernel=(3, 5), stride=(2, 1), pad=(1, 2), name="conv"))
    case("convolution_2d_stride_not_dividing", {"data": (1, 2, 10, 11)},
         lambda: C(d(), num_filter=4, kernel=(3, 3), stride=(2, 3), name="conv"))
    case("convolution_2d_dilate2", {"data": (1, 4, 15, 15)},
         lambda: C(d(), num_filter=4, kernel=(3, 3), dilate=(2, 2), name="conv"))
    case("convolution_2d_dilate_asymmetric_pad", {"data": (1, 4, 15, 12)},
         lambda: C(d(), num_filter=4, kernel=(3, 3), dilate=(3, 1), pad=(3, 1), name="conv"))
    case("convolution_2d_group_dilate_pad", {"data": (2, 4, 9, 9)},
         lambda: C(d(), num_filter=8, kernel=(3, 3), num_group=2, dilate=(2, 2), pad=(1, 1), name="conv"))
    case("convolution_2d_depthwise", {"data": (1, 32, 56, 56)},
         lambda: C(d(), num_filter=32, kernel=(3, 3), pad=(1, 1), num_group=32, no_bias=True, name="conv"))
    case("convolution_2d_depthwise_stride2", {"data": (1, 32, 56, 56)},
         lambda: C(d(), num_filter=32, kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_group=32, name="conv"))
    case("convolution_2d_depthwise_multiplier2", {"data": (1, 8, 12, 12)},
         lambda: C(d(), num_filter=16, kernel=(3, 3), pad=(1, 1), num_group=8, name="conv"))
    case("convolution_2d_1x1", {"data": (4, 64, 7, 7)},
         lambda: C(d(), num_filter=128, kernel=(1, 1), name="conv"))
    case("convolution_2d_1x1_stride2", {"data": (4, 64, 7, 7)},
         lambda: C(d(), num_filter=128, kernel=(1, 1), stride=(2, 2), no_bias=True, name="conv"))
    case("convolution_2d_kernel_equals_input", {"data": (1, 3, 5, 5)},
         lambda: C(d(), num_filter=10, kernel=(5, 5), name="conv"))
    case("convolution_2d_large_pad", {"data": (1, 1, 4, 4)},
         lambda: C(d(), num_filter=2, kernel=(3, 3), pad=(3, 3), name="conv"))
    case("convolution_2d_layout_nchw_explicit", {"data": (1, 3, 8, 8)},
         lambda: C(d(), num_filter=4, kernel=(3, 3), layout="NCHW", name="conv"))
    case("convolution_3d_basic", {"data": (1, 3, 8, 16, 16)},
         lambda: C(d(), num_filter=8, kernel=(3, 3, 3), name="conv"))
    case("convolution_3d_stride_pad", {"data": (2, 3, 9, 17, 17)},
         lambda: C(d(), num_filter=6, kernel=(3, 5, 5), stride=(1, 2, 2), pad=(1, 2, 2), name="conv"))
    case("convolution_3d_group_no_bias_dilate", {"data": (1, 4, 10, 10, 10)},
         lambda: C(d(), num_filter=8, kernel=(3, 3, 3), num_group=2, dilate=(2, 1, 1), no_bias=True, name="conv"))
    err("convolution_2d_error_channels_not_divisible_by_group", {"data": (1, 5, 8, 8)},
        lambda: C(d(), num_filter=4, kernel=(3, 3), num_group=2, name="conv"))
    err("convolution_2d_error_filters_not_divisible_by_group", {"data": (1, 4, 8, 8)},
        lambda: C(d(), num_filter=5, kernel=(3, 3), num_group=2, name="conv"))
    err("convolution_2d_error_kernel_larger_than_input", {"data": (1, 3, 4, 4)},
        lambda: C(d(), num_filter=4, kernel=(5, 5), name="conv"))
    err("convolution_2d_error_data_ndim_mismatch", {"data": (1, 3, 8)},
        lambda: C(d(), num_filter=4, kernel=(3, 3), name="conv"))
    err("convolution_2d_error_explicit_weight_mismatch", {"data": (1, 3, 8, 8)},
        lambda: C(d(), weight=P("conv_weight", (4, 2, 3, 3)), num_filter=4, kernel=(3, 3),
                  no_bias=True, name="conv"))


def define_deconvolution():
    D = S.Deconvolution
    case("deconvolution_2d_basic_no_bias_default", {"data": (1, 2, 3, 3)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), name="deconv"))
    case("deconvolution_2d_no_bias_false", {"data": (1, 2, 3, 3)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), no_bias=False, name="deconv"))
    case("deconvolution_2d_stride2", {"data": (2, 8, 7, 7)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), stride=(2, 2), name="deconv"))
    case("deconvolution_2d_k4_s2_p1", {"data": (1, 16, 8, 8)},
         lambda: D(d(), num_filter=8, kernel=(4, 4), stride=(2, 2), pad=(1, 1), name="deconv"))
    case("deconvolution_2d_stride2_pad1_adj1", {"data": (1, 8, 7, 7)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1), name="deconv"))
    case("deconvolution_2d_asymmetric", {"data": (1, 3, 5, 6)},
         lambda: D(d(), num_filter=2, kernel=(3, 5), stride=(3, 2), pad=(1, 2), adj=(2, 1), name="deconv"))
    case("deconvolution_2d_dilate2", {"data": (1, 4, 6, 6)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), dilate=(2, 2), name="deconv"))
    case("deconvolution_2d_group2", {"data": (1, 4, 5, 5)},
         lambda: D(d(), num_filter=6, kernel=(3, 3), num_group=2, no_bias=False, name="deconv"))
    case("deconvolution_2d_depthwise", {"data": (1, 8, 5, 5)},
         lambda: D(d(), num_filter=8, kernel=(4, 4), stride=(2, 2), pad=(1, 1), num_group=8, name="deconv"))
    case("deconvolution_2d_target_shape", {"data": (1, 8, 7, 7)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), stride=(2, 2), target_shape=(14, 14), name="deconv"))
    case("deconvolution_2d_target_shape_odd", {"data": (1, 8, 7, 7)},
         lambda: D(d(), num_filter=4, kernel=(3, 3), stride=(2, 2), target_shape=(15, 13), name="deconv"))
    case("deconvolution_2d_target_shape_with_pad_ignored", {"data": (1, 8, 7, 7)},
         lambda: D(d(), num_filter=4, kernel=(4, 4), stride=(2, 2), pad=(1, 1), target_shape=(14, 14),
                   name="deconv"))
    case("deconvolution_1d", {"data": (2, 3, 10)},
         lambda: D(d(), num_filter=5, kernel=(4,), stride=(2,), pad=(1,), name="deconv"))
    case("deconvolution_1d_no_bias_false_adj", {"data": (2, 3, 10)},
         lambda: D(d(), num_filter=5, kernel=(3,), stride=(2,), adj=(1,), no_bias=False, name="deconv"))
    case("deconvolution_3d", {"data": (1, 4, 3, 4, 5)},
         lambda: D(d(), num_filter=2, kernel=(2, 2, 2), stride=(2, 2, 2), name="deconv"))
    case("deconvolution_3d_pad_group", {"data": (1, 4, 3, 4, 5)},
         lambda: D(d(), num_filter=6, kernel=(3, 3, 3), stride=(1, 2, 2), pad=(1, 1, 1), num_group=2,
                   no_bias=False, name="deconv"))
    case("deconvolution_2d_target_shape_smaller_than_natural", {"data": (1, 1, 3, 3)},
         lambda: D(d(), num_filter=2, kernel=(3, 3), stride=(2, 2), pad=(1, 1), target_shape=(4, 4), name="deconv"))
    err("deconvolution_2d_error_target_shape_too_big", {"data": (1, 1, 3, 3)},
        lambda: D(d(), num_filter=2, kernel=(3, 3), stride=(2, 2), target_shape=(20, 20), name="deconv"))
    err("deconvolution_2d_error_adj_not_smaller_than_stride", {"data": (1, 1, 3, 3)},
        lambda: D(d(), num_filter=2, kernel=(3, 3), stride=(2, 2), adj=(2, 2), name="deconv"))
    err("deconvolution_2d_error_channels_not_divisible_by_group", {"data": (1, 5, 5, 5)},
        lambda: D(d(), num_filter=4, kernel=(3, 3), num_group=2, name="deconv"))


def define_fc():
    F = S.FullyConnected
    case("fullyconnected_2d", {"data": (4, 20)}, lambda: F(d(), num_hidden=10, name="fc"))
    case("fullyconnected_2d_no_bias", {"data": (4, 20)}, lambda: F(d(), num_hidden=10, no_bias=True, name="fc"))
    case("fullyconnected_3d_flatten_default", {"data": (4, 5, 6)}, lambda: F(d(), num_hidden=7, name="fc"))
    case("fullyconnected_4d_flatten_default", {"data": (2, 512, 7, 7)}, lambda: F(d(), num_hidden=100, name="fc"))
    case("fullyconnected_4d_flatten_true_explicit", {"data": (2, 3, 2, 2)},
         lambda: F(d(), num_hidden=5, flatten=True, name="fc"))
    case("fullyconnected_2d_flatten_false", {"data": (4, 20)},
         lambda: F(d(), num_hidden=10, flatten=False, name="fc"))
    case("fullyconnected_3d_flatten_false", {"data": (4, 5, 6)},
         lambda: F(d(), num_hidden=7, flatten=False, name="fc"))
    case("fullyconnected_4d_flatten_false_no_bias", {"data": (2, 3, 4, 5)},
         lambda: F(d(), num_hidden=8, flatten=False, no_bias=True, name="fc"))
    case("fullyconnected_1d_input_treated_as_batch_of_scalars", {"data": (6,)}, lambda: F(d(), num_hidden=3, name="fc"))
    err("fullyconnected_error_flatten_false_weight_mismatch", {"data": (4, 5, 8)},
        lambda: F(d(), weight=P("fc_weight", (10, 7)), num_hidden=10, flatten=False, no_bias=True, name="fc"))
    err("fullyconnected_error_flatten_true_weight_mismatch", {"data": (4, 2, 3)},
        lambda: F(d(), weight=P("fc_weight", (10, 5)), num_hidden=10, no_bias=True, name="fc"))


def define_norms():
    B = S.BatchNorm
    case("batchnorm_4d_default", {"data": (2, 8, 5, 5)}, lambda: B(d(), name="bn"))
    case("batchnorm_2d_input", {"data": (4, 10)}, lambda: B(d(), name="bn"))
    case("batchnorm_3d_input", {"data": (4, 6, 10)}, lambda: B(d(), name="bn"))
    case("batchnorm_5d_input", {"data": (1, 3, 4, 4, 4)}, lambda: B(d(), name="bn"))
    case("batchnorm_axis_neg1_nhwc", {"data": (2, 5, 5, 8)}, lambda: B(d(), axis=-1, name="bn"))
    case("batchnorm_axis3", {"data": (2, 5, 5, 8)}, lambda: B(d(), axis=3, name="bn"))
    case("batchnorm_axis2", {"data": (2, 5, 6, 8)}, lambda: B(d(), axis=2, name="bn"))
    case("batchnorm_fix_gamma_true", {"data": (2, 8, 5, 5)}, lambda: B(d(), fix_gamma=True, name="bn"))
    case("batchnorm_fix_gamma_false", {"data": (2, 8, 5, 5)},
         lambda: B(d(), fix_gamma=False, eps=1e-5, momentum=0.9, name="bn"))
    case("batchnorm_use_global_stats", {"data": (2, 8, 5, 5)},
         lambda: B(d(), use_global_stats=True, fix_gamma=False, name="bn"))
    case("batchnorm_output_mean_var", {"data": (2, 8, 5, 5)},
         lambda: B(d(), output_mean_var=True, name="bn"))
    # MXNet's BatchNorm shape function overwrites gamma/beta shapes instead of checking them.
    case("batchnorm_declared_gamma_shape_mismatch_silently_overridden", {"data": (2, 8, 5, 5)},
         lambda: B(d(), gamma=P("bn_gamma", (4,)), name="bn"))
    IN = S.InstanceNorm
    case("instancenorm_3d", {"data": (2, 4, 10)}, lambda: IN(d(), name="inorm"))
    case("instancenorm_4d", {"data": (2, 4, 6, 6)}, lambda: IN(d(), name="inorm"))
    case("instancenorm_5d", {"data": (1, 3, 4, 4, 4)}, lambda: IN(d(), eps=1e-3, name="inorm"))
    LN = S.LayerNorm
    case("layernorm_axis_default_3d", {"data": (2, 5, 16)}, lambda: LN(d(), name="ln"))
    case("layernorm_axis_neg1_2d", {"data": (4, 32)}, lambda: LN(d(), axis=-1, name="ln"))
    case("layernorm_axis1_4d", {"data": (2, 8, 3, 3)}, lambda: LN(d(), axis=1, name="ln"))
    case("layernorm_axis2_3d", {"data": (2, 5, 7)}, lambda: LN(d(), axis=2, name="ln"))
    case("layernorm_output_mean_var", {"data": (2, 5, 16)}, lambda: LN(d(), output_mean_var=True, name="ln"))
    GN = S.GroupNorm
    case("groupnorm_default_num_groups", {"data": (2, 8, 4, 4)}, lambda: GN(d(), name="gn"))
    case("groupnorm_num_groups2", {"data": (2, 8, 4, 4)}, lambda: GN(d(), num_groups=2, name="gn"))
    case("groupnorm_num_groups4_3d", {"data": (2, 8, 10)}, lambda: GN(d(), num_groups=4, name="gn"))
    case("groupnorm_num_groups8_equal_channels", {"data": (1, 8, 3, 3)}, lambda: GN(d(), num_groups=8, name="gn"))
    err("groupnorm_error_channels_not_divisible", {"data": (2, 6, 4, 4)},
        lambda: GN(d(), num_groups=4, name="gn"))
    case("l2normalization_instance", {"data": (2, 3, 4, 4)}, lambda: S.L2Normalization(d(), name="l2n"))
    case("l2normalization_channel", {"data": (2, 3, 4, 4)},
         lambda: S.L2Normalization(d(), mode="channel", name="l2n"))
    case("lrn_nsize5", {"data": (2, 16, 6, 6)}, lambda: S.LRN(d(), nsize=5, name="lrn"))


def define_activations():
    for act in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
        case("activation_%s_4d" % act, {"data": (2, 3, 4, 4)},
             lambda act=act: S.Activation(d(), act_type=act, name="act"))
    case("activation_relu_2d", {"data": (5, 7)}, lambda: S.Activation(d(), act_type="relu", name="act"))
    for act in ["leaky", "elu", "selu", "gelu", "rrelu"]:
        case("leakyrelu_%s_4d" % act, {"data": (2, 3, 4, 4)},
             lambda act=act: S.LeakyReLU(d(), act_type=act, name="lrelu"))
    case("leakyrelu_leaky_slope01_default_act", {"data": (2, 3)},
         lambda: S.LeakyReLU(d(), slope=0.1, name="lrelu"))
    case("leakyrelu_prelu_4d", {"data": (2, 6, 4, 4)}, lambda: S.LeakyReLU(d(), act_type="prelu", name="prelu"))
    case("leakyrelu_prelu_2d", {"data": (4, 10)}, lambda: S.LeakyReLU(d(), act_type="prelu", name="prelu"))
    case("leakyrelu_prelu_3d", {"data": (4, 5, 10)}, lambda: S.LeakyReLU(d(), act_type="prelu", name="prelu"))
    case("leakyrelu_prelu_shared_gamma", {"data": (2, 6, 4, 4)},
         lambda: S.LeakyReLU(d(), gamma=P("prelu_alpha", (1,)), act_type="prelu", name="prelu"))


def define_pooling():
    Pl = S.Pooling
    case("pooling_max_2d_k2_s2", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool"))
    case("pooling_max_2d_k3_s2_p1", {"data": (1, 64, 112, 112)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max", name="pool"))
    case("pooling_max_2d_k3_s2_valid_odd", {"data": (1, 4, 7, 7)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="max", name="pool"))
    case("pooling_max_2d_stride_default", {"data": (1, 4, 7, 7)},
         lambda: Pl(d(), kernel=(3, 3), pool_type="max", name="pool"))
    case("pooling_max_2d_k2_s2_valid_7", {"data": (1, 4, 7, 7)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pool_type="max", pooling_convention="valid", name="pool"))
    case("pooling_max_2d_k2_s2_full_7", {"data": (1, 4, 7, 7)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pool_type="max", pooling_convention="full", name="pool"))
    case("pooling_max_2d_k3_s2_full_112", {"data": (1, 4, 112, 112)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full", name="pool"))
    case("pooling_max_2d_k3_s2_valid_112", {"data": (1, 4, 112, 112)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="valid", name="pool"))
    case("pooling_max_2d_k3_s2_full_asymmetric", {"data": (1, 4, 10, 13)},
         lambda: Pl(d(), kernel=(3, 2), stride=(2, 3), pad=(1, 0), pool_type="max", pooling_convention="full",
                    name="pool"))
    case("pooling_max_2d_full_last_window_starts_in_padding", {"data": (1, 1, 3, 3)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pad=(1, 1), pool_type="max", pooling_convention="full",
                    name="pool"))
    case("pooling_max_2d_valid_pad_k2_s2", {"data": (1, 1, 3, 3)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pad=(1, 1), pool_type="max", name="pool"))
    case("pooling_max_2d_full_same_as_valid", {"data": (1, 4, 9, 9)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full", name="pool"))
    case("pooling_avg_2d_k3_s2_p1_count_include_pad_default", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", name="pool"))
    case("pooling_avg_2d_count_include_pad_false", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False,
                    name="pool"))
    case("pooling_avg_2d_count_include_pad_true", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="avg", count_include_pad=True,
                    name="pool"))
    case("pooling_avg_2d_full", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="avg", pooling_convention="full", name="pool"))
    case("pooling_sum_2d", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pool_type="sum", name="pool"))
    case("pooling_lp_p2_2d", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(3, 3), stride=(1, 1), pool_type="lp", p_value=2, name="pool"))
    case("pooling_lp_p3_2d_stride2", {"data": (1, 4, 8, 8)},
         lambda: Pl(d(), kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=3, name="pool"))
    case("pooling_max_1d", {"data": (2, 3, 11)},
         lambda: Pl(d(), kernel=(3,), stride=(2,), pool_type="max", name="pool"))
    case("pooling_avg_1d_pad", {"data": (2, 3, 11)},
         lambda: Pl(d(), kernel=(3,), stride=(2,), pad=(1,), pool_type="avg", name="pool"))
    case("pooling_max_1d_full", {"data": (2, 3, 10)},
         lambda: Pl(d(), kernel=(3,), stride=(2,), pool_type="max", pooling_convention="full", name="pool"))
    # 'same' only works for 1-D max pooling, and (MXNet 1.9.1 bug) only when pad is given with >= 3
    # zero entries: the check reads pad[0], pad[1], pad[2].
    case("pooling_max_1d_same_stride2_pad000", {"data": (2, 3, 11)},
         lambda: Pl(d(), kernel=(3,), stride=(2,), pad=(0, 0, 0), pool_type="max", pooling_convention="same",
                    name="pool"))
    case("pooling_max_1d_same_stride1_pad000", {"data": (2, 3, 11)},
         lambda: Pl(d(), kernel=(3,), stride=(1,), pad=(0, 0, 0), pool_type="max", pooling_convention="same",
                    name="pool"))
    case("pooling_max_1d_same_stride3_k2_pad000", {"data": (2, 3, 10)},
         lambda: Pl(d(), kernel=(2,), stride=(3,), pad=(0, 0, 0), pool_type="max", pooling_convention="same",
                    name="pool"))
    case("pooling_max_1d_same_stride4_k5_pad000", {"data": (2, 3, 9)},
         lambda: Pl(d(), kernel=(5,), stride=(4,), pad=(0, 0, 0), pool_type="max", pooling_convention="same",
                    name="pool"))
    err("pooling_max_1d_same_default_pad_rejected_bug", {"data": (2, 3, 11)},
        lambda: Pl(d(), kernel=(3,), stride=(2,), pool_type="max", pooling_convention="same", name="pool"))
    err("pooling_max_1d_same_pad_1elem_rejected_bug", {"data": (2, 3, 11)},
        lambda: Pl(d(), kernel=(3,), stride=(2,), pad=(0,), pool_type="max", pooling_convention="same",
                   name="pool"))
    err("pooling_max_1d_same_nonzero_pad_rejected", {"data": (2, 3, 10)},
        lambda: Pl(d(), kernel=(3,), stride=(2,), pad=(2, 0, 0), pool_type="max", pooling_convention="same",
                   name="pool"))
    err("pooling_max_2d_same_rejected", {"data": (1, 4, 7, 7)},
        lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="same", name="pool"))
    case("pooling_avg_1d_same_pad000_accepted", {"data": (2, 3, 11)},
         lambda: Pl(d(), kernel=(3,), stride=(2,), pad=(0, 0, 0), pool_type="avg", pooling_convention="same",
                    name="pool"))
    err("pooling_avg_1d_same_default_pad_rejected_bug", {"data": (2, 3, 11)},
        lambda: Pl(d(), kernel=(3,), stride=(2,), pool_type="avg", pooling_convention="same", name="pool"))
    case("pooling_avg_3d", {"data": (1, 2, 8, 8, 8)},
         lambda: Pl(d(), kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="avg", name="pool"))
    case("pooling_max_3d_pad_full", {"data": (1, 2, 7, 9, 9)},
         lambda: Pl(d(), kernel=(3, 3, 3), stride=(2, 2, 2), pad=(1, 0, 1), pool_type="max",
                    pooling_convention="full", name="pool"))
    case("pooling_global_avg_2d", {"data": (2, 512, 7, 7)},
         lambda: Pl(d(), global_pool=True, pool_type="avg", name="pool"))
    case("pooling_global_max_2d_with_kernel", {"data": (2, 16, 5, 9)},
         lambda: Pl(d(), kernel=(3, 3), stride=(2, 2), pad=(1, 1), global_pool=True, pool_type="max", name="pool"))
    case("pooling_global_avg_2d_kernel_1x1", {"data": (2, 16, 5, 9)},
         lambda: Pl(d(), kernel=(1, 1), global_pool=True, pool_type="avg", name="pool"))
    case("pooling_global_avg_1d", {"data": (2, 16, 9)},
         lambda: Pl(d(), global_pool=True, pool_type="avg", name="pool"))
    case("pooling_global_max_3d", {"data": (1, 16, 3, 5, 7)},
         lambda: Pl(d(), global_pool=True, pool_type="max", name="pool"))
    case("pooling_global_sum_2d", {"data": (2, 4, 3, 3)},
         lambda: Pl(d(), global_pool=True, pool_type="sum", name="pool"))
    case("pooling_kernel_equals_input", {"data": (1, 4, 5, 5)},
         lambda: Pl(d(), kernel=(5, 5), pool_type="avg", name="pool"))
    case("pooling_kernel_larger_than_input_with_pad", {"data": (1, 4, 3, 3)},
         lambda: Pl(d(), kernel=(5, 5), pad=(1, 1), pool_type="max", name="pool"))
    err("pooling_kernel_larger_than_input_valid_rejected", {"data": (1, 4, 3, 3)},
        lambda: Pl(d(), kernel=(5, 5), pool_type="max", name="pool"))
    err("pooling_kernel_larger_than_input_full_rejected", {"data": (1, 4, 3, 3)},
        lambda: Pl(d(), kernel=(5, 5), pool_type="max", pooling_convention="full", name="pool"))
    err("pooling_kernel_larger_than_input_1d_rejected", {"data": (1, 4, 3)},
        lambda: Pl(d(), kernel=(4,), pool_type="avg", name="pool"))
    A = S.contrib.AdaptiveAvgPooling2D
    case("adaptiveavgpool2d_default_output_size", {"data": (2, 8, 7, 7)}, lambda: A(d(), name="apool"))
    case("adaptiveavgpool2d_output_size_int", {"data": (2, 8, 7, 7)}, lambda: A(d(), output_size=3, name="apool"))
    case("adaptiveavgpool2d_output_size_1", {"data": (2, 8, 7, 9)}, lambda: A(d(), output_size=1, name="apool"))
    case("adaptiveavgpool2d_output_size_tuple", {"data": (2, 8, 7, 7)},
         lambda: A(d(), output_size=(2, 5), name="apool"))
    case("adaptiveavgpool2d_output_size_tuple1", {"data": (2, 8, 7, 7)},
         lambda: A(d(), output_size=(4,), name="apool"))
    case("adaptiveavgpool2d_output_larger_than_input", {"data": (1, 3, 4, 4)},
         lambda: A(d(), output_size=(6, 8), name="apool"))


def define_resize():
    R = S.contrib.BilinearResize2D
    case("bilinearresize2d_height_width", {"data": (1, 3, 10, 12)},
         lambda: R(d(), height=20, width=7, name="resize"))
    case("bilinearresize2d_mode_size_explicit", {"data": (1, 3, 10, 12)},
         lambda: R(d(), height=5, width=6, mode="size", name="resize"))
    case("bilinearresize2d_scale", {"data": (1, 3, 10, 12)},
         lambda: R(d(), scale_height=2.0, scale_width=0.5, name="resize"))
    case("bilinearresize2d_scale_fractional", {"data": (1, 3, 10, 11)},
         lambda: R(d(), scale_height=1.5, scale_width=1.7, name="resize"))
    err("bilinearresize2d_scale_height_without_scale_width_rejected", {"data": (1, 3, 10, 12)},
        lambda: R(d(), scale_height=3.0, width=5, name="resize"))
    # scale_height decides: if set, both scales are used (scale_width must be set too); otherwise
    # height/width are used and scale_width is ignored (width defaults to 1).
    case("bilinearresize2d_scale_overrides_height_width", {"data": (1, 3, 4, 6)},
         lambda: R(d(), scale_height=2.0, scale_width=2.0, height=5, width=5, name="resize"))
    case("bilinearresize2d_scale_width_only_ignored_width_default_1", {"data": (1, 3, 4, 6)},
         lambda: R(d(), scale_width=2.0, height=5, name="resize"))
    case("bilinearresize2d_height_only_width_default_1", {"data": (1, 3, 4, 6)},
         lambda: R(d(), height=5, name="resize"))
    case("bilinearresize2d_align_corners_false", {"data": (1, 3, 10, 12)},
         lambda: R(d(), height=8, width=8, align_corners=False, name="resize"))
    case("bilinearresize2d_odd_scale_odd_input", {"data": (1, 3, 9, 11)},
         lambda: R(d(), scale_height=2.0, scale_width=2.0, mode="odd_scale", name="resize"))
    case("bilinearresize2d_odd_scale_even_input", {"data": (1, 3, 8, 10)},
         lambda: R(d(), scale_height=2.0, scale_width=3.0, mode="odd_scale", name="resize"))
    case("bilinearresize2d_odd_scale_downscale", {"data": (1, 3, 9, 10)},
         lambda: R(d(), scale_height=0.5, scale_width=0.5, mode="odd_scale", name="resize"))
    case("bilinearresize2d_like", {"data": (1, 3, 10, 12), "data2": (2, 5, 7, 9)},
         lambda: R(d(), d2(), mode="like", name="resize"))
    for mode in ["to_even_down", "to_even_up", "to_odd_down", "to_odd_up"]:
        case("bilinearresize2d_%s_odd_even" % mode, {"data": (1, 3, 9, 12)},
             lambda mode=mode: R(d(), mode=mode, name="resize"))
        case("bilinearresize2d_%s_even_odd" % mode, {"data": (1, 3, 10, 7)},
             lambda mode=mode: R(d(), mode=mode, name="resize"))
    U = S.UpSampling
    case("upsampling_nearest_scale2", {"data": (1, 4, 5, 6)},
         lambda: U(d(), scale=2, sample_type="nearest", name="up"))
    case("upsampling_nearest_scale3", {"data": (2, 4, 5, 6)},
         lambda: U(d(), scale=3, sample_type="nearest", name="up"))
    case("upsampling_nearest_two_inputs_concat", {"data": (1, 4, 8, 8), "data2": (1, 3, 4, 4)},
         lambda: U(d(), d2(), scale=2, sample_type="nearest", num_args=2, name="up"))
    case("upsampling_nearest_two_inputs_sum", {"data": (1, 4, 8, 8), "data2": (1, 4, 4, 4)},
         lambda: U(d(), d2(), scale=2, sample_type="nearest", num_args=2, multi_input_mode="sum", name="up"))
    case("upsampling_nearest_three_inputs_concat", {"data": (1, 2, 4, 4), "data2": (1, 3, 2, 2),
                                                   "data3": (1, 1, 8, 8)},
         lambda: U(d(), d2(), V("data3"), scale=2, sample_type="nearest", num_args=3, name="up"))
    case("upsampling_bilinear_scale2", {"data": (1, 3, 5, 5)},
         lambda: U(d(), scale=2, num_filter=3, sample_type="bilinear", num_args=1, name="up"))
    case("upsampling_bilinear_scale3", {"data": (2, 4, 5, 6)},
         lambda: U(d(), scale=3, num_filter=4, sample_type="bilinear", num_args=1, name="up"))
    case("upsampling_bilinear_scale4", {"data": (1, 2, 3, 3)},
         lambda: U(d(), scale=4, num_filter=2, sample_type="bilinear", num_args=1, name="up"))
    err("upsampling_nearest_error_sum_channel_mismatch", {"data": (1, 4, 8, 8), "data2": (1, 3, 4, 4)},
        lambda: U(d(), d2(), scale=2, sample_type="nearest", num_args=2, multi_input_mode="sum", name="up"))


def define_shape_ops():
    case("flatten_2d", {"data": (4, 5)}, lambda: S.Flatten(d(), name="flat"))
    case("flatten_3d", {"data": (4, 5, 6)}, lambda: S.Flatten(d(), name="flat"))
    case("flatten_4d", {"data": (2, 512, 7, 7)}, lambda: S.flatten(d(), name="flat"))
    case("flatten_5d", {"data": (2, 3, 4, 5, 6)}, lambda: S.Flatten(d(), name="flat"))
    case("flatten_1d_appends_unit_dim", {"data": (7,)}, lambda: S.Flatten(d(), name="flat"))

    Rs = S.Reshape
    x = {"data": (2, 3, 4, 5)}
    case("reshape_explicit", x, lambda: Rs(d(), shape=(6, 20), name="reshape"))
    case("reshape_code0_minus1", x, lambda: Rs(d(), shape=(0, -1), name="reshape"))
    case("reshape_minus1_only", x, lambda: Rs(d(), shape=(-1,), name="reshape"))
    case("reshape_code0_0_minus1", x, lambda: Rs(d(), shape=(0, 0, -1), name="reshape"))
    case("reshape_minus1_middle", x, lambda: Rs(d(), shape=(2, -1, 4), name="reshape"))
    case("reshape_code_minus2", x, lambda: Rs(d(), shape=(-2,), name="reshape"))
    case("reshape_code0_minus2", x, lambda: Rs(d(), shape=(0, -2), name="reshape"))
    case("reshape_code_2_minus2_after_explicit", x, lambda: Rs(d(), shape=(6, -2), name="reshape"))
    case("reshape_code_minus3_minus2", x, lambda: Rs(d(), shape=(-3, -2), name="reshape"))
    case("reshape_code0_minus3_0", x, lambda: Rs(d(), shape=(0, -3, 0), name="reshape"))
    case("reshape_code_minus3_minus3", x, lambda: Rs(d(), shape=(-3, -3), name="reshape"))
    case("reshape_code_minus4_explicit", x, lambda: Rs(d(), shape=(-4, 1, 2, -2), name="reshape"))
    case("reshape_code_minus4_minus1_first", x, lambda: Rs(d(), shape=(0, -4, -1, 3, 0, 0), name="reshape"))
    case("reshape_code_minus4_minus1_second", {"data": (2, 12, 5)},
         lambda: Rs(d(), shape=(0, -4, 4, -1, 0), name="reshape"))
    case("reshape_code_minus4_then_minus3", {"data": (6, 4, 5)},
         lambda: Rs(d(), shape=(-4, 2, 3, -3), name="reshape"))
    case("reshape_reverse_minus1_0", x, lambda: Rs(d(), shape=(-1, 0), reverse=True, name="reshape"))
    case("reshape_minus1_0_not_reverse_3d", {"data": (10, 5, 4)},
         lambda: Rs(d(), shape=(-1, 0), reverse=False, name="reshape"))
    case("reshape_reverse_minus1_0_3d", {"data": (10, 5, 4)},
         lambda: Rs(d(), shape=(-1, 0), reverse=True, name="reshape"))
    case("reshape_reverse_minus1_0_0", x, lambda: Rs(d(), shape=(-1, 0, 0), reverse=True, name="reshape"))
    case("reshape_reverse_minus3", x, lambda: Rs(d(), shape=(-2, -3), reverse=True, name="reshape"))
    case("reshape_add_unit_dims", {"data": (4, 6)}, lambda: Rs(d(), shape=(0, 0, 1, 1), name="reshape"))
    case("reshape_lowercase_alias", {"data": (4, 6)}, lambda: S.reshape(d(), shape=(3, -1, 2), name="reshape"))
    # MXNet 1.9.1's Reshape shape function does NOT check the element count (the check is compiled out);
    # -1 is computed by integer division.
    case("reshape_wrong_element_count_accepted_by_mxnet", x, lambda: Rs(d(), shape=(5, 5), name="reshape"))
    case("reshape_minus1_not_divisible_accepted_by_mxnet", x, lambda: Rs(d(), shape=(7, -1), name="reshape"))
    err("reshape_error_two_minus1", x, lambda: Rs(d(), shape=(-1, -1), name="reshape"))

    T = S.transpose
    case("transpose_default_reverse_4d", x, lambda: T(d(), name="tr"))
    case("transpose_default_reverse_2d", {"data": (3, 7)}, lambda: T(d(), name="tr"))
    case("transpose_axes_nchw_to_nhwc", x, lambda: T(d(), axes=(0, 2, 3, 1), name="tr"))
    case("transpose_axes_3d", {"data": (2, 3, 4)}, lambda: T(d(), axes=(0, 2, 1), name="tr"))
    case("transpose_axes_2d", {"data": (3, 7)}, lambda: T(d(), axes=(1, 0), name="tr"))
    err("transpose_error_axes_wrong_length", x, lambda: T(d(), axes=(0, 2, 1), name="tr"))
    case("swapaxis_1_3", x, lambda: S.SwapAxis(d(), dim1=1, dim2=3, name="swap"))
    case("swapaxis_default", x, lambda: S.SwapAxis(d(), name="swap"))
    case("swapaxis_lowercase_0_2", {"data": (2, 3, 4)}, lambda: S.swapaxes(d(), dim1=0, dim2=2, name="swap"))
    err("swapaxis_error_out_of_range", {"data": (2, 3, 4)}, lambda: S.SwapAxis(d(), dim1=0, dim2=3, name="swap"))

    E = S.expand_dims
    case("expand_dims_axis0", {"data": (3, 4)}, lambda: E(d(), axis=0, name="ed"))
    case("expand_dims_axis1", {"data": (3, 4)}, lambda: E(d(), axis=1, name="ed"))
    case("expand_dims_axis_ndim", {"data": (3, 4)}, lambda: E(d(), axis=2, name="ed"))
    case("expand_dims_axis_neg1", {"data": (3, 4)}, lambda: E(d(), axis=-1, name="ed"))
    case("expand_dims_axis_neg3", {"data": (3, 4)}, lambda: E(d(), axis=-3, name="ed"))
    case("expand_dims_axis_neg2_4d", x, lambda: E(d(), axis=-2, name="ed"))
    err("expand_dims_error_axis_out_of_range", {"data": (3, 4)}, lambda: E(d(), axis=3, name="ed"))

    Q = S.squeeze
    case("squeeze_no_axis", {"data": (2, 1, 3, 1)}, lambda: Q(d(), name="sq"))
    case("squeeze_axis1", {"data": (2, 1, 3, 1)}, lambda: Q(d(), axis=1, name="sq"))
    case("squeeze_axis_tuple", {"data": (2, 1, 3, 1)}, lambda: Q(d(), axis=(1, 3), name="sq"))
    case("squeeze_axis_neg1", {"data": (2, 1, 3, 1)}, lambda: Q(d(), axis=-1, name="sq"))
    case("squeeze_no_axis_all_ones", {"data": (1, 1, 1)}, lambda: Q(d(), name="sq"))
    case("squeeze_no_axis_nothing_to_squeeze", {"data": (2, 3)}, lambda: Q(d(), name="sq"))
    case("squeeze_global_pool_output", {"data": (4, 16, 1, 1)}, lambda: Q(d(), axis=(2, 3), name="sq"))
    err("squeeze_error_non_unit_axis", {"data": (2, 1, 3, 1)}, lambda: Q(d(), axis=2, name="sq"))

    Cc = S.concat
    case("concat_dim1_two", {"data": (2, 3, 4, 4), "data2": (2, 5, 4, 4)},
         lambda: Cc(d(), d2(), dim=1, name="cat"))
    case("concat_dim1_three", {"data": (2, 3, 4, 4), "data2": (2, 5, 4, 4), "data3": (2, 1, 4, 4)},
         lambda: Cc(d(), d2(), V("data3"), dim=1, name="cat"))
    case("concat_dim0", {"data": (2, 3), "data2": (5, 3)}, lambda: Cc(d(), d2(), dim=0, name="cat"))
    case("concat_dim_neg1", {"data": (2, 3, 4), "data2": (2, 3, 6)}, lambda: Cc(d(), d2(), dim=-1, name="cat"))
    case("concat_dim3", {"data": (2, 3, 4, 1), "data2": (2, 3, 4, 2)}, lambda: Cc(d(), d2(), dim=3, name="cat"))
    case("concat_default_dim", {"data": (2, 3, 4), "data2": (2, 1, 4)}, lambda: Cc(d(), d2(), name="cat"))
    case("concat_single_input", {"data": (2, 3, 4)}, lambda: Cc(d(), dim=1, name="cat"))
    case("concat_capital_alias_num_args", {"data": (2, 3), "data2": (2, 4)},
         lambda: S.Concat(d(), d2(), num_args=2, dim=1, name="cat"))
    case("concat_same_input_twice", {"data": (2, 3)}, lambda: Cc(d(), d(), dim=1, name="cat"))
    err("concat_height_mismatch", {"data": (1, 2, 3, 3), "data2": (1, 2, 4, 3)},
        lambda: Cc(d(), d2(), dim=1, name="cat"))
    err("concat_dim0_channel_mismatch", {"data": (2, 3), "data2": (5, 4)}, lambda: Cc(d(), d2(), dim=0, name="cat"))
    err("concat_ndim_mismatch", {"data": (2, 3, 4), "data2": (2, 3)}, lambda: Cc(d(), d2(), dim=1, name="cat"))

    Sp = S.split
    case("split_axis1_two", {"data": (2, 6, 4)}, lambda: Sp(d(), num_outputs=2, axis=1, name="split"))
    case("split_axis2_three", {"data": (2, 6, 9)}, lambda: Sp(d(), num_outputs=3, axis=2, name="split"))
    case("split_axis_default", {"data": (2, 6, 4)}, lambda: Sp(d(), num_outputs=3, name="split"))
    case("split_axis_neg1", {"data": (2, 6, 4)}, lambda: Sp(d(), num_outputs=4, axis=-1, name="split"))
    case("split_squeeze_axis", {"data": (2, 3, 4)}, lambda: Sp(d(), num_outputs=3, axis=1, squeeze_axis=True,
                                                              name="split"))
    err("split_error_squeeze_axis_requires_axis_size_eq_num_outputs", {"data": (2, 6, 4)},
        lambda: Sp(d(), num_outputs=3, axis=1, squeeze_axis=True, name="split"))
    case("slicechannel_capital_alias", {"data": (4, 8)},
         lambda: S.SliceChannel(d(), num_outputs=4, axis=1, name="split"))
    case("split_one_output_consumed", {"data": (2, 6, 4)},
         lambda: S.relu(Sp(d(), num_outputs=2, axis=1, name="split")[1], name="relu"))
    err("split_error_not_divisible", {"data": (2, 5, 4)}, lambda: Sp(d(), num_outputs=2, axis=1, name="split"))
    # split_v2(indices_or_sections=(2, 5)) is _split_v2 with indices=(0, 2, 5).
    case("split_v2_indices", {"data": (2, 10)},
         lambda: I._split_v2(d(), indices=(0, 2, 5), axis=1, name="splitv2"))
    case("split_v2_sections", {"data": (6, 4)},
         lambda: I._split_v2(d(), indices=(), sections=3, axis=0, name="splitv2"))

    Sl = S.slice
    case("slice_begin_end_none", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(1, None, 2), end=(3, None, 7), name="slice"))
    case("slice_partial_dims", {"data": (4, 6, 8)}, lambda: Sl(d(), begin=(1,), end=(3,), name="slice"))
    case("slice_negative_begin", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(-2, 0), end=(None, -1), name="slice"))
    case("slice_step2", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(None, None, 1), end=(None, None, None), step=(None, 2, 3), name="slice"))
    case("slice_step_negative_full", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(None,), end=(None,), step=(-1,), name="slice"))
    case("slice_step_negative_range", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(None, 5), end=(None, 0), step=(None, -2), name="slice"))
    # slice clips begin/end to the axis like Python slicing; empty ranges give a 0 extent, not an error.
    case("slice_end_beyond_dim_clipped", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(0,), end=(10,), name="slice"))
    case("slice_begin_beyond_dim_gives_zero_extent_not_error", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(5,), end=(6,), name="slice"))
    case("slice_empty_range_gives_zero_extent_not_error", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(3,), end=(1,), name="slice"))
    case("slice_negative_begin_beyond_dim_clipped", {"data": (4, 6, 8)},
         lambda: Sl(d(), begin=(None, -10), end=(None, 2), name="slice"))
    err("slice_error_more_dims_than_input", {"data": (4, 6)},
        lambda: Sl(d(), begin=(0, 0, 0), end=(1, 1, 1), name="slice"))
    err("slice_error_zero_step", {"data": (4, 6, 8)},
        lambda: Sl(d(), begin=(0,), end=(2,), step=(0,), name="slice"))
    Sa = S.slice_axis
    case("slice_axis_basic", {"data": (4, 6, 8)}, lambda: Sa(d(), axis=1, begin=1, end=4, name="slax"))
    case("slice_axis_end_none", {"data": (4, 6, 8)}, lambda: Sa(d(), axis=1, begin=2, end=None, name="slax"))
    case("slice_axis_negative_axis_begin", {"data": (4, 6, 8)},
         lambda: Sa(d(), axis=-1, begin=-3, end=None, name="slax"))
    case("slice_axis_negative_end", {"data": (4, 6, 8)}, lambda: Sa(d(), axis=0, begin=0, end=-1, name="slax"))
    err("slice_axis_error_out_of_range", {"data": (4, 6, 8)},
        lambda: Sa(d(), axis=1, begin=2, end=9, name="slax"))
    err("slice_axis_error_axis_out_of_range", {"data": (4, 6, 8)},
        lambda: Sa(d(), axis=3, begin=0, end=1, name="slax"))

    # Extras commonly seen in exported graphs.
    case("broadcast_to_basic", {"data": (1, 3, 1)}, lambda: S.broadcast_to(d(), shape=(4, 3, 5), name="bto"))
    case("broadcast_to_zero_keeps", {"data": (2, 1, 1)}, lambda: S.broadcast_to(d(), shape=(0, 4, 6), name="bto"))
    case("broadcast_axis", {"data": (2, 1, 1)}, lambda: S.broadcast_axis(d(), axis=(1, 2), size=(3, 4), name="bax"))
    case("broadcast_like", {"data": (1, 3, 1), "data2": (4, 3, 5)},
         lambda: S.broadcast_like(d(), d2(), name="blike"))
    case("tile_basic", {"data": (2, 3)}, lambda: S.tile(d(), reps=(2, 2), name="tile"))
    case("tile_more_reps", {"data": (2, 3)}, lambda: S.tile(d(), reps=(2, 1, 3), name="tile"))
    case("repeat_axis", {"data": (2, 3)}, lambda: S.repeat(d(), repeats=3, axis=1, name="rep"))
    case("repeat_no_axis", {"data": (2, 3)}, lambda: S.repeat(d(), repeats=2, name="rep"))
    case("stack_axis0", {"data": (2, 3), "data2": (2, 3)}, lambda: S.stack(d(), d2(), axis=0, name="stk"))
    case("stack_axis_neg1", {"data": (2, 3), "data2": (2, 3), "data3": (2, 3)},
         lambda: S.stack(d(), d2(), V("data3"), axis=-1, name="stk"))
    case("reverse_axis1", {"data": (2, 3, 4)}, lambda: S.reverse(d(), axis=1, name="rev"))
    case("argmax_axis1", {"data": (2, 3, 4)}, lambda: S.argmax(d(), axis=1, name="amax"))
    case("argmax_axis1_keepdims", {"data": (2, 3, 4)}, lambda: S.argmax(d(), axis=1, keepdims=True, name="amax"))
    case("shape_array", {"data": (2, 3, 4)}, lambda: S.shape_array(d(), name="shp"))
    case("where_same_shape", {"data": (2, 3), "lhs": (2, 3), "rhs": (2, 3)},
         lambda: S.where(d(), V("lhs"), V("rhs"), name="where"))
    # GluonCV's detectors (anchors, box targets, RoI heads).
    case("slice_like_all_axes", {"data": (4, 6, 8), "data2": (2, 3, 8)},
         lambda: S.slice_like(d(), d2(), name="sll"))
    case("slice_like_axes", {"data": (4, 6, 8), "data2": (2, 3, 5)},
         lambda: S.slice_like(d(), d2(), axes=(0, 2), name="sll"))
    case("broadcast_mod", {"lhs": (2, 3), "rhs": (1, 3)}, lambda: S.broadcast_mod(V("lhs"), V("rhs"), name="bmod"))
    case("arange_step", {}, lambda: S.arange(start=0, stop=10, step=3, name="ar"))
    case("arange_repeat", {}, lambda: S.arange(start=2, stop=6, repeat=2, name="ar"))
    case("gather_nd_pairs", {"data": (4, 5, 6), "idx": (2, 3)}, lambda: S.gather_nd(d(), V("idx"), name="gnd"))
    case("roialign_sample2", {"data": (1, 8, 32, 32), "rois": (5, 5)},
         lambda: S.contrib.ROIAlign(d(), V("rois"), pooled_size=(7, 7), spatial_scale=0.25, sample_ratio=2,
                                    name="roi"))
    case("topk_indices", {"data": (2, 10)}, lambda: S.topk(d(), k=3, name="tk"))
    case("topk_value_axis0", {"data": (6, 4)}, lambda: S.topk(d(), axis=0, k=2, ret_typ="value", name="tk"))
    case("topk_both", {"data": (2, 3, 10)}, lambda: S.topk(d(), k=4, ret_typ="both", name="tk"))
    case("topk_mask", {"data": (2, 10)}, lambda: S.topk(d(), k=3, ret_typ="mask", name="tk"))
    case("topk_k0_whole_axis", {"data": (2, 7)}, lambda: S.topk(d(), k=0, ret_typ="value", name="tk"))
    case("argsort_last", {"data": (2, 100)}, lambda: S.argsort(d(), name="as"))
    case("sort_axis0", {"data": (5, 3)}, lambda: S.sort(d(), axis=0, name="srt"))
    case("box_nms_topk", {"data": (1, 100, 6)},
         lambda: S.contrib.box_nms(d(), overlap_thresh=0.45, topk=40, coord_start=2, score_index=1, id_index=0,
                                   name="nms"))
    case("box_nms_batched", {"data": (2, 3, 50, 5)},
         lambda: S.contrib.box_nms(d(), coord_start=1, score_index=0, id_index=-1, name="nms"))
    case("box_decode_corner_clip", {"data": (1, 100, 4), "anchors": (1, 100, 4)},
         lambda: S.contrib.box_decode(d(), V("anchors"), std0=0.1, std1=0.1, std2=0.2, std3=0.2, clip=4.135,
                                      format="corner", name="dec"))
    case("box_decode_center", {"data": (2, 30, 4), "anchors": (1, 30, 4)},
         lambda: S.contrib.box_decode(d(), V("anchors"), name="dec"))


def define_elementwise():
    for op in ["add", "sub", "mul", "div"]:
        fn = getattr(S, "elemwise_" + op)
        case("elemwise_%s" % op, {"lhs": (2, 3, 4), "rhs": (2, 3, 4)},
             lambda fn=fn: fn(V("lhs"), V("rhs"), name="ew"))
    case("elemwise_add_backward_inference_rhs_unknown", {"lhs": (2, 3, 4)},
         lambda: S.elemwise_add(V("lhs"), V("rhs"), name="ew"))
    case("elemwise_mul_with_param", {"data": (2, 3)},
         lambda: S.elemwise_mul(d(), P("scale", (2, 3)), name="ew"))
    err("elemwise_add_shape_mismatch", {"lhs": (2, 3, 4), "rhs": (2, 3, 5)},
        lambda: S.elemwise_add(V("lhs"), V("rhs"), name="ew"))
    err("elemwise_mul_ndim_mismatch", {"lhs": (2, 3, 4), "rhs": (3, 4)},
        lambda: S.elemwise_mul(V("lhs"), V("rhs"), name="ew"))

    shapes = [
        ("same", (2, 3, 4), (2, 3, 4)),
        ("channel", (2, 3, 4, 5), (1, 3, 1, 1)),
        ("both_sides", (2, 1, 4), (1, 3, 1)),
        ("ndim_diff", (2, 3, 4), (3, 1)),
        ("scalar_like", (2, 3), (1,)),
    ]
    for op in ["add", "sub", "mul", "div", "maximum", "minimum", "power", "equal", "greater", "lesser"]:
        fn = getattr(S, "broadcast_" + op)
        sel = shapes if op in ("add", "mul") else shapes[1:3]
        for tag, a, b in sel:
            case("broadcast_%s_%s" % (op, tag), {"lhs": a, "rhs": b},
                 lambda fn=fn: fn(V("lhs"), V("rhs"), name="bc"))
    case("broadcast_mul_param_scale", {"data": (2, 4, 5, 5)},
         lambda: S.broadcast_mul(d(), P("scale", (1, 4, 1, 1)), name="bc"))
    case("broadcast_add_param_bias_1d", {"data": (2, 5, 8)},
         lambda: S.broadcast_add(d(), P("bias", (8,)), name="bc"))
    err("broadcast_add_incompatible", {"lhs": (2, 3, 4), "rhs": (2, 5, 4)},
        lambda: S.broadcast_add(V("lhs"), V("rhs"), name="bc"))
    err("broadcast_mul_incompatible_ndim_diff", {"lhs": (2, 3, 4), "rhs": (2, 4)},
        lambda: S.broadcast_mul(V("lhs"), V("rhs"), name="bc"))

    # Operator sugar: a+b, a-b, a*b, a/b create _plus/_minus/_mul/_div (auto-named _plus0 ...).
    case("sugar_plus", {"lhs": (2, 3), "rhs": (2, 3)}, lambda: V("lhs") + V("rhs"))
    case("sugar_minus", {"lhs": (2, 3), "rhs": (2, 3)}, lambda: V("lhs") - V("rhs"))
    case("sugar_mul", {"lhs": (2, 3), "rhs": (2, 3)}, lambda: V("lhs") * V("rhs"))
    case("sugar_div", {"lhs": (2, 3), "rhs": (2, 3)}, lambda: V("lhs") / V("rhs"))
    case("internal_plus_named", {"lhs": (4, 5, 6), "rhs": (4, 5, 6)},
         lambda: I._plus(V("lhs"), V("rhs"), name="plus"))
    err("sugar_plus_shape_mismatch_no_broadcast", {"lhs": (2, 3), "rhs": (1, 3)}, lambda: V("lhs") + V("rhs"))
    case("add_n_three", {"data": (2, 3, 4), "data2": (2, 3, 4), "data3": (2, 3, 4)},
         lambda: S.add_n(d(), d2(), V("data3"), name="addn"))
    case("elementwisesum_alias_two", {"data": (5, 6), "data2": (5, 6)},
         lambda: S.ElementWiseSum(d(), d2(), name="addn"))
    err("add_n_shape_mismatch", {"data": (2, 3), "data2": (2, 4)}, lambda: S.add_n(d(), d2(), name="addn"))

    xs = {"data": (2, 3, 4)}
    for op, scalar in [("_plus_scalar", 1.0), ("_minus_scalar", 2.0), ("_rminus_scalar", 3.0),
                       ("_mul_scalar", 0.5), ("_div_scalar", 4.0), ("_rdiv_scalar", 1.0),
                       ("_power_scalar", 2.0), ("_rpower_scalar", 2.0), ("_maximum_scalar", 0.0),
                       ("_minimum_scalar", 6.0), ("_equal_scalar", 1.0), ("_greater_scalar", 0.0)]:
        fn = getattr(I, op)
        case("scalar%s" % op, xs, lambda fn=fn, scalar=scalar: fn(d(), scalar=scalar, name="sc"))
    case("sugar_plus_scalar", xs, lambda: d() + 1)
    case("sugar_rminus_scalar", xs, lambda: 1 - d())
    case("sugar_rdiv_scalar", xs, lambda: 1.0 / d())
    case("sugar_power_scalar", xs, lambda: d() ** 2)
    case("sugar_chain_scalars", xs, lambda: (d() * 2 + 3) / 4)

    case("clip", {"data": (2, 3, 4)}, lambda: S.clip(d(), a_min=0.0, a_max=6.0, name="clip"))
    case("hard_sigmoid_default", {"data": (2, 3, 4)}, lambda: S.hard_sigmoid(d(), name="hs"))
    case("hard_sigmoid_alpha_beta", {"data": (2, 3, 4)},
         lambda: S.hard_sigmoid(d(), alpha=1.0 / 6, beta=0.5, name="hs"))
    Pd = S.Pad
    case("pad_constant_4d", {"data": (1, 3, 5, 6)},
         lambda: Pd(d(), mode="constant", pad_width=(0, 0, 0, 0, 1, 2, 3, 4), constant_value=0, name="pad"))
    case("pad_edge_4d", {"data": (1, 3, 5, 6)},
         lambda: Pd(d(), mode="edge", pad_width=(0, 0, 0, 0, 2, 2, 2, 2), name="pad"))
    case("pad_reflect_4d", {"data": (2, 3, 5, 6)},
         lambda: Pd(d(), mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 2, 0), name="pad"))
    case("pad_constant_5d", {"data": (1, 2, 3, 4, 5)},
         lambda: Pd(d(), mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 0, 2, 3, 0), name="pad"))
    case("pad_edge_5d", {"data": (1, 2, 3, 4, 5)},
         lambda: Pd(d(), mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1, 1, 1), name="pad"))
    err("pad_error_nonzero_batch_channel_padding", {"data": (1, 3, 5, 6)},
        lambda: Pd(d(), mode="constant", pad_width=(0, 0, 1, 1, 1, 1, 1, 1), name="pad"))
    err("pad_error_3d_input", {"data": (3, 5, 6)},
        lambda: Pd(d(), mode="constant", pad_width=(0, 0, 1, 1, 1, 1), name="pad"))

    for op in ["relu", "sigmoid", "tanh", "exp", "log", "sqrt", "rsqrt", "square", "abs", "negative",
               "reciprocal", "erf", "softsign", "zeros_like", "ones_like", "floor", "ceil", "sign"]:
        fn = getattr(S, op)
        case("unary_%s" % op, {"data": (2, 3, 4, 5)}, lambda fn=fn: fn(d(), name="un"))


def define_softmax_reduce_misc():
    case("softmax_default_axis", {"data": (2, 10)}, lambda: S.softmax(d(), name="sm"))
    case("softmax_axis1_4d", {"data": (2, 5, 3, 3)}, lambda: S.softmax(d(), axis=1, name="sm"))
    case("softmax_temperature", {"data": (2, 3, 7)}, lambda: S.softmax(d(), axis=-1, temperature=2.0, name="sm"))
    case("log_softmax_default", {"data": (2, 10)}, lambda: S.log_softmax(d(), name="lsm"))
    case("log_softmax_axis0", {"data": (4, 10)}, lambda: S.log_softmax(d(), axis=0, name="lsm"))
    case("softmaxoutput_2d_label", {"data": (4, 10)}, lambda: S.SoftmaxOutput(d(), name="softmax"))
    case("softmaxoutput_4d_label_drops_last_dim", {"data": (2, 5, 3, 3)}, lambda: S.SoftmaxOutput(d(), name="softmax"))
    case("softmaxoutput_multi_output", {"data": (2, 5, 3, 3)},
         lambda: S.SoftmaxOutput(d(), multi_output=True, name="softmax"))
    case("softmaxoutput_preserve_shape", {"data": (2, 3, 5)},
         lambda: S.SoftmaxOutput(d(), preserve_shape=True, name="softmax"))
    case("softmaxoutput_explicit_label_input", {"data": (4, 10), "label": (4,)},
         lambda: S.SoftmaxOutput(d(), V("label"), name="softmax"))
    case("softmaxactivation_instance", {"data": (2, 10)}, lambda: S.SoftmaxActivation(d(), name="sma"))
    case("softmaxactivation_channel", {"data": (2, 5, 3, 3)},
         lambda: S.SoftmaxActivation(d(), mode="channel", name="sma"))

    x = {"data": (2, 3, 4, 5)}
    for op in ["sum", "mean", "max", "min", "prod"]:
        fn = getattr(S, op)
        case("%s_axis_none" % op, x, lambda fn=fn: fn(d(), name="red"))
        case("%s_axis1" % op, x, lambda fn=fn: fn(d(), axis=1, name="red"))
        case("%s_axis_tuple_keepdims" % op, x, lambda fn=fn: fn(d(), axis=(2, 3), keepdims=True, name="red"))
        if op in ("sum", "mean"):
            case("%s_axis_tuple" % op, x, lambda fn=fn: fn(d(), axis=(1, 3), name="red"))
            case("%s_axis_neg1" % op, x, lambda fn=fn: fn(d(), axis=-1, name="red"))
            case("%s_exclude" % op, x, lambda fn=fn: fn(d(), axis=1, exclude=True, name="red"))
            case("%s_exclude_keepdims" % op, x,
                 lambda fn=fn: fn(d(), axis=(0, 1), exclude=True, keepdims=True, name="red"))
            case("%s_axis_none_keepdims" % op, x, lambda fn=fn: fn(d(), keepdims=True, name="red"))
            case("%s_axis_empty_tuple" % op, x, lambda fn=fn: fn(d(), axis=(), name="red"))
    case("sum_all_axes_reduces_to_1", {"data": (2, 3)}, lambda: S.sum(d(), axis=(0, 1), name="red"))
    err("sum_error_axis_out_of_range", {"data": (2, 3)}, lambda: S.sum(d(), axis=2, name="red"))
    case("norm_default", x, lambda: S.norm(d(), name="norm"))
    case("norm_axis1_keepdims", x, lambda: S.norm(d(), axis=1, keepdims=True, name="norm"))

    case("dropout_default", {"data": (2, 3, 4)}, lambda: S.Dropout(d(), p=0.5, name="drop"))
    case("dropout_mode_always", {"data": (2, 3, 4)}, lambda: S.Dropout(d(), p=0.2, mode="always", name="drop"))
    case("dropout_axes", {"data": (2, 3, 4, 4)}, lambda: S.Dropout(d(), p=0.3, axes=(2, 3), name="drop"))
    case("identity_copy", {"data": (2, 3, 4)}, lambda: S.identity(d(), name="id"))
    case("blockgrad", {"data": (2, 3, 4)}, lambda: S.BlockGrad(d(), name="bg"))
    case("stop_gradient_alias", {"data": (2, 3)}, lambda: S.stop_gradient(d(), name="bg"))
    case("cast_float16", {"data": (2, 3, 4)}, lambda: S.Cast(d(), dtype="float16", name="cast"))
    case("cast_int32", {"data": (2, 3)}, lambda: S.cast(d(), dtype="int32", name="cast"))

    case("embedding_2d_input", {"data": (4, 7)},
         lambda: S.Embedding(d(), input_dim=100, output_dim=16, name="embed"))
    case("embedding_1d_input", {"data": (5,)},
         lambda: S.Embedding(d(), input_dim=30, output_dim=8, name="embed"))
    case("embedding_3d_input", {"data": (2, 3, 4)},
         lambda: S.Embedding(d(), input_dim=10, output_dim=3, name="embed"))
    err("embedding_error_weight_mismatch", {"data": (4, 7)},
        lambda: S.Embedding(d(), weight=P("embed_weight", (100, 8)), input_dim=100, output_dim=16, name="embed"))

    Dt = S.dot
    case("dot_2d_2d", {"lhs": (3, 4), "rhs": (4, 5)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    case("dot_transpose_a", {"lhs": (4, 3), "rhs": (4, 5)},
         lambda: Dt(V("lhs"), V("rhs"), transpose_a=True, name="dot"))
    case("dot_transpose_b", {"lhs": (3, 4), "rhs": (5, 4)},
         lambda: Dt(V("lhs"), V("rhs"), transpose_b=True, name="dot"))
    case("dot_transpose_both", {"lhs": (4, 3), "rhs": (5, 4)},
         lambda: Dt(V("lhs"), V("rhs"), transpose_a=True, transpose_b=True, name="dot"))
    case("dot_3d_2d", {"lhs": (2, 3, 4), "rhs": (4, 5)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    case("dot_2d_3d", {"lhs": (2, 3), "rhs": (3, 4, 5)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    case("dot_1d_1d", {"lhs": (4,), "rhs": (4,)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    case("dot_2d_1d", {"lhs": (3, 4), "rhs": (4,)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    case("dot_weight_param", {"data": (3, 4)}, lambda: Dt(d(), P("w", (4, 6)), name="dot"))
    err("dot_inner_dim_mismatch", {"lhs": (3, 4), "rhs": (5, 6)}, lambda: Dt(V("lhs"), V("rhs"), name="dot"))
    err("dot_transpose_b_mismatch", {"lhs": (3, 4), "rhs": (4, 5)},
        lambda: Dt(V("lhs"), V("rhs"), transpose_b=True, name="dot"))
    Bd = S.batch_dot
    case("batch_dot_basic", {"lhs": (2, 3, 4), "rhs": (2, 4, 5)}, lambda: Bd(V("lhs"), V("rhs"), name="bdot"))
    case("batch_dot_transpose_a", {"lhs": (2, 4, 3), "rhs": (2, 4, 5)},
         lambda: Bd(V("lhs"), V("rhs"), transpose_a=True, name="bdot"))
    case("batch_dot_transpose_b", {"lhs": (2, 3, 4), "rhs": (2, 5, 4)},
         lambda: Bd(V("lhs"), V("rhs"), transpose_b=True, name="bdot"))
    case("batch_dot_transpose_both", {"lhs": (2, 4, 3), "rhs": (2, 5, 4)},
         lambda: Bd(V("lhs"), V("rhs"), transpose_a=True, transpose_b=True, name="bdot"))
    case("batch_dot_4d", {"lhs": (2, 6, 3, 4), "rhs": (2, 6, 4, 5)}, lambda: Bd(V("lhs"), V("rhs"), name="bdot"))
    err("batch_dot_inner_mismatch", {"lhs": (2, 3, 4), "rhs": (2, 5, 6)},
        lambda: Bd(V("lhs"), V("rhs"), name="bdot"))
    err("batch_dot_batch_mismatch", {"lhs": (2, 3, 4), "rhs": (3, 4, 5)},
        lambda: Bd(V("lhs"), V("rhs"), name="bdot"))


def define_graphs():
    def residual():
        x = d()
        c1 = S.Convolution(x, num_filter=16, kernel=(3, 3), stride=(2, 2), pad=(1, 1), no_bias=True, name="conv1")
        b1 = S.BatchNorm(c1, name="bn1")
        r1 = S.Activation(b1, act_type="relu", name="relu1")
        c2 = S.Convolution(r1, num_filter=16, kernel=(3, 3), pad=(1, 1), no_bias=True, name="conv2")
        b2 = S.BatchNorm(c2, name="bn2")
        sc = S.Convolution(x, num_filter=16, kernel=(1, 1), stride=(2, 2), no_bias=True, name="down_conv")
        sb = S.BatchNorm(sc, name="down_bn")
        add = S.elemwise_add(b2, sb, name="add")
        return S.Activation(add, act_type="relu", name="relu_out")
    case("graph_residual_block_downsample", {"data": (2, 8, 16, 16)}, residual, op="graph")

    def inception():
        x = d()
        b1 = S.Convolution(x, num_filter=8, kernel=(1, 1), name="b1_conv")
        b2a = S.Convolution(x, num_filter=6, kernel=(1, 1), name="b2_conv_a")
        b2 = S.Convolution(S.relu(b2a, name="b2_relu"), num_filter=12, kernel=(3, 3), pad=(1, 1), name="b2_conv_b")
        b3a = S.Convolution(x, num_filter=4, kernel=(1, 1), name="b3_conv_a")
        b3 = S.Convolution(b3a, num_filter=6, kernel=(5, 5), pad=(2, 2), name="b3_conv_b")
        b4p = S.Pooling(x, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="max", name="b4_pool")
        b4 = S.Convolution(b4p, num_filter=4, kernel=(1, 1), name="b4_conv")
        cat = S.concat(b1, b2, b3, b4, dim=1, name="concat")
        return S.Pooling(cat, kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full",
                         name="pool_out")
    case("graph_inception_branch_concat", {"data": (1, 10, 14, 14)}, inception, op="graph")

    def squeeze_excite():
        x = d()
        body = S.Convolution(x, num_filter=32, kernel=(3, 3), pad=(1, 1), name="body_conv")
        gp = S.Pooling(body, global_pool=True, pool_type="avg", kernel=(1, 1), name="se_pool")
        fl = S.Flatten(gp, name="se_flatten")
        fc1 = S.FullyConnected(fl, num_hidden=8, name="se_fc1")
        r = S.Activation(fc1, act_type="relu", name="se_relu")
        fc2 = S.FullyConnected(r, num_hidden=32, name="se_fc2")
        sg = S.Activation(fc2, act_type="sigmoid", name="se_sigmoid")
        rs = S.Reshape(sg, shape=(0, 0, 1, 1), name="se_reshape")
        sc = S.broadcast_mul(body, rs, name="se_scale")
        c2 = S.Convolution(S.contrib.AdaptiveAvgPooling2D(sc, output_size=1, name="gap2"),
                           num_filter=4, kernel=(1, 1), name="se_conv1x1")
        return S.sigmoid(c2, name="out_sigmoid")
    case("graph_squeeze_excite", {"data": (2, 16, 10, 10)}, squeeze_excite, op="graph")

    def two_heads():
        x = d()
        f = S.Convolution(x, num_filter=4, kernel=(3, 3), name="trunk")
        a = S.Flatten(f, name="head_a_flat")
        a = S.FullyConnected(a, num_hidden=5, name="head_a_fc")
        b = S.Deconvolution(f, num_filter=2, kernel=(4, 4), stride=(2, 2), pad=(1, 1), name="head_b_deconv")
        return S.Group([a, b])
    case("graph_two_heads_group", {"data": (1, 3, 9, 9)}, two_heads, op="graph")


def main():
    define_convolution()
    define_deconvolution()
    define_fc()
    define_norms()
    define_activations()
    define_pooling()
    define_resize()
    define_shape_ops()
    define_elementwise()
    define_softmax_reduce_misc()
    define_graphs()

    names = [c[0] for c in CASES]
    dup = [n for n, k in Counter(names).items() if k > 1]
    if dup:
        raise SystemExit("duplicate case names: %s" % dup)

    out_cases = []
    surprises = 0
    for name, op, inputs, build, expect_error in CASES:
        res, surprised = run_case(name, op, inputs, build, expect_error)
        surprises += surprised
        out_cases.append(res)

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w") as f:
        f.write('{"generated_by": "tools/mxnet_op_fixtures.py", "mxnet": %s,\n "cases": [\n'
                % json.dumps(mx.__version__))
        f.write(",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in out_cases))
        f.write("\n ]}\n")

    n_err = sum(1 for c in out_cases if "error" in c["expected"])
    per_op = Counter(c["op"] for c in out_cases)
    print("wrote %d cases (%d success, %d error) to %s" % (len(out_cases), len(out_cases) - n_err, n_err, OUT_PATH))
    for op, n in sorted(per_op.items()):
        print("  %-32s %d" % (op, n))
    if surprises:
        print("%d case(s) did not behave as declared (see stderr)" % surprises, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

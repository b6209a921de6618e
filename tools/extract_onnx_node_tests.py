#!/usr/bin/env python3
"""Turn the ONNX backend node tests shipped in the onnx==1.22.0 wheel into one JSON fixture.

The onnx wheel carries, under onnx/backend/test/data/node/, about 1,765 small tests over ~196
ops: each a directory with model.onnx and test_data_set_0/{input,output}_N.pb. This script
reads every one of them and writes Tests/Fixtures/onnx_node_tests/cases.json, which opcat's
Swift tests use to check the ONNX reader's shape inference against the shapes ONNX itself
produced when it ran the node.

Output (compact JSON, deterministic, one case per line):

    {"generated_by": "tools/extract_onnx_node_tests.py", "onnx": "1.22.0",
     "cases": [
      {"name": "test_conv_with_strides_padding", "ops": ["Conv"], "domain_opsets": {"": 11},
       "model": "<base64 of model.onnx bytes>",
       "inputs": [{"name": "x", "shape": [1,1,7,5], "type": "float32"}, ...],
       "outputs": [{"name": "y", "shape": [1,1,4,3], "type": "float32"}],
       "skip": null},
      ...]}

Fields of a case:
  name           the test directory name, cases sorted by it.
  ops            the distinct op_types of the top-level graph's nodes, sorted (one for most
                 tests; "_expanded" tests inline a function body and have several). Nodes of
                 If/Loop/Scan bodies are not listed.
  domain_opsets  the model's opset imports, {domain: version}; "" is the default ai.onnx.
  model          base64 of the model.onnx bytes, as shipped.
  inputs         every graph input, in graph order, with the shape and element type of the
                 test data (input_N.pb), which may be more concrete than the declared one.
                 "values" (flat, row-major) is present for integer and bool inputs (bool as 0/1)
                 with at most 1,000 elements and for float inputs with at most 16 elements;
                 non-finite floats are the strings "nan", "inf" and "-inf" (decode with
                 JSONDecoder's .convertFromString strategy). Complex inputs get no values.
  outputs        every graph output with the shape and element type of output_N.pb.
  skip           null, or a short reason ("sequence", "optional", "map", "string", or several
                 joined by "+") when an input or output is not a plain tensor of a numeric or
                 bool type, so the Swift side can count the case as not applicable.

Type names: float32 float16 float64 bfloat16 int8 uint8 int16 uint16 int32 uint32 int64 uint64
bool; any other tensor element type by its onnx name lower-cased (string, float8e4m3fn, int4,
complex64, ...); and "sequence", "optional", "map" for those kinds of value, whose "shape" is
null.

Usage (the venv comes from tools/setup_onnx_venv.sh, which pins onnx==1.22.0):

    PY="$(bash tools/setup_onnx_venv.sh)"
    "$PY" tools/extract_onnx_node_tests.py                 # writes the fixture, prints a summary
    "$PY" tools/extract_onnx_node_tests.py --out /tmp/cases.json

The summary (stdout) gives the number of tests, the number per op (top 40), the number skipped
by reason, and the data quirks found: declared graph shapes that disagree with the test data,
multi-node tests, non-default domains, model-local functions.
"""

import argparse
import base64
import collections
import json
import math
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ONNX_VERSION = "1.22.0"
GENERATED_BY = "tools/extract_onnx_node_tests.py"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "Tests", "Fixtures", "onnx_node_tests", "cases.json")

MAX_INT_VALUES = 1000
MAX_FLOAT_VALUES = 16

TP = onnx.TensorProto
# The element types opcat names itself; every other one is called by its onnx name.
TYPE_NAMES = {
    TP.FLOAT: "float32", TP.FLOAT16: "float16", TP.DOUBLE: "float64", TP.BFLOAT16: "bfloat16",
    TP.INT8: "int8", TP.UINT8: "uint8", TP.INT16: "int16", TP.UINT16: "uint16",
    TP.INT32: "int32", TP.UINT32: "uint32", TP.INT64: "int64", TP.UINT64: "uint64",
    TP.BOOL: "bool",
}
INT_TYPES = {TP.INT8, TP.UINT8, TP.INT16, TP.UINT16, TP.INT32, TP.UINT32, TP.INT64, TP.UINT64,
             TP.BOOL}
for _name in ("INT4", "UINT4", "INT2", "UINT2"):  # sub-byte integers, where this onnx has them
    if hasattr(TP, _name):
        INT_TYPES.add(getattr(TP, _name))
NON_NUMERIC = {TP.STRING: "string", TP.UNDEFINED: "undefined"}


def type_name(elem_type):
    if elem_type in TYPE_NAMES:
        return TYPE_NAMES[elem_type]
    return TP.DataType.Name(elem_type).lower()


def is_complex(elem_type):
    return elem_type in (TP.COMPLEX64, TP.COMPLEX128)


def json_float(x, single):
    """A JSON number for x (its shortest float32 form when single), or a string if not finite."""
    x = float(str(np.float32(x))) if single and math.isfinite(x) else float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else x


def tensor_entry(name, tensor, with_values):
    """The fixture entry for a TensorProto of test data: shape, type and (inputs only) maybe values."""
    entry = {"name": name, "shape": [int(d) for d in tensor.dims], "type": type_name(tensor.data_type)}
    count = 1
    for d in tensor.dims:
        count *= int(d)
    et = tensor.data_type
    if not with_values or et in NON_NUMERIC or is_complex(et):
        return entry
    if et in INT_TYPES and count <= MAX_INT_VALUES:
        arr = numpy_helper.to_array(tensor)
        entry["values"] = [int(v) for v in np.asarray(arr).reshape(-1).astype(np.int64 if et != TP.UINT64 else np.uint64)]
    elif et not in INT_TYPES and count <= MAX_FLOAT_VALUES:
        arr = numpy_helper.to_array(tensor)
        single = et != TP.DOUBLE  # float32 and narrower: write the shortest float32 form
        entry["values"] = [json_float(v, single) for v in np.asarray(arr).reshape(-1).astype(np.float64)]
    return entry


def read_value(path, type_proto):
    """Parse one .pb test-data file as the kind of value its graph input/output declares."""
    kind = type_proto.WhichOneof("value")
    proto = {"tensor_type": onnx.TensorProto, "sequence_type": onnx.SequenceProto,
             "optional_type": onnx.OptionalProto, "map_type": onnx.MapProto,
             "sparse_tensor_type": onnx.SparseTensorProto}[kind]()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return kind, proto


def value_entry(name, kind, proto, with_values):
    """(entry, skip kinds) for one graph input/output and its parsed test data."""
    if kind == "tensor_type":
        entry = tensor_entry(name, proto, with_values)
        skips = {NON_NUMERIC[proto.data_type]} if proto.data_type in NON_NUMERIC else set()
        return entry, skips
    short = {"sequence_type": "sequence", "optional_type": "optional", "map_type": "map",
             "sparse_tensor_type": "sparse_tensor"}[kind]
    return {"name": name, "shape": None, "type": short}, {short}


def declared_shape(type_proto):
    """The declared tensor shape as a list (None for unknown dims), or None if not a ranked tensor."""
    if type_proto.WhichOneof("value") != "tensor_type" or not type_proto.tensor_type.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else None for d in type_proto.tensor_type.shape.dim]


def shapes_disagree(declared, actual):
    if declared is None or actual is None:
        return False
    if len(declared) != len(actual):
        return True
    return any(d is not None and d != a for d, a in zip(declared, actual))


def numbered(directory, prefix):
    pat = re.compile(re.escape(prefix) + r"_(\d+)\.pb$")
    found = []
    for fn in os.listdir(directory):
        m = pat.match(fn)
        if m:
            found.append((int(m.group(1)), os.path.join(directory, fn)))
    return [p for _, p in sorted(found)]


def extract(node_dir, quirks):
    cases = []
    for name in sorted(os.listdir(node_dir)):
        test_dir = os.path.join(node_dir, name)
        model_path = os.path.join(test_dir, "model.onnx")
        if not os.path.isfile(model_path):
            continue
        with open(model_path, "rb") as f:
            model_bytes = f.read()
        model = onnx.ModelProto()
        model.ParseFromString(model_bytes)
        graph = model.graph
        data_dir = os.path.join(test_dir, "test_data_set_0")
        in_files, out_files = numbered(data_dir, "input"), numbered(data_dir, "output")
        initializers = {t.name for t in graph.initializer}
        graph_inputs = [v for v in graph.input if v.name not in initializers]
        if len(in_files) != len(graph_inputs) or len(out_files) != len(graph.output):
            raise SystemExit(f"{name}: {len(graph_inputs)} graph inputs / {len(graph.output)} outputs, "
                             f"but {len(in_files)} input / {len(out_files)} output files")

        skips = set()
        ios = {}
        for label, values, files in (("inputs", graph_inputs, in_files), ("outputs", graph.output, out_files)):
            entries = []
            for vi, path in zip(values, files):
                kind, proto = read_value(path, vi.type)
                entry, why = value_entry(vi.name, kind, proto, with_values=label == "inputs")
                skips |= why
                entries.append(entry)
                decl = declared_shape(vi.type)
                if kind == "tensor_type" and (decl is None or None in decl):
                    quirks["not_static"].append(f"{name} {label[:-1]} {vi.name}: declared {decl}, data {entry['shape']}")
                if shapes_disagree(decl, entry["shape"]):
                    quirks["shape_disagrees"].append(f"{name} {label[:-1]} {vi.name}: declared {decl}, data {entry['shape']}")
                if kind == "tensor_type" and vi.type.tensor_type.elem_type != proto.data_type:
                    quirks["type_disagrees"].append(f"{name} {label[:-1]} {vi.name}: declared "
                                                    f"{type_name(vi.type.tensor_type.elem_type)}, data {type_name(proto.data_type)}")
            ios[label] = entries

        ops = sorted({n.op_type for n in graph.node})
        if len(graph.node) > 1:
            quirks["multi_node"].append(name)
        if any(n.attribute and any(a.type == onnx.AttributeProto.GRAPH or a.type == onnx.AttributeProto.GRAPHS
                                   for a in n.attribute) for n in graph.node):
            quirks["subgraphs"].append(name)
        node_domains = sorted({n.domain for n in graph.node if n.domain not in ("", "ai.onnx")})
        if node_domains:
            quirks["node_domains"].append(f"{name}: {','.join(node_domains)}")
        if model.functions:
            quirks["functions"].append(name)
        if graph.initializer:
            quirks["initializers"].append(name)
        cases.append({
            "name": name,
            "ops": ops,
            "domain_opsets": {o.domain: int(o.version) for o in sorted(model.opset_import, key=lambda o: o.domain)},
            "model": base64.b64encode(model_bytes).decode("ascii"),
            "inputs": ios["inputs"],
            "outputs": ios["outputs"],
            "skip": "+".join(sorted(skips)) if skips else None,
        })
    return cases


def dump(cases, out_path):
    def compact(obj):
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True, allow_nan=False)

    lines = [compact({"generated_by": GENERATED_BY, "onnx": ONNX_VERSION})[:-1] + ',"cases":[']
    lines.append(",\n".join(compact(c) for c in cases))
    lines.append("]}")
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out_path)


def summarize(cases, quirks, out_path, log):
    per_op = collections.Counter(op for c in cases for op in c["ops"])
    single = collections.Counter(c["ops"][0] for c in cases if len(c["ops"]) == 1)
    skipped = collections.Counter(c["skip"] for c in cases if c["skip"])
    domains = collections.Counter(d for c in cases for d in c["domain_opsets"] if d)
    log(f"wrote {out_path}: {os.path.getsize(out_path):,} bytes")
    log(f"tests: {len(cases)}; distinct ops (any node): {len(per_op)}; "
        f"single-op tests: {sum(single.values())} over {len(single)} ops; "
        f"skipped: {sum(skipped.values())}; applicable: {len(cases) - sum(skipped.values())}")
    for title, counts in (("tests per op (top 40; a test counts for every op among its nodes):", per_op),
                          ("single-op tests per op (top 40; tests whose graph uses only that op):", single)):
        log(title)
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:40]
        for i in range(0, len(top), 4):
            log("   " + "".join(f"{op:>26} {n:4d}" for op, n in top[i:i + 4]))
    log("skipped by reason: " + (", ".join(f"{r} {n}" for r, n in sorted(skipped.items())) or "none"))
    log("non-default opset domains: " + (", ".join(f"{d} {n}" for d, n in sorted(domains.items())) or "none"))
    labels = {
        "multi_node": "tests with more than one node",
        "subgraphs": "tests with a graph-valued attribute (If/Loop/Scan bodies)",
        "node_domains": "tests with nodes outside the default domain",
        "functions": "tests with model-local functions",
        "initializers": "tests with initializers",
        "not_static": "graph inputs/outputs declared without a static shape (test data has one)",
        "shape_disagrees": "declared graph shapes that disagree with the test data",
        "type_disagrees": "declared element types that disagree with the test data",
    }
    for key, label in labels.items():
        items = quirks[key]
        log(f"{label}: {len(items)}")
        for item in items[:8] if key not in ("multi_node",) else []:
            log(f"    {item}")
        if len(items) > 8 and key != "multi_node":
            log(f"    ... and {len(items) - 8} more")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="fixture path (default: %(default)s)")
    ap.add_argument("--list-quirks", action="store_true",
                    help="print every quirk found (shape disagreements and so on), not just 8 of each")
    args = ap.parse_args()

    if onnx.__version__ != ONNX_VERSION:
        sys.exit(f"extract_onnx_node_tests: needs onnx=={ONNX_VERSION} (this is {onnx.__version__}); "
                 f"use the python from tools/setup_onnx_venv.sh")
    node_dir = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
    if not os.path.isdir(node_dir):
        sys.exit(f"extract_onnx_node_tests: {node_dir} is missing; this onnx wheel has no node tests")

    quirks = collections.defaultdict(list)
    cases = extract(node_dir, quirks)
    dump(cases, args.out)

    summarize(cases, quirks, args.out, print)
    if args.list_quirks:
        for key in sorted(quirks):
            for item in quirks[key]:
                print(f"{key}\t{item}")


if __name__ == "__main__":
    main()

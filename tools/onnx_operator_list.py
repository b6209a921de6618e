#!/usr/bin/env python3
"""Writes Tests/Fixtures/onnx_node_tests/operators.txt: every operator the pinned onnx package
defines (all domains, latest version of each), one `domain:Name` per line (`Name` for ai.onnx).
ONNXOperatorTests requires each to be mapped by opcat or listed with its reason in
ONNXOps.notCounted.

Usage: .venv-onnx/bin/python tools/onnx_operator_list.py   (onnx 1.22.0, tools/setup_onnx_venv.sh)
"""
import os

import onnx
from onnx import defs

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
names = set()
for schema in defs.get_all_schemas_with_history():
    domain = "" if schema.domain in ("", "ai.onnx") else schema.domain
    names.add(f"{domain}:{schema.name}" if domain else schema.name)
path = os.path.join(repo, "Tests/Fixtures/onnx_node_tests/operators.txt")
with open(path, "w") as f:
    f.write(f"# onnx {onnx.__version__}: every operator of every domain\n")
    for name in sorted(names):
        f.write(name + "\n")
print(f"{len(names)} operators -> {path}")

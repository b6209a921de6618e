#!/usr/bin/env python3
"""Writes data/zoos/<zoo>/explained.csv for a PyTorch real zoo (torchvision, timm): for every
(file, input) of its reference.csv where opcat's count is not complete, or its MACs, parameters or
buffers differ from the reference torch made, opcat's exact figure and the reason
(Tests/ModelFormatsTests/RealZooTests.swift requires every difference to be listed, with opcat's
figure, and nothing else).

Each figure comes from `opcat count FILE --input NAME:SHAPE --format json`. A difference is listed
only when a rule below explains it (RULES: the cause, checked against the graph or the figures,
e.g. the exact number of elements an exporter adds); a difference no rule explains is printed as
UNEXPLAINED and left out of the file, so the test reports it: it may be an opcat bug.

It also compares opcat's MACs with FlopCounterMode's at the size no checkpoint uses of every dynamic
export (dynamic_checks.csv) and prints the differences: a dynamic file must count right at any size.

Plain Python (no ML package). Usage:
    python3 tools/zoo_explained.py torchvision|timm [--opcat .build/debug/opcat] [--only FILE,...]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ["file", "input", "measure", "opcat", "reason"]


def count(binary: str, path: str, binding: str, layers: bool = False) -> dict:
    run = subprocess.run([binary, "count", path, "--input", binding, "--format", "json"] + (["--layers"] if layers else []),
                         capture_output=True, text=True, timeout=1800)
    if run.returncode != 0:
        raise RuntimeError(f"opcat count {path} --input {binding}: {run.stderr.strip()[-300:]}")
    return json.loads(run.stdout)


def missing(j: dict) -> str:
    """What opcat could not count, as RealZooTests spells it."""
    parts = [f"{u['op']} ×{u['count']}" for u in j.get("unsupported", [])]
    parts += [f"run-time size at {u['op']} '{u['node']}'" for u in j.get("unresolved", [])]
    return ", ".join(parts)


# --------------------------------------------------------------------------- rules

def n(x) -> int:
    return int(x or 0)


def tensors_rule(facts: dict, measure: str, value: int, ref: int, totals: dict, row: dict):
    """Parameters and buffers: the file's float tensors against torch's, from initializers.csv
    (made at export time by name: tools/torch_zoo.py initializer_facts). opcat counts a float
    initializer as a parameter unless it is a BatchNormalization statistic (a buffer). The
    difference is explained when it is exactly the sum of the groups named."""
    if not facts:
        return None
    moved = n(row["buffers"]) - n(totals["buffers"]) - n(facts["absent_buffers"])  # persistent buffers read as weights
    parts = []
    if measure == "params":
        terms = [(n(facts["transient_buffers"]), "the model's non-persistent float buffers (not in its state_dict, "
                  "so not in torch's parameters or buffers), stored as initializers: {transient_names}"),
                 (n(facts["other"]), "float initializers that are no tensor of the torch model (the exporter's "
                  "constants): {other_names}"),
                 (-n(facts["absent_params"]), "torch parameters the eval-mode graph does not use (no node reads them): "
                  "{absent_names}"),
                 (moved, "persistent float buffers (in torch's buffers) that ordinary ops read, not BatchNorm, "
                  "so opcat counts them as parameters: {persistent_names}")]
        for with_constants in (False, True):
            total = sum(t for t, _ in terms) + (n(facts["constants"]) if with_constants else 0)
            if total == value - ref:
                parts = [(t, text) for t, text in terms if t] + (
                    [(n(facts["constants"]), "float Constant node values: {constant_names}")]
                    if with_constants and n(facts["constants"]) else [])
                break
    elif measure == "buffers":
        terms = [(-n(facts["absent_buffers"]), "persistent float buffers the eval-mode graph does not use: "
                  "{absent_buffer_names}"),
                 (-moved, "persistent float buffers that ordinary ops read, not BatchNorm, so opcat counts them "
                  "as parameters: {persistent_names}")]
        if sum(t for t, _ in terms) == value - ref:
            parts = [(t, text) for t, text in terms if t]
    if not parts:
        return None
    facts = {k: v or "(names not recorded)" for k, v in facts.items()}
    text = "; ".join(f"{t:+,} elements: " + text.format(**facts) for t, text in parts)
    return text + "".join(f" ({why})" for key, why in HINTS if key in text)


# What the names in a reason are, said once where they appear.
HINTS = [
    ("AuxLogits.", "AuxLogits is Inception-v3's auxiliary classifier, which runs only in training mode"),
    ("lifted_tensor", "lifted_tensor_*: scalar tensor constants of the forward code, which torch.export lifts "
     "into graph inputs and the exporter stores as float initializers"),
]


# Per-model reasons for what the tensor groups do not show, checked by the exact difference:
# (zoo, files, measure, difference, reason).
SPECIFIC: list = []


RECURRENT = ("LSTM", "GRU", "RNN")


# (model, input) -> FlopCounterMode's MACs with the LSTMs written out step by step
# (tools/timm_lstm_reference.py, lstm_reference.csv of the zoo, where it has one)
UNROLLED: dict = {}


def recurrent_rule(value: int, ref: int, layers: list, row: dict):
    """MACs: FlopCounterMode has no formula for torch's fused recurrent kernels (aten::lstm, gru,
    rnn_tanh run as one op, not as the matrix products inside them), so torch's reference leaves
    them out; opcat counts each recurrent layer's gate products. Explained when the difference is
    exactly the MACs opcat gives those layers, and, where the zoo has an unrolled reference for the
    model, when opcat's figure equals it."""
    macs = sum(l["counts"]["macs"] for l in layers if l["op"] in RECURRENT)
    if not macs or value - ref != macs:
        return None
    unrolled = UNROLLED.get((row.get("model"), row.get("input")))
    if unrolled is not None and unrolled != value:
        return None
    ops = sorted({l["op"] for l in layers if l["op"] in RECURRENT and l["counts"]["macs"]})
    n = sum(1 for l in layers if l["op"] in RECURRENT and l["counts"]["macs"])
    return (f"{value - ref:+,} MACs: the {n} {'/'.join(ops)} layers' gate products, which torch's reference leaves "
            f"out (FlopCounterMode has no formula for the fused recurrent kernel{'s' if len(ops) > 1 else ''} "
            f"{', '.join('aten::' + o.lower() for o in ops)}, so it counts none of its matrix products); opcat counts them"
            + ("; FlopCounterMode on the same network with its LSTMs written out step by step gives opcat's figure "
               "(lstm_reference.csv)" if unrolled is not None else ""))


def explain(zoo: str, row: dict, measure: str, value: int, ref: int, facts: dict, totals: dict, layers=None):
    for z, files, m, diff, reason in SPECIFIC:
        if z == zoo and m == measure and row["file"] in files and (diff is None or value - ref == diff):
            return reason
    if measure == "macs" and layers:
        return recurrent_rule(value, ref, layers, row)
    if measure in ("params", "buffers"):
        return tensors_rule(facts, measure, value, ref, totals, row)
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("zoo")
    ap.add_argument("--opcat", default=os.path.join(REPO, ".build", "debug", "opcat"))
    ap.add_argument("--only", help="comma-separated files")
    args = ap.parse_args()
    root = os.path.join(REPO, "data", "zoos", args.zoo)
    unrolled_csv = os.path.join(root, "lstm_reference.csv")
    if os.path.exists(unrolled_csv):
        with open(unrolled_csv, newline="", encoding="utf-8") as f:
            UNROLLED.update({(r["model"], r["input"]): int(r["macs_unrolled"]) for r in csv.DictReader(f)})
    with open(os.path.join(root, "reference.csv"), newline="", encoding="utf-8") as f:
        reference = list(csv.DictReader(f))
    checks = []
    if os.path.exists(os.path.join(root, "dynamic_checks.csv")):
        with open(os.path.join(root, "dynamic_checks.csv"), newline="", encoding="utf-8") as f:
            checks = list(csv.DictReader(f))
    facts = {}
    if os.path.exists(os.path.join(root, "initializers.csv")):
        with open(os.path.join(root, "initializers.csv"), newline="", encoding="utf-8") as f:
            facts = {r["file"]: r for r in csv.DictReader(f)}
    only = set(args.only.split(",")) if args.only else None
    out_path = os.path.join(root, "explained.csv")
    kept = []
    if only and os.path.exists(out_path):
        with open(out_path, newline="", encoding="utf-8") as f:
            kept = [r for r in csv.DictReader(f) if r["file"] not in only]
    rows, unexplained, equal = [], [], 0
    for r in reference:
        if only and r["file"] not in only:
            continue
        j = count(args.opcat, os.path.join(root, r["file"]), r["input"])
        found = []
        if not j["complete"]:
            found.append(("complete", missing(j), None))
        else:
            t = j["totals"]
            for measure in ("macs", "params", "buffers"):
                if r.get(measure, "") != "" and int(t[measure]) != int(r[measure]):
                    found.append((measure, int(t[measure]), int(r[measure])))
        if not found:
            equal += 1
        for measure, value, ref in found:
            if measure == "complete":
                why = explain(args.zoo, r, measure, value, 0, {}, {})
            else:
                layers = count(args.opcat, os.path.join(root, r["file"]), r["input"], layers=True)["layers"] \
                    if measure == "macs" else None
                why = explain(args.zoo, r, measure, value, ref, facts.get(r["file"], {}), j["totals"], layers)
            if why:
                rows.append({"file": r["file"], "input": r["input"], "measure": measure, "opcat": value, "reason": why})
            else:
                unexplained.append((r["file"], r["input"], measure, value, ref))
    checked = matched = 0
    for c in checks:
        if only and c["file"] not in only:
            continue
        j = count(args.opcat, os.path.join(root, c["file"]), c["input"])
        checked += 1
        matched += j["complete"] and int(j["totals"]["macs"]) == int(c["macs"])
        if not j["complete"] or int(j["totals"]["macs"]) != int(c["macs"]):
            ref_row = next((r for r in reference if r["file"] == c["file"]), None)
            value = j["totals"]["macs"] if j["complete"] else missing(j)
            why = explain(args.zoo, ref_row or c, "macs", value, int(c["macs"]), {}, {}) if j["complete"] else None
            print(f"dynamic check {c['file']} at {c['input']}: opcat {value}, FlopCounterMode {c['macs']}"
                  + (f" (explained as at the evaluation size: {why})" if why else " UNEXPLAINED"))
    order = {r["file"]: i for i, r in enumerate(reference)}
    result = sorted(kept + rows, key=lambda e: (order.get(e["file"], 0), e["input"], e["measure"]))
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(result)
    for u in unexplained:
        print("UNEXPLAINED %s at %s: %s opcat %s, reference %s" % u)
    print(f"{args.zoo}: {equal} (file, input) rows equal to the reference, {len(rows)} differences explained, "
          f"{len(unexplained)} unexplained; explained.csv has {len(result)} rows; dynamic checks: opcat's MACs equal "
          f"FlopCounterMode's at {matched} of {checked} other sizes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

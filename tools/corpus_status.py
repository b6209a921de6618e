#!/usr/bin/env python3
"""Runs opcat on every file of the ONNX corpus and writes Tests/Fixtures/corpus/opcat_status.csv.

For each row of Tests/Fixtures/corpus/reference.csv (made by tools/export_onnx_corpus.py) and of
reference_gluoncv.csv (tools/export_gluoncv_corpus.py; MACs from MXNet's infer_shape) this runs

    opcat count FILE [--input name:SHAPE ...] --format json

with a time limit (--timeout, default 120 s), passing the recorded input bindings (`inputs`
column) when the file's graph inputs have symbolic dims (`symbolic_dims` not empty), and records

    status       complete / partial (opcat says the totals are partial) / refused (exit status 1,
                 no count) / crashed (killed by a signal, or another exit status, or no JSON) / timeout /
                 missing (in reference.csv but not on disk)
    unsupported  the unsupported ops, op×count
    unresolved   the nodes whose sizes need values known only at run time, with the reason
    opcat params / buffers / MACs beside the reference params (the framework's own count), the float
    initializer elements of the ONNX file and the FlopCounterMode MACs, with ratios opcat/reference;
    onnx_float_not_counted = ONNX float initializer elements - opcat params - opcat buffers
    first_error  the first error line (stderr; for a crash the runtime's message)
    notices      opcat's other stderr lines (warnings), shortened

Plain Python (no ML package needed). Usage:
    python3 tools/corpus_status.py [--opcat /tmp/opcat-snap/opcat] [--timeout 120] [--only SUBSTRING]
The opcat binary defaults to $OPCAT, else /tmp/opcat-snap/opcat, else .build/debug/opcat.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "corpus")
REFERENCE_CSVS = [os.path.join(CORPUS_DIR, "reference.csv"), os.path.join(CORPUS_DIR, "reference_gluoncv.csv")]
STATUS_CSV = os.path.join(CORPUS_DIR, "opcat_status.csv")

HEADER = ["set", "file", "status", "unsupported", "unresolved", "unshaped_nodes", "opcat_params", "opcat_buffers", "ref_params",
          "ref_params_bn_folded", "ref_onnx_float_elements", "params_ratio", "onnx_float_not_counted", "opcat_macs", "ref_macs_flop_counter", "macs_ratio",
          "inputs_passed", "seconds", "first_error", "notices"]


def default_opcat() -> str:
    for candidate in (os.environ.get("OPCAT"), "/tmp/opcat-snap/opcat",
                      os.path.join(REPO_ROOT, ".build", "debug", "opcat")):
        if candidate and os.path.exists(candidate):
            return candidate
    raise SystemExit("no opcat binary: pass --opcat or set $OPCAT")


def ratio(a, b) -> str:
    try:
        a, b = int(a), int(b)
    except (TypeError, ValueError):
        return ""
    return "" if b == 0 else f"{a / b:.4f}"


def first_error(stderr: str, crashed: bool) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    keys = ("Fatal error", "fatal error", "error:", "Error", "Crash", "crash") if crashed else ("error",)
    for line in lines:
        if any(k in line for k in keys) and "warning:" not in line:
            return line[:400]
    if crashed and lines:
        return lines[-1][:400]
    return ""


def reference_macs(row: dict) -> str:
    """FlopCounterMode's MACs (ONNX rows) or the linear ops over MXNet's infer_shape (GluonCV rows)."""
    return row.get("macs_flop_counter") or row.get("macs_infer_shape", "")


def run_one(opcat: str, row: dict, timeout: int) -> dict:
    cmd = [os.path.abspath(opcat), "count", row["file"], "--format", "json"]  # run in CORPUS_DIR
    passed = ""
    if row.get("symbolic_dims") or row.get("set") == "gluoncv":  # MXNet graphs declare no input shape
        for binding in filter(None, row["inputs"].split(";")):
            cmd += ["--input", binding]
        passed = row["inputs"]
    out = {"set": row["set"], "file": row["file"], "ref_params": row["params"],
           "ref_onnx_float_elements": row.get("onnx_float_initializer_elements", ""),
           # every BatchNorm folded into a bias-free conv: -γ-β +bias, i.e. params - bn_params/2
           "ref_params_bn_folded": int(row["params"]) - int(row.get("bn_params_torch") or 0) // 2,
           "ref_macs_flop_counter": reference_macs(row), "inputs_passed": passed}
    if not os.path.exists(os.path.join(CORPUS_DIR, row["file"])):
        out.update(status="missing", first_error="file not exported")
        return out
    start = time.time()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                              cwd=CORPUS_DIR)
    except subprocess.TimeoutExpired:
        out.update(status="timeout", seconds=timeout, first_error=f"no answer within {timeout} s")
        return out
    out["seconds"] = round(time.time() - start, 2)
    data = None
    if proc.stdout.strip():
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            data = None
    crashed = proc.returncode < 0 or proc.returncode not in (0, 1, 3) or (proc.returncode in (0, 3) and data is None)
    if crashed:
        status = "crashed"
    elif proc.returncode == 1 or data is None:
        status = "refused"
    else:
        status = "complete" if data.get("complete") else "partial"
    out["status"] = status
    err = first_error(proc.stderr, crashed)
    if crashed and not err:
        err = f"exit status {proc.returncode}"
    out["first_error"] = err
    notices = [line.strip() for line in proc.stderr.splitlines() if line.strip() and line.strip() != err]
    out["notices"] = " | ".join(n[:200] for n in notices[:4])
    if data is not None:
        totals = data.get("totals", {})
        out["opcat_params"] = totals.get("params", "")
        out["opcat_buffers"] = totals.get("buffers", "")
        out["opcat_macs"] = totals.get("macs", "")
        try:  # float elements of the file that opcat counts neither as params nor as buffers
            out["onnx_float_not_counted"] = (int(out["ref_onnx_float_elements"]) - int(out["opcat_params"])
                                             - int(out["opcat_buffers"] or 0))
        except (TypeError, ValueError):
            pass
        out["unsupported"] = " ".join(f"{u['op']}×{u['count']}" for u in data.get("unsupported", []))
        out["unresolved"] = "; ".join(f"{u['op']} '{u['node']}': {u['reason']}" for u in data.get("unresolved", []))
        out["unshaped_nodes"] = len(data.get("unshaped_nodes", []))
        out["params_ratio"] = ratio(out["opcat_params"], row["params"])
        out["macs_ratio"] = ratio(out["opcat_macs"], reference_macs(row))
    return out


def summary(results: list, refs: list) -> str:
    """Markdown tables: files per set, ops that make files partial, refused/crashed files, and the
    complete files whose params equal neither the framework's count nor that count with every
    BatchNorm folded into its conv, or whose MACs differ from FlopCounterMode's."""
    import collections
    out = []
    sizes = collections.Counter()
    counts = collections.Counter()
    for r in refs:
        path = os.path.join(CORPUS_DIR, r["file"])
        if os.path.exists(path):
            sizes[r["set"]] += os.path.getsize(path)
            counts[r["set"]] += 1
    log_path = os.path.join(CORPUS_DIR, "export_log.csv")
    failed = collections.defaultdict(list)
    if os.path.exists(log_path):
        with open(log_path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["status"] != "ok":
                    failed[row["set"]].append(f"{row['model']} ({row['status']}: {row['reason'][:140]})")
    out += ["| set | files | bytes | failed exports |", "|---|---|---|---|"]
    for name in dict.fromkeys(r["set"] for r in refs):
        out.append(f"| {name} | {counts[name]} | {sizes[name]:,} | {'; '.join(failed[name]) or '—'} |")
    out.append(f"| total | {sum(counts.values())} | {sum(sizes.values()):,} | |")
    status = collections.Counter(r["status"] for r in results)
    out += ["", "Status: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())), ""]
    ops = collections.defaultdict(list)
    for r in results:
        if r["status"] == "partial":
            for u in r.get("unsupported", "").split():
                ops[u.rsplit("×", 1)[0]].append(r["file"])
    out += ["| unsupported op (partial files) | files | which |", "|---|---|---|"]
    for op, files in sorted(ops.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"| {op} | {len(files)} | {', '.join(files)} |")
    out += ["", "| partial file | nodes whose sizes need run-time values |", "|---|---|"]
    for r in results:
        if r["status"] == "partial" and r.get("unresolved"):
            out.append(f"| {r['file']} | {r['unresolved']} |")
    out += ["", "| refused / crashed file | status | first error |", "|---|---|---|"]
    for r in results:
        if r["status"] in ("refused", "crashed", "timeout", "missing"):
            out.append(f"| {r['file']} | {r['status']} | {r.get('first_error', '')} |")
    out += ["", "Complete files whose params or MACs differ from the references (params: the framework's "
            "count; ONNX float: the file's float initializer elements; not counted: ONNX float − opcat params − "
            "opcat buffers)", "",
            "| complete file | opcat params | opcat buffers | ref params | ref params, BN folded | ratio | ONNX float | "
            "not counted | opcat MACs | ref MACs | ratio |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r["status"] != "complete":
            continue
        params = int(r["opcat_params"])
        params_off = params not in (int(r["ref_params"]), int(r["ref_params_bn_folded"]))
        macs_off = str(r["opcat_macs"]) != str(r["ref_macs_flop_counter"])
        if params_off or macs_off or str(r.get("onnx_float_not_counted", 0)) != "0":
            out.append(f"| {r['file']} | {r['opcat_params']} | {r['opcat_buffers']} | {r['ref_params']} | "
                       f"{r['ref_params_bn_folded']} | "
                       f"{r['params_ratio']} | {r['ref_onnx_float_elements']} | {r.get('onnx_float_not_counted', '')} | "
                       f"{r['opcat_macs']} | {r['ref_macs_flop_counter']} | {r['macs_ratio']} |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opcat", default=None, help="the opcat binary")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per file (default 120)")
    parser.add_argument("--only", help="only files whose path contains this (their rows of the snapshot are "
                        "replaced, the others kept)")
    parser.add_argument("--output", default=STATUS_CSV)
    parser.add_argument("--markdown", action="store_true",
                        help="also print summary tables (markdown) on stdout, e.g. for the README")
    args = parser.parse_args()
    opcat = args.opcat or default_opcat()
    rows = []
    for path in REFERENCE_CSVS:
        with open(path, newline="", encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    all_rows = rows
    if args.only:
        rows = [r for r in rows if args.only in r["file"]]
    results = []
    for row in rows:
        result = run_one(opcat, row, args.timeout)
        results.append(result)
        print(f"{result['status']:9s} {row['file']} {result.get('unsupported', '')} {result.get('first_error', '')}",
              file=sys.stderr if args.markdown else sys.stdout, flush=True)
    written = results
    if args.only and os.path.exists(args.output):
        # --only refreshes those rows of the snapshot and keeps the others, in the snapshot's order
        with open(args.output, newline="", encoding="utf-8") as f:
            snapshot = list(csv.DictReader(f))
        fresh = {r["file"]: r for r in results}
        written = [fresh.pop(r["file"], r) for r in snapshot] + list(fresh.values())
    with open(args.output + ".tmp", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(written)
    os.replace(args.output + ".tmp", args.output)
    counts = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print(" ".join(f"{k} {v}" for k, v in sorted(counts.items())), f"-> {os.path.relpath(args.output, REPO_ROOT)}",
          file=sys.stderr)
    if args.markdown:
        print(summary(results, all_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

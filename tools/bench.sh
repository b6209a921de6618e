#!/usr/bin/env bash
# make bench: how fast opcat counts the bundled zoo, against mxop 0.2.0 doing the same work,
# measured in one run and printed as ratios. Release build only; never a timed test.
#
# The work: all 34 zoo models, each counted full and backbone (mxop: 68 op_summary-equivalent
# calls, which must build each Gluon net and run a forward pass; opcat: one static pass per
# graph file gives both scopes). Then ingest: the seed zoo, every bundled zoo (data/zoo and
# data/zoos/*, the catalog `make zoo` builds; FULL_ZOO_RUNS runs of ~1 min each, counting on
# every core and with --jobs 1), a generated zoo of 1,000 models, each into a new catalog and
# again as a no-op re-ingest; and the floor for its writes, SQLite inserting the same layer rows.
#
# Needs hyperfine and sqlite3 (Debian: apt-get install hyperfine sqlite3) and Python for the mxop side; the venv is
# created by tools/setup_mxnet_venv.sh on first use. The summary table is printed and written to
# bench-results/summary.md, the per-model and per-graph tables to bench-results/details.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=.build/release/opcat
[ -x "$bin" ] || swift build -c release --product opcat
if ! command -v hyperfine >/dev/null; then
    echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2
    exit 1
fi
py="$(bash tools/setup_mxnet_venv.sh)"
out=bench-results
mkdir -p "$out"
# The MXNet part of the zoo, the 34 models mxop counts, as a zoo directory of its own.
rm -rf "$out/mxnet-zoo" && mkdir -p "$out/mxnet-zoo"
"$py" - "$out/mxnet-zoo" <<'PY'
import json, os, sys
manifest = json.load(open("data/zoo/manifest.json"))
# mxop counts float Gluon nets only: the quantized MXNet models are left out.
manifest["models"] = [m for m in manifest["models"] if m["format"] == "mxnet-symbol" and "quantized_from" not in m]
for m in manifest["models"]:
    os.symlink(os.path.abspath(os.path.join("data/zoo", m["file"])), os.path.join(sys.argv[1], m["file"]))
json.dump(manifest, open(os.path.join(sys.argv[1], "manifest.json"), "w"))
PY
models=$("$py" -c 'import json; print(",".join(m["name"] for m in json.load(open("'"$out"'/mxnet-zoo/manifest.json"))["models"]))')

echo "== whole zoo: opcat (34 graph files, full + backbone) ==" >&2
hyperfine --style basic --warmup 3 --runs 20 --export-json "$out/opcat_zoo.json" \
    -n opcat "$bin count $out/mxnet-zoo --convention mxop --format csv"

echo "== whole zoo: mxop 0.2.0 (34 Gluon nets, 68 counts; ~2 min a run) ==" >&2
hyperfine --style basic --runs "${MXOP_RUNS:-2}" --export-json "$out/mxop_zoo.json" \
    -n mxop "$py tools/bench_mxop_zoo.py --timings $out/mxop_per_model.csv"

echo "== per model: opcat ==" >&2
hyperfine --style none --warmup 2 --runs 10 --export-json "$out/opcat_per_model.json" \
    -L model "$models" "$bin count data/zoo/{model}-symbol.json --convention mxop --format csv"

zoo_models=$("$py" -c 'import json; print(len(json.load(open("data/zoo/manifest.json"))["models"]))')
echo "== ingest: the bundled zoo ($zoo_models models, both formats) into a new catalog, then a no-op re-ingest ==" >&2
rm -f "$out"/ingest*.sqlite*
hyperfine --style basic --runs 5 --prepare "rm -f $out/ingest.sqlite $out/ingest.sqlite-wal $out/ingest.sqlite-shm" \
    --export-json "$out/ingest_zoo.json" -n "ingest zoo" "$bin ingest data/zoo --db $out/ingest.sqlite"
"$bin" ingest data/zoo --db "$out/ingest.sqlite" 2>/dev/null
hyperfine --style basic --warmup 2 --runs 20 --export-json "$out/ingest_noop.json" \
    -n "re-ingest zoo (no-op)" "$bin ingest data/zoo --db $out/ingest.sqlite"

all_zoos="data/zoo $(ls -d data/zoos/*/ | sort | tr '\n' ' ')"
all_models=$("$py" -c 'import json, sys; print(sum(len(json.load(open(d.rstrip("/") + "/manifest.json"))["models"]) for d in sys.argv[1:]))' $all_zoos)
echo "== ingest: every bundled zoo ($all_models models: $all_zoos) into a new catalog, then a no-op re-ingest ==" >&2
hyperfine --style basic --runs "${FULL_ZOO_RUNS:-2}" --prepare "rm -f $out/ingest-all.sqlite $out/ingest-all.sqlite-wal $out/ingest-all.sqlite-shm" \
    --export-json "$out/ingest_all.json" -n "ingest all zoos" "$bin ingest $all_zoos --db $out/ingest-all.sqlite"
hyperfine --style basic --runs "${FULL_ZOO_RUNS:-2}" --prepare "rm -f $out/ingest-all1.sqlite $out/ingest-all1.sqlite-wal $out/ingest-all1.sqlite-shm" \
    --export-json "$out/ingest_all_j1.json" -n "ingest all zoos, one counting thread" "$bin ingest --jobs 1 $all_zoos --db $out/ingest-all1.sqlite"
"$bin" ingest $all_zoos --db "$out/ingest-all.sqlite" 2>/dev/null
hyperfine --style basic --warmup 1 --runs 5 --export-json "$out/ingest_all_noop.json" \
    -n "re-ingest all zoos (no-op)" "$bin ingest $all_zoos --db $out/ingest-all.sqlite"
echo "== the floor: SQLite inserting the same layer rows (INSERT ... SELECT, one transaction per model) ==" >&2
hyperfine --style basic --runs 3 --prepare "python3 tools/insert_floor.py $out/ingest-all.sqlite $out/floor" \
    --export-json "$out/insert_floor.json" -n "insert floor" "sqlite3 $out/floor/floor.sqlite < $out/floor/floor.sql"

echo "== ingest: a generated zoo of 1,000 models ==" >&2
rm -rf "$out/synthetic"
python3 tools/synthetic_zoo.py 1000 "$out/synthetic"
hyperfine --style basic --runs 3 --prepare "rm -f $out/ingest1k.sqlite $out/ingest1k.sqlite-wal $out/ingest1k.sqlite-shm" \
    --export-json "$out/ingest_1k.json" -n "ingest 1,000 models" "$bin ingest $out/synthetic --db $out/ingest1k.sqlite"
"$bin" ingest "$out/synthetic" --db "$out/ingest1k.sqlite" 2>/dev/null
hyperfine --style basic --warmup 1 --runs 5 --export-json "$out/ingest_1k_noop.json" \
    -n "re-ingest 1,000 (no-op)" "$bin ingest $out/synthetic --db $out/ingest1k.sqlite"
echo "== ONNX: opcat vs onnx-tool on the zoo's torchvision exports, with weights (zeros) ==" >&2
onnxpy="$(bash tools/setup_onnx_venv.sh)"
rm -rf "$out/onnx-full"
# The float ONNX models (onnx-tool cannot profile the quantized ones).
onnx_files=$("$py" -c 'import json; print(" ".join("data/zoo/" + m["file"] for m in json.load(open("data/zoo/manifest.json"))["models"] if m["format"] == "onnx" and "quantized_from" not in m))')
"$onnxpy" tools/onnx_tool_bench.py --fill-to "$out/onnx-full" $onnx_files
onnx_models=$(cd "$out/onnx-full" && ls *.onnx | sed 's/\.onnx$//' | paste -sd, -)
hyperfine --style none --warmup 1 --runs 10 --export-json "$out/opcat_onnx.json" \
    -L model "$onnx_models" "$bin count $out/onnx-full/{model}.onnx --format csv"
"$onnxpy" tools/onnx_tool_bench.py "$out"/onnx-full/*.onnx > "$out/onnx_tool_zoo.csv"

echo "== ONNX: a generated graph of 10,000 nodes (onnx-tool's practical limit) and 100,000 nodes ==" >&2
"$onnxpy" tools/make_large_onnx.py 10000 "$out/large-10k.onnx" --with-weights
"$onnxpy" tools/make_large_onnx.py 100000 "$out/large-100k.onnx" --with-weights
"$onnxpy" tools/make_large_onnx.py 100000 "$out/large-100k-stripped.onnx"
"$onnxpy" tools/onnx_tool_bench.py "$out/large-10k.onnx" > "$out/onnx_tool_10k.csv"
for name in large-10k large-100k large-100k-stripped; do
    /usr/bin/time -f "%e %M" -o "$out/$name.time" "$bin" count "$out/$name.onnx" --format csv > /dev/null
    echo "$(stat -c %s "$out/$name.onnx") $(cat "$out/$name.time")" > "$out/$name.time"
done

echo "== identity: ingest of the largest ONNX file with weights, beside counting it (no hash, no catalog) ==" >&2
largest=$(ls -S "$out"/onnx-full/*.onnx | head -1)
hyperfine --style basic --warmup 1 --runs 5 --export-json "$out/identity.json" \
    -n "count $(basename "$largest")" "$bin count $largest --format csv" \
    -n "ingest $(basename "$largest") --force" "$bin ingest $largest --db $out/identity.sqlite --force"
echo "$(stat -c %s "$largest")" > "$out/identity.size"

echo "== scale: counting generated graphs of 10k, 100k and 1M nodes, both formats ==" >&2
for n in 10000 100000 1000000; do
    python3 tools/make_large_symbol.py "$n" "$out/scale-$n-symbol.json"
    "$onnxpy" tools/make_large_onnx.py "$n" "$out/scale-$n.onnx"
    for f in "$out/scale-$n-symbol.json" "$out/scale-$n.onnx"; do
        /usr/bin/time -f "%e %M" -o "$f.time" "$bin" count "$f" --input 1x16x16x16 --format csv > /dev/null
        echo "$n $(stat -c %s "$f") $(cat "$f.time")" > "$f.time"
    done
done

echo "== queries on a catalog of 100,000 models ==" >&2
rm -f "$out/catalog-100k.sqlite"*
"$bin" ingest data/zoo --db "$out/catalog-100k.sqlite" 2>/dev/null
python3 tools/synthetic_catalog.py 100000 "$out/catalog-100k.sqlite"
# The floor is the bare process (`opcat --version`); whole answers (every row read) beside the
# ones SQLite cuts (ranked and limited, the front alone).
hyperfine --style basic --warmup 1 --runs 5 --export-json "$out/queries.json" \
    -n "opcat --version (floor)" "$bin --version" \
    -n "table --limit 10" "$bin table --db $out/catalog-100k.sqlite --limit 10 --format csv" \
    -n "table --sort top1 --desc --limit 10" "$bin table --db $out/catalog-100k.sqlite --sort top1 --desc --limit 10 --format csv" \
    -n "best --max-macs 2G --limit 10" "$bin best --db $out/catalog-100k.sqlite --max-macs 2G --limit 10 --format csv" \
    -n "best --max-macs 2G --backbone --limit 10" "$bin best --db $out/catalog-100k.sqlite --max-macs 2G --backbone --limit 10 --format csv" \
    -n "pareto" "$bin pareto --db $out/catalog-100k.sqlite --format csv" \
    -n "table (every row)" "$bin table --db $out/catalog-100k.sqlite --format csv" \
    -n "pareto --all (every point)" "$bin pareto --all --db $out/catalog-100k.sqlite --format csv"

layers_zoo=$("$py" -c "import sqlite3; print(sqlite3.connect('$out/ingest.sqlite').execute('select count(*) from layers').fetchone()[0])")
layers_1k=$("$py" -c "import sqlite3; print(sqlite3.connect('$out/ingest1k.sqlite').execute('select count(*) from layers').fetchone()[0])")
layers_all=$("$py" -c "import sqlite3; print(sqlite3.connect('$out/ingest-all.sqlite').execute('select count(*) from layers').fetchone()[0])")

"$py" - "$out" "$layers_zoo" "$layers_1k" "$zoo_models" "$layers_all" "$all_models" <<'PY'
import contextlib, csv, io, json, os, sys
out = sys.argv[1]
def mean(path): return json.load(open(path))["results"][0]["mean"]
details = io.StringIO()
with contextlib.redirect_stdout(details):
    opcat_zoo, mxop_zoo = mean(f"{out}/opcat_zoo.json"), mean(f"{out}/mxop_zoo.json")
    per_model = {r["parameters"]["model"]: r["mean"] for r in json.load(open(f"{out}/opcat_per_model.json"))["results"]}
    mxop_model = {r["model"]: float(r["seconds"]) for r in csv.DictReader(open(f"{out}/mxop_per_model.csv"))}
    print()
    print("| model | opcat (ms, whole process) | mxop (ms, in-process, net building included) | mxop / opcat |")
    print("|---|---:|---:|---:|")
    for name, seconds in per_model.items():
        m = mxop_model[name]
        print(f"| {name} | {seconds * 1e3:.1f} | {m * 1e3:.0f} | {m / seconds:.0f}x |")
    print()
    print(f"whole zoo, end to end (process start, imports and all): opcat {opcat_zoo * 1e3:.0f} ms, "
          f"mxop {mxop_zoo:.1f} s: opcat is {mxop_zoo / opcat_zoo:.0f}x faster")
    print()
    layers_zoo, layers_1k, zoo_models = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    layers_all, all_models = int(sys.argv[5]), int(sys.argv[6])
    print("| ingest | time | models/s | layer rows/s |")
    print("|---|---:|---:|---:|")
    for label, path, models, layers in [("bundled zoo, new catalog", "ingest_zoo", zoo_models, layers_zoo),
                                         ("bundled zoo, no-op re-ingest", "ingest_noop", zoo_models, 0),
                                         (f"every bundled zoo ({all_models} models), new catalog", "ingest_all", all_models, layers_all),
                                         (f"every bundled zoo, new catalog, --jobs 1", "ingest_all_j1", all_models, layers_all),
                                         ("every bundled zoo, no-op re-ingest", "ingest_all_noop", all_models, 0),
                                         ("1,000 generated models, new catalog", "ingest_1k", 1000, layers_1k),
                                         ("1,000 generated models, no-op re-ingest", "ingest_1k_noop", 1000, 0)]:
        t = mean(f"{out}/{path}.json")
        rows = f"{layers / t:,.0f}" if layers else "-"
        print(f"| {label} | {t * 1e3:,.0f} ms | {models / t:,.0f} | {rows} |")

    floor = mean(f"{out}/insert_floor.json")
    ingest_all = mean(f"{out}/ingest_all.json")
    print(f"\nlayer rows: SQLite's own INSERT ... SELECT of the same {layers_all:,} rows, one transaction per model, "
          f"{layers_all / floor:,.0f} rows/s ({floor:.1f} s); ingest, counting included, {layers_all / ingest_all:,.0f} rows/s: "
          f"{ingest_all / floor:.1f}x the floor's time")
    print()
    tool = {os.path.basename(r["file"]).removesuffix(".onnx"): float(r["seconds"]) for r in csv.DictReader(open(f"{out}/onnx_tool_zoo.csv"))}
    ours = {r["parameters"]["model"]: r["mean"] for r in json.load(open(f"{out}/opcat_onnx.json"))["results"]}
    print("| ONNX model (with weights) | file MB | opcat (ms, whole process) | onnx-tool (s, in-process) | onnx-tool / opcat |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(ours, key=lambda n: os.path.getsize(f"{out}/onnx-full/{n}.onnx")):
        size = os.path.getsize(f"{out}/onnx-full/{name}.onnx") / 1e6
        print(f"| {name} | {size:,.0f} | {ours[name] * 1e3:,.1f} | {tool[name]:.2f} | {tool[name] / ours[name]:,.0f}x |")
    print(f"| all {len(ours)} | | {sum(ours.values()) * 1e3:,.0f} | {sum(tool.values()):.1f} | {sum(tool.values()) / sum(ours.values()):,.0f}x |")
    print()
    print("| generated ONNX graph | file MB | opcat time (s) | opcat peak RSS (MB) |")
    print("|---|---:|---:|---:|")
    for name, label in [("large-10k", "10,000 nodes, weights"), ("large-100k", "100,000 nodes, weights"),
                        ("large-100k-stripped", "100,000 nodes, stripped")]:
        size, seconds, rss = open(f"{out}/{name}.time").read().split()
        print(f"| {label} | {int(size) / 1e6:,.0f} | {float(seconds):.2f} | {int(rss) / 1024:,.0f} |")
    print()
    print("| generated graph | nodes | file MB | count time (s) | time per 100k nodes (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in (10000, 100000, 1000000):
        for path, label in ((f"{out}/scale-{n}-symbol.json", "MXNet symbol"), (f"{out}/scale-{n}.onnx", "ONNX, stripped")):
            _, size, seconds, rss = open(path + ".time").read().split()
            print(f"| {label} | {n:,} | {int(size) / 1e6:,.1f} | {float(seconds):.2f} | {float(seconds) / n * 1e5:.2f} | {int(rss) / 1024:,.0f} |")
    print()
    print("| query on 100,000 models | mean (ms) | × the bare process |")
    print("|---|---:|---:|")
    queries = json.load(open(f"{out}/queries.json"))["results"]
    bare = queries[0]["mean"]
    for r in queries:
        print(f"| {r['command']} | {r['mean'] * 1e3:,.0f} | {r['mean'] / bare:,.1f} |")
    tool10k = float(next(csv.DictReader(open(f"{out}/onnx_tool_10k.csv")))["seconds"])
    ours10k = float(open(f"{out}/large-10k.time").read().split()[1])
    print(f"\n10,000-node graph: onnx-tool {tool10k:.1f} s (in-process) vs opcat {ours10k:.2f} s: {tool10k / ours10k:,.0f}x")

# One table: each figure beside the floor or peer measured in the same run, and the target.
def row(what, ours, floor_label, floor, target=""):
    ratio = f"{ours / floor:,.2f}x" if floor else "-"
    return f"| {what} | {ours:,.3f} s | {floor_label} | {floor:,.3f} s | {ratio} | {target} |"
queries = json.load(open(f"{out}/queries.json"))["results"]
bare = queries[0]["mean"]
identity = json.load(open(f"{out}/identity.json"))["results"]
rows = [
    "| figure | opcat | floor or peer, same run | its time | opcat / it | target |",
    "|---|---:|---|---:|---:|---|",
    row("count the seed zoo's 34 MXNet graphs (full + backbone)", opcat_zoo, "mxop 0.2.0, the same counts", mxop_zoo),
    row(f"count the {len(ours)} torchvision ONNX files with weights", sum(ours.values()), "onnx-tool 1.0.1",
        sum(tool.values())),
    row("count a 10,000-node ONNX graph", ours10k, "onnx-tool 1.0.1", tool10k),
    row(f"ingest every bundled zoo ({all_models} models, {layers_all:,} layer rows), new catalog", ingest_all,
        "SQLite INSERT ... SELECT of the same rows", floor, "< 10 s; rows within 2x the floor"),
    row("the same, --jobs 1", mean(f"{out}/ingest_all_j1.json"), "SQLite INSERT ... SELECT of the same rows", floor),
    row("no-op re-ingest of every bundled zoo", mean(f"{out}/ingest_all_noop.json"), "opcat --version", bare,
        "< 0.3 s"),
    row(f"ingest {identity[1]['command'].split()[1]} ({int(open(out + '/identity.size').read()) / 1e6:,.0f} MB, weights)",
        identity[1]["mean"], "counting it, no hash, no catalog", identity[0]["mean"]),
]
for n in (10000, 100000, 1000000):
    for path, label in ((f"{out}/scale-{n}-symbol.json", "MXNet symbol"), (f"{out}/scale-{n}.onnx", "ONNX, stripped")):
        _, size, seconds, rss = open(path + ".time").read().split()
        per = int(rss) * 1024 / n
        rows.append(f"| count a {n:,}-node {label} graph | {float(seconds):,.3f} s | "
                    f"{float(seconds) / n * 1e6:.1f} µs and {per:,.0f} bytes (peak RSS) per node | | | "
                    f"{'< 500 bytes per node, linear' if n == 1000000 else ''} |")
for r in queries[1:]:
    rows.append(row(f"{r['command']} (100,000 models)", r["mean"], "opcat --version", bare, "within 2x"))
summary = "\n".join(rows)
print(summary)
print()
print(f"details (per model, per graph, per query): {out}/details.md")
open(f"{out}/summary.md", "w").write(summary + "\n")
open(f"{out}/details.md", "w").write(details.getvalue())
PY

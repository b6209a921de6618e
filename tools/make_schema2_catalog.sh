#!/usr/bin/env bash
# Makes Tests/Fixtures/catalogs/schema2.sqlite: a catalog written by the last schema-2 release of
# opcat (commit a30c133), for the test that migrates it to the current schema and checks that no
# figure is lost. It is made once and committed; running this again needs that release's binary:
#
#   git worktree add /tmp/opcat-schema2 a30c133 && (cd /tmp/opcat-schema2 && swift build)
#   tools/make_schema2_catalog.sh /tmp/opcat-schema2/.build/debug/opcat
#
# It holds: four zoo models (MXNet, ONNX, a quantized one with its float parent) with their
# manifest metrics, one of them at a second input, and a single file with a --top1 of its own.
set -euo pipefail
opcat=${1:?usage: tools/make_schema2_catalog.sh PATH-TO-SCHEMA-2-OPCAT}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Tests/Fixtures/catalogs/schema2.sqlite"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zoo="$work/zoo"
mkdir -p "$zoo"
names='["squeezenet1.1", "resnet18", "mobilenet1.0", "mobilenet1.0_int8"]'
python3 - "$root/data/zoo/manifest.json" "$zoo/manifest.json" "$names" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
wanted = json.loads(sys.argv[3])
manifest["models"] = [m for m in manifest["models"] if m["name"] in wanted]
json.dump(manifest, open(sys.argv[2], "w"), indent=1)
PY
for name in squeezenet1.1-symbol.json resnet18.onnx mobilenet1.0-symbol.json mobilenet1.0_int8-symbol.json; do
    cp "$root/data/zoo/$name" "$zoo/"
done
rm -f "$out"
"$opcat" ingest "$zoo" --db "$out"
"$opcat" ingest "$zoo/squeezenet1.1-symbol.json" --db "$out" --name squeezenet1.1 --input 1x3x320x320
cp "$root/data/zoo/alexnet-symbol.json" "$work/"
"$opcat" ingest "$work/alexnet-symbol.json" --db "$out" --name alexnet_custom --family custom \
    --top1 55.1% --metric-source "a schema-2 fixture figure"
sqlite3 "$out" "PRAGMA journal_mode = DELETE; VACUUM;" >/dev/null
echo "wrote $out ($(wc -c <"$out") bytes)"

#!/usr/bin/env bash
# Regenerate everything in data/reference/ and data/zoo/ from scratch.
#
#   1. tools/setup_mxnet_venv.sh   venv with mxnet==1.9.1 numpy==1.23.5 mxop==0.2.0
#   2. tools/extract_seed_table.py data/reference/seed_table.csv (from the seed write-up)
#   3. tools/export_mxnet_zoo.py   data/zoo/*-symbol.json + manifest.json (reads step 2's CSV)
#   4. tools/mxop_reference.py     data/reference/mxop_zoo.csv
#   5. tools/mxnet_op_fixtures.py  Tests/Fixtures/mxnet_ops/cases.json (MXNet's infer_shape on small graphs)
#
# Usage: bash tools/regenerate_zoo.sh [SEED_FILE]
#   SEED_FILE is passed to extract_seed_table.py (default ../shared/seed/000_95165ccf6b526930.txt
#   relative to the repo root). OPCAT_MXNET_VENV / OPCAT_PYTHON are honoured as in
#   setup_mxnet_venv.sh. Takes about 4 minutes on a CPU; downloads nothing but the packages.
set -euo pipefail

tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$tools/.."

py="$(bash "$tools/setup_mxnet_venv.sh")"
echo "regenerate_zoo: using $py" >&2

"$py" "$tools/extract_seed_table.py" "$@"
"$py" "$tools/export_mxnet_zoo.py"
"$py" "$tools/mxop_reference.py"
"$py" "$tools/mxnet_op_fixtures.py"

echo "regenerate_zoo: done; review with: git status --short data/ Tests/Fixtures/" >&2

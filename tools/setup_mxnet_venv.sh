#!/usr/bin/env bash
# Create (or reuse) the Python venv used by the MXNet reference tooling in tools/.
#
# The venv holds exactly the pinned packages the reference data in data/ was made with:
#     mxnet==1.9.1  numpy==1.23.5  mxop==0.2.0
# and gluoncv==0.10.5.post0 for the GluonCV corpus (tools/export_gluoncv_corpus.py).
# (plus their own dependencies, as pip resolves them). MXNet 1.9.1 ships a py3-none
# manylinux wheel with a bundled libmxnet.so, so no system packages are needed.
#
# Usage:
#     bash tools/setup_mxnet_venv.sh            # venv at <repo>/.venv-mxnet
#     OPCAT_MXNET_VENV=/some/dir bash tools/setup_mxnet_venv.sh
#     OPCAT_PYTHON=python3.11 bash tools/setup_mxnet_venv.sh   # interpreter used to create it
#
# Idempotent: if the venv already has the pinned versions and they import, nothing is
# installed. Progress goes to stderr; the only line on stdout is the venv's python path,
# so callers can do  PY="$(bash tools/setup_mxnet_venv.sh)".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo_root/tools/venv_lib.sh"

# numpy 1.23.5 has wheels for CPython 3.8-3.11 only.
# gluoncv (tools/export_gluoncv_corpus.py) comes with its dependencies pinned to releases that
# accept numpy 1.23.5: left to itself, pip upgrades numpy to 2.x and MXNet stops importing.
ensure_venv setup_mxnet_venv "${OPCAT_MXNET_VENV:-$repo_root/.venv-mxnet}" "3.8" "3.11" \
    "import mxnet, numpy, mxop.gluon, gluoncv.model_zoo  # they must import, not just be listed" \
    "mxnet==1.9.1" "numpy==1.23.5" "mxop==0.2.0" "gluoncv==0.10.5.post0" "scipy==1.10.1" "pandas==1.5.3" \
    "matplotlib==3.7.5" "opencv-python==4.8.1.78"

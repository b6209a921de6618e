# Shared by tools/setup_{mxnet,onnx,torch}_venv.sh; source it, do not run it.
#
# ensure_venv NAME VENV MIN_PY MAX_PY CHECK_PY PIN...
#   Creates (or reuses) the venv at VENV with exactly the pinned packages PIN... (pins use
#   `==`, or `===` for an exact string without a local version label). CHECK_PY is extra
#   Python run inside the venv after the versions match (imports that must succeed, files
#   that must exist); it must exit non-zero when the venv is not usable. MIN_PY / MAX_PY
#   ("3.10", or "" for no bound) only produce a warning when the base interpreter
#   ($OPCAT_PYTHON, default python3) is outside the range the pinned wheels exist for.
#   Progress goes to stderr; on success the venv's python path is the only line on stdout.

ensure_venv() {
    local name="$1" venv="$2" min_py="$3" max_py="$4" check_py="$5"
    shift 5
    local pins=("$@")
    local base_python="${OPCAT_PYTHON:-python3}"

    log() { echo "$name: $*" >&2; }

    venv_is_good() {
        [ -x "$venv/bin/python" ] || return 1
        "$venv/bin/python" -c "
import re, sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    dist, want = re.split(r'===?', pin)
    if version(dist) != want:
        sys.exit(1)
$check_py" "${pins[@]}" >/dev/null 2>&1
    }

    if venv_is_good; then
        log "$venv already has ${pins[*]}; nothing to do"
    else
        if [ ! -x "$venv/bin/python" ]; then
            if ! "$base_python" -c "
import sys
v = sys.version_info[:2]
lo = tuple(map(int, '$min_py'.split('.'))) if '$min_py' else v
hi = tuple(map(int, '$max_py'.split('.'))) if '$max_py' else v
sys.exit(0 if lo <= v <= hi else 1)"; then
                log "warning: $("$base_python" --version 2>&1) is outside ${min_py:-any}-${max_py:-any}; ${pins[*]} may not install"
            fi
            log "creating venv $venv with $("$base_python" --version 2>&1)"
            "$base_python" -m venv "$venv"
        fi
        log "installing ${pins[*]}"
        "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "${pins[@]}" >&2
        if ! venv_is_good; then
            log "error: $venv still does not provide a working ${pins[*]}"
            return 1
        fi
    fi
    echo "$venv/bin/python"
}

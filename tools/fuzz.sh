#!/usr/bin/env bash
# make fuzz: build the libFuzzer targets (Sources/Fuzz*) and run each on a corpus seeded from
# the repository's models, manifests and fixtures.
#
# Usage: bash tools/fuzz.sh [SECONDS per target (default 600)] [TARGET...]
#   targets: FuzzMXNet FuzzONNX FuzzManifest FuzzSyntax (default: all); two run at a time.
# Crashes land in .build-fuzz/crashes/<target>/; copy each into Tests/Fixtures/fuzz/<kind>/,
# where FuzzRegressionTests replays it and requires a clear error instead of a crash.
# Stats (runs, exec/s, corpus size, coverage) go to .build-fuzz/stats/<target>.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzMXNet FuzzONNX FuzzManifest FuzzSyntax)
scratch=.build-fuzz
export SWIFT_BACKTRACE=enable=no  # let libFuzzer, not the Swift backtracer, catch the crash

for target in "${targets[@]}"; do
    OPCAT_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "$target" -Xswiftc -use-ld=lld \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
done
bin="$(OPCAT_FUZZ=1 swift build -c release --scratch-path "$scratch" --show-bin-path)"

# Seed corpora (rebuilt each run; libFuzzer adds what it finds to them).
seed() {
    local target="$1" dir="$scratch/corpus/$1"
    mkdir -p "$dir"
    case "$target" in
        FuzzMXNet)
            cp data/zoo/*-symbol.json Tests/Fixtures/quantized/mxnet/*.json "$dir"/ 2>/dev/null || true
            python3 - "$dir" <<'PY'
import json, sys
cases = json.load(open("Tests/Fixtures/mxnet_ops/cases.json"))["cases"]
for i, case in enumerate(cases):
    open(f"{sys.argv[1]}/fixture-{i:04d}.json", "w").write(json.dumps(case["symbol"]))
PY
            cp Tests/Fixtures/fuzz/mxnet/* "$dir"/ 2>/dev/null || true ;;
        FuzzONNX)
            find data/zoo Tests/Fixtures/quantized/onnx -name '*.onnx' -size -200k -exec cp {} "$dir"/ \;
            python3 - "$dir" <<'PY'
import base64, json, sys
cases = json.load(open("Tests/Fixtures/onnx_node_tests/cases.json"))["cases"]
for case in cases:
    open(f"{sys.argv[1]}/{case['name']}.onnx", "wb").write(base64.b64decode(case["model"]))
PY
            cp Tests/Fixtures/fuzz/onnx/* "$dir"/ 2>/dev/null || true ;;
        FuzzManifest)
            cp data/zoo/manifest.json "$dir"/
            cp Tests/Fixtures/fuzz/manifest/* "$dir"/ 2>/dev/null || true ;;
        FuzzSyntax)
            for s in 1x3x224x224 data:1x3x224x224 "(1, 3, 224, 224)" 2G 30M 1.5G 500k 2000000 7T x:1x0; do
                printf '%s' "$s" > "$dir/$(printf '%s' "$s" | md5sum | cut -c1-12)"
            done
            cp Tests/Fixtures/fuzz/syntax/* "$dir"/ 2>/dev/null || true ;;
    esac
}

run() {
    local target="$1"
    mkdir -p "$scratch/crashes/$target" "$scratch/stats"
    seed "$target"
    set +e
    "$bin/$target" "$scratch/corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=4000000 -print_final_stats=1 -artifact_prefix="$scratch/crashes/$target/" \
        > "$scratch/stats/$target.log" 2>&1
    local status=$?
    set -e
    grep -E "^stat::|Done|INFO: Loaded|cov:" "$scratch/stats/$target.log" | tail -12 > "$scratch/stats/$target.txt"
    local runs execs
    runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$scratch/stats/$target.log" | grep -oE "[0-9]+$" || echo 0)
    execs=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$scratch/stats/$target.log" | grep -oE "[0-9]+$" || echo 0)
    local crashes
    crashes=$(find "$scratch/crashes/$target" -type f | wc -l)
    echo "$target: ${seconds}s, $runs runs, $execs exec/s, $crashes crash files, exit $status"
    if [ "$crashes" -ne 0 ] || [ "$status" -ne 0 ]; then
        # A CI machine keeps nothing but this output: print the report and the input itself
        # (base64, when small enough to paste into Tests/Fixtures/fuzz/<kind>/).
        echo "--- $target: what libFuzzer reported (last 60 lines of $scratch/stats/$target.log)"
        tail -60 "$scratch/stats/$target.log"
        find "$scratch/crashes/$target" -type f | head -3 | while read -r file; do
            local size
            size=$(stat -c %s "$file")
            echo "--- $target: $(basename "$file") ($size bytes)"
            if [ "$size" -le 65536 ]; then base64 -w 0 "$file"; echo; else echo "(too large to print)"; fi
        done
    fi
    [ "$crashes" -eq 0 ] && [ "$status" -eq 0 ]
}

failed=0
pids=()
for target in "${targets[@]}"; do
    run "$target" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed

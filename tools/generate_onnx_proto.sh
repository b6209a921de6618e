#!/usr/bin/env bash
# Regenerate Sources/ModelFormats/ONNX/onnx.pb.swift from the onnx.proto that the onnx wheel ships.
# Run once when the ONNX schema should move; the generated file is committed, so builds need no protoc.
#
# Needs: protoc (Debian: apt-get install protobuf-compiler), pip, and the swift-protobuf package this
# project depends on (its checkout under .build/checkouts after `swift package resolve`), from which
# protoc-gen-swift is built at the same version as the runtime.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
onnx_version="${ONNX_VERSION:-1.22.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift package resolve
plugin_src=.build/checkouts/swift-protobuf
swift build -c release --package-path "$plugin_src" --product protoc-gen-swift >&2
plugin="$plugin_src/.build/release/protoc-gen-swift"

pip download --quiet --no-deps --dest "$work" "onnx==$onnx_version"
(cd "$work" && unzip -q -o onnx-*.whl onnx/onnx.proto)
protoc --plugin=protoc-gen-swift="$plugin" --swift_out="$work" --swift_opt=Visibility=Public \
    -I "$work/onnx" "$work/onnx/onnx.proto"
cp "$work/onnx.pb.swift" Sources/ModelFormats/ONNX/onnx.pb.swift
echo "generated Sources/ModelFormats/ONNX/onnx.pb.swift from onnx $onnx_version ($($plugin --version))" >&2

// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "opcat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "opcat", targets: ["opcat"]),
        .library(name: "OpCount", targets: ["OpCount"]),
        .library(name: "ModelFormats", targets: ["ModelFormats"]),
        .library(name: "Catalog", targets: ["Catalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The counter: graph IR, shape inference, the op registry and its formulas, reports.
        // No file formats and no I/O.
        .target(name: "OpCount"),
        // Readers that translate model files (MXNet symbol JSON, zoo manifests) into the IR.
        // ONNX/onnx.pb.swift is generated once from onnx 1.22.0's onnx.proto (tools/generate_onnx_proto.sh).
        .target(
            name: "ModelFormats",
            dependencies: ["OpCount", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The one owner of SQLite: schema (migrations/*.sql, embedded at build time), ingest, queries.
        .target(
            name: "Catalog",
            dependencies: ["OpCount", "ModelFormats", "CZlib", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Migrations"],
            plugins: ["MigrationsPlugin"]),
        // The system's zlib, for the compressed definitions in the catalog.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .executableTarget(name: "MigrationsGen", path: "Sources/MigrationsGen"),
        .plugin(
            name: "MigrationsPlugin", capability: .buildTool(), dependencies: ["MigrationsGen"],
            path: "Sources/MigrationsPlugin"),
        // The command-line tool: argument parsing and rendering only.
        .executableTarget(
            name: "opcat",
            dependencies: [
                "OpCount", "ModelFormats", "Catalog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The pipeline the fuzz targets run, also replayed by the regression tests.
        .target(name: "FuzzHarness", dependencies: ["OpCount", "ModelFormats"]),
        .testTarget(name: "OpCountTests", dependencies: ["OpCount"]),
        .testTarget(name: "ModelFormatsTests", dependencies: ["ModelFormats", "OpCount", "FuzzHarness"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "ModelFormats", "OpCount"]),
        .testTarget(name: "opcatTests", dependencies: ["opcat", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)

// libFuzzer targets, built only by `make fuzz` (tools/fuzz.sh sets OPCAT_FUZZ=1 and -sanitize=fuzzer):
// a plain build cannot link them, since libFuzzer's driver comes with the sanitizer.
if ProcessInfo.processInfo.environment["OPCAT_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver"))
    for name in ["FuzzMXNet", "FuzzONNX", "FuzzManifest", "FuzzSyntax"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["FuzzHarness", "FuzzDriver"]))
    }
}

import Foundation
import OpCount

/// A model zoo directory: `manifest.json` naming each model's file, input, backbone end and
/// accuracy figures with their source (written by `tools/export_mxnet_zoo.py`).
public struct ZooManifest: Sendable, Codable {
    public var formatVersion: Int
    /// The zoo's name (seed, gluoncv, torchvision, timm …); the directory's name when not given.
    public var zoo: String?
    public var models: [Entry]

    public init(formatVersion: Int, models: [Entry]) {
        self.formatVersion = formatVersion
        self.models = models
    }

    public struct Entry: Sendable, Codable, Hashable {
        public var name: String
        /// The name as a published table prints it (e.g. `MobileNet_v1_1.00`).
        public var displayName: String?
        public var family: String?
        public var format: String
        /// Path of the model file, relative to the manifest.
        public var file: String
        public var input: Input
        /// The node whose ancestors form the backbone (the model without its classifier).
        public var backboneEnd: String?
        public var metrics: [Metric]
        /// For a quantized model: the zoo name of the float model it was made from.
        public var quantizedFrom: String?
        /// Named weights of the model with their own figures, besides `metrics` (which are the
        /// figures of the checkpoint named after the model, evaluated at `input`).
        public var checkpoints: [Checkpoint]?
        /// Measured speed of the model at an input on a device (not of a checkpoint).
        public var measurements: [Measurement]?

        enum CodingKeys: String, CodingKey {
            case name, family, format, file, input, metrics, checkpoints, measurements
            case displayName = "display_name"
            case backboneEnd = "backbone_end"
            case quantizedFrom = "quantized_from"
        }

        public func metric(_ name: String) -> Double? { metrics.first { $0.metric == name }?.value }

        /// The input the manifest counts the model at.
        public var inputBindings: [InputBinding] { [InputBinding(name: input.name, shape: input.shape)] }

        /// The manifest's backbone end, or a proposal when it names none.
        public var backbone: BackboneChoice { backboneEnd.map(BackboneChoice.node) ?? .propose }

        /// Every checkpoint the entry gives figures for: the one named after the model (its
        /// `metrics`, evaluated at `input`) when it has figures, then those it lists.
        public var allCheckpoints: [Checkpoint] {
            let listed = checkpoints ?? []
            guard !metrics.isEmpty, !listed.contains(where: { $0.name == name }) else { return listed }
            return [Checkpoint(name: name, evalInput: input, metrics: metrics)] + listed
        }
    }

    /// A named set of weights of a model: the input its figures were measured at (the model's
    /// input when not given), how images were prepared, its pretraining and where it comes from.
    public struct Checkpoint: Sendable, Codable, Hashable {
        public var name: String
        public var evalInput: Input?
        /// The centre-crop fraction of the evaluation (timm's `crop_pct`).
        public var cropFraction: Double?
        /// The resize interpolation of the evaluation (bicubic, bilinear …).
        public var interpolation: String?
        /// Pretraining tags, comma-separated (`in22k`, `distilled` …).
        public var pretraining: String?
        /// Where the weights come from.
        public var source: String?
        public var metrics: [Metric]

        enum CodingKeys: String, CodingKey {
            case name, interpolation, pretraining, source, metrics
            case evalInput = "eval_input"
            case cropFraction = "crop_fraction"
        }

        public init(
            name: String, evalInput: Input? = nil, cropFraction: Double? = nil, interpolation: String? = nil,
            pretraining: String? = nil, source: String? = nil, metrics: [Metric] = []
        ) {
            self.name = name
            self.evalInput = evalInput
            self.cropFraction = cropFraction
            self.interpolation = interpolation
            self.pretraining = pretraining
            self.source = source
            self.metrics = metrics
        }
    }

    /// A measured speed: of the model at `input` (one sample) on `device`, at `precision` and
    /// `batchSize`, e.g. `samples_per_sec` 2,345.6 on an RTX 4090 with AMP at batch 256.
    public struct Measurement: Sendable, Codable, Hashable {
        public var input: Input
        public var device: String
        public var precision: String
        public var batchSize: Int
        public var metric: String
        public var value: Double
        public var source: String

        enum CodingKeys: String, CodingKey {
            case input, device, precision, metric, value, source
            case batchSize = "batch_size"
        }

        public init(
            input: Input, device: String, precision: String, batchSize: Int, metric: String, value: Double,
            source: String
        ) {
            self.input = input
            self.device = device
            self.precision = precision
            self.batchSize = batchSize
            self.metric = metric
            self.value = value
            self.source = source
        }
    }

    public struct Input: Sendable, Codable, Hashable {
        public var name: String?
        public var shape: [Int]

        public init(name: String?, shape: [Int]) {
            self.name = name
            self.shape = shape
        }
    }

    public struct Metric: Sendable, Codable, Hashable {
        public var dataset: String
        public var metric: String
        public var value: Double
        public var source: String

        public init(dataset: String, metric: String, value: Double, source: String) {
            self.dataset = dataset
            self.metric = metric
            self.value = value
            self.source = source
        }
    }

    enum CodingKeys: String, CodingKey {
        case models, zoo
        case formatVersion = "format_version"
    }

    public static let fileName = "manifest.json"
    public static let supportedFormatVersion = 1

    /// Reads `manifest.json` in `directory`.
    public static func load(directory: URL) throws -> ZooManifest {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: url.relativePath)
    }

    /// Parses and checks manifest bytes; `file` names them in errors.
    public static func decode(_ data: Data, file: String) throws -> ZooManifest {
        let url = URL(fileURLWithPath: file)
        let manifest: ZooManifest
        do {
            manifest = try JSONDecoder().decode(ZooManifest.self, from: data)
        } catch let error as DecodingError {
            throw ModelFormatError.malformed(
                file: url.relativePath, reason: "not a zoo manifest: \(MXNetSymbolReader.describe(error))")
        } catch {
            throw ModelFormatError.malformed(file: url.relativePath, reason: "not valid JSON: \(error)")
        }
        guard manifest.formatVersion <= supportedFormatVersion else {
            throw ModelFormatError.malformed(
                file: url.relativePath,
                reason:
                    "manifest format \(manifest.formatVersion) is newer than this opcat reads (\(supportedFormatVersion)); upgrade opcat"
            )
        }
        if let reason = manifest.zoo?.unprintableReason("zoo name") {
            throw ModelFormatError.malformed(file: url.relativePath, reason: reason)
        }
        var seen = Set<String>()
        for entry in manifest.models {
            var names: [(String, String?)] = [
                ("model name", entry.name), ("display name", entry.displayName), ("family", entry.family),
                ("quantized_from", entry.quantizedFrom),
            ]
            names += (entry.checkpoints ?? []).map { ("checkpoint", $0.name) }
            for metric in entry.metrics + (entry.checkpoints ?? []).flatMap(\.metrics) {
                names += [("metric source", metric.source), ("dataset", metric.dataset), ("metric", metric.metric)]
            }
            for m in entry.measurements ?? [] {
                names += [
                    ("measurement device", m.device), ("measurement precision", m.precision),
                    ("measurement metric", m.metric), ("measurement source", m.source),
                ]
                guard m.batchSize >= 1, m.value.isFinite, m.value >= 0, !m.device.isEmpty, !m.metric.isEmpty,
                    !m.precision.isEmpty, !m.source.isEmpty
                else {
                    throw ModelFormatError.malformed(
                        file: url.relativePath,
                        reason:
                            "model '\(entry.name)': a measurement needs a device, precision, metric and source, a batch size of at least 1 and a value of at least 0"
                    )
                }
            }
            for case (let what, let name?) in names {
                if let reason = name.unprintableReason(what) {
                    throw ModelFormatError.malformed(file: url.relativePath, reason: reason)
                }
            }
            guard seen.insert(entry.name).inserted else {
                throw ModelFormatError.malformed(
                    file: url.relativePath, reason: "model '\(entry.name)' is listed twice")
            }
            guard !entry.file.isEmpty, !entry.file.hasPrefix("/"), !entry.file.split(separator: "/").contains("..")
            else {
                throw ModelFormatError.malformed(
                    file: url.relativePath,
                    reason: "model '\(entry.name)': file '\(entry.file)' must be a path inside the zoo directory")
            }
            let inputs =
                [entry.input] + (entry.checkpoints ?? []).compactMap(\.evalInput)
                + (entry.measurements ?? []).map(\.input)
            if let bad = inputs.flatMap(\.shape).first(where: { $0 < 1 || $0 > ShapeSyntax.maximumDimension }) {
                throw ModelFormatError.malformed(
                    file: url.relativePath, reason: "model '\(entry.name)': input dimension \(bad) is out of range")
            }
            var checkpointNames = Set<String>()
            for checkpoint in entry.checkpoints ?? [] {
                guard !checkpoint.name.isEmpty, checkpointNames.insert(checkpoint.name).inserted else {
                    throw ModelFormatError.malformed(
                        file: url.relativePath,
                        reason: "model '\(entry.name)': checkpoint '\(checkpoint.name)' is empty or listed twice")
                }
                if let crop = checkpoint.cropFraction, !(crop > 0 && crop <= 1) {
                    throw ModelFormatError.malformed(
                        file: url.relativePath,
                        reason:
                            "model '\(entry.name)': checkpoint '\(checkpoint.name)' has crop fraction \(crop), not in (0, 1]"
                    )
                }
            }
        }
        return manifest
    }

    /// Whether `directory` holds a manifest.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    /// The entry whose file is `url`, if `url` lies in a zoo directory; a manifest beside the
    /// file that cannot be read is an error, not silently ignored.
    public static func entry(for url: URL) throws -> Entry? {
        let directory = url.deletingLastPathComponent()
        guard exists(in: directory) else { return nil }
        return try load(directory: directory).models.first { $0.file == url.lastPathComponent }
    }
}

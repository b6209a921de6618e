import Foundation
import Testing

/// The manifest format as documented: docs/manifest.schema.json validates every bundled
/// manifest, the example in docs/manifest.md, and what `opcat manifest init` writes, and refuses
/// what opcat would misread. The validator below implements the part of JSON Schema 2020-12 the
/// schema uses (type, const, enum, required, properties, additionalProperties, items, minItems,
/// minLength, minimum, maximum, exclusiveMinimum, $ref into $defs) and fails on any other keyword,
/// so the schema cannot grow past what is checked.
struct ManifestTests {
    typealias CLI = CLITests

    struct Validator {
        var root: [String: Any]
        static let known: Set<String> = [
            "$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "required", "properties",
            "additionalProperties", "items", "minItems", "minLength", "minimum", "maximum", "exclusiveMinimum", "$ref",
        ]

        func errors(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
            if let unknown = schema.keys.first(where: { !Self.known.contains($0) }) {
                return ["\(path): the schema uses '\(unknown)', which this validator does not check"]
            }
            if let ref = schema["$ref"] as? String {
                let name = String(ref.dropFirst("#/$defs/".count))
                guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else {
                    return ["\(path): unresolved \(ref)"]
                }
                return errors(value, target, at: path)
            }
            var found: [String] = []
            if let type = schema["type"] as? String, !Self.matches(value, type) {
                return ["\(path): not of type \(type)"]
            }
            if let constant = schema["const"], !Self.equal(value, constant) { found.append("\(path): not \(constant)") }
            if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
                found.append("\(path): not one of \(options)")
            }
            if let s = value as? String, let min = schema["minLength"] as? Int, s.count < min {
                found.append("\(path): shorter than \(min)")
            }
            if let n = (value as? NSNumber)?.doubleValue {
                if let min = (schema["minimum"] as? NSNumber)?.doubleValue, n < min {
                    found.append("\(path): < \(min)")
                }
                if let max = (schema["maximum"] as? NSNumber)?.doubleValue, n > max {
                    found.append("\(path): > \(max)")
                }
                if let min = (schema["exclusiveMinimum"] as? NSNumber)?.doubleValue, n <= min {
                    found.append("\(path): ≤ \(min)")
                }
            }
            if let array = value as? [Any] {
                if let min = schema["minItems"] as? Int, array.count < min {
                    found.append("\(path): fewer than \(min) items")
                }
                if let items = schema["items"] as? [String: Any] {
                    for (i, item) in array.enumerated() { found += errors(item, items, at: "\(path)[\(i)]") }
                }
            }
            if let object = value as? [String: Any] {
                let properties = schema["properties"] as? [String: Any] ?? [:]
                for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                    found.append("\(path): '\(key)' is required")
                }
                for (key, item) in object {
                    if let property = properties[key] as? [String: Any] {
                        found += errors(item, property, at: "\(path).\(key)")
                    } else if schema["additionalProperties"] as? Bool == false {
                        found.append("\(path): '\(key)' is not a known key")
                    }
                }
            }
            return found
        }

        static func matches(_ value: Any, _ type: String) -> Bool {
            // (The schema has no boolean: JSONSerialization's numbers and booleans are both NSNumber.)
            switch type {
            case "object": return value is [String: Any]
            case "array": return value is [Any]
            case "string": return value is String
            case "number": return value is NSNumber
            case "integer":
                guard let n = value as? NSNumber else { return false }
                return n.doubleValue == n.doubleValue.rounded()
            default: return false
            }
        }

        static func equal(_ a: Any, _ b: Any) -> Bool {
            if let a = a as? String, let b = b as? String { return a == b }
            if let a = a as? NSNumber, let b = b as? NSNumber { return a == b }
            return false
        }
    }

    static func json(_ url: URL) throws -> Any { try JSONSerialization.jsonObject(with: Data(contentsOf: url)) }

    static func check(_ value: Any) -> [String] {
        let schema = try! json(CLI.root.appendingPathComponent("docs/manifest.schema.json")) as! [String: Any]
        let validator = Validator(root: schema)
        return validator.errors(value, schema)
    }

    @Test("every bundled manifest and the documented example follow docs/manifest.schema.json")
    func bundled() throws {
        let manifests = ["data/zoo", "data/zoos/gluoncv", "data/zoos/torchvision", "data/zoos/timm"]
        for dir in manifests {
            let errors = Self.check(try Self.json(CLI.root.appendingPathComponent("\(dir)/manifest.json")))
            #expect(errors.isEmpty, "\(dir): \(errors.prefix(5))")
        }
        let doc = try String(contentsOf: CLI.root.appendingPathComponent("docs/manifest.md"), encoding: .utf8)
        let example = try #require(doc.firstMatch(of: #/```json\n(?<body>[\s\S]*?)```/#)).body
        let value = try JSONSerialization.jsonObject(with: Data(example.utf8))
        #expect(Self.check(value).isEmpty, "\(Self.check(value))")
    }

    @Test("the schema refuses what opcat would misread or refuse")
    func refusals() throws {
        let good: [String: Any] = [
            "format_version": 1,
            "models": [
                ["name": "m", "format": "onnx", "file": "m.onnx", "input": ["shape": [1, 3, 8, 8]], "metrics": []]
            ],
        ]
        #expect(Self.check(good).isEmpty)
        func with(_ change: (inout [String: Any]) -> Void) -> [String] {
            var model = (good["models"] as! [[String: Any]])[0]
            change(&model)
            return Self.check(["format_version": 1, "models": [model]])
        }
        #expect(!with { $0["backbone-end"] = "x" }.isEmpty, "a misspelt key")
        #expect(!with { $0["file"] = nil }.isEmpty, "no file")
        #expect(!with { $0["format"] = "tflite" }.isEmpty, "an unknown format")
        #expect(!with { $0["input"] = ["shape": [1, 0]] }.isEmpty, "a zero dimension")
        #expect(!with { $0["checkpoints"] = [["name": "c", "metrics": [], "crop_fraction": 1.5]] }.isEmpty)
        #expect(!Self.check(["format_version": 2, "models": []]).isEmpty, "a newer format")
    }

    @Test("manifest init writes a manifest that follows the schema and counts as the files do")
    func initialise() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        for name in ["alexnet-symbol.json", "mobilenet_v2.onnx"] {
            try FileManager.default.copyItem(
                at: CLI.root.appendingPathComponent("data/zoo/\(name)"), to: dir.appendingPathComponent(name))
        }
        let made = try CLI.run(["manifest", "init", dir.path, "--zoo", "mine"])
        #expect(made.status == 0 && made.stderr.contains("2 models"), "\(made.stderr)")
        let manifest = try Self.json(dir.appendingPathComponent("manifest.json"))
        #expect(Self.check(manifest).isEmpty, "\(Self.check(manifest))")
        let models = (manifest as? [String: Any])?["models"] as? [[String: Any]] ?? []
        #expect(models.map { $0["name"] as? String } == ["alexnet", "mobilenet_v2"])
        #expect(models.allSatisfy { $0["backbone_end"] is String })
        // Kept unless --force; and the directory now counts without a notice.
        let again = try CLI.run(["manifest", "init", dir.path])
        #expect(again.status == 1 && again.stderr.contains("exists; pass --force"))
        let counted = try CLI.run(["count", dir.path, "--format", "csv"])
        #expect(
            counted.status == 0 && !counted.stderr.contains("no manifest") && counted.stdout.contains("mobilenet_v2,"))
        // A file whose name a manifest would refuse is named and left out; the others are written.
        let hostile = try IngestCLITests.temporaryDirectory()
        for name in ["alexnet-symbol.json", "evil\u{1B}[2J-symbol.json"] {
            try FileManager.default.copyItem(
                at: CLI.root.appendingPathComponent("data/zoo/alexnet-symbol.json"),
                to: hostile.appendingPathComponent(name))
        }
        let partial = try CLI.run(["manifest", "init", hostile.path])
        #expect(partial.status == 1 && partial.stderr.contains("evil\\u{1B}[2J") && partial.stderr.contains("1 model;"))
        let written = try Self.json(hostile.appendingPathComponent("manifest.json")) as? [String: Any]
        #expect((written?["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["alexnet"])
        let empty = try IngestCLITests.temporaryDirectory()
        let none = try CLI.run(["manifest", "init", empty.path])
        #expect(none.status == 1 && none.stderr.contains("no model files"))
    }
}

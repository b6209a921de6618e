/// The inputs a profile was counted at, as the catalog keys it: `data:1x3x224x224`, several
/// inputs joined by `,`. Formatting, parsing and matching live here and nowhere else.
public struct InputKey: Sendable, Hashable, CustomStringConvertible {
    /// One input: its name (nil in a query that names none) and shape.
    public struct Input: Sendable, Hashable {
        public var name: String?
        public var shape: [Int]

        public init(name: String?, shape: [Int]) {
            self.name = name
            self.shape = shape
        }
    }

    public var inputs: [Input]

    public init(_ inputs: [Input]) { self.inputs = inputs }

    /// The key of the inputs an analysis bound.
    public init(_ bound: [BoundInput]) { inputs = bound.map { Input(name: $0.name, shape: $0.shape) } }

    /// The key of inputs given on the command line (names may be missing; `--dim` sizes are not inputs).
    public init(_ bindings: [InputBinding]) {
        inputs = bindings.filter { !$0.isDimension }.map { Input(name: $0.name, shape: $0.shape) }
    }

    /// Parses a stored key: `name:1x3x224x224` parts joined by `,` (a part without a name is a
    /// bare shape). Input names may contain `:`; the shape follows the last one.
    public init(parsing text: String) throws(RuleError) {
        if let key = InputKey(canonical: text) {
            self = key
            return
        }
        var inputs: [Input] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let binding = try ShapeSyntax.parseBinding(String(part))
            inputs.append(Input(name: binding.name, shape: binding.shape))
        }
        self.inputs = inputs
    }

    /// Reads the exact form ``description`` writes (what the catalog stores, read once per
    /// profile of a query) without the general syntax's allowances; nil for anything else,
    /// which the general parser then reads or explains. An empty axis is kept: a KV cache of
    /// past length 0 (`--dim past_sequence_length=0`) is stored so.
    init?(canonical text: String) {
        var inputs: [Input] = []
        for part in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let colon = part.lastIndex(of: UInt8(ascii: ":"))
            if let colon, colon == part.startIndex { return nil }
            let name = colon.map { String(decoding: part[..<$0], as: UTF8.self) }
            let dims = colon.map { part[part.index(after: $0)...] } ?? part[...]
            if dims.elementsEqual("scalar".utf8) {
                inputs.append(Input(name: name, shape: []))
                continue
            }
            var shape: [Int] = []
            var value = 0
            var digits = 0
            for byte in dims {
                if byte == UInt8(ascii: "x") {
                    guard digits > 0 else { return nil }
                    shape.append(value)
                    (value, digits) = (0, 0)
                    continue
                }
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 14 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            }
            guard digits > 0 else { return nil }
            shape.append(value)
            guard shape.count <= Limits.rank, shape.allSatisfy({ $0 <= ShapeSyntax.maximumDimension }) else {
                return nil
            }
            inputs.append(Input(name: name, shape: shape))
        }
        self.inputs = inputs
    }

    /// `data:1x3x224x224,mask:1x197`.
    public var description: String {
        inputs.map { ($0.name.map { $0 + ":" } ?? "") + formatShape($0.shape) }.joined(separator: ",")
    }

    /// The shapes without the names: `1x3x224x224,1x197`.
    public var shapes: String { inputs.map { formatShape($0.shape) }.joined(separator: ",") }

    /// Whether every input is named, so the key can be compared with stored keys as it is.
    public var isNamed: Bool { inputs.allSatisfy { $0.name != nil } }

    /// Whether a profile stored at this key answers `query`: the same shapes in order, and the
    /// same names wherever the query names an input.
    public func matches(_ query: InputKey) -> Bool {
        inputs.count == query.inputs.count
            && zip(inputs, query.inputs).allSatisfy { stored, asked in
                stored.shape == asked.shape && (asked.name == nil || asked.name == stored.name)
            }
    }
}

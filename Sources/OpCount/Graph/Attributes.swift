/// One typed attribute value of a canonical op.
public enum AttributeValue: Sendable, Hashable {
    case int(Int)
    case ints([Int])
    /// A list in which some entries are absent (MXNet `slice` begin/end with `None`).
    case optionalInts([Int?])
    case float(Double)
    case floats([Double])
    case string(String)
    case bool(Bool)
}

/// The attributes of a canonical op, with typed accessors that explain what is wrong.
///
/// Readers translate format-specific spellings (`num_filter`, `"(3, 3)"`) into canonical
/// names and typed values; rules read them here.
public struct Attributes: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public private(set) var values: [String: AttributeValue]

    public init(_ values: [String: AttributeValue] = [:]) { self.values = values }
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    public subscript(key: String) -> AttributeValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public func has(_ key: String) -> Bool { values[key] != nil }

    public func int(_ key: String) throws(RuleError) -> Int {
        switch values[key] {
        case .int(let v): return v
        case .ints(let v) where v.count == 1: return v[0]
        case nil: throw RuleError("missing attribute '\(key)'")
        case let other?: throw RuleError("attribute '\(key)' should be an integer, got \(other)")
        }
    }

    public func int(_ key: String, default fallback: Int) throws(RuleError) -> Int {
        values[key] == nil ? fallback : try int(key)
    }

    public func ints(_ key: String) throws(RuleError) -> [Int] {
        switch values[key] {
        case .ints(let v): return v
        case .int(let v): return [v]
        case nil: throw RuleError("missing attribute '\(key)'")
        case let other?: throw RuleError("attribute '\(key)' should be a list of integers, got \(other)")
        }
    }

    public func ints(_ key: String, default fallback: [Int]) throws(RuleError) -> [Int] {
        values[key] == nil ? fallback : try ints(key)
    }

    /// A list of integers whose entries may be absent; plain integer lists are accepted too.
    public func optionalInts(_ key: String, default fallback: [Int?]) throws(RuleError) -> [Int?] {
        switch values[key] {
        case .optionalInts(let v): return v
        case .ints(let v): return v.map { Optional($0) }
        case .int(let v): return [v]
        case nil: return fallback
        case let other?: throw RuleError("attribute '\(key)' should be a list of integers, got \(other)")
        }
    }

    public func float(_ key: String, default fallback: Double) throws(RuleError) -> Double {
        switch values[key] {
        case .float(let v): return v
        case .int(let v): return Double(v)
        case nil: return fallback
        case let other?: throw RuleError("attribute '\(key)' should be a number, got \(other)")
        }
    }

    public func bool(_ key: String, default fallback: Bool) throws(RuleError) -> Bool {
        switch values[key] {
        case .bool(let v): return v
        case .int(let v) where v == 0 || v == 1: return v == 1
        case nil: return fallback
        case let other?: throw RuleError("attribute '\(key)' should be true or false, got \(other)")
        }
    }

    public func string(_ key: String) throws(RuleError) -> String {
        switch values[key] {
        case .string(let v): return v
        case nil: throw RuleError("missing attribute '\(key)'")
        case let other?: throw RuleError("attribute '\(key)' should be a string, got \(other)")
        }
    }

    public func string(_ key: String, default fallback: String) throws(RuleError) -> String {
        values[key] == nil ? fallback : try string(key)
    }

    /// A string attribute restricted to `allowed` values.
    public func choice(_ key: String, _ allowed: [String], default fallback: String) throws(RuleError) -> String {
        let v = try string(key, default: fallback)
        guard allowed.contains(v) else {
            throw RuleError("attribute '\(key)' is '\(v)'; supported: \(allowed.joined(separator: ", "))")
        }
        return v
    }
}

extension AttributeValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .ints(let v): "(\(v.map(String.init).joined(separator: ", ")))"
        case .optionalInts(let v): "(\(v.map { $0.map(String.init) ?? "None" }.joined(separator: ", ")))"
        case .float(let v): "\(v)"
        case .floats(let v): "(\(v.map { "\($0)" }.joined(separator: ", ")))"
        case .string(let v): "'\(v)'"
        case .bool(let v): v ? "true" : "false"
        }
    }
}

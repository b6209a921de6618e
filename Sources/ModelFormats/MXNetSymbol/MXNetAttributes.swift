import OpCount

/// Reads MXNet's string attributes (`"(3, 3)"`, `"True"`, `"1e-05"`, `"None"`) as typed values.
/// Errors are plain messages; the reader adds the file and node.
struct MXNetAttributes {
    let raw: [String: String]

    func has(_ key: String) -> Bool { raw[key] != nil && raw[key] != "None" }

    func string(_ key: String, default fallback: String) -> String {
        guard let value = raw[key], value != "None" else { return fallback }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let value = raw[key] else { throw RuleError("missing attribute '\(key)'") }
        guard let parsed = Self.parseInt(value) else {
            throw RuleError("attribute '\(key)' is '\(value)', not a whole number")
        }
        return parsed
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        has(key) ? try int(key) : fallback
    }

    func ints(_ key: String) throws -> [Int] {
        guard let value = raw[key] else { throw RuleError("missing attribute '\(key)'") }
        let items = try optionalInts(key, value)
        guard items.allSatisfy({ $0 != nil }) else {
            throw RuleError("attribute '\(key)' is '\(value)'; None is not allowed here")
        }
        return items.map { $0! }
    }

    func ints(_ key: String, default fallback: [Int]) throws -> [Int] {
        has(key) ? try ints(key) : fallback
    }

    /// A tuple whose entries may be `None` (slice bounds).
    func optionalInts(_ key: String) throws -> [Int?]? {
        guard let value = raw[key], value != "None" else { return nil }
        return try optionalInts(key, value)
    }

    private func optionalInts(_ key: String, _ value: String) throws -> [Int?] {
        var body = Substring(value)
        while let f = body.first, f == " " { body = body.dropFirst() }
        while let l = body.last, l == " " { body = body.dropLast() }
        if (body.hasPrefix("(") && body.hasSuffix(")")) || (body.hasPrefix("[") && body.hasSuffix("]")) {
            body = body.dropFirst().dropLast()
        }
        var items: [Int?] = []
        for part in body.split(separator: ",", omittingEmptySubsequences: true) {
            let item = part.trimmingCharacters(in: " L")
            if item.isEmpty { continue }
            if item == "None" {
                items.append(nil)
                continue
            }
            guard let v = Self.parseInt(item) else {
                throw RuleError("attribute '\(key)' is '\(value)', not a tuple of whole numbers")
            }
            items.append(v)
        }
        return items
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = raw[key], value != "None" else { return fallback }
        switch value.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw RuleError("attribute '\(key)' is '\(value)', not True or False")
        }
    }

    func float(_ key: String) throws -> Double? {
        guard let value = raw[key], value != "None" else { return nil }
        guard let v = Double(value) else { throw RuleError("attribute '\(key)' is '\(value)', not a number") }
        return v
    }

    static func parseInt(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: " L")
        if let v = Int(t) { return v }
        // Some writers emit integral floats ("64.0").
        if let d = Double(t), d == d.rounded(), abs(d) < 9e15 { return Int(d) }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

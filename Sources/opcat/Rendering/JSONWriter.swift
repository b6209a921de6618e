/// JSON with keys in the order written, so the output contract reads top-down.
indirect enum JSON {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null

    /// Pretty-printed with two-space indentation, ending in a newline.
    func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        return out + "\n"
    }

    /// On one line, for a `<script type="application/json">` element of an HTML page: `<`,
    /// `>`, `&` and the JavaScript line separators are `\u` escapes, so no string can close the
    /// element, open a comment or end a line.
    func scriptEmbedded() -> String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .object(let fields):
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += "," }
                out += JSON.scriptSafe(JSON.quote(key)) + ":"
                value.writeCompact(into: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeCompact(into: &out)
            }
            out += "]"
        case .string: out += JSON.scriptSafe(scalar)
        default: out += scalar
        }
    }

    static func scriptSafe(_ quoted: String) -> String {
        guard quoted.unicodeScalars.contains(where: { "<>&\u{2028}\u{2029}".unicodeScalars.contains($0) }) else {
            return quoted
        }
        var out = ""
        for scalar in quoted.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .object(let fields):
            guard !fields.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, (key, value)) in fields.enumerated() {
                out += pad + JSON.quote(key) + ": "
                value.write(into: &out, indent: indent + 1)
                out += i + 1 < fields.count ? ",\n" : "\n"
            }
            out += close + "}"
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            if items.allSatisfy({ if case .int = $0 { true } else { false } }) {
                out += "[" + items.map { $0.scalar }.joined(separator: ", ") + "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        default:
            out += scalar
        }
    }

    private var scalar: String {
        switch self {
        case .string(let s): JSON.quote(s)
        case .int(let i): String(i)
        case .number(let d): d.isFinite ? "\(d)" : "null"
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: ""
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Symbolic dimension names as exporters write them: a name (`sequence_length`) or arithmetic
/// on names (`past_sequence_length + sequence_length`, `2*height`, `(width - 1) // 2 + 1`). With
/// the names sized (`--dim`), the expression has a value.
public enum DimensionExpression {
    /// The value of `text` with `sizes`; nil when a name is not sized, the text is not an
    /// expression of + − * / // % and parentheses, or the value is negative or overflows.
    public static func value(_ text: String, _ sizes: [String: Int]) -> Int? {
        if let size = sizes[text] { return size }
        var parser = Parser(tokens: tokens(text), sizes: sizes)
        guard let value = parser.sum(), parser.position == parser.tokens.count, value >= 0 else { return nil }
        return value
    }

    /// The names an expression uses (just `text` when it is a plain name).
    public static func names(_ text: String) -> [String] {
        tokens(text).compactMap { if case .name(let n) = $0 { n } else { nil } }
    }

    enum Token: Equatable {
        case name(String)
        case number(Int)
        case op(String)
    }

    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." {
                    j += 1
                }
                result.append(.name(String(chars[i..<j])))
                i = j
            } else if c.isASCII, c.isNumber {
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                guard let n = Int(String(chars[i..<j])) else { return [.op("?")] }
                result.append(.number(n))
                i = j
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                result.append(.op("/"))
                i += 2
            } else {
                result.append(.op(String(c)))
                i += 1
            }
        }
        chars.removeAll()
        return result
    }

    struct Parser {
        let tokens: [Token]
        let sizes: [String: Int]
        var position = 0
        var depth = 0

        mutating func sum() -> Int? {
            guard var value = product() else { return nil }
            while position < tokens.count, case .op(let op) = tokens[position], op == "+" || op == "-" {
                position += 1
                guard let rhs = product() else { return nil }
                let (r, overflow) =
                    op == "+" ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs)
                guard !overflow else { return nil }
                value = r
            }
            return value
        }

        mutating func product() -> Int? {
            guard var value = atom() else { return nil }
            while position < tokens.count, case .op(let op) = tokens[position], ["*", "/", "%"].contains(op) {
                position += 1
                guard let rhs = atom() else { return nil }
                switch op {
                case "*":
                    let (r, overflow) = value.multipliedReportingOverflow(by: rhs)
                    guard !overflow else { return nil }
                    value = r
                default:
                    guard rhs > 0, value >= 0 else { return nil }
                    value = op == "/" ? value / rhs : value % rhs
                }
            }
            return value
        }

        mutating func atom() -> Int? {
            guard position < tokens.count else { return nil }
            let token = tokens[position]
            position += 1
            switch token {
            case .number(let n): return n
            case .name(let name): return sizes[name]
            case .op("("):
                depth += 1
                guard depth <= 32, let value = sum(), position < tokens.count, tokens[position] == .op(")") else {
                    return nil
                }
                position += 1
                depth -= 1
                return value
            default: return nil
            }
        }
    }
}

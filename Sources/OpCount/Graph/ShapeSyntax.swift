/// Parses the shape syntax opcat accepts on the command line and in manifests:
/// `1x3x224x224` (also `1,3,224,224` or `(1, 3, 224, 224)`), optionally named: `data:1x3x224x224`.
public enum ShapeSyntax {
    /// The largest dimension accepted from text; larger values are refused before any allocation.
    public static let maximumDimension = 1 << 40

    public static func parseShape(_ text: String) throws(RuleError) -> [Int] {
        var body = Substring(text.trimmingWhitespace)
        if body.hasPrefix("("), body.hasSuffix(")") { body = body.dropFirst().dropLast() }
        if body.hasPrefix("["), body.hasSuffix("]") { body = body.dropFirst().dropLast() }
        guard !body.isEmpty else { throw RuleError("empty shape '\(text)'") }
        let separator: Character = body.contains(",") ? "," : "x"
        var dims: [Int] = []
        for part in body.split(separator: separator, omittingEmptySubsequences: false) {
            let trimmed = String(part).trimmingWhitespace
            guard let value = Int(trimmed) else {
                throw RuleError("'\(text)' is not a shape: '\(trimmed)' is not a whole number (write e.g. 1x3x224x224)")
            }
            guard value >= 1 else { throw RuleError("'\(text)' is not a shape: dimension \(value) must be positive") }
            guard value <= maximumDimension else {
                throw RuleError("'\(text)' is not a shape: dimension \(value) exceeds the limit of \(maximumDimension)")
            }
            dims.append(value)
        }
        guard dims.count <= Limits.rank else {
            throw RuleError("'\(text)' has \(dims.count) dimensions; at most \(Limits.rank) are supported")
        }
        return dims
    }

    /// `name:shape` or a bare shape.
    public static func parseBinding(_ text: String) throws(RuleError) -> InputBinding {
        if let colon = text.lastIndex(of: ":") {
            let name = String(text[..<colon])
            guard !name.isEmpty else { throw RuleError("'\(text)': the input name before ':' is empty") }
            return InputBinding(name: name, shape: try parseShape(String(text[text.index(after: colon)...])))
        }
        return InputBinding(shape: try parseShape(text))
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

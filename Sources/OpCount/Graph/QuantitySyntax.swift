/// Parses budgets such as `2G`, `30M`, `1.5G`, `500k` or `2000000`: decimal suffixes
/// K = 10³, M = 10⁶, G = 10⁹, T = 10¹², exactly (no floating point).
public enum QuantitySyntax {
    public static func parse(_ text: String) throws(RuleError) -> Int {
        let trimmed = text.trimmingWhitespace
        guard let last = trimmed.last else { throw RuleError("empty budget; write e.g. 2G or 30M") }
        let exponents: [Character: Int] = ["k": 3, "K": 3, "m": 6, "M": 6, "g": 9, "G": 9, "t": 12, "T": 12]
        var digits = Substring(trimmed)
        var exponent = 0
        if let e = exponents[last] {
            exponent = e
            digits = digits.dropLast()
        } else if !last.isNumber {
            throw RuleError("'\(text)' is not a budget: unknown suffix '\(last)' (use K, M, G or T, e.g. 2G)")
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, parts.count <= 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            !parts[0].isEmpty || (parts.count == 2 && !parts[1].isEmpty)
        else {
            throw RuleError("'\(text)' is not a budget; write a number with an optional K, M, G or T suffix (e.g. 2G)")
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= exponent else {
            throw RuleError("'\(text)' is not a whole number of operations")
        }
        let scaledDigits = String(parts[0]) + fraction + String(repeating: "0", count: exponent - fraction.count)
        let significant = scaledDigits.drop { $0 == "0" }
        guard significant.count <= 18, let value = Int(significant.isEmpty ? "0" : String(significant)) else {
            throw RuleError("'\(text)' is too large a budget")
        }
        return value
    }
}

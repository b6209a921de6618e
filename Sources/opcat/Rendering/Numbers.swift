/// The one number formatter: exact integers with thousands separators, and scaled values
/// (M, G) rounded half-up from the exact integer, never through floating point.
enum Numbers {
    /// `25557032` → `25,557,032`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    /// `value / 10^exponent`, rounded half-up to `decimals` places: `scaled(25557032, 6)` → `25.56`.
    static func scaled(_ value: Int, exponent: Int, decimals: Int = 2) -> String {
        precondition(exponent >= decimals)
        let divisor = power10(exponent - decimals)
        var quotient = value.magnitude / divisor
        if (value.magnitude % divisor) * 2 >= divisor { quotient += 1 }
        let unit = power10(decimals)
        let whole = quotient / unit
        let fraction = quotient % unit
        let sign = value < 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let f = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - f.count))\(f)"
    }

    /// A budget as people write it: `2000000000` → `2`, `1500000000` → `1.5` (with exponent 9).
    static func compact(_ value: Int, exponent: Int) -> String {
        var s = scaled(value, exponent: exponent, decimals: min(exponent, 3))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// An accuracy as timm and torchvision print it: a percentage with two decimals (`69.76%`).
    /// A measured value grouped, with at most two decimals: `2,345.67`, `1,500`.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let cents = Int((value * 100).rounded())
        let whole = grouped(cents / 100)
        let rest = abs(cents % 100)
        return rest == 0 ? whole : whole + (rest % 10 == 0 ? ".\(rest / 10)" : String(format: ".%02d", rest))
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "" }
        let scaled = Int((value * 10_000).rounded())
        let hundredths = String(abs(scaled) % 100)
        return "\(scaled < 0 ? "-" : "")\(abs(scaled) / 100).\(hundredths.count == 1 ? "0" : "")\(hundredths)%"
    }

    /// An accuracy figure as the seed table prints it: four decimals.
    static func accuracy(_ value: Double?) -> String {
        guard let value else { return "" }
        let scaled = Int((value * 10_000).rounded())
        return "\(scaled / 10_000).\(String(format4(scaled % 10_000)))"
    }

    private static func format4(_ v: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private static func power10(_ n: Int) -> UInt {
        var r: UInt = 1
        for _ in 0..<n { r *= 10 }
        return r
    }
}

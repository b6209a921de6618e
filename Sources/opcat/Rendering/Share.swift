import Foundation

/// A part of a total as a fraction, a percentage and a bar.
struct Share {
    var part: Int
    var total: Int

    var fraction: Double { total > 0 ? Double(part) / Double(total) : 0 }

    /// Percent with two decimals, rounded half-up exactly.
    var percent: String {
        guard total > 0 else { return "-" }
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 10_000)
        let q = overflow ? Int((fraction * 10_000).rounded()) : scaled / total + ((scaled % total) * 2 >= total ? 1 : 0)
        return "\(q / 100).\(q % 100 < 10 ? "0" : "")\(q % 100)%"
    }

    /// Six decimals, for CSV.
    var ratio: String { String(format: "%.6f", fraction) }

    /// One block per 2.5 %, eighths for the rest: 40 blocks would be the whole model.
    var bar: String {
        let eighths = Int((fraction * 40 * 8).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }
}

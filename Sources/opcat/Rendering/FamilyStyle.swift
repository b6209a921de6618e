/// The colour and marker of a family in every chart: derived from the family's name, so a
/// family keeps its look as others come and go. 48 symbols (the eight Okabe–Ito colours, chosen
/// to stay apart for colour-blind readers, times circle, square and triangle, solid or hollow):
/// a family takes the symbol its name hashes to (FNV-1a, the same in every run); when families
/// of one chart hash to the same symbol, the one of higher priority (a second hash of the name)
/// keeps it and the other takes the next free one. So a family changes look only when a newcomer
/// of higher priority hashes to its symbol, and up to 48 families are all distinct.
struct FamilyStyle: Hashable {
    enum Shape: String { case circle, square, triangle }

    var colour: String
    var shape: Shape
    var hollow = false

    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0C000"]
    static let shapes: [Shape] = [.circle, .square, .triangle]
    static var slots: Int { colours.count * shapes.count * 2 }

    static func fnv(_ family: String, basis: UInt64) -> UInt64 {
        var hash = basis
        for byte in family.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func slot(_ family: String) -> Int { Int(fnv(family, basis: 0xcbf2_9ce4_8422_2325) % UInt64(slots)) }

    static func style(slot: Int) -> FamilyStyle {
        let shapeCount = colours.count * shapes.count
        return FamilyStyle(
            colour: colours[slot % colours.count], shape: shapes[(slot % shapeCount) / colours.count],
            hollow: slot >= shapeCount)
    }

    /// The style of each of `families`.
    static func assign(_ families: some Sequence<String>) -> [String: FamilyStyle] {
        var taken = Set<Int>()
        var result: [String: FamilyStyle] = [:]
        let priority = { (family: String) in fnv(family, basis: 0x8422_2325_cbf2_9ce4) }
        for family in Set(families).sorted(by: { (priority($0), $0) > (priority($1), $1) }) {
            var slot = Self.slot(family)
            var tries = 0
            while taken.contains(slot) && tries < slots {
                slot = (slot + 1) % slots
                tries += 1
            }
            taken.insert(slot)
            result[family] = style(slot: slot)
        }
        return result
    }

    /// The marker as SVG at (x, y), `r` its radius; `inner` goes inside the element (a `<title>`).
    func marker(x: Double, y: Double, r: Double, stroke: String, inner: String = "") -> String {
        let f = { (v: Double) in String(format: "%.1f", v) }
        // A hollow marker is a ring of the colour (dark where a solid one is outlined dark).
        let paint =
            hollow
            ? "fill=\"white\" stroke=\"\(stroke == "#111" ? "#111" : colour)\" stroke-width=\"\(stroke == "#111" ? 2.4 : 1.8)\""
            : "fill=\"\(colour)\" stroke=\"\(stroke)\" stroke-width=\"1.2\""
        switch shape {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" \(paint)>\(inner)</circle>\n"
        case .square:
            let s = r * 0.9
            return
                "<rect x=\"\(f(x - s))\" y=\"\(f(y - s))\" width=\"\(f(2 * s))\" height=\"\(f(2 * s))\" \(paint)>\(inner)</rect>\n"
        case .triangle:
            let t = r * 1.2
            return
                "<path d=\"M \(f(x)) \(f(y - t)) L \(f(x + t)) \(f(y + t * 0.75)) L \(f(x - t)) \(f(y + t * 0.75)) Z\" \(paint)>\(inner)</path>\n"
        }
    }
}

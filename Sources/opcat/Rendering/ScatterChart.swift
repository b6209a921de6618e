import Foundation

/// An SVG scatter chart of a figure against cost: every model a point coloured by family, the
/// highlighted ones bold, a guide line (the Pareto front as a step line, or a line of constant
/// cost per second), axes with units and ticks, optionally logarithmic.
struct ScatterChart {
    struct Point {
        var model: String
        var family: String
        var cost: Int
        var value: Double
        /// On the front (a Pareto chart), or far from the guide line (a speed chart).
        var highlighted: Bool
    }

    /// What the dashed line shows.
    enum Guide {
        /// The Pareto front through the highlighted points.
        case front
        /// value = rate / cost: the points a device runs at `rate` cost units per second.
        case rate(Double, legend: String)
    }

    var title: String
    var xLabel: String
    var yLabel: String
    /// Divisor that turns a cost into axis units (1e9 for G).
    var xScale: Double
    var logX: Bool
    var logY = false
    var guide = Guide.front
    /// Which points are labelled (where there is room): every one, the highlighted ones, none.
    var labels = ChartLabels.all
    var points: [Point]

    let width = 1140.0, height = 660.0
    /// The legend sits in the right margin, outside the plot.
    let left = 80.0, right = 190.0, top = 56.0, bottom = 64.0

    /// Where values land on the canvas: the axis ranges, ticks and the plot area.
    struct Layout {
        var xTicks: [Double], yTicks: [Double]
        var xMin: Double, xMax: Double, yMin: Double, yMax: Double
        var left: Double, top: Double, plotW: Double, plotH: Double
        var logX: Bool
        var logY: Bool
        var xScale: Double

        func px(_ v: Double) -> Double {
            let t = logX ? (log10(v) - log10(xMin)) / (log10(xMax) - log10(xMin)) : (v - xMin) / (xMax - xMin)
            return left + t * plotW
        }

        func py(_ v: Double) -> Double {
            let t = logY ? (log10(v) - log10(yMin)) / (log10(yMax) - log10(yMin)) : (v - yMin) / (yMax - yMin)
            return top + (1 - t) * plotH
        }

        /// A point's canvas position.
        func position(_ p: Point) -> (x: Double, y: Double) { (px(Double(p.cost) / xScale), py(p.value)) }
    }

    /// A rectangle labels must not overlap: (x0, y0, x1, y1).
    typealias Box = (Double, Double, Double, Double)

    func render() -> String {
        let layout = self.layout()
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="30" font-size="18" text-anchor="middle" fill="#222">\(escape(title))</text>

            """
        svg += axes(layout)
        // Boxes labels must avoid: points and the front's segments.
        var taken: [Box] = points.map { p in
            let (x, y) = layout.position(p)
            return (x - 5, y - 5, x + 5, y + 5)
        }
        switch guide {
        case .front: svg += frontLine(layout, taken: &taken)
        case .rate(let rate, _): svg += rateLine(rate, layout, taken: &taken)
        }
        let families = Array(Set(points.map(\.family))).sorted()
        let styles = FamilyStyle.assign(families)
        svg += pointsAndLabels(layout, styles: styles, taken: &taken)
        svg += legend(layout, families: families, styles: styles)
        return svg + "</svg>\n"
    }

    /// The axis ranges and ticks for the points.
    func layout() -> Layout {
        let xs = points.map { Double($0.cost) / xScale }
        let ys = points.map(\.value)
        let (xTicks, xMin, xMax) = logX ? logTicks(xs) : linearTicks(xs, includeZero: true)
        let (yTicks, yMin, yMax) = logY ? logTicks(ys) : linearTicks(ys, includeZero: false)
        return Layout(
            xTicks: xTicks, yTicks: yTicks, xMin: xMin, xMax: xMax, yMin: yMin, yMax: yMax, left: left, top: top,
            plotW: width - left - right, plotH: height - top - bottom, logX: logX, logY: logY, xScale: xScale)
    }

    /// Grid lines, tick labels, the frame and the axis titles.
    func axes(_ l: Layout) -> String {
        var svg = ""
        for tick in l.xTicks {
            let x = l.px(tick)
            svg +=
                gridLine(x, top, x, top + l.plotH) + tickText(tickLabel(tick), x, top + l.plotH + 18, anchor: "middle")
        }
        for tick in l.yTicks {
            let y = l.py(tick)
            svg += gridLine(left, y, left + l.plotW, y) + tickText(tickLabel(tick), left - 8, y + 4, anchor: "end")
        }
        svg +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(l.plotW))\" height=\"\(f(l.plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
        svg +=
            "<text x=\"\(f(left + l.plotW / 2))\" y=\"\(f(height - 18))\" font-size=\"14\" text-anchor=\"middle\" "
            + "fill=\"#222\">\(escape(xLabel))\(logX ? " (log scale)" : "")</text>\n"
        svg +=
            "<text transform=\"translate(22 \(f(top + l.plotH / 2))) rotate(-90)\" font-size=\"14\" "
            + "text-anchor=\"middle\" fill=\"#222\">\(escape(yLabel))\(logY ? " (log scale)" : "")</text>\n"
        return svg
    }

    func gridLine(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#e6e6e6\"/>\n"
    }

    func tickText(_ label: String, _ x: Double, _ y: Double, anchor: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"12\" text-anchor=\"\(anchor)\" fill=\"#444\">\(label)</text>\n"
    }

    /// The front as a step line: from each front model right to the next one's cost, then up.
    /// Its segments join the boxes labels avoid.
    func frontLine(_ l: Layout, taken: inout [Box]) -> String {
        let front = points.filter(\.highlighted).sorted { $0.cost < $1.cost }
        guard let first = front.first else { return "" }
        var (x, y) = l.position(first)
        var path = "M \(f(x)) \(f(y))"
        for b in front.dropFirst().map(Optional.some) + [nil] {
            let nx = b.map { l.position($0).x } ?? left + l.plotW
            taken.append((x, y - 2, nx, y + 2))
            path += " H \(f(nx))"
            if let b {
                let ny = l.py(b.value)
                taken.append((nx - 2, ny, nx + 2, y))
                path += " V \(f(ny))"
                y = ny
            }
            x = nx
        }
        return "<path d=\"\(path)\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
    }

    /// value = rate / cost, a straight line on log-log axes, drawn where it is inside the plot.
    /// Its pieces join the boxes labels avoid.
    func rateLine(_ rate: Double, _ l: Layout, taken: inout [Box]) -> String {
        let steps = 200
        var path = ""
        for i in 0...steps {
            let t = Double(i) / Double(steps)
            let x =
                l.logX ? pow(10, log10(l.xMin) + t * (log10(l.xMax) - log10(l.xMin))) : l.xMin + t * (l.xMax - l.xMin)
            guard x > 0 else { continue }
            let y = rate / (x * xScale)
            guard y >= l.yMin, y <= l.yMax else { continue }
            let (cx, cy) = (l.px(x), l.py(y))
            path += path.isEmpty ? "M \(f(cx)) \(f(cy))" : " L \(f(cx)) \(f(cy))"
            taken.append((cx - 2, cy - 2, cx + 2, cy + 2))
        }
        guard !path.isEmpty else { return "" }
        return "<path d=\"\(path)\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
    }

    /// Every point (highlighted first), then the labels, each placed where it collides with nothing.
    func pointsAndLabels(_ l: Layout, styles: [String: FamilyStyle], taken: inout [Box]) -> String {
        var circles = ""
        var texts = ""
        for p in points.sorted(by: { ($0.highlighted ? 0 : 1, $0.cost) < ($1.highlighted ? 0 : 1, $1.cost) }) {
            let (x, y) = l.position(p)
            circles += styles[p.family]!.marker(
                x: x, y: y, r: p.highlighted ? 5.5 : 4, stroke: p.highlighted ? "#111" : "white",
                inner: "<title>\(escape(p.model))</title>")
            if labels == .all || (labels == .front && p.highlighted) { texts += label(p, at: (x, y), l, taken: &taken) }
        }
        return circles + texts
    }

    /// A point's label beside it if there is room, else further out with a leader line; none if
    /// the neighbourhood is full.
    func label(_ p: Point, at point: (x: Double, y: Double), _ l: Layout, taken: inout [Box]) -> String {
        let (x, y) = point
        let w = Double(p.model.count) * (p.highlighted ? 6.8 : 6.2) + 2
        let h = 12.0
        var candidates: [(Double, Double, String)] = []
        for distance in [0.0, 14, 28, 42] {
            candidates += [
                (x + 7 + distance, y + 4, "start"), (x - 7 - distance, y + 4, "end"),
                (x + 6, y - 8 - distance, "start"), (x + 6, y + 15 + distance, "start"),
                (x - 6, y - 8 - distance, "end"), (x - 6, y + 15 + distance, "end"),
            ]
        }
        for (lx, ly, anchor) in candidates {
            let x0 = anchor == "start" ? lx : lx - w
            let box = (x0, ly - h + 2, x0 + w, ly + 2)
            let inside = box.0 >= left && box.2 <= left + l.plotW && box.1 >= top && box.3 <= top + l.plotH
            let free = !taken.contains { $0.0 < box.2 && box.0 < $0.2 && $0.1 < box.3 && box.1 < $0.3 }
            guard inside && free else { continue }
            taken.append(box)
            var svg = ""
            if abs(lx - x) > 10 || ly - y > 16 || y - ly > 9 {
                let tx = anchor == "start" ? box.0 : box.2
                let ty = ly - 4
                svg +=
                    "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(tx))\" y2=\"\(f(ty))\" stroke=\"#999\" stroke-width=\"0.7\"/>\n"
            }
            svg +=
                "<text x=\"\(f(lx))\" y=\"\(f(ly))\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"#333\""
                + "\(p.highlighted ? " font-weight=\"bold\"" : "")>\(escape(p.model))</text>\n"
            return svg
        }
        return ""
    }

    /// One swatch per family, and the front line, in the right margin.
    func legend(_ l: Layout, families all: [String], styles: [String: FamilyStyle]) -> String {
        let legendX = left + l.plotW + 26
        let legendY = top + 16
        // As many families as fit: those on the front (or highlighted) first, then those with
        // the most points; a last line counts the others.
        let capacity = Int((l.plotH - 34) / 18) - 1
        var families = all
        var more = 0
        if all.count > capacity {
            let counts = Dictionary(grouping: points, by: \.family).mapValues {
                ($0.contains(where: \.highlighted), $0.count)
            }
            let ranked = all.sorted {
                let (a, b) = (counts[$0]!, counts[$1]!)
                return (a.0 ? 0 : 1, -a.1, $0) < (b.0 ? 0 : 1, -b.1, $1)
            }
            families = ranked.prefix(capacity - 1).sorted()
            more = all.count - families.count
        }
        var svg =
            "<rect x=\"\(f(legendX - 12))\" y=\"\(f(legendY - 16))\" width=\"\(f(right - 24))\" "
            + "height=\"\(f(Double(families.count + (more > 0 ? 1 : 0)) * 18 + 34))\" fill=\"white\" stroke=\"#ccc\"/>\n"
        for (i, family) in families.enumerated() {
            let y = legendY + Double(i) * 18
            svg += styles[family]!.marker(x: legendX, y: y - 4, r: 5, stroke: "white")
            svg +=
                "<text x=\"\(f(legendX + 12))\" y=\"\(f(y))\" font-size=\"12\" fill=\"#222\">\(escape(family))</text>\n"
        }
        if more > 0 {
            svg +=
                "<text x=\"\(f(legendX - 4))\" y=\"\(f(legendY + Double(families.count) * 18))\" font-size=\"12\" "
                + "fill=\"#555\">… and \(more) more families</text>\n"
        }
        let ly = legendY + Double(families.count + (more > 0 ? 1 : 0)) * 18
        svg +=
            "<line x1=\"\(f(legendX - 6))\" y1=\"\(f(ly - 4))\" x2=\"\(f(legendX + 6))\" y2=\"\(f(ly - 4))\" "
            + "stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\n"
        svg +=
            "<text x=\"\(f(legendX + 12))\" y=\"\(f(ly))\" font-size=\"12\" fill=\"#222\">\(escape(guideLegend))</text>\n"
        return svg
    }

    var guideLegend: String {
        switch guide {
        case .front: "Pareto front (bold)"
        case .rate(_, let legend): legend
        }
    }

    /// Round-number ticks inside the axis range, which ends at the data with a margin of 4 % of
    /// its span (from zero when `includeZero`).
    func linearTicks(_ values: [Double], includeZero: Bool) -> ([Double], Double, Double) {
        var lo = values.min() ?? 0
        var hi = values.max() ?? 1
        if includeZero { lo = min(0, lo) }
        if hi == lo { hi = lo + max(1, abs(lo) * 0.1) }
        let margin = (hi - lo) * 0.04
        let (axisLo, axisHi) = (includeZero && lo == 0 ? 0 : lo - margin, hi + margin)
        let raw = (axisHi - axisLo) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let ticks = stride(from: ceil(axisLo / step) * step, through: axisHi, by: step).map { $0 }
        return (ticks, axisLo, axisHi)
    }

    /// 1-2-5 ticks inside the axis range, which ends at the data with a margin of 12 % either
    /// side; a range narrower than two such ticks gets its ends as ticks.
    func logTicks(_ values: [Double]) -> ([Double], Double, Double) {
        let positive = values.filter { $0 > 0 }
        var lo = (positive.min() ?? 1) / 1.12
        var hi = (positive.max() ?? 10) * 1.12
        if hi / lo < 1.5 { (lo, hi) = (lo / 1.2, hi * 1.2) }
        var ticks: [Double] = []
        var decade = pow(10, floor(log10(lo)))
        while decade <= hi {
            for m in [1.0, 2, 5] where decade * m >= lo && decade * m <= hi { ticks.append(decade * m) }
            decade *= 10
        }
        if ticks.count < 2 {
            let round = { (v: Double) in
                let p = pow(10, floor(log10(v)) - 1)
                return (v / p).rounded() * p
            }
            ticks = [round(lo * 1.05), round(hi / 1.05)]
        }
        return (ticks, lo, hi)
    }

    func tickLabel(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    func escape(_ s: String) -> String { s.xmlEscaped }
}

import Catalog
import Foundation
import OpCount

/// One model's page: its checkpoints and metrics with their sources, its profiles, its layers
/// grouped by module as a collapsible tree, its unsupported ops when the count is partial, and a
/// quantized model beside its float parent.
struct ModelPage {
    var catalog: Catalog
    /// The model's rows at its own inputs, one per checkpoint.
    var rows: [SiteBuilder.Row]
    /// The model's stored profiles, one per input, smallest input first.
    var profiles: [ProfileSummary]
    var pages: [String: String]

    /// The module tree is drawn this deep; deeper modules are summed into their ancestor.
    static let depth = 12

    func render() throws -> String {
        let first = rows[0].summary
        let model = first.model
        var body = "<header><p><a href=\"../index.html\">← all models</a></p><h1>\(h(model))</h1>\n"
        var facts: [(String, String)] = []
        if let name = first.displayName, name != model { facts.append(("name", h(name))) }
        if let family = first.family { facts.append(("family", h(family))) }
        if let zoo = rows[0].zoo { facts.append(("zoo", h(zoo))) }
        facts.append(("file format", h(first.format)))
        if let parent = first.floatParent {
            let link = pages[parent].map { "<a href=\"\(h($0))\">\(h(parent))</a>" } ?? h(parent)
            facts.append(("float parent", link))
        }
        body += "<dl class=\"facts\">" + facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl></header>\n"
        body += checkpoints()
        body += profileTable()
        if let parent = first.floatParent { body += try parentComparison(first, parent: parent) }
        body += try layers(first)
        return htmlDocument(title: "\(model) · opcat", body: body, script: nil)
    }

    func checkpoints() -> String {
        let named = rows.filter { $0.summary.checkpoint != nil }
        guard !named.isEmpty else {
            return "<h2>Checkpoints</h2><p class=\"note\">No checkpoint or metric is stored.</p>\n"
        }
        var out = """
            <h2>Checkpoints</h2><table><thead><tr><th>checkpoint</th><th>eval input</th><th class="num">top-1</th>\
            <th class="num">top-5</th><th>pretraining</th><th>weights</th><th>figures from</th></tr></thead><tbody>

            """
        for row in named {
            let s = row.summary
            let c = s.checkpoint!
            out += "<tr><td>\(h(c.name))</td><td>\(h(c.evalInput.shapes))</td>"
            out += "<td class=\"num\">\(s.metrics["top1"].map { Numbers.percent($0) } ?? "")</td>"
            out += "<td class=\"num\">\(s.metrics["top5"].map { Numbers.percent($0) } ?? "")</td>"
            out += "<td>\(h(c.pretraining ?? ""))</td><td>\(h(c.source ?? ""))</td>"
            out += "<td>\(c.metricSources.map(h).joined(separator: "<br>"))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    func profileTable() -> String {
        var out = """
            <h2>Profiles</h2><table><thead><tr><th>input</th><th class="num">params</th><th class="num">MACs</th>\
            <th class="num">FLOPs</th><th class="num">activations</th><th class="num">backbone MACs</th>\
            <th>layers</th><th>complete</th></tr></thead><tbody>

            """
        for s in profiles {
            func cell(_ v: Int?) -> String { "<td class=\"num\">\(v.map(Numbers.grouped) ?? "")</td>" }
            out += "<tr><td>\(h(s.input.description))</td>" + cell(s.totals[.params]) + cell(s.totals[.macs])
            out += cell(s.totals[.flops]) + cell(s.totals[.activations]) + cell(s.backbone?[.macs])
            out += "<td class=\"num\">\(s.layerCount)</td>"
            out +=
                "<td>\(s.complete ? (s.upperBound == nil ? "yes" : "upper bounds: " + h(s.upperBound!)) : "no: partial")</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// A quantized model's totals beside its float parent's at the same input.
    func parentComparison(_ s: ProfileSummary, parent: String) throws -> String {
        guard let p = try catalog.summaries(QueryScope(convention: .standard, input: s.input, model: parent)).first
        else {
            return "<p class=\"note\">The float parent \(h(parent)) has no profile at \(h(s.input.shapes)).</p>\n"
        }
        var out = """
            <h2>Beside its float parent</h2><table><thead><tr><th></th><th class="num">\(h(s.model))</th>\
            <th class="num">\(h(parent))</th></tr></thead><tbody>

            """
        let lines: [(String, Int?, Int?)] = [
            ("params", s.totals[.params], p.totals[.params]), ("MACs", s.totals[.macs], p.totals[.macs]),
            ("8-bit MACs", s.lowBitMACs, p.lowBitMACs),
            ("stored bytes", s.storedBytes.values.reduce(0, +), p.storedBytes.values.reduce(0, +)),
        ]
        for (name, a, b) in lines {
            out += "<tr><td>\(name)</td><td class=\"num\">\(a.map(Numbers.grouped) ?? "")</td>"
            out += "<td class=\"num\">\(b.map(Numbers.grouped) ?? "")</td></tr>\n"
        }
        let top1 = (s.metrics["top1"], p.metrics["top1"])
        out += "<tr><td>top-1</td><td class=\"num\">\(Numbers.percent(top1.0))</td>"
        out += "<td class=\"num\">\(Numbers.percent(top1.1))</td></tr>\n"
        return out + "</tbody></table>\n"
    }

    /// The layers by module as nested `<details>` (they open and close without a script), by op
    /// family, and the unsupported ops when the count is partial.
    func layers(_ s: ProfileSummary) throws -> String {
        // At the page's input when a profile is stored there (an --input counted in memory has
        // no stored layers), else at the model's default input.
        let stored = profiles.contains { $0.input.matches(s.input) } ? s.input : nil
        let (profile, layers) = try catalog.layers(model: s.model, convention: .standard, input: stored)
        var out = "<h2>Layers at \(h(profile.input.shapes))</h2>\n"
        if !profile.complete {
            out += "<div class=\"warning\"><p>The count is partial: these ops are not supported, and their cost is "
            out += "not in the totals.</p><table><thead><tr><th>op</th><th class=\"num\">nodes</th></tr></thead><tbody>"
            for (op, n) in profile.unsupported.sorted(by: { $0.key < $1.key }) {
                out += "<tr><td>\(h(op))</td><td class=\"num\">\(n)</td></tr>"
            }
            out += "</tbody></table></div>\n"
        }
        if let bound = profile.upperBound {
            out += "<p class=\"warning\">Sizes depend on the data (\(h(bound))): the figures are upper bounds.</p>\n"
        }
        let total = max(1, profile.totals[.macs] ?? 0)
        // A large model's repeated blocks are folded (`blocks.*` ×12), as `opcat layers` shows it;
        // modules without params or MACs are left out of the tree (their layers are counted in
        // their parent's): a zero module has only zero modules inside it.
        let fold = layers.count > LayerGrouping.defaultAbove
        let all = LayerGroup.modules(layers, depth: Self.depth, fold: fold)
        let groups = all.filter { !$0.isZero || $0.level == 1 }
        out += "<p class=\"note\">\(layers.count) layers by module"
        out += fold ? ", repeated modules folded (×: how many)" : ""
        out += all.count > groups.count ? ", \(all.count - groups.count) modules without params or MACs not shown" : ""
        out += "; the bar is the share of the model's \(Numbers.grouped(profile.totals[.macs] ?? 0)) MACs.</p>\n"
        out += "<div class=\"tree\">\n"
        out +=
            "<div class=\"leaf head\"><span>module</span><span class=\"num\">layers</span><span class=\"num\">params</span>"
        out += "<span class=\"num\">MACs</span><span class=\"num\">share</span><span></span></div>\n"
        // Rebuild the nesting from the depth-first order and levels.
        var open: [Int] = []
        for (i, g) in groups.enumerated() {
            while let level = open.last, level >= g.level {
                out += "</details>\n"
                open.removeLast()
            }
            let name =
                (g.key.isEmpty ? "(model)" : String(g.key.split(separator: ".").last ?? ""))
                + (g.instances > 1 ? " ×\(g.instances)" : "")
            let share = Double(g.cost) / Double(total)
            let hasChildren = i + 1 < groups.count && groups[i + 1].level > g.level
            let indent = (g.level - 1) * 16 + (hasChildren ? 0 : 14)
            let line = """
                <span class="name" style="padding-left:\(indent)px" title="\(h(g.key))">\(h(name))</span><span class="num">\(g.layers)</span>\
                <span class="num">\(Numbers.grouped(g.params))</span><span class="num">\(Numbers.grouped(g.cost))</span>\
                <span class="num">\(Numbers.percent(share))</span>\
                <span class="bar"><span style="width:\(String(format: "%.2f", share * 100))%"></span></span>
                """
            if hasChildren {
                // Open at the top, and along where the cost is.
                let opened = g.level <= 2 || (share >= 0.2 && g.level <= 5)
                out += "<details\(opened ? " open" : "")><summary>\(line)</summary>\n"
                open.append(g.level)
            } else {
                out += "<div class=\"leaf\">\(line)</div>\n"
            }
        }
        out += String(repeating: "</details>\n", count: open.count) + "</div>\n"
        out += "<h3>By op family</h3><table><thead><tr><th>family</th><th class=\"num\">layers</th>"
        out +=
            "<th class=\"num\">params</th><th class=\"num\">MACs</th><th class=\"num\">share</th></tr></thead><tbody>"
        for g in LayerGroup.types(layers) {
            out +=
                "<tr><td>\(h(g.key))</td><td class=\"num\">\(g.layers)</td><td class=\"num\">\(Numbers.grouped(g.params))"
            out += "</td><td class=\"num\">\(Numbers.grouped(g.cost))</td>"
            out += "<td class=\"num\">\(Numbers.percent(Double(g.cost) / Double(total)))</td></tr>"
        }
        return out + "</tbody></table>\n"
    }
}

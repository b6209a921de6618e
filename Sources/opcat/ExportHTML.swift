import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

struct ExportHTML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "A static site: the comparison table, the Pareto chart and a budget panel, and a page per model.",
        discussion: """
            DIR gets index.html and models/NAME.html. The site opens from file:// or any static \
            host and fetches nothing: its script and style are inside each page, and a Content \
            Security Policy forbids any other. Without JavaScript the table, the chart and every \
            model page read as they are; with it the table sorts, filters and chooses columns, the \
            chart changes axes and families, and the budget panel answers as `opcat best` does. \
            The view is kept in the address (#sort=macs&family=resnet&budget=2G&budget-input=1x3x512x512 …), \
            so it can be linked.

            The budget panel can answer at any input some selected model has a stored profile at; \
            models without one there are named with the command that stores it. DIR must be empty, \
            missing, or a site this command wrote (it is then replaced whole, never half-written).

            Examples:
              opcat export html site
              opcat export html site --zoo timm --exclude-quantized
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var selection: SelectionOptions

    @Argument(help: ArgumentHelp("The directory to write the site to.", valueName: "dir"), completion: .directory)
    var dir: String

    @Option(name: .long, help: ArgumentHelp("The title of the index page.", valueName: "text"))
    var title = "Model zoo"

    func run() throws {
        let catalog = try self.catalog.openForReading()
        let site = try SiteBuilder(catalog: catalog, selection: selection, title: title).build()
        try SiteWriter(directory: dir).write(site)
        Console.notice(
            "\(dir): \(site.rowCount) checkpoints of \(site.pages.count) models; open \(dir)/index.html")
    }
}

/// The pages of a site, by path relative to its directory.
struct Site {
    var index: String
    var pages: [(path: String, html: String)]
    var rowCount: Int
}

/// Writes a site into a directory through a sibling temporary directory, then puts it in place,
/// so an interrupted export leaves the old site whole.
struct SiteWriter {
    var directory: String
    static let marker = ".opcat-site"

    func write(_ site: Site) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError("\(directory): exists and is not a directory") }
            let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
            guard contents.isEmpty || contents.contains(Self.marker) else {
                throw CLIError(
                    "\(directory): not empty and not a site opcat wrote; choose a new or empty directory")
            }
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).opcat-\(getpid())")
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging.appendingPathComponent("models"), withIntermediateDirectories: true)
            try Data("opcat export html\n".utf8).write(to: staging.appendingPathComponent(Self.marker))
            try Data(site.index.utf8).write(to: staging.appendingPathComponent("index.html"))
            for page in site.pages {
                try Data(page.html.utf8).write(to: staging.appendingPathComponent(page.path))
            }
            if fm.fileExists(atPath: target.path) {
                // Two renames: the old site is whole until the new one is in place.
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).opcat-old-\(getpid())")
                try? fm.removeItem(at: old)
                try fm.moveItem(at: target, to: old)
                do { try fm.moveItem(at: staging, to: target) } catch {
                    try? fm.moveItem(at: old, to: target)
                    throw error
                }
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw CLIError("\(directory): cannot write the site: \((error as NSError).localizedDescription)")
        }
    }
}

/// Gathers what the site shows from the catalog and renders its pages.
struct SiteBuilder {
    var catalog: Catalog
    var selection: SelectionOptions
    var title: String

    /// One checkpoint (or model without one) at one input, as the pages' data holds it.
    struct Row {
        var summary: ProfileSummary
        var zoo: String?
        var page: String
    }

    func build() throws -> Site {
        let own = try selection.summaries(catalog)
        let zoos = try catalog.modelZoos()
        var pages: [String: String] = [:]
        var taken = Set<String>()
        for s in own where pages[s.model] == nil {
            pages[s.model] = Self.pageName(s.model, taken: &taken)
        }
        func rows(_ summaries: [ProfileSummary]) -> [Row] {
            summaries.compactMap { s in pages[s.model].map { Row(summary: s, zoo: zoos[s.model], page: $0) } }
        }
        let ownRows = rows(own)
        // At --input, the selected models that could not be counted there are named on the page.
        var leftOut: [String] = []
        if selection.input != nil {
            let counted = Set(own.map(\.model))
            for s in try catalog.summaries(try selection.scope().atOwnInputs) where !counted.contains(s.model) {
                if !leftOut.contains(s.model) { leftOut.append(s.model) }
            }
        }
        // Every input some selected model has a profile at, for the budget panel.
        let inputs = try catalog.profileInputs(convention: .standard)
        var keys: [String: InputKey] = [:]
        for model in pages.keys { for key in inputs[model] ?? [] { keys[key.shapes] = keys[key.shapes] ?? key } }
        // By resolution (height × width), then by shape.
        let area = { (shape: String) in keys[shape]!.side.map { $0.height * $0.width } ?? 0 }
        let shapes = keys.keys.sorted { (area($0), $0) < (area($1), $1) }
        let ownLabel = try selection.inputKey().map { "at \($0.shapes)" } ?? "each checkpoint at its evaluation input"
        var views: [JSON] = [view("own", ownLabel, ownRows, missing: [])]
        // Each model's stored profiles, one per input, for its page: read once, with the views.
        var profiles: [String: [ProfileSummary]] = [:]
        for shape in shapes {
            var scope = try selection.scope()
            scope.input = InputKey(try InputOption.bindings([shape]))
            let at = rows(try catalog.summaries(scope))
            for row in at where profiles[row.summary.model]?.last?.input.shapes != shape {
                profiles[row.summary.model, default: []].append(row.summary)
            }
            let missing = try catalog.modelsWithoutProfile(scope)
            views.append(view(shape, shape, at, missing: missing))
        }
        // Each family's colour and marker, as every chart of opcat draws it.
        let styles = FamilyStyle.assign(own.map { $0.family ?? "" }).sorted { $0.key < $1.key }.map {
            (
                $0.key,
                JSON.object([
                    ("colour", .string($0.value.colour)), ("shape", .string($0.value.shape.rawValue)),
                    ("hollow", .bool($0.value.hollow)),
                ])
            )
        }
        let data = JSON.object([
            ("title", .string(title)), ("views", .array(views)), ("styles", .object(styles)),
        ])
        let index = try IndexPage(
            title: title, rows: ownRows, data: data.scriptEmbedded(), inputs: ownLabel, leftOut: leftOut,
            dataset: try catalog.metricDatasets("top1")
        ).render()
        var rendered: [(String, String)] = []
        var byModel: [String: [Row]] = [:]
        for row in ownRows { byModel[row.summary.model, default: []].append(row) }
        for (model, modelRows) in byModel.sorted(by: { $0.key < $1.key }) {
            let page = ModelPage(catalog: catalog, rows: modelRows, profiles: profiles[model] ?? [], pages: pages)
            rendered.append(("models/" + modelRows[0].page, try page.render()))
        }
        return Site(index: index, pages: rendered, rowCount: ownRows.count)
    }

    func view(_ key: String, _ label: String, _ rows: [Row], missing: [String]) -> JSON {
        .object([
            ("key", .string(key)), ("label", .string(label)), ("rows", .array(rows.map(Self.json))),
            ("missing", .array(missing.map(JSON.string))),
        ])
    }

    static func json(_ row: Row) -> JSON {
        let s = row.summary
        func count(_ v: Int?) -> JSON { v.map(JSON.int) ?? .null }
        let speeds = s.measurements.filter { $0.metric == SpeedOptions.metric }
        func text(_ v: String?) -> JSON { v.map(JSON.string) ?? .null }
        func fraction(_ v: Double?) -> JSON { v.map(JSON.number) ?? .null }
        var fields: [(String, JSON)] = []
        fields.append(("model", .string(s.model)))
        fields.append(("page", .string(row.page)))
        fields.append(("checkpoint", text(s.checkpoint?.name)))
        fields.append(("family", text(s.family)))
        fields.append(("zoo", text(row.zoo)))
        fields.append(("format", .string(s.format)))
        fields.append(("input", .string(s.input.shapes)))
        fields.append(("eval_input", text(s.checkpoint?.evalInput.shapes)))
        for measure in [Measure.params, .macs, .flops, .activations] {
            fields.append((measure.key, count(s.totals[measure])))
        }
        for measure in [Measure.params, .macs, .flops] {
            fields.append(("backbone_" + measure.key, count(s.backbone?[measure])))
        }
        fields.append(("top1", fraction(s.metrics["top1"])))
        fields.append(("top5", fraction(s.metrics["top5"])))
        fields.append(("parent", text(s.floatParent)))
        fields.append(("complete", .bool(s.complete)))
        fields.append(("upper_bound", text(s.upperBound)))
        let measured: [(String, JSON)] = speeds.map { ($0.setting, JSON.number($0.value)) }
        fields.append(("speeds", .object(measured)))
        return .object(fields)
    }

    /// A file name for a model's page: its name with every character but ASCII letters,
    /// digits, `.`, `_` and `-` as `_` (`timm/resnet50` → `timm_resnet50`), and a digest of the
    /// name where that is taken, so no name escapes the directory or collides with another (also
    /// on case-insensitive file systems).
    static func pageName(_ model: String, taken: inout Set<String>) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var stem = String(model.prefix(80).map { allowed.contains($0) ? $0 : "_" })
        if stem.hasPrefix(".") || stem.isEmpty { stem = "_" + stem }
        if taken.contains(stem.lowercased()) {
            stem += "-" + SHA256.hex(Array(model.utf8)).prefix(10)
        }
        taken.insert(stem.lowercased())
        return stem + ".html"
    }
}

/// Text for HTML: every string from a file or the catalog goes through here (or into the
/// JSON data, which the script inserts as text).
func h(_ s: String) -> String { s.xmlEscaped }

/// The skeleton every page shares: the Content Security Policy allows only this page's own
/// script (by digest) and inline style, and no request of any kind.
func htmlDocument(title: String, body: String, script: String?) -> String {
    var policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    if let script {
        policy += "; script-src 'sha256-\(Data(SHA256.digest(Array(script.utf8))).base64EncodedString())'"
    }
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(policy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="opcat export html">
        <title>\(h(title))</title>
        <style>\(SiteAssets.css)</style>
        </head>
        <body>
        \(body)
        \(script.map { "<script>\($0)</script>" } ?? "")
        </body>
        </html>

        """
}

/// The index: the table and chart in the HTML, the data for the script.
struct IndexPage {
    var title: String
    var rows: [SiteBuilder.Row]
    var data: String
    /// Where the costs are: each checkpoint's own input, or the one asked for.
    var inputs: String
    /// Selected models with no profile at the asked input that could not be counted there.
    var leftOut: [String] = []
    /// What the top-1 figures are measured on.
    var dataset: [String] = []

    func render() throws -> String {
        let summaries = rows.map(\.summary)
        var chart = "<p class=\"note\">No model here has a top-1 figure to chart.</p>"
        var frontCount = 0
        // What the chart leaves out, said beside it (the script's chart says it again).
        var leftOutOfChart = ""
        if let pareto = try? ParetoQuery(cost: .macs, metric: .top1, backbone: false).run(summaries),
            !pareto.front.isEmpty
        {
            chart = pareto.chart(logX: true, dataset: dataset).render()
            frontCount = pareto.front.count
            for (list, why) in [(pareto.noMetric, "no top-1"), (pareto.noCost, "no MACs")] where !list.isEmpty {
                leftOutOfChart += " \(list.count) models have \(why) and are not charted: \(h(Console.names(list)))."
            }
        }
        let models = Set(summaries.map(\.model)).count
        let on = dataset.isEmpty ? "" : "on " + dataset.joined(separator: ", ")
        let leftOutNote =
            leftOut.isEmpty
            ? ""
            : "<p class=\"warning\">\(leftOut.count) selected models have no profile \(h(inputs)) and cannot be "
                + "counted there, and are left out: \(leftOut.map(h).joined(separator: ", ")).</p>"
        let body = """
            <header><h1>\(h(title))</h1>
            <p class="note">\(rows.count) checkpoints of \(models) models, \(h(inputs)), from an opcat catalog. \
            Params are learnable elements; MACs the multiply-accumulates of convolutions and dense layers; the backbone \
            is the model without its classification head. Accuracy is top-1/top-5 \(h(on)) as each zoo published \
            it.</p>
            \(leftOutNote)
            <noscript><p class="note">JavaScript is off: the table and chart below are the full data, unsorted; \
            with it the table sorts and filters, the chart is interactive and the budget panel answers.</p></noscript>
            </header>
            <section id="budget-section" hidden>
            <h2>Best under a budget</h2>
            <form id="budget" class="controls">
            <label>at most <input id="budget-max" size="7" placeholder="2G"></label>
            <select id="budget-measure"><option value="macs">MACs</option><option value="params">params</option>\
            <option value="flops">FLOPs</option></select>
            <label><input type="checkbox" id="budget-backbone"> backbone only</label>
            <label>at <select id="budget-input"></select></label>
            <label>ranked by <select id="budget-metric"><option value="top1">top-1</option>\
            <option value="top5">top-5</option></select></label>
            </form>
            <div id="budget-answer" aria-live="polite"></div>
            </section>
            <section>
            <h2>Accuracy against cost</h2>
            <form id="chart-controls" class="controls" hidden>
            <label>x <select id="chart-x"><option value="macs">MACs</option><option value="params">params</option>\
            <option value="flops">FLOPs</option></select></label>
            <label><input type="checkbox" id="chart-log" checked> log axis</label>
            <label><input type="checkbox" id="chart-backbone"> backbone cost</label>
            <label>y <select id="chart-y"><option value="top1">top-1</option><option value="top5">top-5</option>\
            </select></label>
            </form>
            <div id="chart">\(chart)</div>
            <div id="legend" class="legend"></div>
            <p id="front-summary" class="note">\(frontCount) models are on the Pareto front of top-1 against MACs: no \
            other is at least as accurate for no more MACs.\(leftOutOfChart)</p>
            <ol id="front-list"></ol>
            </section>
            <section>
            <h2>Comparison</h2>
            <form id="table-controls" class="controls" hidden>
            <label>filter <input id="filter-text" type="search" placeholder="name, family, checkpoint"></label>
            <label>family <select id="filter-family"><option value="">all</option></select></label>
            <label>zoo <select id="filter-zoo"><option value="">all</option></select></label>
            <label><input type="checkbox" id="exact"> exact integers</label>
            <span id="column-choice"></span>
            </form>
            <p id="table-summary" class="note">\(rows.count) checkpoints</p>
            \(table())
            </section>
            <script id="opcat-data" type="application/json">\(data)</script>
            """
        return htmlDocument(title: title, body: body, script: SiteAssets.indexScript)
    }

    /// The table as the script would first draw it: every checkpoint in catalog order.
    func table() -> String {
        var out = """
            <table id="models"><thead><tr><th data-key="model">model</th><th data-key="checkpoint">checkpoint</th>\
            <th data-key="family">family</th><th data-key="zoo">zoo</th><th data-key="input">input</th>\
            <th data-key="params" class="num">params (M)</th><th data-key="macs" class="num">MACs (G)</th>\
            <th data-key="flops" class="num">FLOPs (G)</th><th data-key="backbone_macs" class="num">backbone MACs (G)</th>\
            <th data-key="top1" class="num">top-1</th><th data-key="top5" class="num">top-5</th></tr></thead>
            <tbody>

            """
        for row in rows {
            let s = row.summary
            func cell(_ v: Int?, _ exponent: Int) -> String {
                guard let v else { return "<td class=\"num\"></td>" }
                return "<td class=\"num\" title=\"\(v)\">\(Numbers.scaled(v, exponent: exponent))</td>"
            }
            out += "<tr><td><a href=\"models/\(h(row.page))\">\(h(s.model))</a></td>"
            out += "<td>\(h(s.checkpoint?.name ?? ""))</td><td>\(h(s.family ?? ""))</td><td>\(h(row.zoo ?? ""))</td>"
            out += "<td>\(h(s.input.shapes))</td>"
            out += cell(s.totals[.params], 6) + cell(s.totals[.macs], 9) + cell(s.totals[.flops], 9)
            out += cell(s.backbone?[.macs], 9)
            out += "<td class=\"num\">\(s.metrics["top1"].map { Numbers.percent($0) } ?? "")</td>"
            out += "<td class=\"num\">\(s.metrics["top5"].map { Numbers.percent($0) } ?? "")</td></tr>\n"
        }
        return out + "</tbody></table>"
    }
}

import ArgumentParser
import Catalog
import Foundation
import OpCount

struct ParetoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pareto",
        abstract: "The Pareto front of accuracy against cost: the models no other model beats.",
        discussion: """
            A model is on the front when no other model is at least as accurate at no greater cost \
            and better in one of the two. The front is listed by cost; --all also lists every \
            dominated model with one model that dominates it (the cheapest). Models without the \
            accuracy metric are left out (counted on stderr). --svg writes a chart: every model a \
            labelled point coloured by family, the front as a step line.

            --x throughput ranks by measured speed instead of a count: the time per sample \
            (1 / samples per second) of each model at its input on the --device given (see \
            `opcat speed`); models without such a measurement are named on stderr.
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var selection: SelectionOptions

    @Option(
        name: .customLong("x"),
        help: "Cost axis: any measure (macs, params, flops, activations …), or throughput (measured, with --device).")
    var cost: CostAxis = .measure(.macs)

    @OptionGroup var speed: SpeedOptions

    @Option(name: .customLong("y"), help: "Accuracy axis: top1 or top5.")
    var metric: AccuracyMetric = .top1

    @Flag(name: .long, help: "Use backbone costs (the model without its classifier).")
    var backbone = false

    @Flag(name: .long, help: "Also list the dominated models, each with a model that dominates it.")
    var all = false

    @Option(
        name: .long, help: ArgumentHelp("Write an SVG chart to this file.", valueName: "file"),
        completion: .file(extensions: ["svg"]))
    var svg: String?

    @Flag(name: .long, help: "Logarithmic cost axis in the chart.")
    var logX = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Which points the chart labels: front, all (where there is room) or none (default: all up to 60 points, else front).",
            valueName: "which"))
    var labels: ChartLabels?

    @OptionGroup var output: FormatOptions

    func validate() throws {
        if case .measure = cost, speed.device != nil || speed.precision != nil || speed.batchSize != nil {
            throw ValidationError("--device, --precision and --batch-size choose the measurement of --x throughput")
        }
        if case .throughput = cost, backbone {
            throw ValidationError("--backbone does not apply to --x throughput: a speed is measured on the whole model")
        }
    }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        var query = ParetoQuery(cost: .macs, metric: metric, backbone: backbone)
        switch cost {
        case .measure(let measure): query.cost = measure
        case .throughput: query.speed = speed
        }
        let result: ParetoQuery.Result
        if query.speed == nil, !all, svg == nil, let scope = try selection.storedScope(catalog) {
            // The front alone, on stored counts: one ordered pass in SQLite, only its rows read.
            result = try query.front(scope, in: catalog)
            if result.pointCount == 0, result.noCost.isEmpty, result.noMetric.isEmpty {
                throw try selection.noModels(catalog)
            }
        } else {
            result = try query.run(selection.summaries(catalog))
        }
        if !result.noMetric.isEmpty {
            Console.notice(
                "\(Console.count(result.noMetric)) have no \(metric.title) and are left out (\(Console.names(result.noMetric)))"
            )
        }
        if !result.noCost.isEmpty, query.speed != nil {
            Console.notice(
                "\(Console.count(result.noCost)) have no \(speed.described) measured at their input and are left out "
                    + "(\(Console.names(result.noCost))); `opcat speed` lists what the catalog holds")
        } else if !result.noCost.isEmpty {
            Console.notice(
                "\(Console.count(result.noCost)) have no \(backbone ? "known backbone end" : query.cost.title) and are left out "
                    + "(\(Console.names(result.noCost)))" + (backbone ? "; ingest them with --backbone-end NODE" : ""))
        }
        if let svg {
            let chart = result.chart(
                logX: logX, labels: labels, dataset: try catalog.metricDatasets(metric.rawValue))
            do { try chart.render().write(toFile: svg, atomically: true, encoding: .utf8) } catch {
                throw CLIError("\(svg): cannot write the chart: \((error as NSError).localizedDescription)")
            }
        }
        result.document(all: all).print(output.format)
    }
}

/// The front, computed once for the command and for `export markdown`.
struct ParetoQuery {
    var cost: Measure
    var metric: AccuracyMetric
    var backbone: Bool
    /// Rank by measured time per sample (nanoseconds, 1e9 / samples per second) instead of `cost`.
    var speed: SpeedOptions? = nil

    /// The cost axis: key, title, unit and the exponent its values are shown at.
    var axis: (key: String, title: String, unit: String, exponent: Int) {
        if let speed {
            let title = speed.described.replacingOccurrences(of: "samples/s", with: "measured time per sample")
            return ("ns_per_sample", title, "µs", 3)
        }
        return (
            (backbone ? "backbone_" : "") + cost.key, (backbone ? "backbone " : "") + cost.title, cost.unit,
            cost.exponent
        )
    }

    struct Result {
        var query: ParetoQuery
        /// The summaries of the points, by point label.
        var summaries: [String: ProfileSummary]
        var front: [Pareto.Point]
        var dominated: [(Pareto.Point, by: Pareto.Point)]
        /// Models left out: no figure of the metric; no such cost (no backbone end).
        var noMetric: NameList
        var noCost: NameList
        /// How many points (rows with a cost and the metric) there are, on the front or not.
        var pointCount: Int
        /// Whether some point is a checkpoint not named after its model.
        var labelled: Bool

        var costTitle: String { query.axis.title }

        /// The front by cost; with `all`, every model, each dominated one with its dominator.
        func document(all: Bool) -> Document {
            let axis = query.axis
            let listed: Set<OutputFormat> = all ? OutputFormat.all : [.json]
            // Of the points shown, not of every model read.
            let shown = (front + (all ? dominated.map(\.0) : [])).compactMap { summaries[$0.label] }
            let checkpoints = CheckpointColumns(shown, metric: query.metric.title)
            var result = ResultSet([
                ResultSet.Column("model", nil, .text), checkpoints.checkpoint,
                ResultSet.Column(axis.key, "\(costTitle) (\(axis.unit))", .count(exponent: axis.exponent)),
                ResultSet.Column(query.metric.rawValue, query.metric.title, .accuracy), checkpoints.evalInput,
                ResultSet.Column("on_front", nil, .flag(yes: "yes", no: "no"), in: listed),
                ResultSet.Column("dominated_by", nil, .text, in: listed, omitsEmptyInJSON: true),
            ])
            var ordered: [(Pareto.Point, Pareto.Point?)] = front.map { ($0, nil) }
            if all {
                ordered = (ordered + dominated.map { ($0.0, $0.by) })
                    .sorted { ($0.0.cost, -$0.0.accuracy) < ($1.0.cost, -$1.0.accuracy) }
            }
            for (point, dominator) in ordered {
                let cells = summaries[point.label].map(CheckpointColumns.cells) ?? (.empty, .empty)
                result.append([
                    .text(point.model), cells.checkpoint, .int(point.cost), .real(point.accuracy), cells.evalInput,
                    .flag(dominator == nil), .text(dominator?.label),
                ])
            }
            let what = labelled ? "checkpoints" : "models"
            let summary =
                "\(front.count) of \(pointCount) \(what) on the front of "
                + "\(query.metric.title) against \(costTitle)"
            var document = Document(result, line: summary)
            if let note = checkpoints.note { document.add(.line(note), in: .human) }
            return document
        }

        /// The chart; its title names the inputs (`224×224`, or the range of the models' own)
        /// and `dataset`, what the accuracy is measured on.
        func chart(logX: Bool, labels: ChartLabels? = nil, dataset: [String] = []) -> ScatterChart {
            let onFront = Set(front.map(\.label))
            let points = (front + dominated.map(\.0)).map { p in
                ScatterChart.Point(
                    model: p.label, family: summaries[p.label]?.family ?? "other", cost: p.cost,
                    value: p.accuracy, highlighted: onFront.contains(p.label))
            }
            let axis = query.axis
            let unit = ["billions", "millions", "µs"][axis.exponent == 9 ? 0 : axis.exponent == 6 ? 1 : 2]
            let plotted = points.compactMap { summaries[$0.model] }
            let sizes = Set(plotted.map { $0.input.resolution })
            let widths = plotted.compactMap { $0.input.side?.width }
            let range = widths.min().map { "\($0)–\(widths.max()!) px" } ?? "sizes vary"
            let inputs =
                sizes.count == 1 ? "at \(sizes.first!)" : "at each model's own input (\(sizes.count) sizes, \(range))"
            let on = dataset.isEmpty ? "" : dataset.joined(separator: ", ") + " "
            return ScatterChart(
                title: "\(on)\(query.metric.title) against \(costTitle), \(inputs)",
                xLabel: "\(costTitle) (\(unit))",
                yLabel: "\(query.metric.title) accuracy", xScale: pow(10, Double(axis.exponent)), logX: logX,
                labels: labels ?? (points.count > 60 ? .front : .all), points: points)
        }
    }

    /// A point's checkpoint: named when it is not the model's own name.
    static func checkpoint(_ s: ProfileSummary) -> String? {
        s.checkpoint.flatMap { $0.name == s.model ? nil : $0.name }
    }

    /// The cost of `s` on the axis: a count, or the measured nanoseconds per sample.
    func value(_ s: ProfileSummary) throws -> Int? {
        guard let speed else { return s.value(cost, backbone: backbone) }
        guard let m = try speed.pick(s), m.value > 0 else { return nil }
        return Int((1e9 / m.value).rounded())
    }

    func run(_ summaries: [ProfileSummary]) throws -> Result {
        var points: [Pareto.Point] = []
        var noMetric: [String] = []
        var noCost: [String] = []
        for s in summaries {
            guard let value = try value(s) else {
                if !noCost.contains(s.model) { noCost.append(s.model) }
                continue
            }
            guard let accuracy = s.metrics[metric.rawValue] else {
                noMetric.append(s.model)
                continue
            }
            points.append(Pareto.Point(model: s.model, checkpoint: Self.checkpoint(s), cost: value, accuracy: accuracy))
        }
        let (front, dominated) = Pareto.front(points)
        return Result(
            query: self, summaries: Self.byLabel(summaries), front: front, dominated: dominated,
            noMetric: NameList(noMetric), noCost: NameList(noCost), pointCount: points.count,
            labelled: points.contains { $0.checkpoint != nil })
    }

    /// Summaries by their point's label (the first of a label wins).
    static func byLabel(_ summaries: [ProfileSummary]) -> [String: ProfileSummary] {
        let labelled = summaries.map { s in
            (Pareto.Point(model: s.model, checkpoint: checkpoint(s), cost: 0, accuracy: 0).label, s)
        }
        return Dictionary(labelled, uniquingKeysWith: { a, _ in a })
    }

    /// The front alone from the catalog's stored counts, computed in SQLite (a count axis only;
    /// the dominated points are not read: ``run(_:)`` lists them).
    func front(_ scope: QueryScope, in catalog: Catalog) throws -> Result {
        precondition(speed == nil, "a throughput axis is answered in memory")
        let answer = try catalog.front(
            scope, costColumn: (backbone ? "bb_" : "") + cost.key, metric: metric.rawValue)
        let points = try answer.front.map { s in
            Pareto.Point(
                model: s.model, checkpoint: Self.checkpoint(s), cost: try value(s) ?? 0,
                accuracy: s.metrics[metric.rawValue] ?? 0)
        }
        return Result(
            query: self, summaries: Self.byLabel(answer.front), front: points, dominated: [],
            noMetric: answer.noMetric, noCost: answer.noCost, pointCount: answer.pointCount,
            labelled: answer.labelled)
    }
}

/// Which points a chart labels: every one, the front (or highlighted) ones, none.
enum ChartLabels: String, ExpressibleByArgument, CaseIterable {
    case front, all, none
}

extension InputKey {
    /// The last two dimensions of the first input's shape (an image's height and width), nil
    /// for a shape of fewer than three dimensions.
    var side: (height: Int, width: Int)? {
        guard let dims = inputs.first?.shape, dims.count >= 3 else { return nil }
        return (dims[dims.count - 2], dims[dims.count - 1])
    }

    /// `224×224`, or the shapes when they are not an image's.
    var resolution: String { side.map { "\($0.height)×\($0.width)" } ?? shapes }
}

import ArgumentParser
import Catalog
import Foundation
import OpCount

struct BestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best",
        abstract:
            "The most accurate checkpoints within a budget of MACs, params, FLOPs, activations or measured speed.",
        discussion: """
            Budgets take plain integers or K/M/G/T suffixes (decimal: 2G = 2,000,000,000). \
            Checkpoints of the models within every given budget are ranked by the metric, with the \
            headroom left under each budget and the input each figure was measured at. Models left \
            out (no profile they can be counted at, no backbone end, no figure of the metric) are \
            named on stderr. Exit status: 0 when some model fits; 2 when none does (the cheapest \
            model is named on stderr); 1 on an error.

            --min-throughput bounds by measured speed: the samples per second the catalog holds for \
            a model at its input (timm's benchmark tables: `opcat speed` lists them), on the \
            --device (and --precision, --batch-size) given; models without such a measurement are \
            named on stderr.

            A backbone is chosen at the resolution its detector or segmenter runs at: with --input, \
            models without a stored profile there are counted from the catalog's stored \
            definitions (`opcat profile --input SHAPE` stores them).

            Examples:
              opcat best --max-macs 2G
              opcat best --max-macs 1.5G --backbone --input 1x3x512x512
              opcat best --max-params 10M --rank macs --family 'mobilenet*'
              opcat best --max-macs 5G --min-throughput 3K --device 'RTX 4090'
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var selection: SelectionOptions

    @Option(name: .long, help: ArgumentHelp("At most this many MACs, e.g. 2G.", valueName: "budget"))
    var maxMacs: String?

    @Option(name: .long, help: ArgumentHelp("At most this many params, e.g. 30M.", valueName: "budget"))
    var maxParams: String?

    @Option(name: .long, help: ArgumentHelp("At most this many FLOPs.", valueName: "budget"))
    var maxFlops: String?

    @Option(name: .long, help: ArgumentHelp("At most this many activations.", valueName: "budget"))
    var maxActivations: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "At least this many samples per second, measured (see --device), e.g. 1500 or 2K.", valueName: "rate"))
    var minThroughput: String?

    @OptionGroup var speed: SpeedOptions

    @Option(name: .long, help: "Rank by top1 or top5.")
    var metric: AccuracyMetric = .top1

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Rank by top1 or top5 (as --metric), or by a cost, smallest first (macs, params …): then every model "
                + "within the budgets is listed, with its accuracy where known.",
            valueName: "order"))
    var rank: Ranking?

    @Flag(name: .long, help: "Apply the budgets to backbone costs (the model without its classifier).")
    var backbone = false

    @Option(name: .long, help: "Show at most this many models.")
    var limit: Int?

    @OptionGroup var output: FormatOptions

    func budgets() throws -> [(Measure, Int)] {
        var result: [(Measure, Int)] = []
        for (measure, text, flag) in [
            (Measure.macs, maxMacs, "--max-macs"), (.params, maxParams, "--max-params"),
            (.flops, maxFlops, "--max-flops"), (.activations, maxActivations, "--max-activations"),
        ] {
            guard let text else { continue }
            do { result.append((measure, try QuantitySyntax.parse(text))) } catch {
                throw ValidationError("\(flag) \(text): \(error)")
            }
        }
        return result
    }

    func throughput() throws -> Double? {
        guard let minThroughput else { return nil }
        do { return Double(try QuantitySyntax.parse(minThroughput)) } catch {
            throw ValidationError("--min-throughput \(minThroughput): \(error)")
        }
    }

    func validate() throws {
        guard try !budgets().isEmpty || throughput() != nil else {
            throw ValidationError(
                "give a budget: --max-macs, --max-params, --max-flops, --max-activations or --min-throughput (e.g. --max-macs 2G)"
            )
        }
        if minThroughput == nil, speed.device != nil || speed.precision != nil || speed.batchSize != nil {
            throw ValidationError("--device, --precision and --batch-size choose the measurement of --min-throughput")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        var query = BestQuery(budgets: try budgets(), metric: metric, backbone: backbone)
        if let rate = try throughput() { query.throughput = (rate, speed) }
        switch rank {
        case .accuracy(let accuracy): query.metric = accuracy
        case .cost(let measure): query.rankBy = measure
        case nil: break
        }
        let result: BestQuery.Result
        if query.throughput == nil, let scope = try selection.storedScope(catalog) {
            // Budgets on stored counts: SQLite filters and ranks, and only the rows shown are read.
            result = try query.run(scope, in: catalog, limit: limit)
            if result.total == 0 { throw try selection.noModels(catalog) }
        } else {
            result = try query.run(try selection.summaries(catalog))
        }
        if !result.uncosted.isEmpty {
            let what = backbone ? "no known backbone end" : "no such count"
            Console.notice(
                "\(Console.count(result.uncosted)) left out: \(what) (\(Console.names(result.uncosted)))"
                    + (backbone ? "; ingest them with --backbone-end NODE" : ""))
        }
        if !result.unmeasured.isEmpty {
            Console.notice(
                "\(Console.count(result.unmeasured)) left out: no \(speed.described) measured at their input "
                    + "(\(Console.names(result.unmeasured))); see `opcat speed` for what the catalog holds")
        }
        if !result.unranked.isEmpty {
            Console.notice(
                "\(Console.count(result.unranked)) fit \(query.describeBudgets()) but have no \(metric.title) "
                    + "(\(Console.names(result.unranked))); add it with `opcat ingest FILE --\(metric.rawValue) … "
                    + "--metric-source …`")
        }
        guard !result.fitting.isEmpty else {
            let ranked = result.unranked.isEmpty ? "no model" : "no model with a \(metric.title)"
            Console.notice(
                "\(ranked) fits \(query.describeBudgets())" + (result.cheapest.map { "; the cheapest is \($0)" } ?? ""))
            throw ExitCode(2)
        }
        let rows = limit.map { Array(result.fitting.prefix($0)) } ?? result.fitting
        query.document(rows).print(output.format)
    }
}

/// Ranking within budgets, shared with `export markdown`.
struct BestQuery {
    var budgets: [(Measure, Int)]
    var metric: AccuracyMetric
    var backbone: Bool
    /// Rank by this cost, smallest first, instead of by the metric (models without it included).
    var rankBy: Measure? = nil
    /// At least this many samples per second, by the measurement the options pick.
    var throughput: (minimum: Double, speed: SpeedOptions)? = nil

    struct Fit {
        var summary: ProfileSummary
        var accuracy: Double?
        var costs: [Int]
        /// The cost the ranking orders by, when it is a cost.
        var rankCost: Int?
        /// The measured samples per second, with a throughput budget.
        var measured: MeasuredSpeed? = nil
    }

    func describeBudgets() -> String {
        (budgets.map {
            "\(backbone ? "backbone " : "")\($0.0.title) ≤ \(Numbers.compact($0.1, exponent: $0.0.exponent))\($0.0.unit)"
        } + (throughput.map { ["\($0.speed.described) ≥ \(Numbers.decimal($0.minimum))"] } ?? []))
        .joined(separator: " and ")
    }

    /// The models within every budget, ranked; and those the ranking had to leave out.
    struct Result {
        var fitting: [Fit]
        var cheapest: String?
        /// Models within the budgets that have no figure of the metric.
        var unranked: NameList
        /// Models whose cost is unknown (no backbone end, for backbone budgets).
        var uncosted: NameList
        /// Models without the measurement a throughput budget needs.
        var unmeasured = NameList()
        /// How many rows the query read (none: the selection holds no model).
        var total: Int
    }

    /// The catalog column of a measure, whole model or backbone.
    func column(_ measure: Measure) -> String { (backbone ? "bb_" : "") + measure.key }

    /// A summary within the budgets as a ranked row.
    func fit(_ s: ProfileSummary) -> Fit {
        Fit(
            summary: s, accuracy: s.metrics[metric.rawValue],
            costs: budgets.map { s.value($0.0, backbone: backbone) ?? 0 },
            rankCost: rankBy.flatMap { s.value($0, backbone: backbone) })
    }

    /// `resnet18 (1.82 G MACs)`: the cheapest model in the first budget's measure.
    func describeCheapest(_ model: String, _ cost: Int) -> String? {
        guard let (measure, _) = budgets.first else { return nil }
        return
            "\(model) (\(Numbers.scaled(cost, exponent: measure.exponent))\(measure.unit) \(backbone ? "backbone " : "")"
            + "\(measure.title))"
    }

    /// The answer from the catalog's stored counts, computed in SQLite (budgets on counts only;
    /// a throughput budget reads every measurement: ``run(_:)``).
    func run(_ scope: QueryScope, in catalog: Catalog, limit: Int?) throws -> Result {
        precondition(throughput == nil, "a throughput budget is answered in memory")
        let answer = try catalog.best(
            scope, budgets: budgets.map { (column($0.0), $0.1) }, metric: metric.rawValue,
            rankColumn: rankBy.map(column), limit: limit)
        return Result(
            fitting: answer.rows.map(fit), cheapest: answer.cheapest.flatMap { describeCheapest($0.model, $0.cost) },
            unranked: answer.unranked, uncosted: answer.uncosted, total: answer.total)
    }

    func run(_ summaries: [ProfileSummary]) throws -> Result {
        var fitting: [Fit] = []
        var unranked: [String] = []
        var uncosted: [String] = []
        var unmeasured: [String] = []
        for s in summaries {
            let costs = budgets.map { s.value($0.0, backbone: backbone) }
            guard costs.allSatisfy({ $0 != nil }) else {
                uncosted.append(s.model)
                continue
            }
            guard zip(costs, budgets).allSatisfy({ $0! <= $1.1 }) else { continue }
            var measured: MeasuredSpeed?
            if let (minimum, speed) = throughput {
                guard let m = try speed.pick(s) else {
                    if !unmeasured.contains(s.model) { unmeasured.append(s.model) }
                    continue
                }
                guard m.value >= minimum else { continue }
                measured = m
            }
            let accuracy = s.metrics[metric.rawValue]
            if let rankBy {
                guard let cost = s.value(rankBy, backbone: backbone) else {
                    uncosted.append(s.model)
                    continue
                }
                fitting.append(
                    Fit(summary: s, accuracy: accuracy, costs: costs.map { $0! }, rankCost: cost, measured: measured))
            } else if let accuracy {
                fitting.append(Fit(summary: s, accuracy: accuracy, costs: costs.map { $0! }, measured: measured))
            } else {
                unranked.append(s.model)
            }
        }
        if rankBy != nil {
            fitting.sort { ($0.rankCost ?? 0, $0.summary.model) < ($1.rankCost ?? 0, $1.summary.model) }
        } else {
            fitting.sort {
                ($1.accuracy ?? 0, $0.costs.first ?? 0, $0.summary.model)
                    < ($0.accuracy ?? 0, $1.costs.first ?? 0, $1.summary.model)
            }
        }
        var described: String?
        if let (measure, _) = budgets.first {
            let cheapest = summaries.compactMap { s in s.value(measure, backbone: backbone).map { (s.model, $0) } }
                .min { $0.1 < $1.1 }
            described = cheapest.flatMap { describeCheapest($0.0, $0.1) }
        } else if let (_, speed) = throughput {
            let fastest = try summaries.compactMap { s in try speed.pick(s).map { (s.model, $0.value) } }
                .max { $0.1 < $1.1 }
            described = fastest.map { "the fastest is \($0.0) (\(Numbers.decimal($0.1)) samples/s)" }
        }
        return Result(
            fitting: fitting, cheapest: described, unranked: NameList(unranked), uncosted: NameList(uncosted),
            unmeasured: NameList(unmeasured), total: summaries.count)
    }

    /// The fits ranked, with each budget's cost and the headroom left under it.
    func document(_ fits: [Fit]) -> Document {
        let prefix = backbone ? "backbone_" : ""
        let checkpoints = CheckpointColumns(fits.map(\.summary), metric: metric.title)
        var columns = [
            ResultSet.Column("model", nil, .text), checkpoints.checkpoint, ResultSet.Column("rank", "#", .integer),
            ResultSet.Column(metric.rawValue, metric.title, .accuracy), checkpoints.evalInput,
        ]
        for (measure, _) in budgets {
            let scale = ResultSet.Kind.count(exponent: measure.exponent)
            columns.append(
                ResultSet.Column(
                    prefix + measure.key, "\(backbone ? "backbone " : "")\(measure.title) (\(measure.unit))", scale))
            columns.append(ResultSet.Column(prefix + measure.key + "_headroom", "headroom (\(measure.unit))", scale))
        }
        // A ranking cost that is not a budget gets its own column.
        let rankColumn = rankBy.flatMap { measure in budgets.contains { $0.0 == measure } ? nil : measure }
        if let (_, speed) = throughput {
            columns.append(ResultSet.Column("samples_per_sec", speed.described, .rate))
            columns.append(ResultSet.Column("measured_on", nil, .text))
        }
        if let rankColumn {
            columns.append(
                ResultSet.Column(
                    prefix + rankColumn.key, "\(backbone ? "backbone " : "")\(rankColumn.scaledTitle)",
                    .count(exponent: rankColumn.exponent)))
        }
        var result = ResultSet(columns)
        for (i, fit) in fits.enumerated() {
            let cells = CheckpointColumns.cells(fit.summary)
            var row: [ResultSet.Cell] = [
                .text(fit.summary.model), cells.checkpoint, .int(i + 1), .accuracy(fit.accuracy), cells.evalInput,
            ]
            for (j, (_, budget)) in budgets.enumerated() {
                row += [.int(fit.costs[j]), .int(budget - fit.costs[j])]
            }
            if throughput != nil {
                row += [fit.measured.map { .real($0.value) } ?? .empty, .text(fit.measured?.setting ?? "")]
            }
            if rankColumn != nil { row.append(.count(fit.rankCost)) }
            result.append(row)
        }
        let order = rankBy.map { "\(backbone ? "backbone " : "")\($0.title), smallest first" } ?? metric.title
        // "checkpoints" once some model is ranked more than once.
        var what = Set(fits.map(\.summary.model)).count == fits.count ? "models" : "checkpoints"
        if fits.count == 1 { what.removeLast() }
        var document = Document(result, line: "\(fits.count) \(what) within \(describeBudgets()), by \(order)")
        if let note = checkpoints.note { document.add(.line(note), in: .human) }
        return document
    }
}

/// What `best --rank` orders by: an accuracy metric (highest first) or a cost (smallest first).
enum Ranking: ExpressibleByArgument {
    case accuracy(AccuracyMetric)
    case cost(Measure)

    init?(argument: String) {
        if let metric = AccuracyMetric(rawValue: argument) {
            self = .accuracy(metric)
        } else if let measure = Measure(rawValue: argument) {
            self = .cost(measure)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { AccuracyMetric.allCases.map(\.rawValue) + Measure.allCases.map(\.key) }
}

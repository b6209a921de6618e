import ArgumentParser
import Catalog
import Foundation
import OpCount

struct SpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Measured speed beside counted cost: samples per second against MACs, per model and input.",
        discussion: """
            One row per model, input and measurement the catalog holds (timm's benchmark tables, \
            or any imported): the device, precision and batch size it was measured at, the \
            model's MACs at that input, the samples per second, and the MACs it got through per \
            second (MACs × samples/s: how well the device runs it). Two models with the same MACs \
            can differ several times in speed; the summary line gives the spread. Models in the \
            selection without a measurement are counted on stderr.

            --svg FILE charts samples per second against MACs for one device and precision (log \
            scales, one point per model and input, coloured by family): the dashed line is the \
            median MACs per second of the chart's points, where a model would sit if MACs \
            predicted speed; the models furthest above and below it are named.

            Examples:
              opcat speed --device 'RTX 4090'
              opcat speed --device 'Core i9-10940X' --svg cpu-speed.svg
              opcat speed --family 'convnext*' --sort macs --format csv
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var speed: SpeedOptions

    enum Order: String, ExpressibleByArgument, CaseIterable {
        case throughput, macs, efficiency
    }

    @Option(
        name: .long,
        help:
            "Order rows by throughput (fastest first), macs (smallest first) or efficiency (MACs per second, highest first)."
    )
    var sort: Order = .throughput

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write an SVG chart of samples per second against MACs to this file (needs one device and precision).",
            valueName: "file"),
        completion: .file(extensions: ["svg"]))
    var svg: String?

    @OptionGroup var output: FormatOptions

    struct Row {
        var summary: ProfileSummary
        var measurement: MeasuredSpeed
        var macsPerSecond: Double { Double(summary.totals[.macs] ?? 0) * measurement.value }
        /// The model and input the row measures (a chart point).
        var key: String { Self.key(summary.model, summary.input) }
        static func key(_ model: String, _ input: InputKey) -> String { "\(model) \(input)" }
    }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        // A profile per model and input (summaries repeat it per checkpoint).
        var seen = Set<String>()
        var rows: [Row] = []
        var unmeasured: [String] = []
        let summaries = try selection.summaries(catalog)
        for s in summaries where seen.insert(Row.key(s.model, s.input)).inserted {
            let chosen = speed.matching(s)
            rows += chosen.map { Row(summary: s, measurement: $0) }
        }
        // Measured inputs no checkpoint is evaluated at (timm benchmarks a model at several
        // sizes): the profile at each, asked for by input.
        if selection.input == nil {
            let selected = Set(summaries.map(\.model))
            var missing: [InputKey: Set<String>] = [:]
            for (model, inputs) in try catalog.measuredInputs() where selected.contains(model) {
                for input in inputs where !seen.contains(Row.key(model, input)) {
                    missing[input, default: []].insert(model)
                }
            }
            for (input, models) in missing.sorted(by: { $0.key.description < $1.key.description }) {
                let at = try catalog.summaries(
                    convention: .standard, input: input, families: selection.family, models: selection.model,
                    format: selection.fileFormat, zoos: selection.zoo)
                for s in at where models.contains(s.model) && seen.insert(Row.key(s.model, s.input)).inserted {
                    rows += speed.matching(s).map { Row(summary: s, measurement: $0) }
                }
            }
        }
        let measuredModels = Set(rows.map(\.summary.model))
        for s in summaries where !measuredModels.contains(s.model) && !unmeasured.contains(s.model) {
            unmeasured.append(s.model)
        }
        if !unmeasured.isEmpty {
            Console.notice(
                "\(Console.count(unmeasured)) have no \(speed.described) measured\(selection.input == nil ? "" : " at that input") (\(Console.names(unmeasured)))"
            )
        }
        guard !rows.isEmpty else { throw CLIError("no measured speed in the catalog for this selection") }
        switch sort {
        case .throughput:
            rows.sort { ($0.measurement.value, $1.summary.model) > ($1.measurement.value, $0.summary.model) }
        case .macs:
            rows.sort {
                ($0.summary.totals[.macs] ?? 0, $0.summary.model) < ($1.summary.totals[.macs] ?? 0, $1.summary.model)
            }
        case .efficiency: rows.sort { ($0.macsPerSecond, $1.summary.model) > ($1.macsPerSecond, $0.summary.model) }
        }
        var result = ResultSet([
            ResultSet.Column("model", nil, .text), ResultSet.Column("input", nil, .text),
            ResultSet.Column("device", nil, .text), ResultSet.Column("precision", nil, .text),
            ResultSet.Column("batch_size", "batch", .integer),
            ResultSet.Column("macs", "MACs (G)", .count(exponent: 9)),
            ResultSet.Column("samples_per_sec", "samples/s", .rate),
            ResultSet.Column("macs_per_sec", "MACs/s (T)", .count(exponent: 12)),
        ])
        for row in rows {
            let m = row.measurement
            result.append([
                .text(row.summary.model), .text(row.summary.input.shapes), .text(m.device), .text(m.precision),
                .int(m.batchSize), .count(row.summary.totals[.macs]), .real(m.value),
                .int(Int(row.macsPerSecond.rounded())),
            ])
        }
        var line = "\(rows.count) measurement\(rows.count == 1 ? "" : "s")"
        // The spread of MACs per second on one device: how far MACs are from speed. (Batch
        // sizes are left in one group: timm benchmarks each model at the largest that fits.)
        let devices = Dictionary(grouping: rows) { Device($0.measurement) }
        for (device, group) in devices.sorted(by: { $0.key.described < $1.key.described }) where group.count > 1 {
            let ordered = group.filter { $0.macsPerSecond > 0 }.sorted { $0.macsPerSecond < $1.macsPerSecond }
            guard let low = ordered.first, let high = ordered.last, low.macsPerSecond > 0 else { continue }
            line +=
                "; on \(device.described.oneLine) MACs/s range \(String(format: "%.1f", high.macsPerSecond / low.macsPerSecond))× "
                + "(\(low.summary.model.oneLine) to \(high.summary.model.oneLine))"
        }
        if let svg {
            guard devices.count == 1, let device = devices.keys.first else {
                throw CLIError(
                    "the chart is for one device and precision; this selection has \(devices.count) ("
                        + devices.keys.map(\.described).sorted().joined(separator: "; ").oneLine
                        + "): choose one with --device and --precision")
            }
            do { try chart(rows, device).render().write(toFile: svg, atomically: true, encoding: .utf8) } catch {
                throw CLIError("\(svg): cannot write the chart: \((error as NSError).localizedDescription)")
            }
        }
        Document(result, line: line).print(output.format)
    }

    /// A device and precision: measurements on one are comparable.
    struct Device: Hashable {
        var device: String
        var precision: String
        init(_ m: MeasuredSpeed) { (device, precision) = (m.device, m.precision) }
        var described: String { "\(device), \(precision)" }
    }

    /// Samples per second against MACs, log-log, with the median MACs per second as the guide
    /// and the points furthest from it (by ratio, at most 12 on each side) highlighted.
    func chart(_ rows: [Row], _ device: Device) -> ScatterChart {
        let counted = rows.filter { $0.macsPerSecond > 0 }
        let uncounted = Set(rows.filter { $0.macsPerSecond <= 0 }.map(\.summary.model)).sorted()
        if !uncounted.isEmpty {
            Console.notice(
                "\(Console.count(uncounted)) have no MACs at their measured input and are left out of the chart (\(Console.names(uncounted)))"
            )
        }
        let byRate = counted.sorted { $0.macsPerSecond < $1.macsPerSecond }
        let median = byRate.isEmpty ? 0 : byRate[byRate.count / 2].macsPerSecond
        let named = max(1, min(12, byRate.count / 20))
        let outliers = Set(
            (byRate.prefix(named) + byRate.suffix(named)).map { "\($0.summary.model) \($0.summary.input)" })
        // A model measured at several inputs gets its resolution in the label.
        let inputs = Dictionary(grouping: counted, by: \.summary.model).mapValues { Set($0.map(\.summary.input)).count }
        let points = counted.map { row in
            let s = row.summary
            let side = s.input.inputs.first.map { $0.shape.suffix(2).map(String.init).joined(separator: "×") } ?? ""
            return ScatterChart.Point(
                model: (inputs[s.model] ?? 0) > 1 ? "\(s.model) @\(side)" : s.model, family: s.family ?? "other",
                cost: s.totals[.macs] ?? 0, value: row.measurement.value,
                highlighted: outliers.contains(row.key))
        }
        let batches = Set(counted.map(\.measurement.batchSize)).sorted()
        let batch =
            batches.count == 1 ? "batch \(batches[0])" : "batch \(batches.first ?? 0)–\(batches.last ?? 0)"
        return ScatterChart(
            title: "Measured samples/s against MACs on \(device.described), \(batch): \(points.count) points",
            xLabel: "MACs (billions)", yLabel: "samples per second", xScale: 1e9, logX: true, logY: true,
            guide: .rate(median, legend: String(format: "median %.1f T MACs/s", median / 1e12)), labels: .front,
            points: points)
    }
}

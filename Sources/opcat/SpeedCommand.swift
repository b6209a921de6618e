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

            Examples:
              opcat speed --device 'RTX 4090'
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

    @OptionGroup var output: FormatOptions

    struct Row {
        var summary: ProfileSummary
        var measurement: MeasuredSpeed
        var macsPerSecond: Double { Double(summary.totals[.macs] ?? 0) * measurement.value }
    }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        // A profile per model and input (summaries repeat it per checkpoint).
        var seen = Set<String>()
        var rows: [Row] = []
        var unmeasured: [String] = []
        for s in try selection.summaries(catalog) where seen.insert("\(s.model) \(s.input)").inserted {
            let chosen = speed.matching(s)
            if chosen.isEmpty, !unmeasured.contains(s.model) { unmeasured.append(s.model) }
            rows += chosen.map { Row(summary: s, measurement: $0) }
        }
        if !unmeasured.isEmpty {
            Console.notice(
                "\(Console.count(unmeasured)) have no \(speed.described) measured at their input (\(Console.names(unmeasured)))"
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
        // The spread of MACs per second on one device setting: how far MACs are from speed.
        let settings = Dictionary(grouping: rows) { $0.measurement.setting }
        for (setting, group) in settings.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            let ordered = group.filter { $0.macsPerSecond > 0 }.sorted { $0.macsPerSecond < $1.macsPerSecond }
            guard let low = ordered.first, let high = ordered.last, low.macsPerSecond > 0 else { continue }
            line +=
                "; on \(setting.oneLine) MACs/s range \(String(format: "%.1f", high.macsPerSecond / low.macsPerSecond))× "
                + "(\(low.summary.model.oneLine) to \(high.summary.model.oneLine))"
        }
        Document(result, line: line).print(output.format)
    }
}

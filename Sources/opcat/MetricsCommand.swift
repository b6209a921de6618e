import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Add accuracy figures to the catalog's checkpoints without counting again.",
        subcommands: [MetricsImportCommand.self])
}

struct MetricsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import accuracy figures of checkpoints from a CSV file.",
        discussion: """
            The file has the header `\(MetricsImportCommand.header.joined(separator: ","))`, one \
            figure per row:

              model,checkpoint,eval_input,dataset,metric,value,source
              resnet50,IMAGENET1K_V2,1x3x224x224,ImageNet-1k val,top1,80.858%,torchvision weights metadata

            `model` is a model in the catalog; `checkpoint` names its weights (empty: the model's \
            own name); `eval_input` is the input the figure was measured at (empty: as stored, \
            else the model's default input); `value` is a fraction (0.8086) or a percentage \
            (80.86%). Fields may be quoted as in RFC 4180. The whole file is applied in one \
            transaction: a row naming an unknown model, or any malformed row, is reported and \
            nothing of the file is applied. What changed is said on stderr.
            """)

    static let header = ["model", "checkpoint", "eval_input", "dataset", "metric", "value", "source"]

    @Argument(help: "The CSV file of figures.", completion: .file(extensions: ["csv"]))
    var file: String

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
        let data = try ModelFile.contents(of: URL(fileURLWithPath: file))
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file): not UTF-8 text") }
        let records = try CSV.parse(text, file: file)
        guard let head = records.first else { throw CLIError("\(file): the file is empty") }
        guard head.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == Self.header else {
            throw CLIError("\(file): line 1: the header must be \(Self.header.joined(separator: ","))")
        }
        let items = try Self.checkpoints(records.dropFirst(), file: file)
        let catalog = try self.catalog.openExisting()
        let changes = try catalog.importCheckpoints(items)
        for (model, change) in changes {
            Console.notice(IngestCommand.describe([change], of: model))
        }
        let figures = items.reduce(0) { $0 + $1.checkpoint.metrics.count }
        let figureChanges = changes.filter(\.change.isFigure)
        let added = figureChanges.filter { $0.change.old == nil }.count
        Console.notice(
            "\(figures) figure\(figures == 1 ? "" : "s") of \(items.count) checkpoint\(items.count == 1 ? "" : "s"): "
                + "\(added) added, \(figureChanges.count - added) changed, \(figures - figureChanges.count) unchanged"
                + " → \(catalog.path)")
    }

    /// The rows as checkpoints, one per model and checkpoint name, in file order.
    static func checkpoints(_ records: ArraySlice<CSV.Record>, file: String) throws
        -> [(model: String, checkpoint: ZooManifest.Checkpoint)]
    {
        var items: [(model: String, checkpoint: ZooManifest.Checkpoint)] = []
        var position: [String: Int] = [:]
        var seen: [String: Int] = [:]
        for record in records {
            func fail(_ reason: String) -> CLIError { CLIError("\(file): line \(record.line): \(reason)") }
            if record.fields == [""] { continue }  // a blank line
            guard record.fields.count == header.count else {
                throw fail("\(record.fields.count) fields; the header has \(header.count)")
            }
            let f = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            let (model, dataset, metric, source) = (f[0], f[3], f[4], f[6])
            let checkpointName = f[1].isEmpty ? model : f[1]
            for (name, value) in [("model", model), ("dataset", dataset), ("metric", metric), ("source", source)]
            where value.isEmpty {
                throw fail("\(name) is empty")
            }
            for (what, value) in [
                ("model", model), ("checkpoint", checkpointName), ("dataset", dataset), ("metric", metric),
                ("source", source),
            ] {
                if let reason = value.unprintableReason(what) { throw fail(reason) }
            }
            guard let accuracy = Accuracy(argument: f[5]) else { throw fail("value '\(f[5])' is not a number") }
            if ["top1", "top5"].contains(metric), !(0...1).contains(accuracy.fraction) {
                throw fail("\(metric) \(f[5]) is not a fraction between 0 and 1 or a percentage")
            }
            var evalInput: ZooManifest.Input?
            if !f[2].isEmpty {
                do {
                    let binding = try ShapeSyntax.parseBinding(f[2])
                    evalInput = ZooManifest.Input(name: binding.name, shape: binding.shape)
                } catch { throw fail("eval_input '\(f[2])': \(error)") }
            }
            let figure = "\(model)\u{0}\(checkpointName)\u{0}\(dataset)\u{0}\(metric)"
            if let line = seen[figure] {
                throw fail("\(metric) of \(checkpointName) is given again (first on line \(line))")
            }
            seen[figure] = record.line
            let key = "\(model)\u{0}\(checkpointName)"
            let value = ZooManifest.Metric(dataset: dataset, metric: metric, value: accuracy.fraction, source: source)
            if let index = position[key] {
                if let evalInput, let other = items[index].checkpoint.evalInput, other != evalInput {
                    throw fail("checkpoint \(checkpointName) of \(model) was given another eval_input above")
                }
                items[index].checkpoint.evalInput = items[index].checkpoint.evalInput ?? evalInput
                items[index].checkpoint.metrics.append(value)
            } else {
                position[key] = items.count
                items.append(
                    (model, ZooManifest.Checkpoint(name: checkpointName, evalInput: evalInput, metrics: [value])))
            }
        }
        guard !items.isEmpty else { throw CLIError("\(file): no figures after the header") }
        return items
    }
}

/// RFC 4180 records: fields separated by commas, quoted with `"` (doubled inside), records by
/// CRLF or LF; a quoted field may span lines.
enum CSV {
    struct Record {
        var line: Int
        var fields: [String]
    }

    static func parse(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending {
                pending = nil
                return p
            }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    let after = next()
                    if after == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                        pending = after
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r": continue
            case "\n":
                fields.append(field)
                records.append(Record(line: start, fields: fields))
                (fields, field) = ([], "")
                line += 1
                start = line
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw CLIError("\(file): line \(start): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: start, fields: fields))
        }
        return records
    }
}

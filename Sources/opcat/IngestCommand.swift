import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Count model files or zoo directories and store the results in the catalog.",
        discussion: """
            Each model is stored in one transaction with both conventions (standard and mxop), its \
            per-layer rows, any unsupported ops, and its metrics: all of it or nothing. Ingest is \
            idempotent: an unchanged file with the same options is skipped without counting; a \
            changed file replaces that model's rows (a file is identified by what opcat reads: an \
            ONNX file's graph without its weights); --input with a new shape adds profiles beside \
            the existing ones; a changed accuracy figure is stored, and said, even for a skipped \
            file. Several ingests may run at once on one catalog.

            A zoo directory takes names, families, inputs, backbone ends and metrics from its \
            manifest.json. --name, --family, --backbone-end and the metric options apply to a \
            single model file. Accuracies are fractions (0.7647) or percentages (76.47%), and need \
            --metric-source.

            Progress goes to stderr when it is a terminal; a summary always does (--quiet: neither). If some models \
            fail, the others are kept, each failure is named, and the exit status is 1.
            """)

    @Argument(help: "Model files and zoo directories.", completion: .file(extensions: ["json", "onnx", "gz"]))
    var paths: [String] = []

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var quiet: QuietOption

    @OptionGroup var inputs: InputOptions

    @Option(name: .long, help: "Model name (a single file; default: the file name without -symbol.json).")
    var name: String?

    @Option(name: .long, help: "Model family, e.g. resnet_v1 (a single file).")
    var family: String?

    @Option(name: .long, help: ArgumentHelp("The node that ends the backbone (a single file).", valueName: "node"))
    var backboneEnd: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "For a quantized model: the float model it was made from (a single file).", valueName: "model"))
    var quantizedFrom: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Top-1 accuracy as a fraction or a percentage, e.g. 0.7647 or 76.47% (a single file; needs --metric-source).",
            valueName: "accuracy"))
    var top1: Accuracy?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Top-5 accuracy as a fraction or a percentage (a single file; needs --metric-source).",
            valueName: "accuracy"))
    var top5: Accuracy?

    @Option(name: .long, help: "Where the accuracy figures come from (a paper, a model card URL …).")
    var metricSource: String?

    @Option(name: .long, help: "Dataset of the accuracy figures.")
    var dataset = "ImageNet-1k val"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The checkpoint (set of weights) the accuracy figures are of (a single file; default: the model name).",
            valueName: "name"))
    var checkpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The input the accuracy figures were measured at (default: the model's first input in the catalog, for a new model the --input counted).",
            valueName: "shape"))
    var evalInput: String?

    @Flag(name: .long, help: "Count and store again even if the file and options are unchanged.")
    var force = false

    @Option(
        name: [.customShort("j"), .long],
        help: ArgumentHelp(
            "Threads that read and count models (default: one per core); one thread writes, in the order given.",
            valueName: "n"))
    var jobs: Int?

    /// The counting threads: `--jobs`, else one per core.
    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs takes a number of threads, 1 or more") }
        guard !paths.isEmpty else {
            throw ValidationError(
                "give at least one model file or zoo directory"
                    + (inputs.input.isEmpty
                        ? ""
                        : "; to add profiles from the catalog's stored definitions, use `opcat profile --input SHAPE`"))
        }
        for (label, value) in [("--top1", top1), ("--top5", top5)] {
            if let value, !(0...1).contains(value.fraction) {
                throw ValidationError(
                    "\(label) \(value.text): give accuracy as a fraction between 0 and 1 (0.7647) or a percentage (76.47%)"
                )
            }
        }
        if (top1 != nil || top5 != nil) && (metricSource ?? "").isEmpty {
            throw ValidationError("--top1/--top5 need --metric-source saying where the figures come from")
        }
        if (checkpoint != nil || evalInput != nil) && top1 == nil && top5 == nil {
            throw ValidationError("--checkpoint and --eval-input describe the figures of --top1/--top5: give one")
        }
        if let checkpoint, checkpoint.isEmpty { throw ValidationError("--checkpoint cannot be empty") }
        for (option, value) in [
            ("--name", name), ("--family", family), ("--checkpoint", checkpoint), ("--quantized-from", quantizedFrom),
            ("--metric-source", metricSource), ("--dataset", dataset),
        ] {
            if let reason = value?.unprintableReason(option) { throw ValidationError(reason) }
        }
        _ = try evalInputShape()
    }

    /// `--eval-input` as a manifest input.
    func evalInputShape() throws -> ZooManifest.Input? {
        guard let evalInput else { return nil }
        let bindings = try InputOption.bindings([evalInput])
        guard bindings.count == 1 else { throw ValidationError("--eval-input takes one input shape") }
        return ZooManifest.Input(name: bindings[0].name, shape: bindings[0].shape)
    }

    struct Job {
        var model: ModelJob
        var record: ModelRecord
    }

    /// What a worker found for one model: per input set, that the catalog has it already, its
    /// count (with its layer rows encoded and its definition compressed), or why it could not be
    /// counted.
    struct Prepared: Sendable {
        var steps: [Step]
        /// Whether the manifest's figures (checkpoints, metrics, measurements) differ from the
        /// catalog's, as read here; the writer compares again when it stores them.
        var figuresDiffer: Bool
        /// The file's settled status, stored with the model; nil when it was not read (its
        /// stored status matched) or had changed too recently to stand for its content.
        var status: FileStatus? = nil
        /// The digest of a file found current by its digest whose status the catalog should
        /// store (it has another, or none), so the next ingest need not read it.
        var recordStatus: String? = nil

        enum Step: Sendable {
            case current
            case counted(CountedModel, LayerRows, StoredDefinitionData)
            case failed(any Error)
        }
    }

    /// Reads, checks and counts `job` at each of its input sets: the part of an ingest that
    /// runs on a worker thread. It reads the catalog (is a profile current?) but never writes.
    /// A file whose status is the one stored with its model, current at every input set, is not
    /// read at all.
    static func prepare(
        _ job: Job, inputSets: [(inputs: [InputBinding], key: InputKey??)], catalog: Catalog, force: Bool,
        backboneEnd: String?
    ) throws -> Prepared {
        let end = backboneEnd ?? job.model.entry?.backboneEnd
        let (name, checkpoints, measurements) = (job.record.name, job.record.checkpoints, job.record.measurements)
        if !force, let status = FileStatus(path: job.model.file.path) {
            let keys = inputSets.compactMap(\.key)
            let found = try catalog.unchanged(
                name: name, status: status, inputKeys: keys.count == inputSets.count ? keys : [], backboneEnd: end,
                checkpoints: checkpoints, measurements: measurements)
            if found.current {
                return Prepared(steps: inputSets.map { _ in .current }, figuresDiffer: found.figuresDiffer)
            }
        }
        let loaded = try ModelFile.load(job.model.file, hashing: true)
        let sha256 = loaded.sha256 ?? ""
        let status = loaded.status.isSettled(before: Date()) ? loaded.status : nil
        var steps: [Prepared.Step] = []
        var definition: StoredDefinitionData?
        for (n, set) in inputSets.enumerated() {
            do {
                if !force, let key = set.key,
                    try catalog.isCurrent(name: job.record.name, sha256: sha256, inputKey: key, backboneEnd: end)
                {
                    steps.append(.current)
                    continue
                }
                var model = try job.model.count(contents: loaded.data, inputs: set.inputs, backboneEnd: backboneEnd)
                model.sha256 = sha256
                // Compressed here, off the writer, once for all the model's profiles.
                let stored = try definition ?? StoredDefinitionData(loaded.data, stripped: loaded.stripped)
                definition = stored
                steps.append(.counted(model, LayerRows(model), stored))
            } catch {
                steps.append(.failed(error))
                // Without its first input the model is not stored; a catalog error stops the batch.
                if n == 0 || error is CatalogError { break }
            }
        }
        let figuresDiffer = try catalog.figuresDiffer(
            name: name, checkpoints: checkpoints, measurements: measurements)
        var prepared = Prepared(steps: steps, figuresDiffer: figuresDiffer, status: status)
        if let status, steps.allSatisfy({ if case .current = $0 { true } else { false } }),
            try catalog.statusDiffers(name: job.record.name, sha256: sha256, status: status)
        {
            prepared.recordStatus = sha256
        }
        return prepared
    }

    func run() throws {
        let jobs = try plan()
        let catalog = try self.catalog.open()
        let bindings = try inputs.bindings()
        var tally: [IngestOutcome: Int] = [:]
        var failures: [String] = []
        var layerRows = 0
        var metricsUpdated = 0
        var noBackbone: [String] = []
        let started = Date()
        let progress = Progress(total: jobs.count)
        let plans = jobs.map { job in Self.inputSets(bindings, job).map { (inputs: $0, key: inputKey($0, job)) } }
        let (force, backboneEnd) = (self.force, self.backboneEnd)
        let workers = jobCount
        // Files are read and counted on `workers` threads; this thread writes each model in
        // turn, in the order given, so the catalog and the messages are as a sequential ingest's.
        try OrderedWork.run(
            count: jobs.count, workers: workers, window: 2 * workers,
            work: { i -> Result<Prepared, any Error> in
                Result {
                    try Self.prepare(
                        jobs[i], inputSets: plans[i], catalog: catalog, force: force, backboneEnd: backboneEnd)
                }
            },
            consume: { i, prepared in
                let job = jobs[i]
                progress.show(i, job.record.name)
                do {
                    let prepared = try prepared.get()
                    // Figures are part of what makes an ingest unchanged: a changed one is stored and said.
                    let changes =
                        prepared.figuresDiffer
                        ? try catalog.updateCheckpoints(name: job.record.name, checkpoints: job.record.checkpoints)
                        : []
                    let measured =
                        prepared.figuresDiffer
                        ? try catalog.updateMeasurements(
                            name: job.record.name, measurements: job.record.measurements) : 0
                    if !changes.isEmpty || measured > 0 {
                        progress.clear()
                        let speeds = "\(measured) measurement\(measured == 1 ? "" : "s") stored"
                        Console.notice(
                            changes.isEmpty
                                ? "\(job.record.name): \(speeds)"
                                : IngestCommand.describe(changes, of: job.record.name)
                                    + (measured > 0 ? "; \(speeds)" : ""))
                        metricsUpdated += 1
                    }
                    var outcomes: [IngestOutcome] = []
                    for (n, step) in prepared.steps.enumerated() {
                        switch step {
                        case .current:
                            outcomes.append(.skipped)
                        case .failed(let error):
                            guard n > 0, !(error is CatalogError) else { throw error }
                            // The model is stored; a checkpoint's own input it cannot take is said.
                            progress.clear()
                            Console.notice(
                                "\(job.record.name): no profile at \(InputKey(plans[i][n].inputs)), where a checkpoint was evaluated or a speed measured: \(error)"
                            )
                        case .counted(let model, let rows, let definition):
                            // A changed file replaces the model's rows at its first input; the other
                            // evaluation inputs then add their profiles beside it.
                            let outcome = try catalog.ingest(
                                model, record: job.record, definition: definition, force: force && n == 0,
                                rows: rows, status: prepared.status)
                            outcomes.append(outcome)
                            // Counted ahead, it may have been stored since by a model before it in
                            // the batch (a file given twice): then nothing is said of it, as then
                            // it would not have been counted.
                            guard outcome != .skipped else { continue }
                            layerRows += 2 * model.analysis.layers.count
                            if !model.analysis.isComplete || !model.analysis.isExact {
                                progress.clear()
                                Console.reportPartial(model)
                            }
                            if n == 0, model.analysis.backbone == nil {
                                noBackbone.append(job.record.name)
                                for notice in model.notices where notice.subject == .backboneEnd {
                                    progress.clear()
                                    Console.notice("\(job.record.name): \(Hints.explain(notice))")
                                }
                            }
                        }
                    }
                    if let sha256 = prepared.recordStatus, let status = prepared.status {
                        try catalog.recordStatus(name: job.record.name, sha256: sha256, status: status)
                    }
                    // One outcome per model: what happened at its first input, else the first change.
                    let outcome = outcomes.first { $0 != .skipped } ?? .skipped
                    tally[outcome, default: 0] += 1
                } catch let error as CatalogError {
                    // The catalog itself failed: stop the batch; this model's transaction left nothing.
                    progress.clear()
                    throw CLIError("\(error) (storing \(job.record.name); nothing of it was kept)")
                } catch {
                    progress.clear()
                    Console.error("\(error)")
                    failures.append(job.record.name)
                }
            })
        // The workers are done: close the catalog before the summary (and before the process exits).
        try catalog.close()
        progress.clear()
        let seconds = Date().timeIntervalSince(started)
        let parts =
            IngestOutcome.allCases.compactMap { outcome in tally[outcome].map { "\($0) \(outcome.rawValue)" } }
            + (metricsUpdated == 0 ? [] : ["metrics updated for \(metricsUpdated)"])
            + (failures.isEmpty ? [] : ["\(failures.count) failed (\(failures.joined(separator: ", ")))"])
        Console.notice(
            "\(jobs.count) model\(jobs.count == 1 ? "" : "s"): \(parts.joined(separator: ", ")); \(layerRows) layer rows in \(String(format: "%.2f", seconds)) s → \(catalog.path)"
        )
        if !noBackbone.isEmpty {
            Console.notice(
                "\(Console.count(noBackbone)) stored without a backbone end (\(Console.names(noBackbone))): their "
                    + "backbone columns stay empty and --backbone queries leave them out; set one with --backbone-end NODE"
            )
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// `tiny: top1 0.5185 → 0.52`, the checkpoint named where it is not the model's own.
    static func describe(_ changes: [Catalog.MetricChange], of model: String) -> String {
        var parts: [String] = []
        for change in changes {
            parts.append((change.checkpoint == model ? "" : "\(change.checkpoint) ") + change.description)
        }
        return "\(model): " + parts.joined(separator: ", ")
    }

    /// The inputs a model is counted at: those given on the command line; else its manifest
    /// input (`[]`) and then every other input its checkpoints were evaluated at or its speeds
    /// measured at, so each checkpoint and each measurement has a profile at its own resolution.
    static func inputSets(_ bindings: [InputBinding], _ job: Job) -> [[InputBinding]] {
        guard bindings.isEmpty else { return [bindings] }
        let entry = job.model.entry
        var seen: Set<InputKey> = entry.map { [InputKey($0.inputBindings)] } ?? []
        var sets: [[InputBinding]] = [[]]
        let inputs = job.record.checkpoints.compactMap(\.evalInput) + job.record.measurements.map(\.input)
        for input in inputs {
            let binding = [InputBinding(name: input.name ?? entry?.input.name, shape: input.shape)]
            if seen.insert(InputKey(binding)).inserted { sets.append(binding) }
        }
        return sets
    }

    /// The input key a profile would have, when it can be known without counting: `.some(nil)`
    /// stands for the model's default input.
    func inputKey(_ bindings: [InputBinding], _ job: Job) -> InputKey?? {
        if bindings.isEmpty {
            if let entry = job.model.entry, entry.input.name != nil { return .some(InputKey(entry.inputBindings)) }
            return .some(nil)
        }
        // Inputs sized by `--dim` are known once the file is read.
        if bindings.contains(where: \.isDimension) { return nil }
        let key = InputKey(bindings)
        return key.isNamed ? .some(key) : nil
    }

    /// The models to ingest, in order; every path is checked before anything is written.
    func plan() throws -> [Job] {
        var jobs: [Job] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw PathProblem.missing(path)
            }
            if isDirectory.boolValue && !ZooManifest.exists(in: url) {
                // A directory of model files without a manifest: each file, as given by path.
                for file in try ModelJob.unlistedFiles(in: url, path: path, doing: "ingesting") {
                    let job = ModelJob(file: file, entry: nil)
                    var record = ModelRecord(name: job.name, entry: nil)
                    record.zoo = url.standardizedFileURL.lastPathComponent
                    jobs.append(Job(model: job, record: record))
                }
            } else if isDirectory.boolValue {
                let root = url.resolvingSymlinksInPath().path
                let manifest = try ZooManifest.load(directory: url)
                let zoo = manifest.zoo ?? url.standardizedFileURL.lastPathComponent
                for entry in manifest.models {
                    // A symbolic link inside the zoo may not lead out of it.
                    let resolved = url.appendingPathComponent(entry.file).resolvingSymlinksInPath().path
                    guard resolved.hasPrefix(root + "/") else {
                        throw CLIError(
                            "\(path)/\(entry.file): a symbolic link that leads out of the zoo directory (to \(resolved)); "
                                + "copy the file into the zoo instead")
                    }
                    var record = ModelRecord(name: entry.name, entry: entry)
                    record.zoo = zoo
                    jobs.append(
                        Job(model: ModelJob(file: url.appendingPathComponent(entry.file), entry: entry), record: record)
                    )
                }
            } else {
                let job = try ModelJob(file: url)
                var record = ModelRecord(name: job.name, entry: job.entry)
                if job.entry != nil {
                    let directory = url.deletingLastPathComponent()
                    record.zoo =
                        try ZooManifest.load(directory: directory).zoo
                        ?? directory.standardizedFileURL.lastPathComponent
                }
                if let name { record.name = name }
                if let quantizedFrom { record.floatParent = quantizedFrom }
                if let family { record.family = family }
                if let source = metricSource {
                    let metrics = [("top1", top1), ("top5", top5)].compactMap { metric, value in
                        value.map {
                            ZooManifest.Metric(dataset: dataset, metric: metric, value: $0.fraction, source: source)
                        }
                    }
                    if !metrics.isEmpty {
                        record.checkpoints = [
                            ZooManifest.Checkpoint(
                                name: checkpoint ?? record.name, evalInput: try evalInputShape(), metrics: metrics)
                        ]
                    }
                }
                jobs.append(Job(model: job, record: record))
            }
        }
        let single =
            jobs.count == 1
            && !paths.contains { path in
                var d: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
            }
        if !single
            && (name != nil || family != nil || backboneEnd != nil || top1 != nil || top5 != nil
                || quantizedFrom != nil || checkpoint != nil)
        {
            throw ValidationError(
                "--name, --family, --backbone-end, --quantized-from, --top1, --top5 and --checkpoint apply to a single model file"
            )
        }
        if let name, name.isEmpty { throw ValidationError("--name cannot be empty") }
        // Two files that would be one model (x-symbol.json and x.onnx): the second would replace the first.
        var files: [String: URL] = [:]
        for job in jobs {
            if let other = files[job.record.name], other.standardizedFileURL != job.model.file.standardizedFileURL {
                throw CLIError(
                    "\(other.relativePath) and \(job.model.file.relativePath) would both be model '\(job.record.name)'; "
                        + "ingest one of them on its own with --name")
            }
            files[job.record.name] = job.model.file
        }
        return jobs
    }
}

extension IngestOutcome: CaseIterable {
    public static let allCases: [IngestOutcome] = [.added, .replaced, .addedProfile, .skipped]
}

/// `[3/34] resnet50_v1` on one rewritten stderr line, only when stderr is a terminal.
struct Progress {
    let total: Int
    let enabled = isatty(STDERR_FILENO) == 1 && !Console.quiet

    func show(_ done: Int, _ name: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K[\(done + 1)/\(total)] \(name)".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// An accuracy as people write it: a fraction (`0.7647`) or a percentage (`76.47%`).
struct Accuracy: ExpressibleByArgument {
    var fraction: Double
    var text: String

    init?(argument: String) {
        text = argument
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent.isFinite else { return nil }
            // 80.858% is stored as 0.80858, not as the quotient's 0.8085800000000001.
            fraction = Double(String(format: "%.12g", percent / 100)) ?? percent / 100
        } else {
            guard let value = Double(trimmed), value.isFinite else { return nil }
            fraction = value
        }
    }
}

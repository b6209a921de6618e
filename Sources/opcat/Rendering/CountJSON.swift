import ModelFormats
import OpCount

/// The JSON contract of `opcat count --format json` (documented in README.md, "JSON output").
/// Fields are only ever added, never renamed or removed.
enum CountJSON {
    static func model(_ model: CountedModel, layers: Bool) -> JSON {
        let a = model.analysis
        var fields: [(String, JSON)] = [
            ("model", .string(model.name)),
            ("file", .string(model.file)),
            ("format", .string(model.format)),
            ("inputs", .array(a.inputs.map { .object([("name", .string($0.name)), ("shape", shape($0.shape))]) })),
            ("complete", .bool(a.isComplete)),
            ("exact", .bool(a.isExact)),
            (
                "bounds",
                .array(
                    a.bounds.map {
                        .object([("node", .string($0.node)), ("op", .string($0.op)), ("bound", .string($0.bound))])
                    })
            ),
            ("totals", counts(a.totals)),
            ("mxop", mxop(a.mxop)),
        ]
        if let b = a.backbone {
            fields.append(
                ("backbone", .object([("end", .string(b.end)), ("totals", counts(b.totals)), ("mxop", mxop(b.mxop))])))
        }
        fields.append(
            (
                "precision",
                .object(a.macsByPrecision.sorted { $0.key < $1.key }.map { ($0.key.description, .int($0.value)) })
            ))
        fields.append(("bops", .int(a.bops)))
        fields.append(
            (
                "storage",
                .object(
                    a.storageByType.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                        (
                            $0.key.rawValue,
                            .object([("elements", .int($0.value.elements)), ("bytes", .int($0.value.bytes))])
                        )
                    })
            ))
        if let parent = model.zooEntry?.quantizedFrom { fields.append(("quantized_from", .string(parent))) }
        fields.append(
            ("unsupported", .array(a.unsupported.map { .object([("op", .string($0.op)), ("count", .int($0.count))]) })))
        fields.append(
            (
                "unresolved",
                .array(
                    a.unresolved.map {
                        .object([("node", .string($0.node)), ("op", .string($0.op)), ("reason", .string($0.reason))])
                    })
            ))
        fields.append(("unshaped_nodes", .array(a.unshapedNodes.map(JSON.string))))
        fields.append(("uncounted_parameters", .array(a.uncountedParameters.map(JSON.string))))
        if let entry = model.zooEntry, !entry.metrics.isEmpty {
            fields.append(
                (
                    "metrics",
                    .array(
                        entry.metrics.map {
                            .object([
                                ("dataset", .string($0.dataset)), ("metric", .string($0.metric)),
                                ("value", .number($0.value)),
                                ("source", .string($0.source)),
                            ])
                        })
                ))
        }
        if layers {
            fields.append(("layers", .array(a.layers.map(layer))))
        }
        return .object(fields)
    }

    static func shape(_ s: [Int]) -> JSON { .array(s.map(JSON.int)) }

    static func counts(_ c: Counts) -> JSON {
        .object(c.fields.map { ($0.name, .int($0.value)) })
    }

    static func mxop(_ c: MxopCounts) -> JSON {
        .object(c.fields.map { ($0.name, .int($0.value)) })
    }

    static func layer(_ l: Layer) -> JSON {
        .object([
            ("index", .int(l.index)), ("name", .string(l.name)), ("op", .string(l.op)),
            ("source_op", .string(l.sourceOp)),
            ("status", .string(l.status.rawValue)),
            ("input_shapes", .array(l.inputShapes.map { $0.map(shape) ?? .null })),
            ("output_shapes", .array(l.outputShapes.map(shape))),
            ("counts", counts(l.counts)), ("mxop", mxop(l.mxop)), ("in_backbone", .bool(l.inBackbone)),
            ("precision", l.precision.map { .string($0.description) } ?? .null),
        ])
    }
}

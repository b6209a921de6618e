import Foundation
import GRDB
import ModelFormats
import OpCount
import Testing

@testable import Catalog

/// The queries SQLite answers (`best`, the Pareto front, a table's first rows) against plain
/// in-memory answers over every summary of the same scope, on a catalog made to tie: the seed
/// zoo, a second input for some models, a checkpoint evaluated at that input, and copies that
/// repeat costs and accuracies exactly, lack a metric or lack a backbone.
struct QueryScopeTests {
    static let catalog: Catalog = {
        let catalog = try! Catalog()
        let skipped: Set<String> = [
            "vit_b_16", "swin_t", "convnext_tiny", "densenet161", "resnet152_v1", "resnet152_v2",
        ]
        for entry in CatalogTests.manifest.models where !skipped.contains(entry.name) {
            let (model, record) = try! CatalogTests.counted(entry.name)
            try! catalog.ingest(model, record: record)
        }
        for name in ["resnet18_v1", "mobilenet1.0", "squeezenet1.1"] {
            let (model, record) = try! CatalogTests.counted(name, input: [1, 3, 320, 320])
            try! catalog.ingest(model, record: record)
        }
        try! catalog.write { db in
            // A second checkpoint of resnet18_v1 evaluated at 320², more accurate.
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (model_id, name, eval_input)
                    SELECT id, 'ft_320', 'data:1x3x320x320' FROM models WHERE name = 'resnet18_v1'
                    """)
            try db.execute(
                sql: """
                    INSERT INTO metrics (checkpoint_id, dataset, metric, value, source)
                    SELECT c.id, 'ImageNet-1k val', 'top1', 0.74, 'test' FROM checkpoints c WHERE c.name = 'ft_320'
                    """)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM models ORDER BY id")
            for (i, id) in ids.enumerated() {
                try copy(db, model: id, suffix: "_same")
                if i % 3 == 0 { try copy(db, model: id, suffix: "_nometric", dropMetrics: true) }
                if i % 4 == 0 { try copy(db, model: id, suffix: "_nobackbone", dropBackbone: true) }
                // As accurate at twice the cost (named to sort first): dominated on the front,
                // ranked after the original.
                if i % 2 == 0 { try copy(db, model: id, prefix: "0twice_", scale: 2) }
            }
        }
        return catalog
    }()

    /// Copies a model with its profiles, checkpoints and metrics under a new name.
    static func copy(
        _ db: Database, model id: Int64, prefix: String = "", suffix: String = "", dropMetrics: Bool = false,
        dropBackbone: Bool = false, scale: Int = 1
    ) throws {
        func columns(_ table: String) throws -> [String] {
            try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }.filter { $0 != "id" }
        }
        let modelColumns = try columns("models")
        try db.execute(
            sql: """
                INSERT INTO models (\(modelColumns.joined(separator: ", ")))
                SELECT \(modelColumns.map { $0 == "name" ? "? || name || ?" : $0 }.joined(separator: ", ")) FROM models WHERE id = ?
                """, arguments: [prefix, suffix, id])
        let copy = db.lastInsertedRowID
        let profileColumns = try columns("profiles")
        try db.execute(
            sql: """
                INSERT INTO profiles (\(profileColumns.joined(separator: ", ")))
                SELECT \(profileColumns.map { column in
                    if column == "model_id" { return "?" }
                    if dropBackbone && (column.hasPrefix("bb_") || column == "backbone_end") { return "NULL" }
                    return Catalog.profileCountColumns.contains(column) ? "\(column) * \(scale)" : column
                }.joined(separator: ", ")) FROM profiles WHERE model_id = ? ORDER BY id
                """, arguments: [copy, id])
        for checkpoint in try Row.fetchAll(
            db, sql: "SELECT id, name, eval_input FROM checkpoints WHERE model_id = ? ORDER BY id", arguments: [id])
        {
            let name: String = checkpoint["name"]
            let own = try String.fetchOne(db, sql: "SELECT name FROM models WHERE id = ?", arguments: [id])
            try db.execute(
                sql: "INSERT INTO checkpoints (model_id, name, eval_input) VALUES (?, ?, ?)",
                arguments: [copy, name == own ? prefix + name + suffix : name, checkpoint["eval_input"]])
            guard !dropMetrics else { continue }
            try db.execute(
                sql: """
                    INSERT INTO metrics (checkpoint_id, dataset, metric, value, source)
                    SELECT ?, dataset, metric, value, source FROM metrics WHERE checkpoint_id = ?
                    """, arguments: [db.lastInsertedRowID, checkpoint["id"]])
        }
    }

    static let scopes: [QueryScope] = [
        QueryScope(convention: .standard),
        QueryScope(convention: .standard, input: try! InputKey(parsing: "data:1x3x320x320")),
        QueryScope(convention: .standard, input: InputKey([InputKey.Input(name: nil, shape: [1, 3, 224, 224])])),
        QueryScope(convention: .standard, families: ["resnet*", "MobileNet*"]),
        QueryScope(convention: .standard, excludeQuantized: true),
        QueryScope(convention: .standard, format: "onnx"),
        QueryScope(convention: .mxop),
    ]

    /// A row's identity in an answer.
    static func key(_ s: ProfileSummary) -> String {
        "\(s.model) · \(s.checkpoint?.name ?? "-") · \(s.input)"
    }

    /// The column of a measure, whole model or backbone.
    static func column(_ measure: Measure, _ backbone: Bool) -> String { (backbone ? "bb_" : "") + measure.key }

    @Test("the catalog ties: duplicates, missing metrics and backbones, a checkpoint at another input")
    func fixture() throws {
        let rows = try Self.catalog.summaries(QueryScope(convention: .standard))
        #expect(rows.count > 100)
        #expect(
            rows.contains {
                $0.model == "resnet18_v1" && $0.checkpoint?.name == "ft_320" && $0.input.shapes == "1x3x320x320"
            })
        #expect(rows.contains { $0.model.hasSuffix("_nobackbone") && $0.backbone == nil })
        #expect(rows.contains { $0.model.hasSuffix("_nometric") && $0.metrics.isEmpty })
    }

    @Test("best in SQLite equals the in-memory ranking", arguments: scopes)
    func best(scope: QueryScope) throws {
        let all = try Self.catalog.summaries(scope)
        for (budgets, backbone, rank) in [
            ([(Measure.macs, 2_000_000_000)], false, nil as Measure?),
            ([(.macs, 2_000_000_000)], true, nil),
            ([(.macs, 1_000_000_000), (.params, 5_000_000)], false, nil),
            ([(.params, 10_000_000)], false, .macs),
            ([(.params, 10_000_000)], true, .activations),
            ([(.flops, 100)], false, nil),
        ] where scope.convention == .standard || rank == nil && !budgets.contains { $0.0 == .macs } {
            for limit in [nil, 1, 3] {
                let answer = try Self.catalog.best(
                    scope, budgets: budgets.map { (Self.column($0.0, backbone), $0.1) }, metric: "top1",
                    rankColumn: rank.map { Self.column($0, backbone) }, limit: limit)
                // In memory: the rule as `best` states it.
                var uncosted: [String] = []
                var unranked: [String] = []
                var fit: [(ProfileSummary, Int)] = []
                for (i, s) in all.enumerated() {
                    let costs = budgets.map { s.value($0.0, backbone: backbone) }
                    guard costs.allSatisfy({ $0 != nil }) else {
                        uncosted.append(s.model)
                        continue
                    }
                    guard zip(costs, budgets).allSatisfy({ $0! <= $1.1 }) else { continue }
                    if let rank, s.value(rank, backbone: backbone) == nil {
                        uncosted.append(s.model)
                    } else if rank == nil && s.metrics["top1"] == nil {
                        unranked.append(s.model)
                    } else {
                        fit.append((s, i))
                    }
                }
                fit.sort { a, b in
                    if let rank {
                        let x = a.0.value(rank, backbone: backbone)!
                        let y = b.0.value(rank, backbone: backbone)!
                        return (x, a.0.model, a.1) < (y, b.0.model, b.1)
                    }
                    let x = a.0.metrics["top1"]!
                    let y = b.0.metrics["top1"]!
                    let cx = a.0.value(budgets[0].0, backbone: backbone)!
                    let cy = b.0.value(budgets[0].0, backbone: backbone)!
                    return x != y ? x > y : (cx, a.0.model, a.1) < (cy, b.0.model, b.1)
                }
                let expected = fit.prefix(limit ?? .max).map { Self.key($0.0) }
                let what =
                    "\(scope) \(budgets) backbone \(backbone) rank \(String(describing: rank)) limit \(String(describing: limit))"
                #expect(answer.rows.map(Self.key) == expected, "\(what)")
                #expect(answer.fitting == fit.count, "\(what)")
                #expect(answer.uncosted == Self.names(NameList(uncosted)), "\(what)")
                #expect(answer.unranked == Self.names(NameList(unranked)), "\(what)")
                let cheapest = all.compactMap { s in s.value(budgets[0].0, backbone: backbone).map { (s.model, $0) } }
                    .min { $0.1 < $1.1 }
                #expect(answer.cheapest?.model == cheapest?.0 && answer.cheapest?.cost == cheapest?.1, "\(what)")
                #expect(answer.total == all.count)
            }
        }
    }

    /// A list as a query returns it: the first names, and the count.
    static func names(_ list: NameList) -> NameList {
        NameList(names: Array(list.names.prefix(NameList.shown)), count: list.count)
    }

    @Test("the Pareto front in one ordered SQLite pass equals the sweep over every point", arguments: scopes)
    func front(scope: QueryScope) throws {
        let all = try Self.catalog.summaries(scope)
        for (measure, backbone) in [(Measure.macs, false), (.macs, true), (.params, false), (.activations, false)]
        where scope.convention == .standard || measure == .params {
            for metric in ["top1", "top5"] {
                let answer = try Self.catalog.front(scope, costColumn: Self.column(measure, backbone), metric: metric)
                var noCost: [String] = []
                var noMetric: [String] = []
                var points: [Pareto.Point] = []
                for s in all {
                    guard let cost = s.value(measure, backbone: backbone) else {
                        noCost.append(s.model)
                        continue
                    }
                    guard let accuracy = s.metrics[metric] else {
                        noMetric.append(s.model)
                        continue
                    }
                    let checkpoint = s.checkpoint.flatMap { $0.name == s.model ? nil : $0.name }
                    points.append(Pareto.Point(model: s.model, checkpoint: checkpoint, cost: cost, accuracy: accuracy))
                }
                let expected = Pareto.front(points).front
                let what = "\(scope) \(measure) backbone \(backbone) \(metric)"
                #expect(!expected.isEmpty || points.isEmpty, "\(what)")
                #expect(
                    answer.front.map { s in
                        "\(s.model) \(s.checkpoint.flatMap { $0.name == s.model ? nil : $0.name } ?? "")"
                    }
                        == expected.map { "\($0.model) \($0.checkpoint ?? "")" }, "\(what)")
                #expect(answer.pointCount == points.count, "\(what)")
                #expect(answer.labelled == points.contains { $0.checkpoint != nil }, "\(what)")
                #expect(answer.noCost == Self.names(NameList(noCost)), "\(what)")
                #expect(answer.noMetric == Self.names(NameList(noMetric)), "\(what)")
            }
        }
        // Exact duplicates of a front point are on the front with it.
        let front = try Self.catalog.front(QueryScope(convention: .standard), costColumn: "macs", metric: "top1")
        let names = Set(front.front.map(\.model))
        #expect(names.contains { names.contains($0 + "_same") })
    }

    @Test("a table's first rows in SQLite equal the sorted rows in memory", arguments: scopes)
    func rows(scope: QueryScope) throws {
        let all = try Self.catalog.summaries(scope)
        #expect(
            try Self.catalog.rows(scope, orderBy: nil, descending: false, limit: nil).map(Self.key) == all.map(Self.key)
        )
        for (order, descending) in [
            (TableOrder.column("macs"), false), (.column("macs"), true), (.column("bb_params"), false),
            (.metric("top1"), true), (.metric("top5"), false), (.column("muls"), true),
        ] {
            func value(_ s: ProfileSummary) -> Double? {
                switch order {
                case .column(let c):
                    let measure = Measure.allCases.first { $0.key == c || "bb_" + $0.key == c }!
                    return s.value(measure, backbone: c.hasPrefix("bb_")).map(Double.init)
                case .metric(let m): return s.metrics[m]
                }
            }
            let sorted = all.enumerated().sorted { a, b in
                switch (value(a.element), value(b.element)) {
                case (let x?, let y?) where x != y: return descending ? x > y : x < y
                case (_?, nil): return true
                case (nil, _?): return false
                default: return (a.element.model, a.offset) < (b.element.model, b.offset)
                }
            }.map { Self.key($0.element) }
            for limit in [nil, 1, 5, 40] {
                let rows = try Self.catalog.rows(scope, orderBy: order, descending: descending, limit: limit)
                #expect(rows.map(Self.key) == Array(sorted.prefix(limit ?? .max)), "\(scope) \(order) \(descending)")
            }
        }
    }

    @Test("the models of a scope without a profile at its input are named; none at their own inputs")
    func withoutProfile() throws {
        #expect(try Self.catalog.modelsWithoutProfile(QueryScope(convention: .standard)).isEmpty)
        let at320 = try Self.catalog.modelsWithoutProfile(
            QueryScope(convention: .standard, input: try InputKey(parsing: "data:1x3x320x320")))
        #expect(!at320.contains("resnet18_v1") && at320.contains("alexnet"))
    }
}

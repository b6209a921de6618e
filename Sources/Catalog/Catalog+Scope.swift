import Foundation
import GRDB
import OpCount

/// Which profiles a query reads: one convention, the models selected, and the input (each
/// checkpoint's evaluation input, or the model's default, when nil).
public struct QueryScope: Sendable {
    public var convention: Convention
    public var input: InputKey?
    /// Shell-style patterns, case-insensitive; empty selects every model.
    public var families: [String]
    public var models: [String]
    public var zoos: [String]
    /// One model by its stored name, exactly (no pattern).
    public var model: String?
    public var format: String?
    public var excludeQuantized: Bool

    public init(
        convention: Convention, input: InputKey? = nil, families: [String] = [], models: [String] = [],
        zoos: [String] = [], model: String? = nil, format: String? = nil, excludeQuantized: Bool = false
    ) {
        self.convention = convention
        self.input = input
        self.families = families
        self.models = models
        self.zoos = zoos
        self.model = model
        self.format = format
        self.excludeQuantized = excludeQuantized
    }

    /// The same selection at each model's own inputs.
    public var atOwnInputs: QueryScope {
        var scope = self
        scope.input = nil
        return scope
    }
}

/// Model names a query left out: the first few in catalog order, and how many there are.
public struct NameList: Sendable, Hashable {
    public var names: [String]
    public var count: Int

    public init(names: [String] = [], count: Int = 0) {
        self.names = names
        self.count = count
    }

    /// Every name of `all`, once each, in order.
    public init(_ all: [String]) {
        var seen = Set<String>()
        names = all.filter { seen.insert($0).inserted }
        count = names.count
    }

    public var isEmpty: Bool { count == 0 }

    /// How many names an answer carries in full; the rest are counted.
    static let shown = 8
}

/// One answer row of a scope: a profile, and the checkpoint whose figures go with it.
struct ScopeRow: Hashable {
    var profile: Int64
    var checkpoint: Int64?
}

/// A query's scope as SQL: common table expressions ending in
/// `scope(model_id, checkpoint_id, profile_id)`, one row per answer row.
struct ScopeSQL {
    var with: String
    var arguments: [(any DatabaseValueConvertible)?]
    var functions: [DatabaseFunction]
    /// The columns that order the rows as the catalog does: by model, then checkpoint (or, at a
    /// given input, profile then checkpoint).
    var order: [String]

    /// `order` of a table's columns (`s.model_id, s.checkpoint_id`).
    func order(_ table: String) -> String { order.map { "\(table).\($0)" }.joined(separator: ", ") }

    init(_ scope: QueryScope) {
        var conditions: [String] = []
        var selectionArguments: [(any DatabaseValueConvertible)?] = []
        let (patterns, patternArguments) = Catalog.selection(
            families: scope.families, models: scope.models, zoos: scope.zoos)
        if !patterns.isEmpty {
            conditions.append(patterns)
            selectionArguments += patternArguments
        }
        if let model = scope.model {
            conditions.append("m.name = ?")
            selectionArguments.append(model)
        }
        if let format = scope.format {
            conditions.append("m.format = ?")
            selectionArguments.append(format)
        }
        if scope.excludeQuantized { conditions.append("m.float_parent IS NULL") }
        let selected = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let convention = scope.convention.rawValue
        if let input = scope.input {
            // Every profile at a matching input, once per checkpoint of its model.
            let matches = Catalog.inputMatches(input)
            functions = [matches]
            with = """
                WITH sel AS MATERIALIZED (SELECT m.id FROM models m\(selected)),
                scope(model_id, checkpoint_id, profile_id) AS (
                    SELECT p.model_id, c.id, p.id
                    FROM sel JOIN profiles p ON p.model_id = sel.id AND p.convention = ? AND \(matches.name)(p.input_shape)
                    LEFT JOIN checkpoints c ON c.model_id = p.model_id)
                """
            arguments = selectionArguments + [convention]
            order = ["model_id", "profile_id", "checkpoint_id"]
        } else {
            // Each checkpoint at the profile of its evaluation input (the same key, else an
            // equivalent one), else at the model's default input; a model without checkpoints
            // at its default input. A model without a profile there has no rows.
            let same = Catalog.sameInput
            functions = [same]
            with = """
                WITH sel AS MATERIALIZED (
                    SELECT m.id, b.id AS base FROM models m
                    JOIN profiles b ON b.model_id = m.id AND b.convention = ? AND b.input_shape = m.default_input\(selected)),
                scope(model_id, checkpoint_id, profile_id) AS (
                    SELECT sel.id, c.id, CASE WHEN c.id IS NULL THEN sel.base ELSE coalesce(
                        (SELECT p.id FROM profiles p
                         WHERE p.model_id = sel.id AND p.convention = ? AND p.input_shape = c.eval_input),
                        (SELECT p.id FROM profiles p
                         WHERE p.model_id = sel.id AND p.convention = ? AND p.id <> sel.base
                           AND \(same.name)(p.input_shape, c.eval_input) ORDER BY p.id LIMIT 1),
                        sel.base) END
                    FROM sel LEFT JOIN checkpoints c ON c.model_id = sel.id)
                """
            arguments = [convention] + selectionArguments + [convention, convention]
            order = ["model_id", "checkpoint_id"]
        }
    }

    /// The value of `metric` for a scope row `s` (the last dataset's, as the summaries keep it).
    static func metric(_ s: String = "s") -> String {
        "(SELECT x.value FROM metrics x WHERE x.checkpoint_id = \(s).checkpoint_id AND x.metric = ? ORDER BY x.dataset DESC LIMIT 1)"
    }
}

extension Catalog {
    /// The SQL function `opcat_same_input(a, b)`: whether two stored input keys match each other
    /// (``InputKey/matches(_:)`` both ways: the same shapes, names where both give them).
    static let sameInput = DatabaseFunction("opcat_same_input", argumentCount: 2, pure: true) { values in
        guard let a = String.fromDatabaseValue(values[0]), let b = String.fromDatabaseValue(values[1]),
            let x = try? InputKey(parsing: a), let y = try? InputKey(parsing: b)
        else { return false }
        return x.matches(y) && y.matches(x)
    }

    /// Runs `body` with the scope's SQL functions registered on `db`.
    func withFunctions<T>(_ sql: ScopeSQL, _ db: Database, _ body: () throws -> T) throws -> T {
        for function in sql.functions { db.add(function: function) }
        defer { for function in sql.functions { db.remove(function: function) } }
        return try body()
    }

    /// The answer rows of a scope, in catalog order.
    func scopeRows(_ db: Database, _ scope: QueryScope) throws -> [ScopeRow] {
        let sql = ScopeSQL(scope)
        return try withFunctions(sql, db) {
            try Row.fetchAll(
                db, sql: sql.with + " SELECT profile_id, checkpoint_id FROM scope s ORDER BY \(sql.order("s"))",
                arguments: StatementArguments(sql.arguments)
            ).map {
                ScopeRow(
                    profile: try value($0, 0, in: "profiles"), checkpoint: try optionalValue($0, 1, in: "checkpoints"))
            }
        }
    }

    /// Every answer row of a scope, with all it needs for a comparison table.
    public func summaries(_ scope: QueryScope) throws -> [ProfileSummary] {
        try read { db in try summaries(db, try scopeRows(db, scope), convention: scope.convention) }
    }

    /// The models of the scope at their own inputs that have no profile at the scope's input, in
    /// catalog order (none without an input).
    public func modelsWithoutProfile(_ scope: QueryScope) throws -> [String] {
        guard scope.input != nil else { return [] }
        let own = ScopeSQL(scope.atOwnInputs)
        let at = ScopeSQL(scope)
        return try read { db in
            try withFunctions(own, db) {
                try withFunctions(at, db) {
                    let present: Set<Int64> = Set(
                        try column(
                            db, at.with + " SELECT DISTINCT model_id FROM scope",
                            arguments: StatementArguments(at.arguments), in: "profiles"))
                    let every: [Row] = try Row.fetchAll(
                        db,
                        sql: own.with
                            + " SELECT DISTINCT s.model_id, m.name FROM scope s JOIN models m ON m.id = s.model_id ORDER BY s.model_id",
                        arguments: StatementArguments(own.arguments))
                    return try every.compactMap { row in
                        present.contains(try value(row, 0, in: "models")) ? nil : try value(row, 1, in: "models")
                    }
                }
            }
        }
    }
}

extension Catalog {
    /// Reads the sections of a compound answer: rows of `(section, seq, profile_id, checkpoint_id,
    /// name, n)`, ordered by section and seq.
    func sections(_ db: Database, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws
        -> [Int: [Section]]
    {
        var result: [Int: [Section]] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) {
            let t = "profiles"
            let section: Int = try value(row, 0, in: t)
            var scopeRow: ScopeRow?
            if let profile: Int64 = try optionalValue(row, 2, in: t) {
                scopeRow = ScopeRow(profile: profile, checkpoint: try optionalValue(row, 3, in: t))
            }
            result[section, default: []].append(
                Section(row: scopeRow, name: try optionalValue(row, 4, in: t), n: try optionalValue(row, 5, in: t)))
        }
        return result
    }

    /// One row of a section: an answer row, a name, or a count.
    struct Section {
        var row: ScopeRow?
        var name: String?
        var n: Int?
    }

    /// The names of a section pair: the first names, and their count.
    func nameList(_ sections: [Int: [Section]], names: Int, count: Int) -> NameList {
        NameList(
            names: (sections[names] ?? []).compactMap(\.name), count: (sections[count] ?? []).first?.n ?? 0)
    }

    /// Two sections of a compound answer: the first names of `rows`' models in catalog order
    /// (model order), and how many models there are.
    static func nameSections(_ names: Int, _ count: Int, from rows: String) -> String {
        """
        UNION ALL SELECT \(names), model_id, NULL, NULL, name, NULL FROM (
            SELECT DISTINCT model_id, name FROM \(rows) ORDER BY model_id LIMIT \(NameList.shown))
        UNION ALL SELECT \(count), 0, NULL, NULL, NULL, count(DISTINCT model_id) FROM \(rows)
        """
    }
}

/// The answer of a budget query: the ranked rows that fit, and what was left out.
public struct BestAnswer: Sendable {
    /// The best rows, ranked, up to the limit asked for.
    public var rows: [ProfileSummary]
    /// How many rows fit and are ranked (before the limit).
    public var fitting: Int
    /// Models without a cost a budget (or the ranking) needs.
    public var uncosted: NameList
    /// Models within the budgets without the metric ranked by.
    public var unranked: NameList
    /// The row cheapest in the first budget's measure, and that cost.
    public var cheapest: (model: String, cost: Int)?
    /// How many rows the scope has (none: nothing is selected).
    public var total: Int
}

/// The Pareto front of a scope.
public struct FrontAnswer: Sendable {
    /// The rows on the front, by cost.
    public var front: [ProfileSummary]
    /// How many rows have both a cost and the metric.
    public var pointCount: Int
    /// Whether some point is a checkpoint not named after its model.
    public var labelled: Bool
    public var noCost: NameList
    public var noMetric: NameList
    /// How many rows the scope has (none: nothing is selected).
    public var total: Int
}

extension Catalog {
    /// The rows of `scope` within every budget (a profile column, e.g. `macs` or `bb_params`, at
    /// most a value), ranked by `metric` (highest first) or by `rankColumn` (smallest first),
    /// computed in SQLite: only the rows returned are read.
    public func best(
        _ scope: QueryScope, budgets: [(column: String, limit: Int)], metric: String, rankColumn: String?, limit: Int?
    ) throws -> BestAnswer {
        precondition(!budgets.isEmpty, "a budget query has a budget")
        for column in budgets.map(\.column) + [rankColumn].compactMap({ $0 }) {
            precondition(Catalog.profileCountColumns.contains(column), "no profile count column '\(column)'")
        }
        let sql = ScopeSQL(scope)
        let costs = budgets.enumerated().map { "p.\($1.column) AS b\($0)" }.joined(separator: ", ")
        let costed = budgets.indices.map { "b\($0) IS NOT NULL" }.joined(separator: " AND ")
        let within = budgets.indices.map { "b\($0) <= ?" }.joined(separator: " AND ")
        let ranked = rankColumn == nil ? "acc IS NOT NULL" : "rk IS NOT NULL"
        let order = (rankColumn == nil ? "acc DESC, b0, name, " : "rk, name, ") + sql.order("c")
        let text =
            sql.with + """
                , c AS MATERIALIZED (
                    SELECT s.model_id, s.checkpoint_id, s.profile_id, m.name, \(costs),
                           \(ScopeSQL.metric()) AS acc, \(rankColumn.map { "p.\($0)" } ?? "NULL") AS rk
                    FROM scope s JOIN models m ON m.id = s.model_id JOIN profiles p ON p.id = s.profile_id),
                fit AS (SELECT * FROM c WHERE \(costed) AND \(within)),
                uncosted AS (SELECT * FROM c WHERE NOT (\(costed)) OR (\(within) AND \(rankColumn == nil ? "0" : "rk IS NULL"))),
                unranked AS (SELECT * FROM fit WHERE \(rankColumn == nil ? "acc IS NULL" : "0"))
                SELECT 0, row_number() OVER (ORDER BY \(order)), profile_id, checkpoint_id, NULL, NULL
                FROM (SELECT * FROM fit c WHERE \(ranked) ORDER BY \(order)\(limit.map { " LIMIT \($0)" } ?? "")) c
                UNION ALL SELECT 1, 0, NULL, NULL, NULL, count(*) FROM fit WHERE \(ranked)
                \(Catalog.nameSections(2, 3, from: "uncosted"))
                \(Catalog.nameSections(4, 5, from: "unranked"))
                UNION ALL SELECT 6, 0, NULL, NULL, name, b0 FROM (
                    SELECT name, b0 FROM c WHERE typeof(b0) = 'integer' ORDER BY b0, \(sql.order("c")) LIMIT 1)
                UNION ALL SELECT 7, 0, NULL, NULL, NULL, count(*) FROM c
                \(Catalog.typeSections(budgets.enumerated().map { ("b\($0)", $1.column) } + (rankColumn.map { [("rk", $0)] } ?? [])))
                ORDER BY 1, 2
                """
        let limits = budgets.map { $0.limit as (any DatabaseValueConvertible)? }
        let arguments: [(any DatabaseValueConvertible)?] = sql.arguments + [metric] + limits + limits
        return try read { db in
            try withFunctions(sql, db) {
                let answer = try sections(db, text, arguments)
                try checkTypes(db, answer, metric: metric)
                let rows = (answer[0] ?? []).compactMap(\.row)
                let cheapest = answer[6]?.first.flatMap { row in row.name.map { ($0, row.n ?? 0) } }
                return BestAnswer(
                    rows: try summaries(db, rows, convention: scope.convention),
                    fitting: answer[1]?.first?.n ?? 0, uncosted: nameList(answer, names: 2, count: 3),
                    unranked: nameList(answer, names: 4, count: 5), cheapest: cheapest, total: answer[7]?.first?.n ?? 0)
            }
        }
    }

    /// The Pareto front of `metric` (highest best) against a profile column (lowest best), in
    /// one ordered pass in SQLite: in order of cost, then accuracy (highest first), a row is on
    /// the front when it is more accurate than every row before its own (cost, accuracy) group
    /// (rows equal in both are all on the front or all off it). Only the front's rows are read.
    public func front(_ scope: QueryScope, costColumn: String, metric: String) throws -> FrontAnswer {
        precondition(Catalog.profileCountColumns.contains(costColumn), "no profile count column '\(costColumn)'")
        let sql = ScopeSQL(scope)
        let order = "cost, acc DESC, name, label, " + sql.order("c")
        let text =
            sql.with + """
                , c AS MATERIALIZED (
                    SELECT s.model_id, s.checkpoint_id, s.profile_id, m.name, p.\(costColumn) AS cost,
                           \(ScopeSQL.metric()) AS acc,
                           CASE WHEN k.name IS NULL OR k.name = m.name THEN '' ELSE k.name END AS label
                    FROM scope s JOIN models m ON m.id = s.model_id JOIN profiles p ON p.id = s.profile_id
                    LEFT JOIN checkpoints k ON k.id = s.checkpoint_id),
                points AS (SELECT * FROM c WHERE cost IS NOT NULL AND acc IS NOT NULL),
                swept AS (
                    SELECT c.*, max(acc) OVER (
                        ORDER BY cost, acc DESC GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
                    FROM points c),
                nocost AS (SELECT * FROM c WHERE cost IS NULL),
                nometric AS (SELECT * FROM c WHERE cost IS NOT NULL AND acc IS NULL)
                SELECT 0, row_number() OVER (ORDER BY \(order)), profile_id, checkpoint_id, NULL, NULL FROM swept c
                WHERE before IS NULL OR acc > before
                UNION ALL SELECT 1, 0, NULL, NULL, NULL, count(*) FROM points
                UNION ALL SELECT 2, 0, NULL, NULL, NULL, count(*) FROM points WHERE label <> ''
                \(Catalog.nameSections(3, 4, from: "nocost"))
                \(Catalog.nameSections(5, 6, from: "nometric"))
                UNION ALL SELECT 7, 0, NULL, NULL, NULL, count(*) FROM c
                \(Catalog.typeSections([("cost", costColumn)]))
                ORDER BY 1, 2
                """
        return try read { db in
            try withFunctions(sql, db) {
                let answer = try sections(db, text, sql.arguments + [metric])
                try checkTypes(db, answer, metric: metric)
                let front = try summaries(db, (answer[0] ?? []).compactMap(\.row), convention: scope.convention)
                return FrontAnswer(
                    front: front, pointCount: answer[1]?.first?.n ?? 0,
                    labelled: (answer[2]?.first?.n ?? 0) > 0, noCost: nameList(answer, names: 3, count: 4),
                    noMetric: nameList(answer, names: 5, count: 6), total: answer[7]?.first?.n ?? 0)
            }
        }
    }

    /// The first `limit` rows of a scope, in catalog order or by a profile column or metric
    /// (missing values last, ties by model name).
    public func rows(_ scope: QueryScope, orderBy: TableOrder?, descending: Bool, limit: Int?) throws
        -> [ProfileSummary]
    {
        let sql = ScopeSQL(scope)
        var arguments = sql.arguments
        var key = "NULL"
        switch orderBy {
        case .column(let column):
            precondition(Catalog.profileCountColumns.contains(column), "no profile count column '\(column)'")
            key = "p.\(column)"
        case .metric(let metric):
            key = ScopeSQL.metric()
            arguments.append(metric)
        case nil: break
        }
        let order = (orderBy == nil ? "" : "v IS NULL, v\(descending ? " DESC" : ""), m.name, ") + sql.order("s")
        let text =
            sql.with + """
                 SELECT s.profile_id, s.checkpoint_id, \(key) AS v
                FROM scope s JOIN models m ON m.id = s.model_id JOIN profiles p ON p.id = s.profile_id
                ORDER BY \(order)\(limit.map { " LIMIT \($0)" } ?? "")
                """
        return try read { db in
            try withFunctions(sql, db) {
                let rows = try Row.fetchAll(db, sql: text, arguments: StatementArguments(arguments)).map {
                    ScopeRow(
                        profile: try value($0, 0, in: "profiles"),
                        checkpoint: try optionalValue($0, 1, in: "checkpoints"))
                }
                return try summaries(db, rows, convention: scope.convention)
            }
        }
    }

    /// Two sections naming the first value SQLite compared that is not of its column's type
    /// (possible only in a catalog edited by hand with STRICT removed): a count (an alias of
    /// `c` for a profile column) that is not an integer, and an accuracy that is not a number.
    static func typeSections(_ counts: [(alias: String, column: String)]) -> String {
        var text = ""
        for (i, count) in counts.enumerated() {
            text += """
                UNION ALL SELECT 8, \(i), * FROM (
                    SELECT profile_id, NULL, '\(count.column)', NULL FROM c
                    WHERE typeof(\(count.alias)) NOT IN ('integer', 'null') LIMIT 1)

                """
        }
        return text + """
            UNION ALL SELECT 9, 0, * FROM (
                SELECT profile_id, checkpoint_id, NULL, NULL FROM c WHERE typeof(acc) NOT IN ('real', 'integer', 'null') LIMIT 1)
            """
    }

    /// Throws the error of a mistyped value the answer found, naming its table, row and column.
    func checkTypes(_ db: Database, _ answer: [Int: [Section]], metric: String) throws {
        if let found = answer[8]?.first, let id = found.row?.profile, let column = found.name,
            Catalog.profileCountColumns.contains(column),
            let row = try Row.fetchOne(db, sql: "SELECT id, \(column) FROM profiles WHERE id = ?", arguments: [id])
        {
            _ = try value(row, 1, in: "profiles") as Int
        }
        if let found = answer[9]?.first, let id = found.row?.checkpoint,
            let row = try Row.fetchOne(
                db, sql: "SELECT checkpoint_id AS id, value FROM metrics WHERE checkpoint_id = ? AND metric = ?",
                arguments: [id, metric])
        {
            _ = try value(row, 1, in: "metrics") as Double
        }
    }

    /// The count columns of `profiles`, the only column names a query interpolates.
    static let profileCountColumns: Set<String> = Set(Measure.allCases.flatMap { [$0.key, "bb_" + $0.key] })
}

/// What a table is ordered by in SQLite: a profile count column, or a metric.
public enum TableOrder: Sendable, Hashable {
    case column(String)
    case metric(String)
}

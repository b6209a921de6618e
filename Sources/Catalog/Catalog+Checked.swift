import Foundation
import GRDB
import OpCount

/// Values read from the catalog, converted with a check. The catalog is a file people open in
/// `sqlite3` or Datasette: a value of the wrong type (`UPDATE metrics SET value = 'abc'`,
/// `layers.params = 1e300`) is an error naming the table, the row and the column, never a crash.
extension Catalog {
    /// The value of column `index` of `row`, read from `table`.
    func value<T: DatabaseValueConvertible>(_ row: Row, _ index: Int, in table: String) throws -> T {
        let stored: DatabaseValue = row[index]
        guard let value = T.fromDatabaseValue(stored) else { throw mistyped(row, index, stored, T.self, table) }
        return value
    }

    /// The value of column `index`, nil when it is NULL.
    func optionalValue<T: DatabaseValueConvertible>(_ row: Row, _ index: Int, in table: String) throws -> T? {
        let stored: DatabaseValue = row[index]
        if stored.isNull { return nil }
        guard let value = T.fromDatabaseValue(stored) else { throw mistyped(row, index, stored, T.self, table) }
        return value
    }

    /// The value of the column named `name`.
    func value<T: DatabaseValueConvertible>(_ row: Row, _ name: String, in table: String) throws -> T {
        try value(row, try position(row, name), in: table)
    }

    func optionalValue<T: DatabaseValueConvertible>(_ row: Row, _ name: String, in table: String) throws -> T? {
        try optionalValue(row, try position(row, name), in: table)
    }

    /// One column of every row of a query, each value checked.
    func column<T: DatabaseValueConvertible>(
        _ db: Database, _ sql: String, arguments: StatementArguments = [], in table: String
    ) throws -> [T] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { try value($0, 0, in: table) }
    }

    private func position(_ row: Row, _ name: String) throws -> Int {
        guard let index = Array(row.columnNames).firstIndex(of: name) else {
            throw CatalogError.database(path: path, message: "table has no column '\(name)' (an altered schema?)")
        }
        return index
    }

    private func mistyped(_ row: Row, _ index: Int, _ stored: DatabaseValue, _ type: Any.Type, _ table: String)
        -> CatalogError
    {
        let names = Array(row.columnNames)
        let column = index < names.count ? names[index] : "#\(index)"
        let id: DatabaseValue? = names.firstIndex(of: "id").map { row[$0] }
        let location = id.map { " row \($0.description.oneLine.prefix(40))" } ?? ""
        let expected =
            type == Int.self || type == Int64.self || type == Bool.self
            ? "an integer" : type == Double.self ? "a number" : type == String.self ? "text" : "\(type)"
        return .database(
            path: path,
            message:
                "table \(table)\(location), column \(column): the stored value \(stored.description.oneLine.prefix(60)) is not \(expected) "
                + "(was the catalog edited by hand?); fix the value, or ingest the model again")
    }
}

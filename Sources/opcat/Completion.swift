import ArgumentParser
import Catalog
import Foundation

/// Shell completion from the catalog the command line names (`--db`, else `$OPCAT_DB`, else
/// ./opcat.sqlite): model and family names. Completion never fails: a missing or unreadable
/// catalog offers nothing, and the catalog is opened read-only.
enum CatalogCompletion {
    static let models = CompletionKind.custom { words, _, prefix in names(words, prefix) { try $0.modelNames() } }
    static let families = CompletionKind.custom { words, _, prefix in names(words, prefix) { try $0.families() } }
    /// For `diff`: a catalog name, or a model file.
    static let modelsOrFiles = CompletionKind.custom { words, _, prefix in
        names(words, prefix) { try $0.modelNames() } + files(prefix)
    }

    /// The entries of the directory `prefix` points into whose names start as it ends
    /// (directories with a trailing `/`).
    static func files(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let dir = slash.map { String(prefix[...$0]) } ?? ""
        let stem = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else {
            return []
        }
        return entries.filter { $0.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: dir + $0, isDirectory: &isDirectory)
            return dir + $0 + (isDirectory.boolValue ? "/" : "")
        }
    }

    /// The catalog path the words being completed give.
    static func catalogPath(_ words: [String]) -> String {
        var path: String?
        for (i, word) in words.enumerated() {
            if word == "--db", i + 1 < words.count { path = words[i + 1] }
            if word.hasPrefix("--db=") { path = String(word.dropFirst("--db=".count)) }
        }
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["OPCAT_DB"], !env.isEmpty { return env }
        return "opcat.sqlite"
    }

    static func names(_ words: [String], _ prefix: String, _ list: (Catalog) throws -> [String]) -> [String] {
        let path = catalogPath(words)
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
            let catalog = try? Catalog(readingAt: path), let names = try? list(catalog)
        else { return [] }
        let lower = prefix.lowercased()
        return names.filter { $0.lowercased().hasPrefix(lower) }
    }
}

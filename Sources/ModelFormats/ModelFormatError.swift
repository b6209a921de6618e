import OpCount

/// A model file that cannot be read. Every case names the file; node errors name the node.
public enum ModelFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read.
    case unreadable(file: String, reason: String)
    /// The file is not in the expected format (not JSON, missing keys, wrong types, truncated).
    case malformed(file: String, reason: String)
    /// One node is wrong: a bad reference, a missing or unparsable attribute.
    case node(file: String, node: String, op: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)".oneLine
        case .malformed(let file, let reason): "\(file): \(reason)".oneLine
        case .node(let file, let node, let op, let reason): "\(file): node '\(node)' (\(op)): \(reason)".oneLine
        }
    }
}

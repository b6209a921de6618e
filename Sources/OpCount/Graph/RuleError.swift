/// A problem found by a shape or cost rule, without node context.
///
/// Rules never know which node they run for; the analyzer wraps this into an
/// ``AnalysisError`` that names the node and its op.
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A problem found by a shape or cost rule, without node context.
///
/// Rules never know which node they run for; the analyzer wraps this into an
/// ``AnalysisError`` that names the node and its op.
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// The rule needs values the graph computes from its data (a Resize size from box
    /// coordinates): the node cannot be shaped, but the graph is not wrong. The analyzer leaves
    /// the node unshaped and says why, instead of refusing the model.
    public let needsRunTimeValues: Bool

    public init(_ message: String) {
        self.message = message
        needsRunTimeValues = false
    }

    private init(message: String, needsRunTimeValues: Bool) {
        self.message = message
        self.needsRunTimeValues = needsRunTimeValues
    }

    /// A rule's inputs carry no values where it needs them.
    public static func unknown(_ message: String) -> RuleError {
        RuleError(message: message, needsRunTimeValues: true)
    }

    public var description: String { message }
}

/// An exact integer count whose overflow is sticky instead of wrapping or trapping.
///
/// Formulas are written as plain arithmetic (`n * c * k + b`). If any step leaves the 64-bit
/// range the value becomes `.overflow` and stays so; building ``OpCost`` from it throws, and
/// the analyzer reports the node. No count in opcat ever wraps around.
public struct Exact: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The value, or `nil` once a computation overflowed.
    public let value: Int?

    public init(_ value: Int) { self.value = value }
    public init(integerLiteral value: Int) { self.value = value }
    private init(overflowed: Void) { self.value = nil }

    public static let overflow = Exact(overflowed: ())

    public var description: String { value.map(String.init) ?? "overflow" }

    /// The value, or a thrown ``RuleError`` naming `what` overflowed.
    public func get(_ what: String) throws(RuleError) -> Int {
        guard let value else { throw RuleError("\(what) exceeds the 64-bit range") }
        return value
    }

    public static func + (a: Exact, b: Exact) -> Exact {
        guard let x = a.value, let y = b.value else { return .overflow }
        let (r, o) = x.addingReportingOverflow(y)
        return o ? .overflow : Exact(r)
    }

    public static func - (a: Exact, b: Exact) -> Exact {
        guard let x = a.value, let y = b.value else { return .overflow }
        let (r, o) = x.subtractingReportingOverflow(y)
        return o ? .overflow : Exact(r)
    }

    public static func * (a: Exact, b: Exact) -> Exact {
        guard let x = a.value, let y = b.value else { return .overflow }
        let (r, o) = x.multipliedReportingOverflow(by: y)
        return o ? .overflow : Exact(r)
    }

    public static func + (a: Exact, b: Int) -> Exact { a + Exact(b) }
    public static func - (a: Exact, b: Int) -> Exact { a - Exact(b) }
    public static func * (a: Exact, b: Int) -> Exact { a * Exact(b) }
    public static func * (a: Int, b: Exact) -> Exact { Exact(a) * b }
    public static func += (a: inout Exact, b: Exact) { a = a + b }
}

extension Sequence where Element == Int {
    /// The product of the elements, exactly (1 for an empty sequence).
    public var exactProduct: Exact { reduce(Exact(1)) { $0 * Exact($1) } }
    /// The sum of the elements, exactly.
    public var exactSum: Exact { reduce(Exact(0)) { $0 + Exact($1) } }
}

extension Sequence where Element == Exact {
    public var exactSum: Exact { reduce(Exact(0), +) }
}

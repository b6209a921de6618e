/// The element type of a tensor, as far as counting cares: its name and storage width.
public enum DataType: String, Sendable, Hashable, CaseIterable, Codable {
    case float64, float32, float16, bfloat16
    case float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, float8e8m0, float4e2m1
    case int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool
    case int4, uint4, int2, uint2

    /// Bits one element occupies in storage.
    public var bitWidth: Int {
        switch self {
        case .float64, .int64, .uint64: 64
        case .float32, .int32, .uint32: 32
        case .float16, .bfloat16, .int16, .uint16: 16
        case .int8, .uint8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: 8
        case .float4e2m1, .int4, .uint4: 4
        case .int2, .uint2: 2
        }
    }

    /// Bytes one element occupies (0 for sub-byte types, which pack several per byte).
    public var byteWidth: Int { bitWidth / 8 }

    /// Bytes `elements` elements occupy, packed (sub-byte types round the total up).
    public func bytes(_ elements: Exact) -> Exact {
        if bitWidth >= 8 { return elements * byteWidth }
        guard let bits = (elements * bitWidth + 7).value else { return .overflow }
        return Exact(bits / 8)
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
            .float8e8m0, .float4e2m1:
            true
        default: false
        }
    }
}

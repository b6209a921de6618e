import Foundation
import OpCount

/// ONNX element types and tensor values.
enum ONNXTensors {
    /// TensorProto.DataType → opcat's data type; nil for types opcat does not count (strings,
    /// complex numbers, 8-bit and 4-bit floats).
    static func dataType(_ code: Int) -> DataType? {
        switch code {
        case 1: .float32
        case 2: .uint8
        case 3: .int8
        case 4: .uint16
        case 5: .int16
        case 6: .int32
        case 7: .int64
        case 9: .bool
        case 10: .float16
        case 11: .float64
        case 12: .uint32
        case 13: .uint64
        case 16: .bfloat16
        case 17: .float8e4m3fn
        case 18: .float8e4m3fnuz
        case 19: .float8e5m2
        case 20: .float8e5m2fnuz
        case 21: .uint4
        case 22: .int4
        case 23: .float4e2m1
        case 24: .float8e8m0
        case 25: .uint2
        case 26: .int2
        default: nil
        }
    }

    static func typeName(_ code: Int) -> String {
        let names = [
            0: "undefined", 8: "string", 14: "complex64", 15: "complex128", 17: "float8e4m3fn", 18: "float8e4m3fnuz",
            19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4", 23: "float4e2m1", 24: "float8e8m0",
            25: "uint2", 26: "int2",
        ]
        return dataType(code)?.rawValue ?? names[code] ?? "type \(code)"
    }

    /// The element values of a small tensor, integer or real, when the file carries them.
    static func values(_ t: Onnx_TensorProto, type: DataType) -> (ints: [Int]?, reals: [Double]?) {
        // Checked product: dims past the value limit (even ones whose product would wrap) carry no values.
        var count = 1
        for dim in t.dims {
            guard dim >= 0, dim <= Int64(TensorInfo.valueLimit) else { return (nil, nil) }
            count *= Int(dim)
            guard count <= TensorInfo.valueLimit else { return (nil, nil) }
        }
        guard type.bitWidth >= 8,
            ![.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0].contains(type)
        else { return (nil, nil) }
        if t.hasRawData {
            let raw = t.rawData
            let width = type.byteWidth
            guard raw.count == count * width else { return (nil, nil) }
            var ints: [Int] = []
            var reals: [Double] = []
            raw.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
                for i in 0..<count {
                    let o = i * width
                    switch type {
                    case .float32:
                        reals.append(
                            Double(Float(bitPattern: p.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)))
                    case .float64:
                        reals.append(
                            Double(bitPattern: p.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian))
                    case .float16:
                        reals.append(Double(half(p.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian)))
                    case .bfloat16:
                        reals.append(
                            Double(
                                Float(
                                    bitPattern: UInt32(p.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian)
                                        << 16)))
                    case .int64:
                        ints.append(Int(Int64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int64.self))))
                    case .uint64:
                        ints.append(
                            Int(
                                truncatingIfNeeded: UInt64(
                                    littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self))))
                    case .int32:
                        ints.append(Int(Int32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int32.self))))
                    case .uint32:
                        ints.append(Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))))
                    case .int16:
                        ints.append(Int(Int16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int16.self))))
                    case .uint16:
                        ints.append(Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt16.self))))
                    case .int8: ints.append(Int(p.load(fromByteOffset: o, as: Int8.self)))
                    case .uint8, .bool: ints.append(Int(p.load(fromByteOffset: o, as: UInt8.self)))
                    default: break
                    }
                }
            }
            return type.isFloatingPoint ? (nil, reals) : (ints, nil)
        }
        // Typed fields: each must hold exactly the tensor's element count.
        switch type {
        case .float32: return t.floatData.count == count ? (nil, t.floatData.map(Double.init)) : (nil, nil)
        case .float64: return t.doubleData.count == count ? (nil, t.doubleData) : (nil, nil)
        case .float16:
            return t.int32Data.count == count
                ? (nil, t.int32Data.map { Double(half(UInt16(truncatingIfNeeded: $0))) }) : (nil, nil)
        case .int64: return t.int64Data.count == count ? (t.int64Data.map { Int($0) }, nil) : (nil, nil)
        case .uint64, .uint32:
            return t.uint64Data.count == count ? (t.uint64Data.map { Int(truncatingIfNeeded: $0) }, nil) : (nil, nil)
        case .int32, .int16, .int8, .uint16, .uint8, .bool:
            return t.int32Data.count == count ? (t.int32Data.map { Int($0) }, nil) : (nil, nil)
        default: return (nil, nil)
        }
    }

    /// IEEE half precision to single.
    static func half(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Float(bits & 0x3FF)
        if exponent == 0 { return sign * fraction * powf(2, -24) }
        if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
        return sign * (1 + fraction / 1024) * powf(2, Float(exponent - 15))
    }
}

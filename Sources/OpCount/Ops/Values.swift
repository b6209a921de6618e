/// Element values of small tensors, carried through shape computations (ONNX exports compute
/// reshape targets at run time: Shape → Gather → Concat → Reshape).
enum Values {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in shape.indices.reversed() {
            strides[d] = running
            running *= max(shape[d], 1)
        }
        return strides
    }

    /// Every multi-index of `shape` in row-major order (nothing when the shape has a zero).
    static func indices(_ shape: [Int]) -> [[Int]] {
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
        var result: [[Int]] = []
        result.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            result.append(index)
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// Whether a tensor of `shape` is small enough to carry values.
    static func small(_ shape: [Int]) -> Bool {
        guard let count = shape.exactProduct.value else { return false }
        return count <= TensorInfo.valueLimit
    }

    /// The flat offset in `shape` (broadcast from the right against `out`) of an output multi-index.
    static func offset(_ index: [Int], in shape: [Int], strides: [Int]) -> Int {
        var offset = 0
        let shift = index.count - shape.count
        for d in shape.indices where shape[d] != 1 { offset += index[d + shift] * strides[d] }
        return offset
    }

    /// Element-wise `f` of broadcast operands whose values are all known.
    static func broadcast<T>(_ operands: [(shape: [Int], values: [T])], to out: [Int], _ f: ([T]) -> T) -> [T]? {
        guard small(out) else { return nil }
        let strides = operands.map { Values.strides($0.shape) }
        return indices(out).map { index in
            f(
                operands.indices.map { k in
                    operands[k].values[offset(index, in: operands[k].shape, strides: strides[k])]
                })
        }
    }

    /// The values of `input` gathered through `source`: output multi-index → input flat offset.
    static func select<T>(_ values: [T], out: [Int], _ source: ([Int]) -> Int) -> [T]? {
        guard small(out) else { return nil }
        return indices(out).map { values[source($0)] }
    }

    /// Values of `t`, integer or real, mapped through `f` into the same kind.
    static func map(_ t: TensorInfo, shape: [Int], dataType: DataType? = nil, _ source: ([Int]) -> Int) -> TensorInfo {
        var out = TensorInfo(shape: shape, dataType: dataType ?? t.dataType)
        if let v = t.values { out.values = select(v, out: shape, source) }
        if let v = t.realValues { out.realValues = select(v, out: shape, source) }
        return out
    }

    /// The same elements in a new shape (reshape, squeeze, flatten, identity).
    static func reshaped(_ t: TensorInfo, to shape: [Int], dataType: DataType? = nil) -> TensorInfo {
        TensorInfo(
            shape: shape, dataType: dataType ?? t.dataType, values: small(shape) ? t.values : nil,
            realValues: small(shape) ? t.realValues : nil)
    }
}

import Testing

@testable import OpCount

/// The formulas against loop nests that count multiplies one by one, on small random shapes
/// (a seeded generator, so failures reproduce).
struct PropertyTests {
    /// SplitMix64: small, seedable, good enough for test shapes.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
        }
    }

    static func cost(_ d: OpDefinition, _ inputs: [[Int]?], _ a: Attributes) throws -> (outputs: [[Int]], cost: OpCost)
    {
        let result = try d.shape(ShapeQuery(inputs: inputs.map { $0.map { TensorInfo(shape: $0) } }, attributes: a))
        let all = inputs.enumerated().map { TensorInfo(shape: $0.element ?? result.inputShapes[$0.offset]!) }
        guard case .formula(_, let rule) = d.cost else { return (result.outputs.map(\.shape), .zero) }
        return (result.outputs.map(\.shape), try rule(CostQuery(inputs: all, outputs: result.outputs, attributes: a)))
    }

    @Test("convolution: MACs and output size equal a loop over every tap (padding taps included)")
    func convolution() throws {
        var r = Random(state: 1)
        var checked = 0
        for _ in 0..<400 {
            let n = r.int(1...3)
            let groups = r.int(1...3)
            let cin = groups * r.int(1...2)
            let cout = groups * r.int(1...2)
            let batch = r.int(1...2)
            let size = (0..<n).map { _ in r.int(1...7) }
            let kernel = (0..<n).map { _ in r.int(1...3) }
            let stride = (0..<n).map { _ in r.int(1...3) }
            let dilation = (0..<n).map { _ in r.int(1...2) }
            let pads = (0..<(2 * n)).map { _ in r.int(0...2) }
            let a: Attributes = [
                "kernel": .ints(kernel), "stride": .ints(stride), "dilation": .ints(dilation),
                "pads": .ints(pads), "channels": .int(cout), "groups": .int(groups),
            ]
            // Brute force: slide the dilated window over the padded input, one position at a time.
            var out: [Int] = []
            for d in 0..<n {
                var count = 0
                var start = 0
                while start + dilation[d] * (kernel[d] - 1) < size[d] + pads[d] + pads[n + d] {
                    count += 1
                    start += stride[d]
                }
                out.append(count)
            }
            let valid = out.allSatisfy { $0 > 0 }
            let result = try? Self.cost(ConvolutionOps.convolution, [[batch, cin] + size, nil], a)
            #expect((result != nil) == valid, "\(a.values) on \(size)")
            guard valid, let result else { continue }
            var products = 0
            for _ in 0..<batch {
                for _ in 0..<cout {
                    for _ in 0..<out.reduce(1, *) {
                        for _ in 0..<(cin / groups) { for _ in 0..<kernel.reduce(1, *) { products += 1 } }
                    }
                }
            }
            #expect(result.outputs[0] == [batch, cout] + out)
            #expect(result.cost.macs == products, "\(a.values) on \(size)")
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test("transposed convolution: output size and scattered products equal a loop")
    func transposed() throws {
        var r = Random(state: 2)
        for _ in 0..<300 {
            let n = r.int(1...2)
            let groups = r.int(1...2)
            let cin = groups * r.int(1...2)
            let cout = groups * r.int(1...2)
            let size = (0..<n).map { _ in r.int(1...5) }
            let kernel = (0..<n).map { _ in r.int(1...4) }
            let stride = (0..<n).map { _ in r.int(1...3) }
            let pads = (0..<n).map { _ in r.int(0...1) }
            let adj = (0..<n).map { stride[$0] > 1 ? r.int(0...(stride[$0] - 1)) : 0 }
            let a: Attributes = [
                "kernel": .ints(kernel), "stride": .ints(stride), "pads": .ints(pads),
                "outputPadding": .ints(adj), "channels": .int(cout), "groups": .int(groups),
            ]
            // Brute force: each input position i writes to i·s + k − p; the output spans the writes
            // (plus the output padding at the end).
            var out: [Int] = []
            for d in 0..<n {
                var highest = -1
                for i in 0..<size[d] { for k in 0..<kernel[d] { highest = max(highest, i * stride[d] + k - pads[d]) } }
                out.append(highest + 1 - pads[d] + adj[d])
            }
            guard let result = try? Self.cost(ConvolutionOps.convTranspose, [[1, cin] + size, nil], a) else {
                #expect(out.contains { $0 < 1 }, "\(a.values) on \(size) was refused")
                continue
            }
            var products = 0
            for _ in 0..<(cin * size.reduce(1, *)) {
                for _ in 0..<(cout / groups) { for _ in 0..<kernel.reduce(1, *) { products += 1 } }
            }
            #expect(result.outputs[0] == [1, cout] + out, "\(a.values) on \(size)")
            #expect(result.cost.macs == products)
        }
    }

    @Test("dense layers and matrix products: MACs equal a loop over output × inner index")
    func linear() throws {
        var r = Random(state: 3)
        for _ in 0..<200 {
            let batch = (0..<r.int(0...2)).map { _ in r.int(1...3) }
            let m = r.int(1...4)
            let k = r.int(1...5)
            let n = r.int(1...4)
            let result = try Self.cost(LinearOps.matMul, [batch + [m, k], [k, n]], [:])
            var products = 0
            for _ in 0..<(batch.reduce(1, *) * m * n) { for _ in 0..<k { products += 1 } }
            #expect(result.outputs[0] == batch + [m, n])
            #expect(result.cost.macs == products && result.cost.adds == batch.reduce(1, *) * m * n * (k - 1))
            let units = r.int(1...6)
            let dense = try Self.cost(LinearOps.fullyConnected, [[m, k, n], nil, nil], ["units": .int(units)])
            #expect(dense.cost.macs == m * units * (k * n))
        }
    }

    @Test("max pooling: comparisons equal a loop over every window element")
    func pooling() throws {
        var r = Random(state: 4)
        for _ in 0..<300 {
            let n = r.int(1...2)
            let size = (0..<n).map { _ in r.int(1...8) }
            let kernel = (0..<n).map { _ in r.int(1...3) }
            let stride = (0..<n).map { _ in r.int(1...3) }
            let pad = (0..<n).map { _ in r.int(0...1) }
            let full = r.int(0...1) == 1
            let a: Attributes = [
                "mode": .string("max"), "kernel": .ints(kernel), "stride": .ints(stride),
                "pads": .ints(pad), "convention": .string(full ? "full" : "valid"),
            ]
            var out: [Int] = []
            for d in 0..<n {
                let padded = size[d] + 2 * pad[d]
                var count = 0
                var start = 0
                // A window must fit ("valid") or merely start inside the padded input ("full").
                while full ? start + kernel[d] <= padded + stride[d] - 1 : start + kernel[d] <= padded {
                    count += 1
                    start += stride[d]
                }
                out.append(count)
            }
            guard out.allSatisfy({ $0 > 0 }), kernel.indices.allSatisfy({ kernel[$0] <= size[$0] + 2 * pad[$0] }) else {
                continue
            }
            let result = try Self.cost(PoolingOps.pooling, [[1, 2] + size], a)
            var comparisons = 0
            for _ in 0..<(2 * out.reduce(1, *)) { for _ in 1..<kernel.reduce(1, *) { comparisons += 1 } }
            #expect(result.outputs[0] == [1, 2] + out, "\(a.values) on \(size)")
            #expect(result.cost.cmps == comparisons)
        }
    }

    @Test("adaptive pooling: the closed-form cell sizes equal a loop over every cell")
    func adaptivePooling() throws {
        for length in 1...40 {
            for cells in 1...40 {
                var sum = 0
                for i in 0..<cells { sum += ((i + 1) * length + cells - 1) / cells - i * length / cells }
                #expect(PoolingOps.cellSizeSum(length: length, cells: cells).value == sum, "\(length) into \(cells)")
            }
        }
        // 2^40 inputs in 2^40 − 1 cells (gcd 1): L + S − 1 = 2^41 − 2, with no loop over the cells.
        let huge = PoolingOps.cellSizeSum(length: Limits.dimension, cells: Limits.dimension - 1)
        #expect(huge.value == 2 * Limits.dimension - 2)
    }
}

import OpCount

/// How each MXNet op maps onto a canonical op of the ``Registry``, with its attributes
/// translated. This table is the whole of MXNet's knowledge in opcat: formulas never see it.
///
/// An MXNet op that is not here keeps its own name and is reported as unsupported; an op whose
/// attributes select a variant opcat does not count (e.g. `Activation` with `act_type=mish`)
/// maps to a descriptive name that is likewise unsupported.
public enum MXNetOps {
    typealias Translate = @Sendable (MXNetAttributes) throws -> (String, Attributes)
    /// A translation that needs the whole node: fused layers read their subgraph, and layers with
    /// a fixed input layout say which slots the node fills.
    typealias TranslateNode = @Sendable (MXNetAttributes, _ subgraph: [MXNetNode]) throws -> Translation

    /// What one MXNet node becomes: a canonical op, typed attributes, and where its inputs go.
    struct Translation {
        var type: String
        var attributes: Attributes
        /// For an op with a fixed input layout, which of its leading input slots the node fills: the
        /// node's inputs fill them in order and the rest follow; a slot it leaves is absent. Empty:
        /// the inputs keep their places.
        var slots: [Bool] = []

        /// The node's inputs laid out in the op's slots, without trailing absent ones.
        func laidOut(_ inputs: [TensorRef]) throws -> [TensorRef] {
            guard !slots.isEmpty else { return inputs }
            let filled = slots.filter { $0 }.count
            guard inputs.count >= filled else {
                throw RuleError("its attributes call for at least \(filled) inputs, it has \(inputs.count)")
            }
            var rest = inputs[...]
            var result = slots.map { $0 ? rest.removeFirst() : TensorRef.absent } + rest
            while result.last?.isAbsent == true { result.removeLast() }
            return result
        }
    }

    /// How one MXNet op translates: from its attributes, or from the whole node.
    enum Rule {
        case attributes(Translate)
        case node(TranslateNode)
    }

    /// Canonical op, attributes and input layout for one MXNet node; fused nodes bring their `subgraph`.
    static func translate(
        _ op: String, _ attributes: MXNetAttributes,
        subgraph: [MXNetNode]? = nil
    ) throws -> Translation {
        switch table[op] {
        case nil: return Translation(type: Registry.standard[op] == nil ? op : "mxnet:\(op)", attributes: [:])
        case .attributes(let rule)?:
            let (type, translated) = try rule(attributes)
            return Translation(type: type, attributes: translated)
        case .node(let rule)?: return try rule(attributes, subgraph ?? [])
        }
    }

    /// For each canonical op, the MXNet ops that can become it (for `opcat ops`).
    public static var aliases: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, types) in produces { for type in types { result[type, default: []].append(name) } }
        return result.mapValues { $0.sorted() }
    }

    static func same(_ type: String, _ attributes: Attributes = [:]) -> (Translate, [String]) {
        ({ _ in (type, attributes) }, [type])
    }

    static let (table, produces): ([String: Rule], [String: [String]]) = {
        var t: [String: Rule] = [:]
        var p: [String: [String]] = [:]
        func add(_ names: [String], produces types: [String], rule: Rule) {
            for name in names {
                precondition(t[name] == nil, "MXNet op '\(name)' mapped twice")
                t[name] = rule
                p[name] = types
            }
        }
        func add(_ names: [String], _ rule: (Translate, [String])) {
            add(names, produces: rule.1, rule: .attributes(rule.0))
        }
        func add(_ names: [String], produces types: [String], _ rule: @escaping Translate) {
            add(names, produces: types, rule: .attributes(rule))
        }
        func add(_ names: [String], produces types: [String], node rule: @escaping TranslateNode) {
            add(names, produces: types, rule: .node(rule))
        }

        add(["Convolution"], produces: ["Convolution"]) { a in ("Convolution", try convolutionAttributes(a)) }
        add(["Deconvolution"], produces: ["ConvTranspose"]) { a in
            var out = try convolutionAttributes(a)
            if a.has("adj") { out["outputPadding"] = .ints(try a.ints("adj")) }
            if a.has("target_shape") { out["outputShape"] = .ints(try a.ints("target_shape")) }
            return ("ConvTranspose", out)
        }
        add(["FullyConnected"], produces: ["FullyConnected"]) { a in ("FullyConnected", try denseAttributes(a)) }
        add(["BatchNorm", "BatchNorm_v1", "_contrib_SyncBatchNorm", "CuDNNBatchNorm"], produces: ["BatchNorm"]) { a in
            (
                "BatchNorm",
                [
                    "axis": .int(try a.int("axis", default: 1)),
                    "outputMeanVar": .bool(try a.bool("output_mean_var", default: false)),
                ]
            )
        }
        add(["InstanceNorm"], same("InstanceNorm"))
        add(["LayerNorm"], produces: ["LayerNorm"]) { a in
            (
                "LayerNorm",
                [
                    "axis": .int(try a.int("axis", default: -1)),
                    "outputMeanVar": .bool(try a.bool("output_mean_var", default: false)),
                ]
            )
        }
        add(["GroupNorm"], produces: ["GroupNorm"]) { a in
            // MXNet 1.x keeps one gamma/beta per group.
            ("GroupNorm", ["groups": .int(try a.int("num_groups", default: 1)), "paramsPer": .string("group")])
        }
        add(["Activation"], produces: ["Relu", "Sigmoid", "Tanh", "Softplus", "Softsign"]) { a in
            let kind = a.string("act_type", default: "relu")
            let map = [
                "relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softrelu": "Softplus", "softsign": "Softsign",
            ]
            return (map[kind] ?? "Activation(act_type=\(kind))", [:])
        }
        add(["LeakyReLU"], produces: ["LeakyRelu", "PRelu", "Elu", "Selu", "Gelu"]) { a in
            let kind = a.string("act_type", default: "leaky")
            let map = [
                "leaky": "LeakyRelu", "rrelu": "LeakyRelu", "prelu": "PRelu", "elu": "Elu", "selu": "Selu",
                "gelu": "Gelu",
            ]
            return (map[kind] ?? "LeakyReLU(act_type=\(kind))", kind == "rrelu" ? ["withMask": .bool(true)] : [:])
        }
        add(["Pooling", "Pooling_v1"], produces: ["Pooling"]) { a in try pooling(a) }

        add(["_contrib_AdaptiveAvgPooling2D"], produces: ["AdaptiveAvgPool"]) { a in
            ("AdaptiveAvgPool", ["outputSize": .ints(try a.ints("output_size", default: [1]))])
        }
        add(["_contrib_BilinearResize2D"], produces: ["Resize"]) { a in
            let mode = a.string("mode", default: "size")
            var out: Attributes = ["mode": .string("linear"), "sizeMode": .string(mode)]
            if let sh = try a.float("scale_height") {
                guard let sw = try a.float("scale_width") else {
                    throw RuleError("scale_height is set but scale_width is not")
                }
                out["scales"] = .floats([sh, sw])
            } else if mode == "size" {
                out["sizes"] = .ints([try a.int("height", default: 1), try a.int("width", default: 1)])
            }
            if mode != "size", mode != "like", mode != "odd_scale", out["scales"] == nil {
                out["scales"] = .floats([1, 1])
            }
            return ("Resize", out)
        }
        add(["UpSampling"], produces: ["Resize", "UpsampleJoin", "ConvTranspose"]) { a in
            let scale = try a.int("scale")
            let kind = a.string("sample_type", default: "nearest")
            let inputs = try a.int("num_args", default: 1)
            switch kind {
            case "nearest" where inputs == 1:
                return ("Resize", ["mode": .string("nearest"), "scales": .floats([Double(scale), Double(scale)])])
            case "nearest":
                return (
                    "UpsampleJoin",
                    ["scale": .int(scale), "join": .string(a.string("multi_input_mode", default: "concat"))]
                )
            case "bilinear":
                // MXNet runs bilinear upsampling as a depthwise deconvolution with a fixed kernel.
                let channels = try a.int("num_filter")
                let kernel = 2 * scale - scale % 2
                let pad = (scale - 1 + 1) / 2
                return (
                    "ConvTranspose",
                    [
                        "kernel": .ints([kernel, kernel]), "stride": .ints([scale, scale]), "pads": .ints([pad, pad]),
                        "channels": .int(channels), "groups": .int(channels),
                    ]
                )
            default:
                return ("UpSampling(sample_type=\(kind))", [:])
            }
        }
        add(["Flatten", "flatten"], same("Flatten"))
        add(["Reshape", "reshape"], produces: ["Reshape"]) { a in
            if a.has("target_shape"), try !a.ints("target_shape").isEmpty {
                return ("Reshape(target_shape)", [:])
            }
            return (
                "Reshape",
                ["shape": .ints(try a.ints("shape")), "reverse": .bool(try a.bool("reverse", default: false))]
            )
        }
        add(["transpose"], produces: ["Transpose"]) { a in
            ("Transpose", ["perm": .ints(try a.ints("axes", default: []))])
        }
        add(["SwapAxis", "swapaxes"], produces: ["SwapAxes"]) { a in
            ("SwapAxes", ["dim1": .int(try a.int("dim1", default: 0)), "dim2": .int(try a.int("dim2", default: 0))])
        }
        add(["expand_dims"], produces: ["Unsqueeze"]) { a in ("Unsqueeze", ["axes": .ints([try a.int("axis")])]) }
        add(["squeeze"], produces: ["Squeeze"]) { a in
            var out: Attributes = ["keepOneDimension": .bool(true)]
            if a.has("axis") { out["axes"] = .ints(try a.ints("axis")) }
            return ("Squeeze", out)
        }
        add(["Concat", "concat"], produces: ["Concat"]) { a in ("Concat", ["axis": .int(try a.int("dim", default: 1))])
        }
        add(["SliceChannel", "split"], produces: ["Split"]) { a in
            (
                "Split",
                [
                    "outputs": .int(try a.int("num_outputs")), "axis": .int(try a.int("axis", default: 1)),
                    "squeezeAxis": .bool(try a.bool("squeeze_axis", default: false)),
                ]
            )
        }
        add(["slice", "crop"], produces: ["Slice"]) { a in
            var out: Attributes = [
                "starts": .optionalInts(try a.optionalInts("begin") ?? []),
                "ends": .optionalInts(try a.optionalInts("end") ?? []),
            ]
            if let step = try a.optionalInts("step"), !step.isEmpty { out["steps"] = .optionalInts(step) }
            return ("Slice", out)
        }
        add(["slice_axis"], produces: ["Slice"]) { a in
            (
                "Slice",
                [
                    "axes": .ints([try a.int("axis")]), "starts": .optionalInts([try a.int("begin")]),
                    "ends": .optionalInts([a.has("end") ? try a.int("end") : nil]), "allowEmpty": .bool(false),
                    "strictBounds": .bool(true),
                ]
            )
        }

        // Element-wise arithmetic. MXNet's elemwise_* (and the `a + b` operator sugar) require
        // equal shapes; broadcast_* broadcast.
        let strict: Attributes = ["broadcast": .bool(false)]
        add(["elemwise_add", "_plus", "_Plus", "_add", "_grad_add"], same("Add", strict))
        add(["elemwise_sub", "_minus", "_Minus", "_sub"], same("Sub", strict))
        add(["elemwise_mul", "_mul", "_Mul"], same("Mul", strict))
        add(["elemwise_div", "_div", "_Div"], same("Div", strict))
        add(["_power", "_Power"], same("Pow", strict))
        add(["_maximum", "_Maximum"], same("Max", strict))
        add(["_minimum", "_Minimum"], same("Min", strict))
        add(["broadcast_add", "broadcast_plus"], same("Add"))
        add(["broadcast_sub", "broadcast_minus"], same("Sub"))
        add(["broadcast_mul"], same("Mul"))
        add(["broadcast_div"], same("Div"))
        add(["broadcast_power"], same("Pow"))
        add(["broadcast_maximum"], same("Max"))
        add(["broadcast_minimum"], same("Min"))
        add(
            [
                "broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal",
                "broadcast_lesser", "broadcast_lesser_equal",
            ], same("Compare"))
        add(
            ["_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal"], same("Compare", strict))
        add(["broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor"], same("Logical"))
        add(["_logical_and", "_logical_or", "_logical_xor"], same("Logical", strict))
        add(["add_n", "ElementWiseSum"], same("AddN"))
        add(
            ["_plus_scalar", "_PlusScalar", "_minus_scalar", "_MinusScalar", "_rminus_scalar", "_RMinusScalar"],
            same("AddScalar"))
        add(["_mul_scalar", "_MulScalar"], same("MulScalar"))
        add(["_div_scalar", "_DivScalar", "_rdiv_scalar", "_RDivScalar"], same("DivScalar"))
        add(["_power_scalar", "_PowerScalar", "_rpower_scalar", "_RPowerScalar"], same("PowScalar"))
        add(["_maximum_scalar", "_MaximumScalar"], same("MaxScalar"))
        add(["_minimum_scalar", "_MinimumScalar"], same("MinScalar"))
        add(
            [
                "_equal_scalar", "_not_equal_scalar", "_greater_scalar", "_greater_equal_scalar", "_lesser_scalar",
                "_lesser_equal_scalar",
            ], same("CompareScalar"))

        // Element-wise functions.
        add(["relu"], same("Relu"))
        add(["sigmoid"], same("Sigmoid"))
        add(["tanh"], same("Tanh"))
        add(["softsign"], same("Softsign"))
        add(["exp"], same("Exp"))
        add(["log"], same("Log"))
        add(["sqrt"], same("Sqrt"))
        add(["rsqrt"], same("Rsqrt"))
        add(["square"], same("Square"))
        add(["abs"], same("Abs"))
        add(["negative"], same("Neg"))
        add(["reciprocal"], same("Reciprocal"))
        add(["erf"], same("Erf"))
        add(["sign"], same("Sign"))
        add(["floor"], same("Floor"))
        add(["ceil"], same("Ceil"))
        add(["round", "rint"], same("Round"))
        add(["logical_not"], same("Not"))
        add(["stack"], produces: ["Stack"]) { a in ("Stack", ["axis": .int(try a.int("axis", default: 0))]) }
        add(["reverse", "flip"], produces: ["Reverse"]) { a in ("Reverse", ["axes": .ints(try a.ints("axis"))]) }
        add(["repeat"], produces: ["Repeat"]) { a in
            var out: Attributes = ["repeats": .int(try a.int("repeats"))]
            if a.has("axis") { out["axis"] = .int(try a.int("axis")) }
            return ("Repeat", out)
        }
        add(["tile"], produces: ["Tile"]) { a in ("Tile", ["repeats": .ints(try a.ints("reps"))]) }
        add(["broadcast_to"], produces: ["BroadcastTo"]) { a in ("BroadcastTo", ["shape": .ints(try a.ints("shape"))]) }
        add(["broadcast_like"], produces: ["BroadcastLike"]) { a in
            var out: Attributes = [:]
            if a.has("lhs_axes") { out["lhsAxes"] = .ints(try a.ints("lhs_axes")) }
            if a.has("rhs_axes") { out["rhsAxes"] = .ints(try a.ints("rhs_axes")) }
            return ("BroadcastLike", out)
        }
        add(["broadcast_axis", "broadcast_axes"], produces: ["BroadcastAxis"]) { a in
            ("BroadcastAxis", ["axes": .ints(try a.ints("axis")), "sizes": .ints(try a.ints("size"))])
        }
        add(["L2Normalization"], produces: ["L2Norm"]) { a in
            ("L2Norm", ["mode": .string(a.string("mode", default: "instance"))])
        }
        add(["LRN"], produces: ["LRN"]) { a in ("LRN", ["size": .int(try a.int("nsize"))]) }
        add(["norm"], produces: ["ReduceL2", "ReduceL1"]) { a in
            let order = try a.int("ord", default: 2)
            guard order == 1 || order == 2 else { throw RuleError("norm of order \(order) is not supported") }
            // A norm over every axis is (1,), not a scalar, in MXNet.
            var out: Attributes = [
                "keepDims": .bool(try a.bool("keepdims", default: false)), "scalarAsVector": .bool(true),
            ]
            if a.has("axis") { out["axes"] = .ints(try a.ints("axis")) }
            return (order == 1 ? "ReduceL1" : "ReduceL2", out)
        }
        add(["argmax", "argmin"], produces: ["ArgExtreme"]) { a in
            guard a.has("axis") else {
                throw RuleError("argmax over the flattened input is not supported; give an axis")
            }
            return (
                "ArgExtreme",
                ["axis": .int(try a.int("axis")), "keepDims": .bool(try a.bool("keepdims", default: false))]
            )
        }
        add(["shape_array"], same("Shape"))
        add(["slice_like"], produces: ["SliceLike"]) { a in
            a.has("axes") ? ("SliceLike", ["axes": .ints(try a.ints("axes"))]) : ("SliceLike", [:])
        }
        add(["broadcast_mod"], same("Mod"))
        add(["_arange", "arange"], produces: ["Arange"]) { a in
            var out: Attributes = [
                "start": .float(try a.float("start") ?? 0), "step": .float(try a.float("step") ?? 1),
                "repeat": .int(try a.int("repeat", default: 1)),
                "dataType": .string(a.string("dtype", default: "float32")),
            ]
            if let stop = try a.float("stop") { out["stop"] = .float(stop) }
            return ("Arange", out)
        }
        add(["gather_nd"], produces: ["GatherND"]) { _ in ("GatherND", ["indexFirst": .bool(true)]) }
        add(["_contrib_ROIAlign"], produces: ["RoiAlign"]) { a in
            if try a.bool("position_sensitive", default: false) {
                throw RuleError("position-sensitive RoI alignment is not supported")
            }
            let pooled = try a.ints("pooled_size")
            guard pooled.count == 2 else { throw RuleError("pooled_size needs 2 sizes") }
            return (
                "RoiAlign",
                [
                    "outputHeight": .int(pooled[0]), "outputWidth": .int(pooled[1]),
                    "samplingRatio": .int(try a.int("sample_ratio", default: -1)),
                ]
            )
        }
        add(["where"], same("Where"))
        add(["topk"], produces: ["TopK"]) { a in
            guard a.raw["axis"] != "None" else {
                throw RuleError("topk over the flattened input (axis=None) is not supported; give an axis")
            }
            return (
                "TopK",
                [
                    "axis": .int(try a.int("axis", default: -1)), "k": .int(try a.int("k", default: 1)),
                    "kNotPositiveTakesAll": .bool(true), "select": .string(a.string("ret_typ", default: "indices")),
                    "indexType": .string(a.string("dtype", default: "float32")),
                ]
            )
        }
        for (op, select) in [("sort", "value"), ("argsort", "indices")] {
            add([op], produces: ["Sort"]) { a in
                guard a.raw["axis"] != "None" else {
                    throw RuleError("sorting the flattened input (axis=None) is not supported; give an axis")
                }
                return (
                    "Sort",
                    [
                        "axis": .int(try a.int("axis", default: -1)), "select": .string(select),
                        "indexType": .string(a.string("dtype", default: "float32")),
                    ]
                )
            }
        }
        add(["_contrib_box_nms", "_contrib_box_non_maximum_suppression"], produces: ["BoxNMS"]) { a in
            (
                "BoxNMS",
                [
                    "topk": .int(try a.int("topk", default: -1)),
                    "coordStart": .int(try a.int("coord_start", default: 2)),
                    "scoreIndex": .int(try a.int("score_index", default: 1)),
                ]
            )
        }
        add(["_contrib_box_decode"], produces: ["BoxDecode"]) { a in
            (
                "BoxDecode",
                [
                    "format": .string(a.string("format", default: "center")),
                    "clip": .float(try a.float("clip") ?? -1),
                ]
            )
        }
        add(["_split_v2"], produces: ["Split"]) { a in
            let axis = try a.int("axis", default: 0)
            let squeeze = try a.bool("squeeze_axis", default: false)
            let indices = try a.ints("indices", default: [])
            if !indices.isEmpty {
                // Split points; the last part runs to the end of the axis (sizes resolved by the rule).
                return ("Split", ["axis": .int(axis), "squeezeAxis": .bool(squeeze), "splitPoints": .ints(indices)])
            }
            return (
                "Split", ["outputs": .int(try a.int("sections")), "axis": .int(axis), "squeezeAxis": .bool(squeeze)]
            )
        }
        add(["clip"], produces: ["Clip"]) { a in
            // The bounds matter when values are carried (shape arithmetic).
            (
                "Clip",
                ["min": .float(try a.float("a_min") ?? -.infinity), "max": .float(try a.float("a_max") ?? .infinity)]
            )
        }
        add(["hard_sigmoid"], same("HardSigmoid"))
        add(["zeros_like", "ones_like"], same("Fill"))
        add(["Pad", "pad"], produces: ["Pad"]) { a in
            (
                "Pad",
                [
                    "pads": .ints(try a.ints("pad_width")), "mode": .string(a.string("mode", default: "constant")),
                    "spatialOnly": .bool(true),
                ]
            )
        }

        // Softmax family.
        add(["softmax"], produces: ["Softmax"]) { a in ("Softmax", ["axis": .int(try a.int("axis", default: -1))]) }
        add(["log_softmax"], produces: ["LogSoftmax"]) { a in
            ("LogSoftmax", ["axis": .int(try a.int("axis", default: -1))])
        }
        add(["SoftmaxOutput", "Softmax"], produces: ["SoftmaxOutput"]) { a in
            let grouping =
                try a.bool("multi_output", default: false)
                ? "channel"
                : (try a.bool("preserve_shape", default: false) ? "last" : "sample")
            return ("SoftmaxOutput", ["grouping": .string(grouping)])
        }
        add(["SoftmaxActivation"], produces: ["SoftmaxOutput"]) { a in
            (
                "SoftmaxOutput",
                ["grouping": .string(a.string("mode", default: "instance") == "channel" ? "channel" : "sample")]
            )
        }

        // Reductions: MXNet returns shape (1,) when every axis is reduced.
        func reduction(_ type: String) -> (Translate, [String]) {
            (
                { a in
                    var out: Attributes = [
                        "keepDims": .bool(try a.bool("keepdims", default: false)),
                        "exclude": .bool(try a.bool("exclude", default: false)),
                        "scalarAsVector": .bool(true),
                    ]
                    if a.has("axis") { out["axes"] = .ints(try a.ints("axis")) }
                    return (type, out)
                }, [type]
            )
        }
        add(["sum", "sum_axis"], reduction("ReduceSum"))
        add(["mean"], reduction("ReduceMean"))
        add(["max", "max_axis"], reduction("ReduceMax"))
        add(["min", "min_axis"], reduction("ReduceMin"))
        add(["prod"], reduction("ReduceProd"))

        // Quantized graphs (mxnet.contrib.quantization).
        add(["_contrib_quantize_v2", "_contrib_quantize"], produces: ["Quantize"]) { a in
            var type = a.string("out_type", default: "int8")
            if type == "auto" {
                // Without a calibrated range MXNet decides at run time; a non-negative range means uint8.
                type = (try a.float("min_calib_range")).map { $0 >= 0 ? "uint8" : "int8" } ?? "int8"
            }
            return ("Quantize", ["outputType": .string(type), "rangeOutputs": .bool(true)])
        }
        add(["_contrib_dequantize"], produces: ["Dequantize"]) { a in
            ("Dequantize", ["outputType": .string(a.string("out_type", default: "float32"))])
        }
        add(["_contrib_requantize"], produces: ["Requantize"]) { a in
            var type = a.string("out_type", default: "int8")
            if type == "auto" { type = (try a.float("min_calib_range")).map { $0 >= 0 ? "uint8" : "int8" } ?? "int8" }
            return ("Requantize", ["outputType": .string(type)])
        }
        // Data, weight and bias (absent with no_bias), then the ranges.
        add(
            ["_contrib_quantized_conv"], produces: ["QuantizedConvolution"],
            node: { a, _ in
                Translation(
                    type: "QuantizedConvolution", attributes: try convolutionAttributes(a),
                    slots: [true, true, !(try a.bool("no_bias", default: false))])
            })
        add(
            ["_contrib_quantized_fully_connected"], produces: ["QuantizedFullyConnected"],
            node: { a, _ in
                Translation(
                    type: "QuantizedFullyConnected", attributes: try denseAttributes(a),
                    slots: [true, true, !(try a.bool("no_bias", default: false))])
            })
        add(["_sg_mkldnn_conv", "_sg_onednn_conv"], produces: ["FusedConvolution"], node: fusedConvolution)
        add(
            ["_sg_mkldnn_fully_connected", "_sg_onednn_fully_connected"], produces: ["FusedFullyConnected"],
            node: fusedFullyConnected)
        add(["_contrib_quantized_pooling"], produces: ["QuantizedPooling"]) { a in
            let (_, attributes) = try pooling(a)
            return ("QuantizedPooling", attributes)
        }
        add(["_contrib_quantized_flatten"], same("QuantizedFlatten"))
        add(["_contrib_quantized_batch_norm"], produces: ["QuantizedBatchNorm"]) { a in
            ("QuantizedBatchNorm", ["axis": .int(try a.int("axis", default: 1))])
        }
        add(["_contrib_quantized_act"], produces: ["QuantizedActivation"]) { a in
            let kind = a.string("act_type", default: "relu")
            return (kind == "relu" ? "QuantizedActivation" : "_contrib_quantized_act(act_type=\(kind))", [:])
        }
        add(["_contrib_quantized_elemwise_add"], same("QuantizedAdd"))

        add(["Dropout"], same("Identity"))
        add(["_copy", "identity", "BlockGrad", "stop_gradient", "MakeLoss", "make_loss"], same("Identity"))
        add(["Cast", "cast", "amp_cast"], produces: ["Cast"]) { a in
            ("Cast", ["to": .string(a.string("dtype", default: "float32"))])
        }
        add(["Embedding"], produces: ["Embedding"]) { a in
            ("Embedding", ["inputDim": .int(try a.int("input_dim")), "outputDim": .int(try a.int("output_dim"))])
        }
        add(["dot"], produces: ["Dot"]) { a in
            (
                "Dot",
                [
                    "transposeA": .bool(try a.bool("transpose_a", default: false)),
                    "transposeB": .bool(try a.bool("transpose_b", default: false)),
                ]
            )
        }
        add(["batch_dot"], produces: ["MatMul"]) { a in
            (
                "MatMul",
                [
                    "transposeA": .bool(try a.bool("transpose_a", default: false)),
                    "transposeB": .bool(try a.bool("transpose_b", default: false)), "broadcast": .bool(false),
                ]
            )
        }
        return (t, p)
    }()

    /// MXNet Pooling attributes (also the quantized form's).
    static func pooling(_ a: MXNetAttributes) throws -> (String, Attributes) {
        try checkChannelFirst(a)
        let mode = a.string("pool_type", default: "max")
        guard ["max", "avg", "sum", "lp"].contains(mode) else { return ("Pooling(pool_type=\(mode))", [:]) }
        var out: Attributes = [
            "mode": .string(mode), "global": .bool(try a.bool("global_pool", default: false)),
            "convention": .string(a.string("pooling_convention", default: "valid")),
            "countIncludePad": .bool(try a.bool("count_include_pad", default: true)),
        ]
        if a.has("kernel") { out["kernel"] = .ints(try a.ints("kernel")) }
        if a.has("stride") { out["stride"] = .ints(try a.ints("stride")) }
        if a.has("pad") { out["pads"] = .ints(try a.ints("pad")) }
        if a.has("p_value") { out["p"] = .int(try a.int("p_value")) }
        return ("Pooling", out)
    }

    /// Whether a fused node is quantized: `quantized` is "true" or "True".
    static func isQuantized(_ a: MXNetAttributes) throws -> Bool { try a.bool("quantized", default: false) }

    /// The type a quantized layer writes: int32 accumulators, unless a calibrated range lets it
    /// requantize itself (to uint8 after a ReLU, int8 otherwise), or it dequantizes (float).
    static func quantizedOutput(_ a: MXNetAttributes, relu: Bool) -> (type: String, requantize: Bool) {
        if (try? a.bool("enable_float_output", default: false)) == true { return ("float32", false) }
        guard a.has("min_calib_range") else { return ("int32", false) }
        let minimum = (try? a.float("min_calib_range")) ?? nil
        return (relu || (minimum ?? -1) >= 0 ? "uint8" : "int8", true)
    }

    /// `_sg_mkldnn_conv` / `_sg_onednn_conv`: the Convolution inside `subgraph` gives the geometry;
    /// the node's flags say which ``FusedSlot``s it fills (bias, BatchNorm, sum), and for 8-bit
    /// layers the ranges follow.
    static func fusedConvolution(_ a: MXNetAttributes, _ subgraph: [MXNetNode]) throws -> Translation {
        guard let conv = subgraph.first(where: { $0.op == "Convolution" }) else {
            throw RuleError("the fused node's subgraph has no Convolution")
        }
        let c = MXNetAttributes(raw: conv.attributes)
        var out = try convolutionAttributes(c)
        var filled: Set<FusedSlot> = [.data, .weight]
        if !(try c.bool("no_bias", default: false)) { filled.insert(.bias) }
        if try a.bool("with_bn", default: false) || subgraph.contains(where: { $0.op == "BatchNorm" }) {
            filled.formUnion([.gamma, .beta, .mean, .variance])
        }
        if try a.bool("with_sum", default: false) || subgraph.contains(where: { $0.op.hasSuffix("elemwise_add") }) {
            filled.insert(.sum)
        }
        let relu =
            try a.bool("with_act", default: false) || (try a.bool("with_postsum_act", default: false))
            || subgraph.contains(where: { $0.op == "Activation" || $0.op == "relu" })
        out["activation"] = .bool(relu)
        if try isQuantized(a) { quantizedOutput(a, relu: relu, into: &out) }
        return Translation(type: "FusedConvolution", attributes: out, slots: FusedSlot.allCases.map(filled.contains))
    }

    /// `_sg_mkldnn_fully_connected` / `_sg_onednn_fully_connected`: data, weight and (bias) in their
    /// ``FusedSlot``s, then for 8-bit layers the data, weight and bias ranges; 8-bit weights are
    /// stored pre-quantized, as int8 arguments.
    static func fusedFullyConnected(_ a: MXNetAttributes, _ subgraph: [MXNetNode]) throws -> Translation {
        guard let fc = subgraph.first(where: { $0.op == "FullyConnected" }) else {
            throw RuleError("the fused node's subgraph has no FullyConnected")
        }
        let f = MXNetAttributes(raw: fc.attributes)
        let bias = !(try f.bool("no_bias", default: false))
        var out = try denseAttributes(f)
        let relu = subgraph.contains(where: { $0.op == "Activation" || $0.op == "relu" })
        out["activation"] = .bool(relu)
        if try isQuantized(a) {
            out["int8Weights"] = .bool(true)
            quantizedOutput(a, relu: relu, into: &out)
        }
        let filled: Set<FusedSlot> = bias ? [.data, .weight, .bias] : [.data, .weight]
        return Translation(type: "FusedFullyConnected", attributes: out, slots: FusedSlot.allCases.map(filled.contains))
    }

    /// A quantized fused layer's flags: `quantized`, and what it writes (see ``quantizedOutput(_:relu:)``).
    static func quantizedOutput(_ a: MXNetAttributes, relu: Bool, into out: inout Attributes) {
        let (type, requantize) = quantizedOutput(a, relu: relu)
        out["quantized"] = .bool(true)
        out["outputType"] = .string(type)
        out["requantize"] = .bool(requantize)
        out["rangeOutputs"] = .bool(type != "float32")
    }

    /// The attributes FullyConnected and its quantized and fused forms share.
    static func denseAttributes(_ a: MXNetAttributes) throws -> Attributes {
        ["units": .int(try a.int("num_hidden")), "flatten": .bool(try a.bool("flatten", default: true))]
    }

    /// The attributes Convolution and Deconvolution share.
    static func convolutionAttributes(_ a: MXNetAttributes) throws -> Attributes {
        try checkChannelFirst(a)
        var out: Attributes = [
            "kernel": .ints(try a.ints("kernel")), "channels": .int(try a.int("num_filter")),
            "groups": .int(try a.int("num_group", default: 1)),
        ]
        if a.has("stride") { out["stride"] = .ints(try a.ints("stride")) }
        if a.has("dilate") { out["dilation"] = .ints(try a.ints("dilate")) }
        if a.has("pad") { out["pads"] = .ints(try a.ints("pad")) }
        return out
    }

    static func checkChannelFirst(_ a: MXNetAttributes) throws {
        let layout = a.string("layout", default: "")
        guard layout.isEmpty || ["NCW", "NCHW", "NCDHW"].contains(layout) else {
            throw RuleError("layout \(layout) is not supported (channel-first layouts only)")
        }
    }
}

import OpCount

/// How each ONNX operator (default domain) maps onto a canonical op of the ``Registry``, for the
/// model's opset. This table is all opcat knows of ONNX; formulas never see it. An operator not
/// here keeps its name (prefixed with its domain when not the default) and is reported as
/// unsupported.
public enum ONNXOps {
    typealias Translate = @Sendable (ONNXAttributes, _ outputs: Int) throws -> (String, Attributes)

    static func translate(_ op: String, domain: String, _ a: ONNXAttributes, outputs: Int) throws -> (
        type: String, attributes: Attributes
    ) {
        let key = domain.isEmpty || domain == "ai.onnx" ? op : "\(domain):\(op)"
        guard let rule = table[key] else {
            let name = domain.isEmpty || domain == "ai.onnx" ? op : "\(domain):\(op)"
            return (Registry.standard[name] == nil ? name : "onnx:\(name)", [:])
        }
        return try rule(a, outputs)
    }

    /// Every operator the onnx package defines that opcat does not map, with the reason: out of
    /// scope (sequences, strings, classical ML, training), or not counted yet. A graph with one
    /// is counted partial and says so. (`ONNXOperatorTests` checks the list against onnx's own.)
    public static let notCounted: [String: String] = {
        var reasons: [String: String] = [:]
        func add(_ names: [String], _ reason: String) { for name in names { reasons[name] = reason } }
        add(
            ["ai.onnx.preview:FlexAttention"],
            "a preview operator (ai.onnx.preview, not a released opset) whose score and probability modifiers are "
                + "subgraphs: not counted yet")
        add(["ImageDecoder"], "decodes an encoded image: the output size is in the bytes, known only at run time")
        add(
            [
                "ConcatFromSequence", "SplitToSequence", "SequenceAt", "SequenceConstruct", "SequenceEmpty",
                "SequenceErase", "SequenceInsert", "SequenceLength", "SequenceMap", "Optional", "OptionalGetElement",
                "OptionalHasElement",
            ], "works on sequence or optional values; opcat's graphs carry tensors only")
        add(
            ["StringConcat", "StringNormalizer", "StringSplit", "RegexFullMatch", "TfIdfVectorizer"],
            "string processing: no tensor arithmetic to count")
        add(
            [
                "ArrayFeatureExtractor", "Binarizer", "CastMap", "CategoryMapper", "DictVectorizer",
                "FeatureVectorizer", "Imputer", "LabelEncoder", "LinearClassifier", "LinearRegressor", "Normalizer",
                "OneHotEncoder", "SVMClassifier", "SVMRegressor", "Scaler", "TreeEnsemble", "TreeEnsembleClassifier",
                "TreeEnsembleRegressor", "ZipMap",
            ].map { "ai.onnx.ml:" + $0 },
            "classical machine learning (ai.onnx.ml: trees, SVMs, encoders), not a network layer")
        add(
            ["NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"]
                + ["Adagrad", "Adam", "Gradient", "Momentum"].map { "ai.onnx.preview.training:" + $0 },
            "training only: a loss or an optimizer step")
        return reasons
    }()

    /// The graph-valued attributes of the control-flow operators, in the order their regions are
    /// kept (``Node/subgraphs``).
    static let subgraphAttributes: [String: [String]] = [
        "If": ["then_branch", "else_branch"], "Loop": ["body"], "Scan": ["body"],
    ]

    /// The element type an attribute names by its ONNX code (default float), as opcat spells it;
    /// `what` starts the error for a type opcat does not know ("cast to").
    static func elementType(_ a: ONNXAttributes, _ key: String, _ what: String) throws -> AttributeValue {
        let code = a.int(key, default: 1)
        guard let type = ONNXTensors.dataType(code) else {
            throw RuleError("\(what) \(ONNXTensors.typeName(code)) is not supported")
        }
        return .string(type.rawValue)
    }

    /// Whether the mapping knows `name` (`domain:Op` outside the default domain).
    public static func maps(_ name: String) -> Bool { table[name] != nil }

    /// For each canonical op, the ONNX operators that can become it (for `opcat ops`).
    public static var aliases: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, types) in produces { for type in types { result[type, default: []].append(name) } }
        return result.mapValues { $0.sorted() }
    }

    static let (table, produces): ([String: Translate], [String: [String]]) = {
        var t: [String: Translate] = [:]
        var p: [String: [String]] = [:]
        func add(_ names: [String], _ type: String, _ attributes: Attributes = [:]) {
            add(names, produces: [type]) { _, _ in (type, attributes) }
        }
        func add(_ names: [String], produces types: [String], _ rule: @escaping Translate) {
            for name in names {
                precondition(t[name] == nil, "ONNX op '\(name)' mapped twice")
                t[name] = rule
                p[name] = types
            }
        }
        func addRule(_ names: [String], _ types: [String], _ rule: @escaping Translate) {
            add(names, produces: types, rule)
        }
        let spatial: [(String, String, ONNXAttributes.Kind)] = [
            ("kernel_shape", "kernel", .ints), ("strides", "stride", .ints), ("dilations", "dilation", .ints),
            ("pads", "pads", .ints), ("auto_pad", "autoPad", .string),
        ]

        add(["Conv"], produces: ["Convolution"]) { a, _ in
            var out: Attributes = ["groups": .int(a.int("group", default: 1))]
            a.copy(spatial, into: &out)
            return ("Convolution", out)
        }
        add(["ConvTranspose"], produces: ["ConvTranspose"]) { a, _ in
            var out: Attributes = ["groups": .int(a.int("group", default: 1)), "onnxOutputShape": .bool(true)]
            a.copy(
                spatial + [("output_padding", "outputPadding", .ints), ("output_shape", "outputShape", .ints)],
                into: &out)
            return ("ConvTranspose", out)
        }
        add(["Gemm"], produces: ["Gemm"]) { a, _ in
            var out: Attributes = [:]
            a.copy(
                [
                    ("transA", "transposeA", .bool), ("transB", "transposeB", .bool), ("alpha", "alpha", .float),
                    ("beta", "beta", .float),
                ],
                into: &out)
            return ("Gemm", out)
        }
        add(["MatMul"], "MatMul")
        add(["Einsum"], produces: ["Einsum"]) { a, _ in
            ("Einsum", ["equation": .string(a.string("equation", default: ""))])
        }
        add(["BatchNormalization"], produces: ["BatchNorm"]) { a, outputs in
            ("BatchNorm", ["axis": .int(1), "outputMeanVar": .bool(outputs > 1)])
        }
        add(["LayerNormalization"], produces: ["LayerNorm"]) { a, outputs in
            (
                "LayerNorm",
                [
                    "axis": .int(a.int("axis", default: -1)), "throughLast": .bool(true),
                    "outputMeanVar": .bool(outputs > 1),
                ]
            )
        }
        add(["GroupNormalization"], produces: ["GroupNorm"]) { a, _ in
            // Opset 18 keeps one scale/bias per group; opset 21 one per channel.
            (
                "GroupNorm",
                [
                    "groups": .int(a.int("num_groups", default: 1)),
                    "paramsPer": .string(a.opset >= 21 ? "channel" : "group"),
                ]
            )
        }
        add(["InstanceNormalization"], "InstanceNorm")

        for (onnx, canonical) in [
            ("Relu", "Relu"), ("Sigmoid", "Sigmoid"), ("Tanh", "Tanh"), ("Softplus", "Softplus"),
            ("Softsign", "Softsign"), ("Elu", "Elu"), ("Selu", "Selu"), ("Erf", "Erf"), ("Exp", "Exp"),
            ("Log", "Log"), ("Sqrt", "Sqrt"), ("Neg", "Neg"), ("Abs", "Abs"), ("Reciprocal", "Reciprocal"),
            ("Floor", "Floor"), ("Ceil", "Ceil"), ("Sign", "Sign"), ("Round", "Round"),
            ("HardSigmoid", "HardSigmoid"), ("HardSwish", "HardSwish"), ("LeakyRelu", "LeakyRelu"),
            ("PRelu", "PRelu"), ("Mish", "Mish"), ("Sin", "Sin"), ("Cos", "Cos"), ("Tan", "Tan"),
            ("Asin", "Asin"), ("Acos", "Acos"), ("Atan", "Atan"), ("Sinh", "Sinh"), ("Cosh", "Cosh"),
            ("Asinh", "Asinh"), ("Acosh", "Acosh"), ("Atanh", "Atanh"), ("ThresholdedRelu", "ThresholdedRelu"),
            ("Celu", "Celu"), ("Shrink", "Shrink"),
        ] {
            add([onnx], canonical)
        }
        add(["Not"], "Not", ["outputType": .string("bool")])
        add(["IsNaN", "IsInf"], "IsSpecial", ["outputType": .string("bool")])
        add(["Gelu"], produces: ["Gelu", "GeluTanh"]) { a, _ in
            (a.string("approximate", default: "none") == "tanh" ? "GeluTanh" : "Gelu", [:])
        }
        add(["Clip"], produces: ["Clip"]) { a, _ in
            // Before opset 11 the bounds are attributes.
            guard a.opset < 11 else { return ("Clip", [:]) }
            return (
                "Clip",
                [
                    "min": .float(a.float("min", default: -Double.greatestFiniteMagnitude)),
                    "max": .float(a.float("max", default: Double.greatestFiniteMagnitude)),
                ]
            )
        }

        add(["Add", "Sum"], "Add")
        add(["Sub"], "Sub")
        add(["Mul"], "Mul")
        add(["Div"], "Div")
        add(["Pow"], "Pow")
        add(["Mod"], produces: ["Mod"]) { a, _ in ("Mod", ["fmod": .bool(a.int("fmod", default: 0) != 0)]) }
        add(["Max"], "Max")
        add(["Min"], "Min")
        add(["Mean"], "Mean")
        for (onnx, comparison) in [
            ("Equal", "equal"), ("Greater", "greater"), ("GreaterOrEqual", "greater_equal"),
            ("Less", "less"), ("LessOrEqual", "less_equal"),
        ] {
            add([onnx], "Compare", ["comparison": .string(comparison), "outputType": .string("bool")])
        }
        for (onnx, logic) in [("And", "and"), ("Or", "or"), ("Xor", "xor")] {
            add([onnx], "Logical", ["comparison": .string(logic), "outputType": .string("bool")])
        }
        add(["Where"], "Where")

        func pooling(_ mode: String, global: Bool) -> Translate {
            { a, outputs in
                var out: Attributes = [
                    "mode": .string(mode), "global": .bool(global), "withIndices": .bool(outputs > 1),
                    "countIncludePad": .bool(a.int("count_include_pad", default: 0) != 0),
                ]
                if a.int("ceil_mode", default: 0) != 0 {
                    out["convention"] = .string("full")
                    out["clipLastWindow"] = .bool(true)
                }
                if mode == "lp" { out["p"] = .int(a.int("p", default: 2)) }
                a.copy(spatial, into: &out)
                return ("Pooling", out)
            }
        }
        add(["MaxPool"], produces: ["Pooling"], pooling("max", global: false))
        add(["AveragePool"], produces: ["Pooling"], pooling("avg", global: false))
        add(["LpPool"], produces: ["Pooling"], pooling("lp", global: false))
        add(["GlobalMaxPool"], produces: ["Pooling"], pooling("max", global: true))
        add(["GlobalAveragePool"], produces: ["Pooling"], pooling("avg", global: true))
        add(["GlobalLpPool"], produces: ["Pooling"], pooling("lp", global: true))
        // onnxruntime's CPU optimizer (ORT_ENABLE_ALL) rewrites convolutions and pools into its
        // blocked-channel NCHWc kernels; opcat counts them in the logical NCHW shape.
        let nchwc = "com.microsoft.nchwc:"
        add([nchwc + "MaxPool"], produces: ["Pooling"], pooling("max", global: false))
        add([nchwc + "AveragePool"], produces: ["Pooling"], pooling("avg", global: false))
        add([nchwc + "GlobalMaxPool"], produces: ["Pooling"], pooling("max", global: true))
        add([nchwc + "GlobalAveragePool"], produces: ["Pooling"], pooling("avg", global: true))
        add([nchwc + "ReorderInput"], produces: ["NCHWcReorder"]) { a, _ in
            (
                "NCHWcReorder",
                ["toBlocked": .bool(true), "channelsLast": .bool(a.int("channels_last", default: 0) != 0)]
            )
        }
        add([nchwc + "ReorderOutput"], produces: ["NCHWcReorder"]) { a, _ in
            var out: Attributes = [
                "toBlocked": .bool(false), "channelsLast": .bool(a.int("channels_last", default: 0) != 0),
            ]
            if a.has("channels") { out["channels"] = .int(a.int("channels", default: 0)) }
            return ("NCHWcReorder", out)
        }

        add(["Resize"], produces: ["Resize"]) { a, _ in
            var out: Attributes = ["allDims": .bool(true), "mode": .string(a.string("mode", default: "nearest"))]
            // Opset 10: (X, scales); 11 on: (X, roi, scales, sizes).
            out["scalesInput"] = .int(a.opset >= 11 ? 2 : 1)
            out["sizesInput"] = .int(a.opset >= 11 ? 3 : -1)
            if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
            out["aspectPolicy"] = .string(a.string("keep_aspect_ratio_policy", default: "stretch"))
            return ("Resize", out)
        }
        add(["Upsample"], produces: ["Resize"]) { a, _ in
            var out: Attributes = ["allDims": .bool(true), "mode": .string(a.string("mode", default: "nearest"))]
            if let scales = a.floats("scales") { out["scales"] = .floats(scales) } else { out["scalesInput"] = .int(1) }
            return ("Resize", out)
        }

        add(["Reshape"], produces: ["Reshape"]) { a, _ in
            ("Reshape", ["allowZero": .bool(a.int("allowzero", default: 0) != 0)])
        }
        add(["Flatten"], produces: ["Flatten"]) { a, _ in ("Flatten", ["axis": .int(a.int("axis", default: 1))]) }
        add(["Transpose"], produces: ["Transpose"]) { a, _ in ("Transpose", ["perm": .ints(a.ints("perm") ?? [])]) }
        add(["Squeeze"], produces: ["Squeeze"]) { a, _ in
            var out: Attributes = [:]
            if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
            return ("Squeeze", out)
        }
        add(["Unsqueeze"], produces: ["Unsqueeze"]) { a, _ in
            var out: Attributes = [:]
            if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
            return ("Unsqueeze", out)
        }
        add(["Concat"], produces: ["Concat"]) { a, _ in ("Concat", ["axis": .int(a.int("axis", default: 0))]) }
        add(["Split"], produces: ["Split"]) { a, outputs in
            var out: Attributes = ["axis": .int(a.int("axis", default: 0))]
            if let split = a.ints("split") { out["sizes"] = .ints(split) }
            if a.has("num_outputs") {
                out["outputs"] = .int(a.int("num_outputs", default: outputs))
                out["unevenLast"] = .bool(true)
            } else {
                out["outputs"] = .int(outputs)
            }
            return ("Split", out)
        }
        add(["Slice"], produces: ["Slice"]) { a, _ in
            var out: Attributes = [:]
            // Opset 1–9 give starts, ends and axes as attributes.
            if let starts = a.ints("starts") { out["starts"] = .ints(starts) }
            if let ends = a.ints("ends") { out["ends"] = .ints(ends) }
            if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
            return ("Slice", out)
        }
        add(["Gather"], produces: ["Gather"]) { a, _ in ("Gather", ["axis": .int(a.int("axis", default: 0))]) }
        add(["GatherElements"], produces: ["GatherElements"]) { a, _ in
            ("GatherElements", ["axis": .int(a.int("axis", default: 0))])
        }
        add(["Expand"], "Expand")
        add(["Tile"], "Tile")
        add(["Shape"], produces: ["Shape"]) { a, _ in
            var out: Attributes = [:]
            if a.has("start") { out["start"] = .int(a.int("start", default: 0)) }
            if a.has("end") { out["end"] = .int(a.int("end", default: 0)) }
            return ("Shape", out)
        }
        add(["Size"], "Size")
        add(["ConstantOfShape"], produces: ["ConstantOfShape"]) { a, _ in
            var out: Attributes = [:]
            if let value = a.tensor("value") {
                let code = Int(value.dataType)
                guard let type = ONNXTensors.dataType(code) else {
                    throw RuleError("value of type \(ONNXTensors.typeName(code)) is not supported")
                }
                out["dataType"] = .string(type.rawValue)
                let (ints, reals) = ONNXTensors.values(value, type: type)
                if let ints { out["values"] = .ints(ints) }
                if let reals { out["realValues"] = .floats(reals) }
            }
            return ("ConstantOfShape", out)
        }
        add(["Range"], "Range")
        add(["Cast"], produces: ["Cast"]) { a, _ in ("Cast", ["to": try elementType(a, "to", "cast to")]) }
        add(["Identity"], "Identity")
        add(["DFT"], produces: ["DFT"]) { a, _ in
            var out: Attributes = [
                "inverse": .bool(a.int("inverse", default: 0) != 0),
                "onesided": .bool(a.int("onesided", default: 0) != 0),
            ]
            // Before opset 20 the axis is an attribute (default 1); from 20 an input (default −2).
            if a.opset < 20 { out["axis"] = .int(a.int("axis", default: 1)) }
            return ("DFT", out)
        }
        add(["STFT"], produces: ["STFT"]) { a, _ in ("STFT", ["onesided": .bool(a.int("onesided", default: 1) != 0)]) }
        for (name, kind) in [("HannWindow", "hann"), ("HammingWindow", "hamming"), ("BlackmanWindow", "blackman")] {
            add([name], produces: ["Window"]) { a, _ in
                ("Window", ["kind": .string(kind), "outputType": try elementType(a, "output_datatype", "output type")])
            }
        }
        add(["MelWeightMatrix"], produces: ["MelWeightMatrix"]) { a, _ in
            ("MelWeightMatrix", ["outputType": try elementType(a, "output_datatype", "output type")])
        }
        add(["DeformConv"], produces: ["DeformConv"]) { a, _ in
            var out: Attributes = [
                "groups": .int(a.int("group", default: 1)), "offsetGroups": .int(a.int("offset_group", default: 1)),
            ]
            a.copy(spatial, into: &out)
            return ("DeformConv", out)
        }
        add(["CausalConvWithState"], produces: ["CausalConvWithState"]) { a, _ in
            ("CausalConvWithState", ["activation": .string(a.string("activation", default: "none"))])
        }
        add(["LinearAttention"], produces: ["LinearAttention"]) { a, _ in
            (
                "LinearAttention",
                [
                    "qHeads": .int(a.int("q_num_heads", default: 0)),
                    "kvHeads": .int(a.int("kv_num_heads", default: 0)),
                    "updateRule": .string(a.string("update_rule", default: "gated_delta")),
                ]
            )
        }
        add(["TensorScatter"], produces: ["TensorScatter"]) { a, _ in
            ("TensorScatter", ["axis": .int(a.int("axis", default: -2))])
        }
        add(["Det"], "Det")
        add(["BitCast"], produces: ["BitCast"]) { a, _ in ("BitCast", ["to": try elementType(a, "to", "bit cast to")]) }
        add(["If"], produces: ["If"]) { _, outputs in ("If", ["outputs": .int(outputs)]) }
        add(["Loop"], produces: ["Loop"]) { _, outputs in ("Loop", ["outputs": .int(outputs)]) }
        add(["Scan"], produces: ["Scan"]) { a, outputs in
            // Scan-8 has a batch axis and sequence lengths: not counted (unsupported, named so).
            guard a.opset >= 9 else { return ("Scan-8 (batched, with sequence lengths)", [:]) }
            var out: Attributes = [
                "outputs": .int(outputs), "scanInputs": .int(a.int("num_scan_inputs", default: 0)),
            ]
            a.copy(
                [
                    ("scan_input_axes", "inputAxes", .ints), ("scan_output_axes", "outputAxes", .ints),
                    ("scan_input_directions", "inputDirections", .ints),
                    ("scan_output_directions", "outputDirections", .ints),
                ], into: &out)
            return ("Scan", out)
        }
        add(["Dropout"], produces: ["Identity"]) { _, outputs in ("Identity", ["withMask": .bool(outputs > 1)]) }
        add(["Constant"], produces: ["Constant"]) { a, _ in try constant(a) }
        for (onnx, canonical) in [
            ("ReduceSum", "ReduceSum"), ("ReduceMean", "ReduceMean"), ("ReduceMax", "ReduceMax"),
            ("ReduceMin", "ReduceMin"), ("ReduceProd", "ReduceProd"), ("ReduceL1", "ReduceL1"),
            ("ReduceL2", "ReduceL2"), ("ReduceSumSquare", "ReduceSumSquare"), ("ReduceLogSum", "ReduceLogSum"),
            ("ReduceLogSumExp", "ReduceLogSumExp"),
        ] {
            add([onnx], produces: [canonical]) { a, _ in
                var out: Attributes = [
                    "keepDims": .bool(a.int("keepdims", default: 1) != 0),
                    "emptyAxesIsNoop": .bool(a.int("noop_with_empty_axes", default: 0) != 0),
                ]
                if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
                return (canonical, out)
            }
        }
        add(["DepthToSpace"], produces: ["DepthToSpace"]) { a, _ in
            ("DepthToSpace", ["blockSize": .int(a.int("blocksize", default: 0))])
        }
        add(["SpaceToDepth"], produces: ["SpaceToDepth"]) { a, _ in
            ("SpaceToDepth", ["blockSize": .int(a.int("blocksize", default: 0))])
        }
        add(["GatherND"], produces: ["GatherND"]) { a, _ in
            ("GatherND", ["batchDims": .int(a.int("batch_dims", default: 0))])
        }
        add(["OneHot"], produces: ["OneHot"]) { a, _ in ("OneHot", ["axis": .int(a.int("axis", default: -1))]) }
        add(["EyeLike"], produces: ["EyeLike"]) { a, _ in
            guard a.has("dtype") else { return ("EyeLike", [:]) }
            let code = a.int("dtype", default: 1)
            guard let type = ONNXTensors.dataType(code) else {
                throw RuleError("an identity of type \(ONNXTensors.typeName(code)) is not supported")
            }
            return ("EyeLike", ["dataType": .string(type.rawValue)])
        }
        add(["CastLike"], "CastLike")
        add(["ReverseSequence"], "ReverseSequence")
        add(["CenterCropPad"], produces: ["CenterCropPad"]) { a, _ in
            var out: Attributes = [:]
            if let axes = a.ints("axes") { out["axes"] = .ints(axes) }
            return ("CenterCropPad", out)
        }
        add(["MaxUnpool"], produces: ["MaxUnpool"]) { a, _ in
            var out: Attributes = [:]
            a.copy(
                [("kernel_shape", "kernel", .ints), ("strides", "stride", .ints), ("pads", "pads", .ints)], into: &out)
            return ("MaxUnpool", out)
        }
        add(["Col2Im"], produces: ["Col2Im"]) { a, _ in
            var out: Attributes = [:]
            a.copy(
                [("strides", "stride", .ints), ("dilations", "dilation", .ints), ("pads", "pads", .ints)], into: &out)
            return ("Col2Im", out)
        }
        add(["Hardmax"], produces: ["Hardmax"]) { a, _ in
            a.opset < 13
                ? ("Hardmax", ["axis": .int(a.int("axis", default: 1)), "throughLast": .bool(true)])
                : ("Hardmax", ["axis": .int(a.int("axis", default: -1))])
        }
        add(["CumProd"], "CumProd")
        add(["NonZero"], "NonZero")
        add(["RNN", "GRU", "LSTM"], produces: ["RNN", "GRU", "LSTM"]) { a, outputs in
            if a.has("activations") || a.has("clip") || a.int("input_forget", default: 0) != 0 {
                throw RuleError("custom activations, clipping or coupled input-forget gates are not supported")
            }
            return (
                a.name,
                [
                    "hidden": .int(a.int("hidden_size", default: 0)),
                    "direction": .string(a.string("direction", default: "forward")),
                    "layout": .int(a.int("layout", default: 0)), "outputs": .int(max(outputs, 1)),
                ]
            )
        }
        add(["RandomNormal", "RandomUniform"], produces: ["Random"]) { a, _ in
            var out = try randomType(a, 1)
            out["shape"] = .ints(a.ints("shape") ?? [])
            return ("Random", out)
        }
        add(["RandomNormalLike", "RandomUniformLike", "Bernoulli"], produces: ["RandomLike"]) { a, _ in
            ("RandomLike", try randomType(a, nil))
        }
        add(["Multinomial"], produces: ["Multinomial"]) { a, _ in
            var out = try randomType(a, 6)
            out["sampleSize"] = .int(a.int("sample_size", default: 1))
            return ("Multinomial", out)
        }
        add(["RoiAlign"], produces: ["RoiAlign"]) { a, _ in
            (
                "RoiAlign",
                [
                    "outputHeight": .int(a.int("output_height", default: 1)),
                    "outputWidth": .int(a.int("output_width", default: 1)),
                    "samplingRatio": .int(a.int("sampling_ratio", default: 0)),
                    "mode": .string(a.string("mode", default: "avg")),
                ]
            )
        }
        add(["MaxRoiPool"], produces: ["MaxRoiPool"]) { a, _ in
            ("MaxRoiPool", ["pooled": .ints(a.ints("pooled_shape") ?? [])])
        }
        add(["GridSample"], produces: ["GridSample"]) { a, _ in
            ("GridSample", ["mode": .string(a.string("mode", default: a.opset >= 20 ? "linear" : "bilinear"))])
        }
        add(["AffineGrid"], "AffineGrid")
        add(["TopK"], produces: ["TopK"]) { a, _ in
            var out: Attributes = ["axis": .int(a.int("axis", default: -1))]
            if a.has("k") { out["k"] = .int(a.int("k", default: 0)) }
            return ("TopK", out)
        }
        add(["NonMaxSuppression"], "NonMaxSuppression")
        add(["Compress"], produces: ["Compress"]) { a, _ in
            a.has("axis") ? ("Compress", ["axis": .int(a.int("axis", default: 0))]) : ("Compress", [:])
        }
        add(["Unique"], produces: ["Unique"]) { a, _ in
            a.has("axis") ? ("Unique", ["axis": .int(a.int("axis", default: 0))]) : ("Unique", [:])
        }
        add(["LRN"], produces: ["LRN"]) { a, _ in ("LRN", ["size": .int(a.int("size", default: 0))]) }
        add(["LpNormalization"], produces: ["LpNorm"]) { a, _ in
            ("LpNorm", ["axis": .int(a.int("axis", default: -1)), "p": .int(a.int("p", default: 2))])
        }
        add(["MeanVarianceNormalization"], produces: ["MeanVarianceNorm"]) { a, _ in
            ("MeanVarianceNorm", ["axes": .ints(a.ints("axes") ?? [0, 2, 3])])
        }
        add(["RMSNormalization"], produces: ["RMSNorm"]) { a, _ in
            ("RMSNorm", ["axis": .int(a.int("axis", default: -1))])
        }
        add(["Swish"], "Swish")
        add(["BitwiseNot"], "BitwiseNot")
        for (onnx, logic) in [("BitwiseAnd", "bitand"), ("BitwiseOr", "bitor"), ("BitwiseXor", "bitxor")] {
            add([onnx], "Logical", ["comparison": .string(logic)])
        }
        add(["BitShift"], produces: ["BitShift"]) { a, _ in
            ("BitShift", ["direction": .string(a.string("direction", default: "LEFT").lowercased())])
        }
        add(["ArgMax", "ArgMin"], produces: ["ArgExtreme"]) { a, _ in
            (
                "ArgExtreme",
                ["axis": .int(a.int("axis", default: 0)), "keepDims": .bool(a.int("keepdims", default: 1) != 0)]
            )
        }
        add(["Pad"], produces: ["Pad"]) { a, _ in
            var out: Attributes = [
                "mode": .string(a.string("mode", default: "constant")), "padsLayout": .string("beginsThenEnds"),
            ]
            if let pads = a.ints("pads") ?? a.ints("paddings") { out["pads"] = .ints(pads) }
            return ("Pad", out)
        }
        add(["Softmax"], produces: ["Softmax"]) { a, _ in
            // Before opset 13 softmax covers every axis from `axis` (default 1) on.
            a.opset < 13
                ? ("Softmax", ["axis": .int(a.int("axis", default: 1)), "throughLast": .bool(true)])
                : ("Softmax", ["axis": .int(a.int("axis", default: -1))])
        }
        add(["LogSoftmax"], produces: ["LogSoftmax"]) { a, _ in
            a.opset < 13
                ? ("LogSoftmax", ["axis": .int(a.int("axis", default: 1)), "throughLast": .bool(true)])
                : ("LogSoftmax", ["axis": .int(a.int("axis", default: -1))])
        }
        add(["Trilu"], "Trilu")
        add(["CumSum"], "CumSum")
        add(["ScatterND", "ScatterElements", "Scatter"], produces: ["Scatter"]) { a, _ in
            ("Scatter", ["reduction": .string(a.string("reduction", default: "none"))])
        }
        // Quantized graphs (onnxruntime.quantization: QDQ, QOperator, dynamic).
        add(["QuantizeLinear", "com.microsoft:QuantizeLinear"], produces: ["Quantize"]) { a, _ in
            var out: Attributes = ["axis": .int(a.int("axis", default: 1))]
            if a.has("output_dtype"), let type = ONNXTensors.dataType(a.int("output_dtype", default: 0)) {
                out["outputType"] = .string(type.rawValue)
            }
            if a.has("block_size") { out["blockSize"] = .int(a.int("block_size", default: 0)) }
            return ("Quantize", out)
        }
        add(["DequantizeLinear", "com.microsoft:DequantizeLinear"], produces: ["Dequantize"]) { a, _ in
            ("Dequantize", ["axis": .int(a.int("axis", default: 1))])
        }
        add(["DynamicQuantizeLinear"], "DynamicQuantize")
        add(["QLinearConv"], produces: ["QLinearConv"]) { a, _ in
            var out: Attributes = ["groups": .int(a.int("group", default: 1))]
            a.copy(spatial, into: &out)
            return ("QLinearConv", out)
        }
        add(["ConvInteger"], produces: ["ConvInteger"]) { a, _ in
            var out: Attributes = ["groups": .int(a.int("group", default: 1))]
            a.copy(spatial, into: &out)
            return ("ConvInteger", out)
        }
        add(["QLinearMatMul"], "QLinearMatMul")
        add(["MatMulInteger"], "MatMulInteger")
        add(["com.microsoft:QLinearAdd"], "QLinearAdd")
        add(["com.microsoft:QLinearMul"], "QLinearMul")
        add(["com.microsoft:QLinearGlobalAveragePool"], produces: ["QLinearGlobalAveragePool"]) { a, _ in
            a.int("channels_last", default: 0) != 0
                ? ("QLinearGlobalAveragePool(channels_last)", [:]) : ("QLinearGlobalAveragePool", [:])
        }
        add(["com.microsoft:QLinearAveragePool"], produces: ["QLinearAveragePool"]) { a, _ in
            guard a.int("channels_last", default: 0) == 0 else { return ("QLinearAveragePool(channels_last)", [:]) }
            var out: Attributes = ["countIncludePad": .bool(a.int("count_include_pad", default: 0) != 0)]
            if a.int("ceil_mode", default: 0) != 0 {
                out["convention"] = .string("full")
                out["clipLastWindow"] = .bool(true)
            }
            a.copy(spatial, into: &out)
            return ("QLinearAveragePool", out)
        }
        add(["com.microsoft:QGemm"], produces: ["QGemm"]) { a, _ in
            var out: Attributes = [:]
            a.copy(
                [("transA", "transposeA", .bool), ("transB", "transposeB", .bool), ("alpha", "alpha", .float)],
                into: &out)
            return ("QGemm", out)
        }

        add(["Attention"], produces: ["Attention"]) { a, outputs in
            var out: Attributes = ["outputs": .int(outputs)]
            if a.has("q_num_heads") { out["qHeads"] = .int(a.int("q_num_heads", default: 0)) }
            if a.has("kv_num_heads") { out["kvHeads"] = .int(a.int("kv_num_heads", default: 0)) }
            return ("Attention", out)
        }
        addContrib(addRule)
        return (t, p)
    }()

    /// The `dtype` of a random-number op (its default `fallback`, or none: the input's type).
    static func randomType(_ a: ONNXAttributes, _ fallback: Int?) throws -> Attributes {
        guard a.has("dtype") || fallback != nil else { return [:] }
        let code = a.int("dtype", default: fallback ?? 1)
        guard let type = ONNXTensors.dataType(code) else {
            throw RuleError("random numbers of type \(ONNXTensors.typeName(code)) are not supported")
        }
        return ["dataType": .string(type.rawValue)]
    }

    /// onnxruntime's fused ops (`com.microsoft`), as its transformer optimizer writes them.
    static func addContrib(_ add: (_ names: [String], _ produces: [String], _ rule: @escaping Translate) -> Void) {
        let ms = "com.microsoft:"
        add([ms + "SkipLayerNormalization"], ["SkipLayerNorm"]) { _, outputs in
            ("SkipLayerNorm", ["outputs": .int(outputs)])
        }
        add([ms + "SkipSimplifiedLayerNormalization"], ["SkipRMSNorm"]) { _, outputs in
            ("SkipRMSNorm", ["outputs": .int(outputs)])
        }
        add(["SimplifiedLayerNormalization", ms + "SimplifiedLayerNormalization"], ["RMSNorm"]) { a, _ in
            ("RMSNorm", ["axis": .int(a.int("axis", default: -1))])
        }
        add([ms + "EmbedLayerNormalization"], ["EmbedLayerNorm"]) { _, outputs in
            ("EmbedLayerNorm", ["outputs": .int(outputs)])
        }
        add([ms + "Attention"], ["ProjectedAttention"]) { a, outputs in
            if a.int("past_present_share_buffer", default: 0) != 0 || a.int("do_rotary", default: 0) != 0 {
                throw RuleError(
                    "a past/present buffer shared in place, or rotary embedding inside Attention, is not supported")
            }
            var out: Attributes = ["numHeads": .int(a.int("num_heads", default: 0)), "outputs": .int(outputs)]
            if let sizes = a.ints("qkv_hidden_sizes") { out["qkvHiddenSizes"] = .ints(sizes) }
            return ("ProjectedAttention", out)
        }
        add([ms + "MultiHeadAttention"], ["MultiHeadAttention"]) { a, outputs in
            ("MultiHeadAttention", ["numHeads": .int(a.int("num_heads", default: 0)), "outputs": .int(outputs)])
        }
        add([ms + "GroupQueryAttention"], ["GroupQueryAttention"]) { a, outputs in
            // A sliding window or a soft cap changes the arithmetic; counting the full form would be wrong.
            if a.int("local_window_size", default: -1) != -1 || a.float("softcap", default: 0) != 0 {
                throw RuleError("a local attention window or a soft cap is not supported")
            }
            return (
                "GroupQueryAttention",
                [
                    "numHeads": .int(a.int("num_heads", default: 0)),
                    "kvHeads": .int(a.int("kv_num_heads", default: 0)),
                    "doRotary": .bool(a.int("do_rotary", default: 0) != 0), "outputs": .int(outputs),
                ]
            )
        }
        add([ms + "BiasGelu"], ["BiasGelu"]) { _, _ in ("BiasGelu", [:]) }
        add([ms + "FastGelu"], ["FastGelu"]) { _, _ in ("FastGelu", [:]) }
        add([ms + "Gelu"], ["Gelu"]) { _, _ in ("Gelu", [:]) }
        add([ms + "QuickGelu"], ["Swish"]) { _, _ in ("Swish", [:]) }
        add([ms + "BiasAdd"], ["BiasAdd"]) { _, _ in ("BiasAdd", [:]) }
        add([ms + "BiasSplitGelu"], ["BiasSplitGelu"]) { _, _ in ("BiasSplitGelu", [:]) }
        add([ms + "FusedMatMul"], ["FusedMatMul"]) { a, _ in
            if a.int("transBatchA", default: 0) != 0 || a.int("transBatchB", default: 0) != 0 {
                throw RuleError("transposed batch axes (transBatchA/B) are not supported")
            }
            return (
                "FusedMatMul",
                [
                    "transposeA": .bool(a.int("transA", default: 0) != 0),
                    "transposeB": .bool(a.int("transB", default: 0) != 0),
                    "alpha": .float(a.float("alpha", default: 1)),
                ]
            )
        }
        // NCHWc's Conv takes FusedConv's inputs (X, W, B, Sum) and activation.
        add([ms + "FusedConv", "com.microsoft.nchwc:Conv"], ["FusedConv"]) { a, _ in
            var out: Attributes = [
                "groups": .int(a.int("group", default: 1)), "activation": .string(a.string("activation", default: "")),
            ]
            a.copy(
                [
                    ("kernel_shape", "kernel", .ints), ("strides", "stride", .ints), ("dilations", "dilation", .ints),
                    ("pads", "pads", .ints), ("auto_pad", "autoPad", .string),
                ], into: &out)
            return ("FusedConv", out)
        }
        add([ms + "MatMulNBits"], ["MatMulNBits"]) { a, _ in
            if a.int("accuracy_level", default: 0) < 0 { throw RuleError("a negative accuracy level") }
            return (
                "MatMulNBits",
                [
                    "k": .int(a.int("K", default: 0)), "n": .int(a.int("N", default: 0)),
                    "bits": .int(a.int("bits", default: 4)), "blockSize": .int(a.int("block_size", default: 0)),
                ]
            )
        }
        add(["RotaryEmbedding", ms + "RotaryEmbedding"], ["RotaryEmbedding"]) { a, _ in
            (
                "RotaryEmbedding",
                [
                    "rotaryDim": .int(a.int("rotary_embedding_dim", default: 0)),
                    "numHeads": .int(a.int("num_heads", default: 0)),
                    // ONNX orders the inputs X, cos, sin, positions; onnxruntime X, positions, cos, sin.
                    "cosInput": .int(a.domain == "com.microsoft" ? 2 : 1),
                ]
            )
        }
    }

    /// A `Constant` node's tensor as canonical attributes.
    static func constant(_ a: ONNXAttributes) throws -> (String, Attributes) {
        if let t = a.tensor("value") {
            let code = Int(t.dataType)
            guard let type = ONNXTensors.dataType(code) else {
                throw RuleError("constant of type \(ONNXTensors.typeName(code)) is not supported")
            }
            var out: Attributes = ["shape": .ints(t.dims.map { Int($0) }), "dataType": .string(type.rawValue)]
            let (ints, reals) = ONNXTensors.values(t, type: type)
            if let ints { out["values"] = .ints(ints) }
            if let reals { out["realValues"] = .floats(reals) }
            return ("Constant", out)
        }
        if a.has("value_float") {
            return (
                "Constant",
                [
                    "shape": .ints([]), "dataType": .string("float32"),
                    "realValues": .floats([a.float("value_float", default: 0)]),
                ]
            )
        }
        if let v = a.floats("value_floats") {
            return ("Constant", ["shape": .ints([v.count]), "dataType": .string("float32"), "realValues": .floats(v)])
        }
        if a.has("value_int") {
            return (
                "Constant",
                ["shape": .ints([]), "dataType": .string("int64"), "values": .ints([a.int("value_int", default: 0)])]
            )
        }
        if let v = a.ints("value_ints") {
            return ("Constant", ["shape": .ints([v.count]), "dataType": .string("int64"), "values": .ints(v)])
        }
        return ("Constant(sparse or string value)", [:])
    }
}

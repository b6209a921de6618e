import Testing

@testable import OpCount

/// The words every layer shares: measures, conventions and input keys.
struct VocabularyTests {
    @Test("an input key reads back what it wrote, names with ':' included")
    func inputKeyRoundTrip() throws {
        let key = InputKey([
            InputKey.Input(name: "data", shape: [1, 3, 224, 224]), InputKey.Input(name: "a:b", shape: [1, 197]),
        ])
        #expect(key.description == "data:1x3x224x224,a:b:1x197")
        #expect(key.shapes == "1x3x224x224,1x197")
        #expect(try InputKey(parsing: key.description) == key)
        #expect(try InputKey(parsing: "1x3x8x8").inputs == [InputKey.Input(name: nil, shape: [1, 3, 8, 8])])
        // An empty axis (a KV cache of past length 0, sized with --dim) is stored, so it reads back.
        #expect(try InputKey(parsing: "past:1x0x8").inputs == [InputKey.Input(name: "past", shape: [1, 0, 8])])
        #expect(throws: RuleError.self) { try InputKey(parsing: "data:1x-1x8") }
        #expect(throws: RuleError.self) { try InputKey(parsing: "data:1xx8") }
        let scalar = InputKey([InputKey.Input(name: "t", shape: []), InputKey.Input(name: "x", shape: [2])])
        #expect(try InputKey(parsing: scalar.description) == scalar, "a scalar input reads back")
        // Forms people type that the stored form never uses still read, through the general syntax.
        #expect(try InputKey(parsing: "data: 1x3x8x8").inputs == [InputKey.Input(name: "data", shape: [1, 3, 8, 8])])
    }

    @Test("a query key matches stored keys by shape, and by name where it gives one")
    func inputKeyMatching() throws {
        let stored = try InputKey(parsing: "data:1x3x224x224")
        #expect(stored.matches(try InputKey(parsing: "1x3x224x224")))
        #expect(stored.matches(try InputKey(parsing: "data:1x3x224x224")))
        #expect(!stored.matches(try InputKey(parsing: "x:1x3x224x224")))
        #expect(!stored.matches(try InputKey(parsing: "1x3x320x320")))
        // A bare shape does not match one input of a two-input profile.
        #expect(!(try InputKey(parsing: "a:1x2,data:1x3x224x224")).matches(try InputKey(parsing: "1x3x224x224")))
    }

    @Test("each convention's measures read from the counts it defines")
    func conventions() {
        var counts = Counts()
        counts.macs = 7
        counts.muls = 8
        var mxop = MxopCounts()
        mxop.muls = 9
        #expect(Convention.standard.value(.macs, counts, mxop) == 7)
        #expect(Convention.mxop.value(.macs, counts, mxop) == nil, "mxop defines no MACs")
        #expect(Convention.mxop.value(.muls, counts, mxop) == 9)
        #expect(counts[.flops] == 8, "FLOPs are the sum of the primitives")
        #expect(
            Set(Measure.readingOrder) == Set(Measure.allCases) && Measure.readingOrder.count == Measure.allCases.count)
        #expect(Measure.allCases.map(\.key) == counts.fields.map(\.name))
    }
}

/// Names from files reach terminals and tables through `oneLine`.
struct OneLineTests {
    @Test("control and bidi-formatting characters are written as escapes")
    func escapes() {
        #expect("a\nb\u{1B}[2J".oneLine == "a\\nb\\u{1B}[2J")
        #expect("evil\u{202E}gnp.exe".oneLine == "evil\\u{202E}gnp.exe")
        #expect("conv\u{2066}1".oneLine == "conv\\u{2066}1")
        #expect("plain_name-1.0".oneLine == "plain_name-1.0")
    }
}

extension String {
    /// The text with every control or bidi-formatting character (newline, escape, RLO …) written as a
    /// Swift-style escape, so that a message quoting names or attributes from a file stays on one
    /// line and cannot move the terminal's cursor.
    /// Unicode's bidirectional formatting characters, which can make a name read as another.
    static let bidiControls: Set<UInt32> = [
        0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    ]

    public var oneLine: String {
        // Most names are printable ASCII: nothing to escape (the renderer calls this per cell).
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _
            where scalar.properties.generalCategory == .control
                || scalar == "\u{2028}" || scalar == "\u{2029}" || String.bidiControls.contains(scalar.value):
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension String {
    /// The first character that has no place in a name people read (a control character, a
    /// line or paragraph separator, a bidi-formatting character), if any.
    public var unprintableScalar: Unicode.Scalar? {
        // Printable ASCII, nearly every name, needs no look-up of Unicode properties.
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        return unicodeScalars.first { scalar in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
                || String.bidiControls.contains(scalar.value)
        }
    }

    /// Why a name from a manifest, an option or a CSV file cannot be used, if it holds such a
    /// character: opcat stores names exactly and prints them escaped, but a model, family or
    /// checkpoint name must read as itself (a NUL would make two names look like one).
    public func unprintableReason(_ what: String) -> String? {
        guard let bad = unprintableScalar else { return nil }
        return "\(what) \"\(oneLine)\" contains U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4)), "
            + "a control or bidi-formatting character; names must be printable"
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

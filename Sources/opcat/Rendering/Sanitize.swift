import OpCount

/// Names from files and catalogs are hostile: each output target gets them through one of
/// these, so a name is always one cell, one row, one element, and never markup, a formula or a
/// terminal command. Text uses `String.oneLine` (control and bidi characters written as
/// `\u{1B}`); JSON is exact (its writer escapes per RFC 8259).
extension String {
    /// For a Markdown table cell or list item: one line, with CommonMark's backslash escapes
    /// for every character that could start markup (`\ ` * [ ] < > | & ~`, and `_` unless it sits
    /// between letters or digits, where it cannot emphasise), so a name is literal text: no
    /// HTML, no link, no column break.
    var markdownEscaped: String {
        let line = oneLine
        let special: Set<Character> = ["\\", "`", "*", "[", "]", "<", ">", "|", "&", "~", "!", "#"]
        guard line.contains(where: { special.contains($0) || $0 == "_" }) else { return line }
        let characters = Array(line)
        var out = ""
        for (i, c) in characters.enumerated() {
            if special.contains(c) {
                out.append("\\")
            } else if c == "_" {
                let before = i > 0 && (characters[i - 1].isLetter || characters[i - 1].isNumber)
                let after = i + 1 < characters.count && (characters[i + 1].isLetter || characters[i + 1].isNumber)
                if !(before && after) { out.append("\\") }
            }
            out.append(c)
        }
        return out
    }

    /// For XML text and attribute values (SVG, HTML): one line (control characters, which XML
    /// 1.0 forbids, written visibly as `\u{1B}`), with `& < > " '` as entities.
    var xmlEscaped: String {
        var out = ""
        for scalar in oneLine.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Noncharacters XML 1.0 does not allow.
            case "\u{FFFE}", "\u{FFFF}": out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// For a CSV cell of text: a value a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends
    /// and spreadsheets expect; strip one leading `'` from such a cell to recover the name.
    var csvNeutralised: String {
        guard let first = unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return self }
        return "'" + self
    }
}

/// Parses Einstein-summation equations against operand shapes.
enum Einsum {
    /// The size of every index letter, and the output's letters in order. `...` stands for the
    /// broadcast batch dimensions (named here by private-use characters); without `->` the output is the letters
    /// that occur once, in alphabetical order, after the ellipsis dimensions.
    static func parse(_ equation: String, _ shapes: [[Int]]) throws -> (sizes: [Character: Int], output: [Character]) {
        let text = equation.filter { !$0.isWhitespace }
        let sides = text.components(separatedBy: "->")
        guard sides.count <= 2 else { throw RuleError("equation '\(equation)' has more than one '->'") }
        let terms = sides[0].components(separatedBy: ",")
        guard terms.count == shapes.count else {
            throw RuleError("equation '\(equation)' names \(terms.count) operands, the node has \(shapes.count)")
        }
        var sizes: [Character: Int] = [:]
        var ellipsis: [Int] = []
        var counts: [Character: Int] = [:]
        for (term, shape) in zip(terms, shapes) {
            let parts = try split(term, in: equation)
            let named = parts.joined().count
            let batchRank = parts.count == 2 ? shape.count - named : 0
            guard batchRank >= 0, parts.count == 2 || named == shape.count else {
                throw RuleError("'\(term)' has \(named) indices for an operand of rank \(shape.count)")
            }
            var letters = Array(parts[0])
            if parts.count == 2 { letters += (0..<batchRank).map(batchIndex) + Array(parts[1]) }
            if batchRank > 0 {
                // Ellipsis dimensions broadcast like NumPy, aligned from the right.
                let dims = Array(shape[parts[0].count..<(parts[0].count + batchRank)])
                ellipsis = try ShapeMath.broadcast(ellipsis, dims)
            }
            for (letter, size) in zip(letters, shape) where !isBatchIndex(letter) {
                if let known = sizes[letter], known != size, known != 1, size != 1 {
                    throw RuleError("index '\(letter)' is \(known) in one operand and \(size) in another")
                }
                sizes[letter] = max(sizes[letter] ?? 1, size)
                counts[letter, default: 0] += 1
            }
        }
        let batchLetters = ellipsis.indices.map(batchIndex)
        for (letter, size) in zip(batchLetters, ellipsis) { sizes[letter] = size }
        var output: [Character]
        if sides.count == 2 {
            let parts = try split(sides[1], in: equation)
            output = Array(parts[0]) + (parts.count == 2 ? batchLetters + Array(parts[1]) : [])
            for letter in output where sizes[letter] == nil {
                throw RuleError("output index '\(letter)' does not occur in the inputs")
            }
            guard Set(output).count == output.count else {
                throw RuleError("output of '\(equation)' names an index twice")
            }
        } else {
            output = batchLetters + counts.filter { $0.value == 1 }.map(\.key).sorted()
        }
        return (sizes, output)
    }

    /// A term's letters before and after its ellipsis (one part when it has none).
    private static func split(_ term: String, in equation: String) throws -> [String] {
        let parts = term.components(separatedBy: "...")
        guard parts.count <= 2, parts.joined().allSatisfy({ $0.isLetter && !isBatchIndex($0) }) else {
            throw RuleError("'\(term)' in '\(equation)' is not a list of letters with at most one '...'")
        }
        return parts
    }

    /// The ellipsis dimensions are named by private-use characters, which no equation can contain.
    private static func batchIndex(_ axis: Int) -> Character { Character(Unicode.Scalar(0xE000 + UInt32(axis))!) }
    private static func isBatchIndex(_ letter: Character) -> Bool {
        letter.unicodeScalars.allSatisfy { (0xE000..<0xF900).contains($0.value) }
    }
}

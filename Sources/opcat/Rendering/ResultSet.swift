/// A result as commands build it: columns that say what they hold, and rows of typed cells.
/// Commands never format numbers or lay out tables; ``Document`` renders results in every
/// ``OutputFormat``.
struct ResultSet {
    /// What a column holds, which decides how each format writes it.
    enum Kind {
        /// A count: exact in CSV and JSON; in text and Markdown grouped (`1,814,073,344`) when
        /// `exponent` is 0, else divided by 10^exponent with two decimals.
        case count(exponent: Int)
        /// A plain whole number in every format (a rank, a layer index).
        case integer
        /// An accuracy stored as a fraction: a percentage with two decimals for people (`75.27%`),
        /// as timm and torchvision print it; the fraction as stored otherwise.
        case accuracy
        /// A fraction with four decimals for people (the seed table's accuracy), as stored otherwise.
        case fraction
        /// A part of a total: a percentage for people, a ratio with six decimals in CSV, a
        /// fraction in JSON.
        case share
        /// A part of a total drawn as a bar of blocks (for people only).
        case bar
        /// A measured rate (samples per second): grouped with at most two decimals for people
        /// (`2,345.67`), as stored otherwise.
        case rate
        case text
        /// Yes or no: the given words in text, Markdown and CSV, a boolean in JSON.
        case flag(yes: String, no: String)

        /// Numbers are right-aligned.
        var alignsRight: Bool {
            switch self {
            case .count, .integer, .accuracy, .fraction, .share, .rate: true
            case .bar, .text, .flag: false
            }
        }
    }

    struct Column {
        /// The CSV header and JSON key: snake_case, a contract.
        var key: String
        /// The header people read in text and Markdown.
        var title: String
        var kind: Kind
        /// The formats that show the column.
        var formats: Set<OutputFormat> = OutputFormat.all
        /// JSON leaves the key out of a row whose cell is empty, instead of writing null.
        var omitsEmptyInJSON = false

        init(
            _ key: String, _ title: String? = nil, _ kind: Kind, in formats: Set<OutputFormat> = OutputFormat.all,
            omitsEmptyInJSON: Bool = false
        ) {
            self.key = key
            self.title = title ?? key
            self.kind = kind
            self.formats = formats
            self.omitsEmptyInJSON = omitsEmptyInJSON
        }
    }

    enum Cell {
        case int(Int)
        case real(Double)
        case share(Share)
        case text(String)
        /// Text with a note people see in parentheses (`resnet (partial)`); CSV and JSON carry
        /// the text alone.
        case label(String, note: String?)
        case flag(Bool)
        case empty

        /// `.int` for a value, `.empty` for nil.
        static func count(_ value: Int?) -> Cell { value.map(Cell.int) ?? .empty }
        static func accuracy(_ value: Double?) -> Cell { value.map(Cell.real) ?? .empty }
        static func text(_ value: String?) -> Cell { value.map(Cell.text) ?? .empty }
    }

    var columns: [Column]
    var rows: [[Cell]] = []
    /// Lines printed after a row in text output, by row index (the end of a backbone, say).
    var dividers: [Int: String] = [:]

    init(_ columns: [Column]) { self.columns = columns }

    mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// The columns a format shows, with their positions in each row.
    func visible(in format: OutputFormat) -> [(index: Int, column: Column)] {
        columns.enumerated().filter { $0.element.formats.contains(format) }.map { ($0.offset, $0.element) }
    }
}

/// How a CSV file is written: its field separator and its encoding.
public struct CSVFormat: Sendable, Equatable {
    /// The field separator.
    public enum Delimiter: String, Sendable, CaseIterable {
        /// Whichever of `,` `;` `|` or tab the header line uses most (outside quotes).
        case automatic = "auto"
        case comma = ","
        case semicolon = ";"
        case pipe = "|"
        case tab = "\t"

        var byte: UInt8? {
            switch self {
            case .automatic: nil
            case .comma: UInt8(ascii: ",")
            case .semicolon: UInt8(ascii: ";")
            case .pipe: UInt8(ascii: "|")
            case .tab: UInt8(ascii: "\t")
            }
        }

        static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "\t")]
    }

    public var delimiter: Delimiter
    public var encoding: TextEncoding

    public init(delimiter: Delimiter = .automatic, encoding: TextEncoding = .automatic) {
        self.delimiter = delimiter
        self.encoding = encoding
    }
}

/// A CSV file read: its header and its records, each with the physical line it starts on.
public struct CSVTable: Sendable, Equatable {
    /// The header's fields, as written (not trimmed).
    public var header: [String]
    /// The line the header is on.
    public var headerLine: Int
    /// The records after the header; blank lines are left out.
    public var records: [CSVRecord]
    /// The separator used.
    public var delimiter: UInt8

    public init(header: [String], headerLine: Int = 1, records: [CSVRecord], delimiter: UInt8 = UInt8(ascii: ",")) {
        self.header = header
        self.headerLine = headerLine
        self.records = records
        self.delimiter = delimiter
    }
}

/// One record: its fields and the physical line it starts on.
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

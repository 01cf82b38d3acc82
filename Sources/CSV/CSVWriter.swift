/// Writes CSV that `CSVReader`, spreadsheet programs and LMS bulk importers read back exactly:
/// a field is quoted when it holds the separator, a quote, a line break or leading or trailing
/// spaces, with quotes doubled; records end with CRLF (RFC 4180).
public enum CSVWriter {
    /// The CSV of `rows` (the header first, when there is one), in UTF-8 without a byte order mark.
    public static func write(_ rows: [[String]], delimiter: CSVFormat.Delimiter = .comma) -> [UInt8] {
        let separator = delimiter.byte ?? UInt8(ascii: ",")
        var output: [UInt8] = []
        output.reserveCapacity(rows.count * 64)
        for row in rows {
            for (index, field) in row.enumerated() {
                if index > 0 { output.append(separator) }
                append(field, separator: separator, forceQuotes: row.count == 1 && field.isEmpty, to: &output)
            }
            output.append(UInt8(ascii: "\r"))
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    static func append(_ field: String, separator: UInt8, forceQuotes: Bool, to output: inout [UInt8]) {
        let utf8 = field.utf8
        let needsQuotes = forceQuotes || utf8.first == 0x20 || utf8.last == 0x20
            || utf8.contains { $0 == separator || $0 == CSVReader.quote || $0 == CSVReader.lf || $0 == CSVReader.cr }
        guard needsQuotes else {
            output.append(contentsOf: utf8)
            return
        }
        output.append(CSVReader.quote)
        for byte in utf8 {
            if byte == CSVReader.quote { output.append(CSVReader.quote) }
            output.append(byte)
        }
        output.append(CSVReader.quote)
    }
}

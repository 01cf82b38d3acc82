/// Reads CSV as HR systems write it (RFC 4180 and its common variations): quoted fields with
/// embedded separators, quotes and line breaks; CRLF, LF or CR line ends; a UTF-8 or UTF-16 byte
/// order mark; `,` `;` `|` or tab separators; blank lines anywhere.
///
/// Structural damage (an unclosed quote, a stray quote, undecodable bytes) is an error naming the
/// line and column; a record with the wrong number of fields is left for the caller to judge.
public enum CSVReader {
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Reads `bytes` in `format`.
    public static func read(_ bytes: [UInt8], format: CSVFormat = CSVFormat()) throws(CSVError) -> CSVTable {
        let text = try format.encoding.decode(bytes)
        return try text.withUnsafeBufferPointer { (buffer) throws(CSVError) -> CSVTable in
            var parser = Parser(bytes: buffer, delimiter: format.delimiter.byte ?? detectDelimiter(buffer))
            guard let header = try parser.nextRecord() else {
                throw CSVError(.empty, line: 1, column: 1, "the file holds no header line; send a file with a header and its rows")
            }
            var records: [CSVRecord] = []
            records.reserveCapacity(buffer.count / 100)
            while let record = try parser.nextRecord() { records.append(record) }
            return CSVTable(header: header.fields, headerLine: header.line, records: records, delimiter: parser.delimiter)
        }
    }

    /// The candidate separator used most on the first non-blank line, outside quotes; a comma
    /// when none is.
    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts = [Int](repeating: 0, count: CSVFormat.Delimiter.candidates.count)
        var inQuotes = false
        var seenText = false
        for byte in bytes {
            if byte == quote { inQuotes.toggle() }
            if !inQuotes {
                if byte == lf || byte == cr {
                    if seenText { break }
                    continue
                }
                if let index = CSVFormat.Delimiter.candidates.firstIndex(of: byte) { counts[index] += 1 }
            }
            seenText = true
        }
        let best = counts.indices.max { counts[$0] < counts[$1] }!
        return counts[best] > 0 ? CSVFormat.Delimiter.candidates[best] : UInt8(ascii: ",")
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let delimiter: UInt8
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) {
            self.bytes = bytes
            self.delimiter = delimiter
        }

        /// The column of `position` on the current line, in characters.
        func column(_ position: Int) -> Int {
            var column = 1
            var cursor = lineStart
            while cursor < position && cursor < bytes.count {
                if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
                cursor += 1
            }
            return column
        }

        mutating func endLine(at position: Int) -> Int {
            // position is at CR or LF; consume CRLF as one line end.
            var next = position + 1
            if bytes[position] == cr, next < bytes.count, bytes[next] == lf { next += 1 }
            line += 1
            lineStart = next
            return next
        }

        /// Skips blank lines; false at the end of the input.
        mutating func skipBlankLines() -> Bool {
            while index < bytes.count, bytes[index] == lf || bytes[index] == cr {
                index = endLine(at: index)
            }
            return index < bytes.count
        }

        /// The next record, skipping blank lines; nil at the end.
        mutating func nextRecord() throws(CSVError) -> CSVRecord? {
            guard skipBlankLines() else { return nil }
            let startLine = line
            var fields: [String] = []
            while true {
                let (slice, ended) = try nextField()
                fields.append(string(slice))
                if ended { return CSVRecord(line: startLine, fields: fields) }
            }
        }

        /// The text of a field.
        func string(_ slice: FieldSlice) -> String {
            let raw = UnsafeBufferPointer(rebasing: bytes[slice.start..<slice.end])
            guard slice.escaped else { return String(decoding: raw, as: UTF8.self) }
            var value: [UInt8] = []
            value.reserveCapacity(raw.count)
            var skipNext = false
            for byte in raw {
                if skipNext {
                    skipNext = false
                    continue
                }
                value.append(byte)
                if byte == quote { skipNext = true }
            }
            return String(decoding: value, as: UTF8.self)
        }

        /// The next field's place, and whether it ended its record.
        mutating func nextField() throws(CSVError) -> (FieldSlice, Bool) {
            let count = bytes.count
            if index < count, bytes[index] == quote {
                let openLine = line
                let openColumn = column(index)
                var cursor = index + 1
                let contentStart = cursor
                var escaped = false
                while true {
                    guard cursor < count else {
                        throw CSVError(
                            .unterminatedQuote, line: openLine, column: openColumn,
                            "a quoted field opened here is never closed; the file may be cut short, or a quote inside the field is not doubled")
                    }
                    let byte = bytes[cursor]
                    if byte == quote {
                        if cursor + 1 < count, bytes[cursor + 1] == quote {
                            escaped = true
                            cursor += 2
                            continue
                        }
                        break
                    }
                    if byte == lf || (byte == cr && !(cursor + 1 < count && bytes[cursor + 1] == lf)) {
                        line += 1
                        lineStart = cursor + 1
                    }
                    cursor += 1
                }
                let slice = FieldSlice(start: contentStart, end: cursor, escaped: escaped)
                cursor += 1
                if cursor >= count {
                    index = cursor
                    return (slice, true)
                }
                let next = bytes[cursor]
                if next == delimiter {
                    index = cursor + 1
                    return (slice, false)
                }
                if next == lf || next == cr {
                    index = endLine(at: cursor)
                    return (slice, true)
                }
                throw CSVError(
                    .strayQuote, line: line, column: column(cursor),
                    "text follows a closing quote; quote the whole field and double any quote inside it")
            }
            var cursor = index
            while cursor < count {
                let byte = bytes[cursor]
                if byte == delimiter || byte == lf || byte == cr { break }
                if byte == quote {
                    throw CSVError(
                        .strayQuote, line: line, column: column(cursor),
                        "a quote inside an unquoted field; quote the whole field and double the quote")
                }
                cursor += 1
            }
            let slice = FieldSlice(start: index, end: cursor, escaped: false)
            if cursor >= count {
                index = cursor
                return (slice, true)
            }
            if bytes[cursor] == delimiter {
                index = cursor + 1
                return (slice, false)
            }
            index = endLine(at: cursor)
            return (slice, true)
        }
    }

    /// Where a field's text lies: its bytes, inside the quotes for a quoted field, and whether
    /// doubled quotes in them need undoing.
    struct FieldSlice {
        var start: Int
        var end: Int
        var escaped: Bool
    }
}

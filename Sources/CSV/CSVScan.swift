/// A CSV file checked and cut into records without making text of every field: for files where
/// most records are looked at only to find they have not changed.
///
/// The same structural checks as ``CSVReader/read(_:format:)`` run over the whole file; each
/// record's fields are made text only when asked for.
public struct CSVScan: Sendable {
    /// The file's text, decoded to UTF-8.
    public let text: [UInt8]
    public let header: [String]
    public let headerLine: Int
    public let delimiter: UInt8
    public let records: [Record]

    /// One record: its physical line, its bytes in ``text`` (without the line end), and the text
    /// of its key field when one was asked for.
    public struct Record: Sendable {
        public let line: Int
        public let range: Range<Int>
        public let key: String?
    }

    /// Checks `bytes` and cuts it into records, keeping the text of field `keyField` (by position).
    public init(_ bytes: [UInt8], format: CSVFormat = CSVFormat(), keyField: (([String]) -> Int?)? = nil) throws(CSVError) {
        let text = try format.encoding.decode(bytes)
        self.text = text
        let (header, headerLine, delimiter, records) = try text.withUnsafeBufferPointer {
            (buffer) throws(CSVError) -> ([String], Int, UInt8, [Record]) in
            var parser = CSVReader.Parser(bytes: buffer, delimiter: format.delimiter.byte ?? CSVReader.detectDelimiter(buffer))
            guard let header = try parser.nextRecord() else {
                throw CSVError(.empty, line: 1, column: 1, "the file holds no header line; send a file with a header and its rows")
            }
            let key = keyField?(header.fields)
            var records: [Record] = []
            records.reserveCapacity(buffer.count / 100)
            while parser.skipBlankLines() {
                let line = parser.line
                let start = parser.index
                var field = 0
                var keyText: String?
                var end = start
                while true {
                    let (slice, ended) = try parser.nextField()
                    if field == key { keyText = parser.string(slice) }
                    field += 1
                    if ended {
                        // A quoted last field ends at its closing quote; an unquoted one at the line end.
                        end = buffer.indices.contains(slice.end) && buffer[slice.end] == CSVReader.quote ? slice.end + 1 : slice.end
                        break
                    }
                }
                records.append(Record(line: line, range: start..<end, key: keyText))
            }
            return (header.fields, header.line, parser.delimiter, records)
        }
        self.header = header
        self.headerLine = headerLine
        self.delimiter = delimiter
        self.records = records
    }

    /// The fields of `record`, as text.
    public func fields(of record: Record) -> [String] {
        text.withUnsafeBufferPointer { buffer in
            var parser = CSVReader.Parser(bytes: UnsafeBufferPointer(rebasing: buffer[..<record.range.upperBound]), delimiter: delimiter)
            parser.index = record.range.lowerBound
            parser.line = record.line
            parser.lineStart = record.range.lowerBound
            return (try? parser.nextRecord())?.fields ?? []
        }
    }

    /// Runs `body` with the bytes of `record`.
    public func withBytes<T>(of record: Record, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        text.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.range])) }
    }
}

import Foundation

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

    /// One record: its physical line, its bytes in ``text`` (without the line end), and its key
    /// field when one was asked for: the bytes of an unquoted key (no text is made for it), or
    /// the text of a quoted one.
    public struct Record: Sendable {
        public let line: Int
        public let range: Range<Int>
        public let keyBytes: Range<Int>?
        public let quotedKey: String?

        /// The key field's text.
        public func key(in scan: CSVScan) -> String? {
            if let quotedKey { return quotedKey }
            guard let keyBytes else { return nil }
            return scan.text.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[keyBytes]), as: UTF8.self) }
        }
    }

    /// Checks `bytes` and cuts it into records, keeping the text of field `keyField` (by position).
    ///
    /// Lines without a quote (most of an HR export) are cut with `memchr`; a line with a quote
    /// goes through the full parser, which also checks its quoting.
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
            let delimiter = parser.delimiter
            var records: [Record] = []
            records.reserveCapacity(buffer.count / 100)
            let base = buffer.baseAddress!
            let count = buffer.count
            while parser.skipBlankLines() {
                let start = parser.index
                let newline = memchr(base + start, Int32(CSVReader.lf), count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == CSVReader.cr { lineEnd -= 1 }
                let simple = memchr(base + start, Int32(CSVReader.quote), lineEnd - start) == nil
                    && memchr(base + start, Int32(CSVReader.cr), lineEnd - start) == nil
                if simple {
                    var keyRange: Range<Int>?
                    if let key {
                        var fieldStart = start
                        var field = 0
                        while field < key, fieldStart <= lineEnd {
                            guard let found = memchr(base + fieldStart, Int32(delimiter), lineEnd - fieldStart) else {
                                fieldStart = lineEnd + 1
                                break
                            }
                            fieldStart = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                            field += 1
                        }
                        if field == key, fieldStart <= lineEnd {
                            let fieldEnd = memchr(base + fieldStart, Int32(delimiter), lineEnd - fieldStart)
                                .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? lineEnd
                            keyRange = fieldStart..<fieldEnd
                        }
                    }
                    records.append(Record(line: parser.line, range: start..<lineEnd, keyBytes: keyRange, quotedKey: nil))
                    parser.index = newline < count ? newline + 1 : count
                    parser.line += 1
                    parser.lineStart = parser.index
                    continue
                }
                let line = parser.line
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
                records.append(Record(line: line, range: start..<end, keyBytes: nil, quotedKey: keyText))
            }
            return (header.fields, header.line, delimiter, records)
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

    /// Runs `body` with the bytes of `record`'s key field, when it is unquoted.
    public func withKeyBytes<T>(of record: Record, _ body: (UnsafeRawBufferPointer?) -> T) -> T {
        guard let range = record.keyBytes else { return body(nil) }
        return text.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Runs `body` with the bytes of `record`.
    public func withBytes<T>(of record: Record, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        text.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.range])) }
    }
}

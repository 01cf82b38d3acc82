import CSV
import Testing

@Suite struct CSVReaderTests {
    func read(_ text: String, _ format: CSVFormat = CSVFormat()) throws -> CSVTable {
        try CSVReader.read(Array(text.utf8), format: format)
    }

    func fields(_ table: CSVTable) -> [[String]] { table.records.map(\.fields) }

    @Test func readsQuotedFieldsWithSeparatorsQuotesAndLineBreaks() throws {
        let table = try read("id,name,note\r\nE1,\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\r\nE2,Smith,\r\n")
        #expect(table.header == ["id", "name", "note"])
        #expect(fields(table) == [["E1", "Doe, Jane", "said \"hi\"\nthen left"], ["E2", "Smith", ""]])
        #expect(table.records.map(\.line) == [2, 4])
    }

    @Test func lineNumbersCountPhysicalLinesAcrossEmbeddedBreaks() throws {
        let table = try read("a,b\n1,\"x\ny\nz\"\n\n2,w\n")
        #expect(table.records.map(\.line) == [2, 6])
    }

    @Test func acceptsLFCRLFAndCRLineEndsAndBlankTrailingLines() throws {
        for text in ["a,b\n1,2\n3,4\n\n\n", "a,b\r\n1,2\r\n3,4\r\n\r\n", "a,b\r1,2\r3,4\r", "a,b\n1,2\n3,4"] {
            let table = try read(text)
            #expect(fields(table) == [["1", "2"], ["3", "4"]], "\(text.debugDescription)")
        }
    }

    @Test(arguments: [(",", UInt8(ascii: ",")), (";", UInt8(ascii: ";")), ("|", UInt8(ascii: "|")), ("\t", UInt8(ascii: "\t"))])
    func detectsTheSeparatorFromTheHeader(separator: String, byte: UInt8) throws {
        let text = ["Employee ID", "Name, Full", "Status"].map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: separator)
            + "\n" + ["E1", "Doe; J.", "A"].map { $0.contains(separator) ? "\"\($0)\"" : $0 }.joined(separator: separator) + "\n"
        let table = try read(text)
        #expect(table.delimiter == byte)
        #expect(table.header == ["Employee ID", "Name, Full", "Status"])
        #expect(fields(table) == [["E1", "Doe; J.", "A"]])
    }

    @Test func skipsAUTF8ByteOrderMark() throws {
        let table = try CSVReader.read([0xEF, 0xBB, 0xBF] + Array("id,name\nE1,Zoë\n".utf8))
        #expect(table.header == ["id", "name"])
        #expect(fields(table) == [["E1", "Zoë"]])
    }

    @Test func readsUTF16InEitherByteOrder() throws {
        let text = "id;name\r\nE1;Łukasz Żółć\r\nE2;山田 太郎\r\n"
        let units = Array(text.utf16)
        let little: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for bytes in [little, big] {
            let table = try CSVReader.read(bytes)
            #expect(fields(table) == [["E1", "Łukasz Żółć"], ["E2", "山田 太郎"]])
        }
    }

    @Test func readsWindows1252WhenConfigured() throws {
        // "José", "Müller", "€", and a right single quote as Windows-1252 writes them.
        let bytes: [UInt8] = Array("id,name,note\nE1,Jos".utf8) + [0xE9] + Array(" M".utf8) + [0xFC] + Array("ller,".utf8)
            + [0x80, 0x35, 0x20, 0x92, 0x6F, 0x6B, 0x92, 0x0A]
        let table = try CSVReader.read(bytes, format: CSVFormat(encoding: .windows1252))
        #expect(fields(table) == [["E1", "José Müller", "€5 ’ok’"]])
        let asUTF8 = #expect(throws: CSVError.self) { try CSVReader.read(bytes) }
        #expect(asUTF8?.code == .undecodable)
        #expect(asUTF8?.line == 2)
        #expect(asUTF8?.message.contains("windows-1252") == true)
    }

    @Test func anUnclosedQuoteNamesWhereItOpened() throws {
        let error = #expect(throws: CSVError.self) { try read("id,name\nE1,Doe\nE2,\"Smith\nE3,Jones\n") }
        #expect(error == CSVError(.unterminatedQuote, line: 3, column: 4, error?.message ?? ""))
    }

    @Test func aStrayQuoteIsAnErrorAtItsColumn() throws {
        let inside = #expect(throws: CSVError.self) { try read("id,name\nE1,Jo\"hn\n") }
        #expect(inside?.code == .strayQuote)
        #expect(inside?.line == 2 && inside?.column == 6)
        let after = #expect(throws: CSVError.self) { try read("id,name\nE1,\"John\"x\n") }
        #expect(after?.code == .strayQuote)
        #expect(after?.column == 10)
    }

    @Test func invalidUTF8NamesItsLineAndColumn() throws {
        let bytes = Array("id,name\nE1,ok\nE2,b".utf8) + [0xC3, 0x28] + Array("d\n".utf8)
        let error = #expect(throws: CSVError.self) { try CSVReader.read(bytes) }
        #expect(error?.code == .undecodable)
        #expect(error?.line == 3 && error?.column == 5)
    }

    @Test func emptyAndBlankFilesHaveNoHeader() throws {
        for text in ["", "\n\n\r\n"] {
            let error = #expect(throws: CSVError.self) { try read(text) }
            #expect(error?.code == .empty)
        }
        let headerOnly = try read("id,name\n")
        #expect(headerOnly.records.isEmpty)
    }

    @Test func utf16WithoutAByteOrderMarkOrCutShortIsRefused() throws {
        let noMark = #expect(throws: CSVError.self) { try CSVReader.read([0x69, 0x00, 0x64, 0x00], format: CSVFormat(encoding: .utf16)) }
        #expect(noMark?.message.contains("byte order mark") == true)
        let odd = #expect(throws: CSVError.self) { try CSVReader.read([0xFF, 0xFE, 0x69, 0x00, 0x64]) }
        #expect(odd?.message.contains("cut short") == true)
        let lone = #expect(throws: CSVError.self) { try CSVReader.read([0xFF, 0xFE, 0x69, 0x00, 0x00, 0xD8, 0x0A, 0x00]) }
        #expect(lone?.message.contains("surrogate") == true)
    }
}

/// Any table of strings written as CSV and read back is the same table.
@Suite struct CSVRoundTripTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet: [String] = [
        "a", "Z", "0", " ", ",", ";", "|", "\t", "\"", "\n", "\r", "\r\n", "é", "ß", "Ł", "ø", "山", "田", "한", "Ж", "ع", "🙂", "'", "=",
    ]

    func randomField(_ generator: inout Generator) -> String {
        let length = Int.random(in: 0...12, using: &generator)
        return (0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! }.joined()
    }

    @Test(arguments: [CSVFormat.Delimiter.comma, .semicolon, .pipe, .tab])
    func anyTableRoundTrips(delimiter: CSVFormat.Delimiter) throws {
        var generator = Generator(state: 2026 &+ UInt64(delimiter.rawValue.utf8.first!))
        for _ in 0..<300 {
            let columns = Int.random(in: 1...6, using: &generator)
            let rows = Int.random(in: 1...8, using: &generator)
            let table = (0..<rows).map { _ in (0..<columns).map { _ in randomField(&generator) } }
            let bytes = CSVWriter.write(table, delimiter: delimiter)
            let read = try CSVReader.read(bytes, format: CSVFormat(delimiter: delimiter, encoding: .utf8))
            // Blank records cannot be told from blank lines: the writer quotes a lone empty field.
            #expect([read.header] + read.records.map(\.fields) == table, "\(table)")
        }
    }
}

@Suite struct CSVScanTests {
    @Test func scanningFindsTheSameRecordsAndKeysAsReading() throws {
        var generator = CSVRoundTripTests.Generator(state: 99)
        for _ in 0..<200 {
            let columns = Int.random(in: 2...5, using: &generator)
            let rows = Int.random(in: 1...6, using: &generator)
            let table = [(0..<columns).map { "h\($0)" }] + (0..<rows).map { _ in (0..<columns).map { _ in CSVRoundTripTests().randomField(&generator) } }
            let bytes = CSVWriter.write(table)
            let read = try CSVReader.read(bytes, format: CSVFormat(delimiter: .comma))
            let scan = try CSVScan(bytes, format: CSVFormat(delimiter: .comma), keyField: { $0.firstIndex(of: "h1") })
            #expect(scan.header == read.header)
            #expect(scan.records.map(\.line) == read.records.map(\.line))
            #expect(scan.records.map { scan.fields(of: $0) } == read.records.map(\.fields), "\(table)")
            #expect(scan.records.map { $0.key(in: scan) } == read.records.map { $0.fields[1] })
        }
    }

    @Test func aRecordsBytesAreItsLineWithoutTheLineEnd() throws {
        let scan = try CSVScan(Array("id,name\r\nE1,\"Lee, Ann\"\r\nE2,Bo\n".utf8), keyField: { _ in 0 })
        #expect(scan.records.map { scan.withBytes(of: $0) { String(decoding: $0, as: UTF8.self) } } == ["E1,\"Lee, Ann\"", "E2,Bo"])
        #expect(scan.records.map { $0.key(in: scan) } == ["E1", "E2"])
    }

    @Test func scanningChecksStructureLikeReading() {
        let error = #expect(throws: CSVError.self) { try CSVScan(Array("id,name\nE1,\"Ann\nE2,Bo\n".utf8)) }
        #expect(error?.code == .unterminatedQuote && error?.line == 2)
    }
}

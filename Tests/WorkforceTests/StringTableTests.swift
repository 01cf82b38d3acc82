import Testing
import Workforce

/// Strings found again by their bytes during a replay.
@Suite struct StringTableTests {
    /// Where a string's bytes are: the same for one string object, shared.
    func storage(_ string: String) -> UnsafePointer<UInt8>? {
        string.utf8.withContiguousStorageIfAvailable { $0.baseAddress }!
    }

    func string(_ text: String, from table: StringTable) -> String {
        Array(text.utf8).withUnsafeBytes { table.string($0) }
    }

    @Test func theSameBytesGiveTheSameStringObject() {
        let table = StringTable()
        let first = string("Senior Marketing Manager II", from: table)
        let again = string("Senior Marketing Manager II", from: table)
        let other = string("Senior Marketing Manager III", from: table)
        #expect(first == "Senior Marketing Manager II")
        #expect(again == first)
        #expect(storage(again) == storage(first))
        #expect(other == "Senior Marketing Manager III")
        #expect(storage(other) != storage(first))
        // Non-ASCII text too.
        let zone = string("Zoë's department of Información Técnica", from: table)
        #expect(zone == "Zoë's department of Información Técnica")
        #expect(storage(string("Zoë's department of Información Técnica", from: table)) == storage(zone))
    }

    @Test func aReplayReaderSharesValuesThatRepeatAndNotAWorkersOwn() throws {
        let table = StringTable()
        var hired: [Worker] = []
        for id in ["E1", "E2"] {
            var worker = Worker(id: EmployeeID(rawValue: id), legalFirstName: "Bartholomew-Alexander", legalLastName: "Featherstonehaugh")
            worker.email = "bartholomew.featherstonehaugh@example.com"
            worker.jobTitle = "Senior Marketing Manager II"
            let payload = try WorkerEvent.hired(worker).payload()
            let event = try payload.withUnsafeBytes { try WorkerEvent.decode(.hired, payload: $0, strings: table) }
            guard case .hired(let decoded) = event else { throw ValidationFailure() }
            #expect(decoded == worker)
            hired.append(decoded)
        }
        // The title is one string object for both; the email and names (a worker's own, however
        // alike here) are made for each and kept out of the table.
        #expect(storage(hired[0].jobTitle!) == storage(hired[1].jobTitle!))
        #expect(storage(hired[0].email!) != storage(hired[1].email!))
        #expect(storage(hired[0].legalFirstName) != storage(hired[1].legalFirstName))
        // A title changed is shared too; a manager's email as well (it repeats for each report).
        let change = try WorkerEvent.changed(.jobTitle, old: "Senior Marketing Manager II", new: "Senior Marketing Manager III").payload()
        let changed = try change.withUnsafeBytes { try WorkerEvent.decode(.changed, payload: $0, strings: table) }
        guard case .changed(_, let old, _) = changed else { throw ValidationFailure() }
        #expect(storage(old!) == storage(hired[0].jobTitle!))
    }

    struct ValidationFailure: Error {}

    @Test func shortAndLongStringsAreMadeEachTime() {
        let table = StringTable()
        #expect(string("LON", from: table) == "LON")
        let long = String(repeating: "x", count: 100)
        let first = string(long, from: table)
        let second = string(long, from: table)
        #expect(first == long && second == long)
        #expect(storage(first) != storage(second))
    }

    @Test func bytesThatAreNotUTF8AreRepairedAndNotKept() {
        let table = StringTable()
        let bytes: [UInt8] = Array("Department of ".utf8) + [0xC3, 0x28] + Array(" and more".utf8)
        let made = bytes.withUnsafeBytes { table.string($0) }
        #expect(made == String(decoding: bytes, as: UTF8.self))
        #expect(made.contains("\u{FFFD}"))
    }

    @Test func stringsFromBytesAreWhatDecodingMakesShortOrLongValidOrNot() {
        let samples: [[UInt8]] = [
            [], Array("E000123".utf8), Array("Europe/London".utf8), Array("exactly fifteen".utf8), Array("sixteen bytes ok".utf8),
            Array("Zoë".utf8), Array("Información".utf8), [0x41, 0xC3, 0x28, 0x42], [0xFF], Array("a longer value, past the inline size".utf8),
        ]
        for bytes in samples {
            let made = bytes.withUnsafeBytes { String(utf8: $0) }
            #expect(made == String(decoding: bytes, as: UTF8.self), "\(bytes)")
            #expect(Array(made.utf8) == Array(String(decoding: bytes, as: UTF8.self).utf8), "\(bytes)")
        }
    }

    @Test func aFullTableStartsAgainAndStillAnswers() {
        let table = StringTable()
        for index in 0..<(StringTable.capacity + 10) {
            let text = "A value numbered \(index)"
            #expect(string(text, from: table) == text)
        }
        let text = "A value numbered 7"
        #expect(storage(string(text, from: table)) == storage(string(text, from: table)))
    }
}

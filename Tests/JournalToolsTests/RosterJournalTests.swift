import Foundation
import Journal
import JournalTestSupport
import Testing

/// `roster-journal`, run as the real executable against real journals.
@Suite struct RosterJournalTests {
    let directory = TestDirectory()
    let tool = BuiltProducts.executable("roster-journal")

    /// A journal of `batches` appends of 400 events, recorded a day apart, with a trained dictionary.
    func makeJournal(batches: Int = 3, automatic: Bool = true) throws -> (path: String, clock: ManualClock) {
        let path = directory.child("journal")
        let clock = ManualClock(Timestamp(iso8601: "2026-11-01T02:00:00Z")!)
        var configuration = Journal.Configuration(path: path, createIfMissing: true)
        configuration.clock = clock
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: automatic, trainAfterEvents: 800, sampleCount: 800, capacity: 8 * 1024)
        let journal = try Journal(configuration)
        for batch in 1...batches {
            try journal.append(TestEvents.batch(400, batch: "batch-\(batch)", subjects: 40))
            clock.advance(seconds: 86_400)
        }
        try journal.append([TestEvents.one("E7777", "worker.terminated.v1", note: "last day")])
        return (path, clock)
    }

    func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func verifyPassesASoundJournal() throws {
        let (path, _) = try makeJournal()
        let result = try runCommand(tool, ["verify", "--journal", path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("is sound: 1201 events, 4 appends"))
    }

    @Test func verifyNamesAMissingJournal() throws {
        let result = try runCommand(tool, ["verify", "--journal", directory.child("nowhere")])
        #expect(result.status == 2)
        #expect(result.standardError.contains("no journal at \(directory.child("nowhere"))"))
    }

    @Test func aFlippedByteAnywhereInAnEventFailsVerifyAndNamesTheEvent() throws {
        let (path, _) = try makeJournal()
        let journal = try Journal.openReadOnly(path: path)
        var generator = SystemRandomNumberGenerator()
        let original = try #require(FileManager.default.contents(atPath: path + "/data.mdb"))
        let copy = directory.child("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        func damage(_ position: UInt64, byte offset: Int, bit: Int) throws -> VerificationReport {
            let location = try #require(try journal.storedRecordLocation(at: JournalPosition(position)))
            var damaged = original
            damaged[location.offset + offset] ^= UInt8(1 << bit)
            try? FileManager.default.removeItem(atPath: copy + "/lock.mdb")
            try damaged.write(to: URL(fileURLWithPath: copy + "/data.mdb"))
            return try Journal.openReadOnly(path: copy).verify()
        }
        // Every byte of three records: a block member without a dictionary, a block leader
        // holding a frame compressed with one, and a member of that block.
        for position in [UInt64(320), 801, 1_000] {
            let length = try #require(try journal.storedRecordLocation(at: JournalPosition(position))).length
            for offset in 0..<length {
                let bit = Int.random(in: 0..<8, using: &generator)
                let report = try damage(position, byte: offset, bit: bit)
                #expect(report.firstBadPosition == JournalPosition(position), "bit \(bit) of byte \(offset) of event \(position): \(report.problems)")
            }
        }
        // And random bytes of random events, through the command line.
        for _ in 0..<6 {
            let position = UInt64.random(in: 1...1201, using: &generator)
            let length = try #require(try journal.storedRecordLocation(at: JournalPosition(position))).length
            _ = try damage(position, byte: Int.random(in: 0..<length, using: &generator), bit: Int.random(in: 0..<8, using: &generator))
            let result = try runCommand(tool, ["verify", "--journal", copy])
            #expect(result.status == 1)
            #expect(result.standardOutput.contains("the first bad event is \(position)"), "\(result.standardOutput)")
            #expect(!result.standardOutput.contains("run roster-journal verify"), "verify does not send the reader to itself")
        }
    }

    @Test func dumpPrintsOneDecodedEventALine() throws {
        let (path, _) = try makeJournal()
        let result = try runCommand(tool, ["dump", "--journal", path, "--from", "399", "--to", "402"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 4)
        let first = try json(lines[0])
        #expect(first["position"] as? Int == 399)
        #expect(first["type"] as? String == "worker.changed.v1")
        #expect(first["recorded_at"] as? String == "2026-11-01T02:00:00.000000Z")
        #expect((first["metadata"] as? [String: String])?["batch"] == "batch-1")
        #expect((first["metadata"] as? [String: String])?["origin"] == "line 400")
        #expect((first["payload"] as? [String: String])?["new"] == "Senior Analyst 398")
        let second = try json(lines[1])
        #expect(second["previous_hash"] as? String == first["hash"] as? String)
        #expect(try json(lines[2])["recorded_at"] as? String == "2026-11-02T02:00:00.000000Z")
    }

    @Test func dumpFiltersBySubjectTypeAndRecordedTime() throws {
        let (path, _) = try makeJournal()
        let bySubject = try runCommand(tool, ["dump", "--journal", path, "--subject", "E1003"])
        let subjectLines = bySubject.standardOutput.split(separator: "\n")
        #expect(subjectLines.count == 30)
        #expect(try subjectLines.map { try json($0)["subject_version"] as? Int } == Array(1...30))
        let byType = try runCommand(tool, ["dump", "--journal", path, "--type", "worker.terminated.v1"])
        #expect(byType.standardOutput.split(separator: "\n").count == 1)
        #expect(try json(byType.standardOutput.split(separator: "\n")[0])["subject"] as? String == "E7777")
        let asOf = try runCommand(tool, ["dump", "--journal", path, "--recorded-before", "2026-11-02T12:00:00Z"])
        #expect(asOf.standardOutput.split(separator: "\n").count == 800)
        let bad = try runCommand(tool, ["dump", "--journal", path, "--recorded-before", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("not an RFC 3339 instant"))
    }

    @Test func statsCountsTypesBytesAndDictionaries() throws {
        let (path, _) = try makeJournal()
        let result = try runCommand(tool, ["stats", "--journal", path, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let stats = try json(Substring(result.standardOutput))
        #expect(stats["events"] as? Int == 1201)
        #expect((stats["events_by_type"] as? [String: Int]) == ["worker.changed.v1": 1200, "worker.terminated.v1": 1])
        #expect(stats["appends"] as? Int == 4)
        let dictionaries = try #require(stats["dictionaries"] as? [[String: Any]])
        #expect(dictionaries.count == 1)
        // The last, lone event is stored raw if compressing it would not make it smaller.
        #expect((800...801).contains(dictionaries.first?["events"] as? Int ?? 0))
        let raw = try #require(stats["raw_bytes"] as? Int)
        let stored = try #require(stats["stored_bytes"] as? Int)
        #expect(stored < raw)
        let text = try runCommand(tool, ["stats", "--journal", path])
        #expect(text.standardOutput.contains("1201 in 4 appends"))
        #expect(text.standardOutput.contains("32768"))
    }

    @Test func trainDictionaryMakesLaterAppendsUseANewOne() throws {
        let (path, _) = try makeJournal(batches: 3, automatic: false)
        let result = try runCommand(tool, ["train-dictionary", "--journal", path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("dictionary 32768 trained from 1201 events"))
        do {
            let journal = try Journal(path: path)
            try journal.append(TestEvents.batch(50, batch: "batch-9", subjects: 40))
        }
        let stats = try json(Substring(try runCommand(tool, ["stats", "--journal", path, "--json"]).standardOutput))
        let dictionaries = try #require(stats["dictionaries"] as? [[String: Any]])
        #expect(dictionaries.map { $0["id"] as? Int } == [32768])
        #expect(dictionaries.first?["events"] as? Int == 50)
        #expect(try runCommand(tool, ["verify", "--journal", path]).status == 0)
    }

    @Test func backupCopiesWhileAWriterAppendsAndTheCopyVerifies() throws {
        let path = directory.child("live")
        let writer = try ChildProcess(BuiltProducts.executable("journal-test-child"), ["append-loop", path, "50"])
        for _ in 0..<5 { _ = try writer.readLine(until: { $0.hasPrefix("committed") }) }
        let target = directory.child("backup")
        let result = try runCommand(tool, ["backup", "--journal", path, "--to", target])
        _ = try writer.readLine(until: { $0.hasPrefix("committed") })
        writer.kill()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("verified"))
        let copy = try Journal.openReadOnly(path: target)
        let live = try Journal.openReadOnly(path: path)
        #expect(copy.head.rawValue >= 250)
        #expect(copy.head.rawValue % 50 == 0)
        #expect(live.head > copy.head)
        // The copy is the live journal as it was: the same events up to its head.
        #expect(try copy.event(at: copy.head)?.hash == live.event(at: copy.head)?.hash)
        let mode = try FileManager.default.attributesOfItem(atPath: target + "/data.mdb")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // A second backup into the same place is refused rather than mixed in.
        let again = try runCommand(tool, ["backup", "--journal", path, "--to", target])
        #expect(again.status == 2)
        #expect(again.standardError.contains("not an empty directory"))
    }

    @Test func benchReportsEveryFigureAsJSON() throws {
        let result = try runCommand(tool, ["bench", "--events", "3000", "--batch-size", "500", "--population", "300", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let figures = try json(Substring(result.standardOutput))
        for key in [
            "events_per_s", "baseline_events_per_s", "ratio", "raw_bytes_per_event", "stored_bytes_per_event",
            "disk_bytes_per_event", "read_events_per_s",
        ] {
            let value = try #require(figures[key] as? Double, "\(key)")
            #expect(value > 0, "\(key)")
        }
        #expect(figures["events"] as? Int == 3000)
    }
}

import Foundation
import Ingestion
import Journal
import JournalTestSupport
import Testing
import Workforce

/// Files through the real journal and file store: what is journaled, and what never is.
@Suite struct IngestorTests {
    let directory = TestDirectory()
    let journal: Journal
    let ingestor: Ingestor
    var feed = FeedConfiguration(name: "hr", kind: .csvSnapshot)

    init() throws {
        journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("received")))
        feed.locationTimeZones = ["SYD": "Australia/Sydney", "LAX": "America/Los_Angeles"]
    }

    static let header = "employee_id,legal_first_name,legal_last_name,email,location,employment_type,status,hire_date,termination_date"

    static func company(_ size: Int, skipping: Set<Int> = []) -> String {
        company(size, skipping: skipping, leaving: [], on: "")
    }

    /// The company, where `leaving` (still active) have their termination date `date` sent ahead.
    static func company(_ size: Int, skipping: Set<Int> = [], leaving: Set<Int>, on date: String) -> String {
        ([header] + (1...size).filter { !skipping.contains($0) }.map {
            "E\($0),First\($0),Last\($0),w\($0)@example.com,SYD,full_time,active,2020-01-0\($0 % 9 + 1)," + (leaving.contains($0) ? date : "")
        }).joined(separator: "\n") + "\n"
    }

    func ingest(_ text: String, file: String = "hr.csv") throws -> Ingestor.Outcome {
        try ingestor.ingest(Array(text.utf8), file: file, feed: feed)
    }

    func workerEvents() throws -> [RecordedEvent] {
        try journal.events().filter { $0.type.rawValue.hasPrefix("worker.") }
    }

    /// A nightly snapshot and a feed of changes (a delta file, a webhook) about the same workers:
    /// a change from the second does not take the worker out of the snapshot's population, so the
    /// snapshot still misses them when they are gone.
    @Test func aChangeFromADeltaFeedKeepsTheWorkerInTheSnapshotsPopulation() throws {
        guard case .applied(_, let first, _) = try ingest(Self.company(30)) else { Issue.record("not applied"); return }
        #expect(first.creates == 30)
        var delta = FeedConfiguration(name: "changes", kind: .csvDelta)
        delta.locationTimeZones = feed.locationTimeZones
        let change = Self.company(30).split(separator: "\n").filter { $0.hasPrefix("employee_id") || $0.hasPrefix("E2,") }
            .map { $0.replacingOccurrences(of: ",SYD,", with: ",LAX,") }.joined(separator: "\n") + "\n"
        guard case .applied(_, let changed, _) = try ingestor.ingest(Array(change.utf8), file: "changes.csv", feed: delta) else {
            Issue.record("the change was not applied"); return
        }
        #expect(changed.changes > 0)
        guard case .applied(_, let counts, _) = try ingest(Self.company(30, skipping: [2]), file: "night-2.csv") else {
            Issue.record("the snapshot was not applied"); return
        }
        #expect(counts.absences == 1, "E2 is missing from the snapshot that reports them")
        #expect(try workerEvents().contains { $0.subject == "E2" && $0.type == "worker.absent.v1" })
    }

    @Test func aFileIsJournaledOnceAndKeptByteForByte() throws {
        let text = Self.company(20)
        guard case .applied(let batch, let counts, let quarantined) = try ingest(text) else { Issue.record("not applied"); return }
        #expect(counts.creates == 20 && quarantined.isEmpty)
        let head = journal.head
        #expect(try workerEvents().count == 20)
        guard case .duplicate(let again, _) = try ingest(text, file: "hr-copy.csv") else { Issue.record("not a duplicate"); return }
        #expect(again == batch)
        #expect(journal.head == head)
        let received = try #require(try journal.events().first { $0.type == "batch.received.v1" })
        guard case .received(let receipt)? = try BatchEvent.decode(type: received.type, payload: received.payload) else {
            Issue.record("no receipt"); return
        }
        #expect(receipt.rows == 20 && receipt.file == "hr.csv")
        #expect(batch.hasSuffix(String(receipt.sha256.prefix(16))))
        let kept = try ReceivedFileStore(directory: directory.child("received")).bytes(of: receipt.sha256)
        #expect(kept == Array(text.utf8))
    }

    @Test func aHeaderOnlyFileIsRejectedAndChangesNothing() throws {
        _ = try ingest(Self.company(20))
        let before = try workerEvents()
        guard case .rejected(_, let error) = try ingest(Self.header + "\n", file: "empty.csv") else { Issue.record("not rejected"); return }
        #expect(error.code == .headerOnly)
        #expect(try workerEvents() == before)
        let last = try #require(try journal.events().last)
        #expect(last.type == "batch.rejected.v1")
        // Sent again, it is a duplicate that says it was rejected (a retrying sender must not read success).
        guard case .duplicate(_, let earlier) = try ingest(Self.header + "\n", file: "empty-again.csv") else { Issue.record("not a duplicate"); return }
        #expect(earlier == .rejected)
    }

    @Test func aTruncatedFileOfAThousandWorkersIsHeldAndChangesNothing() throws {
        _ = try ingest(Self.company(1000))
        let before = try workerEvents()
        let truncated = Self.company(1000, skipping: Set(11...1000))
        guard case .held(_, let reasons, let counts) = try ingest(truncated, file: "cut.csv") else { Issue.record("not held"); return }
        #expect(counts.absences == 990)
        #expect(reasons.contains { $0.hasPrefix("absences: 990 exceeds 10 and 5% of the population (population 1000)") })
        #expect(reasons.contains { $0.hasPrefix("rows: 10 against 1000 in the previous snapshot") })
        #expect(try workerEvents() == before)
        let history = try WorkforceHistory.load(journal)
        #expect(history.state.absent.isEmpty)
        #expect(history.batches.values.filter { $0.state == .held }.count == 1)
    }

    @Test func aFewAbsencesPassAndAreJournaledAsSuspectsNotTerminations() throws {
        _ = try ingest(Self.company(100))
        guard case .applied(_, let counts, _) = try ingest(Self.company(100, skipping: [7, 8]), file: "day2.csv") else {
            Issue.record("not applied"); return
        }
        #expect(counts.absences == 2 && counts.terminations == 0)
        let history = try WorkforceHistory.load(journal)
        #expect(Set(history.state.absent.keys) == [EmployeeID(rawValue: "E7"), EmployeeID(rawValue: "E8")])
        #expect(history.state.workers[EmployeeID(rawValue: "E7")]?.status == .active)
    }

    @Test func leaversGoneFromTheFileAfterTheirTerminationDateAreNotHeldAgainstTheThresholds() throws {
        // A report of active workers: twelve leave at the month's end (dated ahead, still active)
        // and are gone from the next file. Twelve of a hundred missing unannounced would be held.
        let leavers = Set(1...12)
        _ = try ingest(Self.company(100, leaving: leavers, on: "2026-11-01"))
        guard case .applied(_, let counts, _) = try ingest(Self.company(100, skipping: leavers), file: "day2.csv") else {
            Issue.record("held"); return
        }
        // Still absences: archived after the grace period like any leaver.
        #expect(counts.absences == 12)
        guard case .held(_, let reasons, _) = try ingest(Self.company(100, skipping: Set(1...24)), file: "day3.csv") else {
            Issue.record("twelve unannounced absences were not held"); return
        }
        #expect(reasons.contains { $0.hasPrefix("absences: 12 exceeds") })
        #expect(reasons.contains { $0.hasPrefix("rows: 76 against 88") })
    }

    @Test func whetherALeaversDateHasPassedIsToldByTheJournalsClock() throws {
        let clock = ManualClock(Timestamp(iso8601: "2026-11-20T09:00:00Z")!)
        var configuration = Journal.Configuration(path: directory.child("clocked"), createIfMissing: true)
        configuration.clock = clock
        let journal = try Journal(configuration)
        let ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("clocked-received")))
        func ingest(_ text: String, _ file: String) throws -> Ingestor.Outcome { try ingestor.ingest(Array(text.utf8), file: file, feed: feed) }
        // Twelve leave on 1 December (Sydney); the file of the 1st lacks them and six others.
        _ = try ingest(Self.company(100, leaving: Set(1...12), on: "2026-12-01"), "day1.csv")
        let gone = Self.company(100, skipping: Set(1...18))
        // The evening before (Sydney's 1 December starts at 13:00 UTC on 30 November), all 18 count.
        clock.set(Timestamp(iso8601: "2026-11-30T12:59:00Z")!)
        guard case .held(let held, let early, _) = try ingest(gone, "day2.csv") else { Issue.record("not held"); return }
        #expect(early.contains { $0.hasPrefix("absences: 18 exceeds") })
        try ingestor.reject(batch: held, by: "test")
        // Once it has come, only the six unannounced count, which a hundred workers allow.
        clock.set(Timestamp(iso8601: "2026-11-30T13:00:00Z")!)
        guard case .applied(_, let counts, _) = try ingest(gone + "\n", "day2-again.csv") else { Issue.record("held after the date"); return }
        #expect(counts.absences == 18)
    }

    @Test func aHeldFilesReasonsSayHowManyLeaversWereNotCounted() throws {
        var thresholds = SafetyThresholds()
        thresholds.absences = .init(absolute: 3)
        let reasons = thresholds.crossed(by: BatchCounts(absences: 30), population: 100, rows: 70, previousRows: 100, departed: 12)
        #expect(reasons == [
            "absences: 18 exceeds 3 (population 100; 12 leavers past their termination date not counted)",
            "rows: 70 against 100 in the previous snapshot (12 leavers past their termination date not counted as missing), a drop of more than 10%",
        ])
    }

    @Test func badRowsAreJournaledWithTheirPlaceAndTheOthersApply() throws {
        let text = Self.header + "\nE1,Ann,Lee,ann@example.com,SYD,full_time,active,2027-01-04,\nE2,Bo,Kim,bo@example.com,SYD,full_time,active,2027-02-30,\n"
        guard case .applied(_, let counts, let quarantined) = try ingest(text) else { Issue.record("not applied"); return }
        #expect(counts.creates == 1 && counts.quarantined == 1)
        #expect(quarantined.first?.line == 3 && quarantined.first?.column == "hire_date")
        let row = try #require(try journal.events().first { $0.type == "batch.row-quarantined.v1" })
        guard case .rowQuarantined(let stored)? = try BatchEvent.decode(type: row.type, payload: row.payload) else { Issue.record("no row"); return }
        #expect(stored.line == 3 && stored.employeeID == "E2" && stored.file == "hr.csv")
    }

    @Test func hiresTakeEffectAtLocalMidnightInTheirOwnZone() throws {
        let text = Self.header + "\nE1,Ann,Lee,ann@example.com,SYD,full_time,pending,2027-01-04,\nE2,Bo,Kim,bo@example.com,LAX,full_time,pending,2027-01-04,\n"
        _ = try ingest(text)
        let hires = try workerEvents()
        #expect(hires.map(\.effectiveAt) == [Timestamp(iso8601: "2027-01-03T13:00:00Z"), Timestamp(iso8601: "2027-01-04T08:00:00Z")])
        #expect(hires.first?.metadata.origin == "hr.csv line 2")
        #expect(hires.first?.metadata.batch?.hasPrefix("hr-") == true)
    }

    /// From Los Angeles; or from Sydney, moved to Los Angeles in the same file: the zone the file
    /// gives counts.
    @Test(arguments: ["LAX", "SYD"])
    func aTerminationDatedTomorrowTakesEffectAtItsLocalMidnightWhereTheFileSaysTheyWork(from location: String) throws {
        _ = try ingest(Self.header + "\nE1,Ann,Lee,ann@example.com,\(location),full_time,active,2020-01-06,\n")
        _ = try ingest(Self.header + "\nE1,Ann,Lee,ann@example.com,LAX,full_time,terminated,2020-01-06,2026-11-30\n", file: "day2.csv")
        let termination = try #require(try workerEvents().last)
        #expect(termination.type == "worker.terminated.v1")
        #expect(termination.effectiveAt == Timestamp(iso8601: "2026-11-30T08:00:00Z"))
    }
}

extension IngestorTests {
    @Test func aWarmIngestorReadsOnlyTheRowsThatChangedAndAgreesWithACold() throws {
        var history = WorkforceHistory()
        let day1 = Self.company(200)
        _ = try ingestor.ingest(Array(day1.utf8), file: "day1.csv", feed: feed, history: &history)
        #expect(history.fingerprints["hr"]?.count == 200)
        // The same rows in another order, with three changed and one gone.
        var rows = day1.split(separator: "\n").dropFirst().map(String.init).reversed().map { $0 }
        rows[0] = rows[0].replacingOccurrences(of: "SYD", with: "LAX")
        rows[1] = rows[1].replacingOccurrences(of: "active", with: "on leave")
        rows[2] = rows[2].replacingOccurrences(of: "First", with: "Prénom")
        rows.removeLast()
        let day2 = Array(([Self.header] + rows).joined(separator: "\n").utf8)
        let scan = try FeedReader(feed: feed).scan(day2, file: "day2.csv", known: history.fingerprints["hr"] ?? [:])
        #expect(scan.changed.count == 3)
        #expect(scan.present.count == 199)
        let warm = try ingestor.ingest(day2, file: "day2.csv", feed: feed, history: &history)
        guard case .applied(_, let counts, _) = warm else { Issue.record("not applied"); return }
        #expect(counts == BatchCounts(changes: 3, absences: 1))
        // A history folded from the journal agrees with the one kept in memory.
        let cold = try WorkforceHistory.load(journal)
        #expect(cold.state == history.state)
        #expect(cold.order == history.order)
    }
}

extension IngestorTests {
    /// Ann, active in Sydney, ingested by a feed whose terminations take effect at 17:30; then
    /// `row` (her next one) from that feed. Returns the last worker event journaled.
    func annWithCutOff(then row: String) throws -> RecordedEvent {
        var lastDay = feed
        lastDay.terminationCutoff = LocalTime("17:30")!
        for (file, line) in [("d1.csv", "E1,Ann,Lee,ann@example.com,SYD,full_time,active,2020-01-06,"), ("d2.csv", row)] {
            _ = try ingestor.ingest(Array((Self.header + "\n" + line + "\n").utf8), file: file, feed: lastDay)
        }
        return try #require(try workerEvents().last)
    }

    @Test func aConfiguredCutOffMovesWhenATerminationTakesEffect() throws {
        let termination = try annWithCutOff(then: "E1,Ann,Lee,ann@example.com,SYD,full_time,terminated,2020-01-06,2026-12-18")
        // 17:30 in Sydney (summer time, UTC+11) on the 18th.
        #expect(termination.effectiveAt == Timestamp(iso8601: "2026-12-18T06:30:00Z"))
    }

    @Test func aTerminationDateSetOnAnActiveWorkerTakesEffectAtTheCutOffInTheirZone() throws {
        // Still active in HR; moved to Los Angeles in the same file.
        let set = try annWithCutOff(then: "E1,Ann,Lee,ann@example.com,LAX,full_time,active,2020-01-06,2026-12-18")
        #expect(set.type == "worker.changed.v1")
        // 17:30 in Los Angeles (UTC-8) on the 18th, the zone the file gives.
        #expect(set.effectiveAt == Timestamp(iso8601: "2026-12-19T01:30:00Z"))
    }

    @Test func aHireWithItsEndDatedJournalsTheEndInTheHiresZone() throws {
        _ = try ingest(Self.header + "\nE1,Ann,Lee,ann@example.com,SYD,full_time,active,2026-12-01,2027-02-26\n")
        let events = try workerEvents()
        #expect(events.map(\.type) == ["worker.hired.v1", "worker.changed.v1"])
        // Midnight in Sydney (UTC+11) starting the 26th of February.
        #expect(events.last?.effectiveAt == Timestamp(iso8601: "2027-02-25T13:00:00Z"))
        #expect(events.last?.metadata.origin == "hr.csv line 2")
    }
}

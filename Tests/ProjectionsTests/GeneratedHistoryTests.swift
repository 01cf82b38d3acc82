import FeedGenerator
import Foundation
import Ingestion
import Journal
import JournalTestSupport
@testable import Projections
import Rules
import Testing
import Workforce

/// Forty nights of a generated company (hires starting later, terminations dated ahead, rehires,
/// transfers, promotions, conversions, rows missing from some exports), ingested through the real
/// ingestor with the scheduler ticking, and the projection store caught up at uneven moments, by
/// processes that come and go. Whatever path the store took, it must hold what a plain replay of
/// the journal gives: at its checkpoint, at every snapshot, as of any instant, for any worker.
@Suite struct GeneratedHistoryTests {
    /// Snapshots every 97 events: many of them, their chains cut short by reopened stores, and
    /// boundaries falling inside a night's append.
    static let interval: UInt64 = 97

    final class History {
        let directory = TestDirectory("generated-history")
        let clock = ManualClock(instant("2026-03-02T02:00:00Z"))
        let journal: Journal
        /// The instants each night was journaled at, in order.
        var nights: [Timestamp] = []
        var ids: [EmployeeID] = []

        init() throws {
            var configuration = Journal.Configuration(path: directory.child("journal"), createIfMissing: true)
            configuration.clock = clock
            journal = try Journal(configuration)
        }

        deinit { directory.remove() }

        /// The store of the live process, reopened now and then as a new process would.
        func live() throws -> ProjectionStore {
            try ProjectionStore(root: directory.child("live"), rules: Scenario.standardRules, snapshotInterval: GeneratedHistoryTests.interval)
        }

        var company = GeneratedCompany(size: 400, today: LocalDate(year: 2026, month: 3, day: 2)!, seed: 11)
        var workforce = WorkforceHistory()
        var random = SplitMix64(seed: 5)
        var missingForAWhile: [Substring] = []
        var missingForGood: [Substring] = []

        /// Ingests the company's export each night for `count` more nights (some rows left out
        /// on some nights), ticks the scheduler every few nights, and catches the live store up
        /// at uneven moments.
        func run(nights count: Int) throws {
            var thresholds = SafetyThresholds()
            thresholds.terminations = .init()
            thresholds.absences = .init()
            thresholds.rowDropPercent = nil
            let ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("received")), thresholds: thresholds)
            var feed = FeedConfiguration(name: "nightly", kind: .csvSnapshot)
            feed.locationTimeZones = Dictionary(uniqueKeysWithValues: Names.locations.map { ($0.code, $0.zone) })
            var store = try live()
            for night in nights.count..<nights.count + count {
                clock.set(instant("2026-03-02T02:00:00Z").adding(microseconds: Int64(night) * 86_400_000_000))
                if night > 0 {
                    company.advanceDay()
                    _ = company.changeRows(fraction: 0.03, seed: UInt64(night))
                }
                // Rows end in CRLF (one Character to Swift).
                var rows = String(decoding: company.snapshot(), as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
                // Exports lose rows: three workers for five nights (archived after three
                // snapshots, then back), two from night 20 on (archived for good), two for a night.
                func pick(_ count: Int) -> [Substring] {
                    (0..<count).map { _ in rows[1 + random.index(rows.count - 2)].prefix { $0 != "," } }
                }
                if night == 4 { missingForAWhile = pick(3) }
                if night == 20 { missingForGood = pick(2) }
                let missing = Set((4...8).contains(night) ? missingForAWhile : []).union(night >= 20 ? missingForGood : []).union(night == 30 ? pick(2) : [])
                rows.removeAll { row in missing.contains(row.prefix { $0 != "," }) }
                nights.append(clock.now())
                _ = try ingestor.ingest(Array(rows.joined(separator: "\r\n").utf8), file: "night-\(night).csv", feed: feed, history: &workforce)
                clock.advance(seconds: 3_600)
                if night % 4 == 2 { _ = try store.tick(journal, at: clock.now(), origin: "test") }
                if night % 3 == 1 { _ = try store.catchUp(journal) }
                // Another process: it knows no snapshot to write the next one against.
                if night % 7 == 5 { store = try live() }
            }
            _ = try store.catchUp(journal)
            ids = try ProjectionStore(root: directory.child("ids-\(nights.count)"), rules: Scenario.standardRules).catchUp(journal).allProjections.map(\.worker.id)
        }

        /// The fold of the journal's events through `position`.
        func folded(through position: JournalPosition) throws -> DesiredState {
            var state = DesiredState(rules: Scenario.standardRules)
            try journal.read { snapshot in
                try snapshot.forEachEvent(through: position) { event in
                    try state.apply(event)
                    return true
                }
            }
            return state
        }
    }

    /// The positions of `store`'s snapshots.
    func snapshotPositions(of store: ProjectionStore) throws -> [JournalPosition] {
        try storedSnapshots(of: store).map(\.position)
    }

    /// Each stored snapshot's position, and whether it is a marker standing for the store's
    /// records (``ProjectionStore/RecordsSnapshot``) rather than frames of its own.
    func storedSnapshots(of store: ProjectionStore) throws -> [(position: JournalPosition, marker: Bool)] {
        try store.environment.read { txn in
            try txn.withCursor(store.snapshots) { cursor in
                var found: [(JournalPosition, Bool)] = []
                var entry = try cursor.first()
                while let current = entry {
                    if let marked = try ProjectionStore.RecordsSnapshot.position(of: current.value) {
                        found.append((marked, true))
                    } else {
                        found.append((try ProjectionStore.StoredSnapshot(current.value).position, false))
                    }
                    entry = try cursor.next()
                }
                return found
            }
        }
    }

    @Test func aStoreCaughtUpNightByNightByComingAndGoingProcessesHoldsWhatTheJournalSays() throws {
        let history = try History()
        try history.run(nights: 40)
        let live = try history.live()
        let head = history.journal.head
        #expect(head.rawValue > 1_000)

        // A rebuild in one go writes the same bytes as the live store's many catch-ups.
        let rebuilt = try ProjectionStore(root: history.directory.child("rebuilt"), rules: Scenario.standardRules, snapshotInterval: Self.interval)
        let state = try rebuilt.catchUp(history.journal)
        #expect(try live.checkpoint == head)
        #expect(try rebuilt.checkpoint == head)
        let (liveRecords, rebuiltRecords) = (try live.records(), try rebuilt.records())
        #expect(liveRecords.count == history.ids.count)
        #expect(liveRecords.map(\.key) == rebuiltRecords.map(\.key))
        #expect(liveRecords.map(\.value) == rebuiltRecords.map(\.value))
        let replayed = try Replay(now: nil).run(history.journal, rules: Scenario.standardRules)
        #expect(state.users == replayed.users)
        #expect(try live.load().users == replayed.users)
        // The story had what it is meant to: users of every status, and assignments.
        let statuses = Set(replayed.users.values.map(\.status))
        #expect(statuses == [.active, .deactivated, .archived])
        #expect(replayed.users.values.contains { !$0.assignments.isEmpty })

        // Every snapshot of both stores restores as the journal folded up to it.
        for store in [live, rebuilt] {
            let positions = try snapshotPositions(of: store)
            #expect(positions.map(\.rawValue) == (1...(head.rawValue / Self.interval)).map { $0 * Self.interval })
            for position in positions {
                let restored = try #require(try store.snapshot(atOrBefore: position))
                let folded = try history.folded(through: position)
                #expect(restored.position == position)
                #expect(restored.users == folded.users, "snapshot at \(position)")
                #expect(restored.clock == folded.clock, "snapshot at \(position)")
            }
        }

        // As of instants around every other night (just before it, during its hour, the next
        // noon): the whole state, and single workers.
        var random = SplitMix64(seed: 9)
        for night in history.nights.enumerated().filter({ $0.offset % 2 == 1 }).map(\.element) {
            for offset in [-1, 1_800_000_000, 43_200_000_000] as [Int64] {
                let instant = night.adding(microseconds: offset)
                var fromStore = try live.state(asOf: instant, journal: history.journal, live: try live.load())
                fromStore.advance(to: instant)
                let expected = try Replay(asOf: instant, now: nil).run(history.journal, rules: Scenario.standardRules)
                #expect(fromStore.users == expected.users, "as of \(instant)")
                for _ in 0..<3 {
                    let id = history.ids[random.index(history.ids.count)]
                    let alone = try live.worker(id, asOf: instant, journal: history.journal)
                    #expect(alone?.user == expected.workers[id]?.user, "\(id) as of \(instant)")
                    #expect(alone?.worker == expected.workers[id]?.worker, "\(id) as of \(instant)")
                }
            }
        }
    }

    @Test func anEmptyJournalFoldsAndRebuildsToNoWorkers() throws {
        // A fold from the start reserves room for the journal's subjects: none here.
        let scenario = try Scenario()
        #expect(try Replay(now: nil).run(scenario.journal, rules: Scenario.standardRules).workerCount == 0)
        let store = try ProjectionStore(
            root: scenario.directory.child("store"), rules: Scenario.standardRules, snapshotInterval: Self.interval, snapshotsFrom: scenario.journal.head)
        #expect(try store.catchUp(scenario.journal).workerCount == 0)
    }

    @Test func aStoreForRulesAdoptedNowTakesOneSnapshotOfTheStateItSaves() throws {
        let history = try History()
        try history.run(nights: 6)
        let head = history.journal.head
        #expect(head.rawValue % Self.interval != 0)
        let store = try ProjectionStore(
            root: history.directory.child("now"), rules: Scenario.standardRules, snapshotInterval: Self.interval, snapshotsFrom: head)
        let state = try store.catchUp(history.journal)
        // None of the history's boundaries: the state at the adoption, which its save writes.
        // The records saved are that state, so the snapshot is a marker standing for them.
        #expect(try storedSnapshots(of: store).map { "\($0.position) \($0.marker)" } == ["\(head) true"])
        let restored = try #require(try store.snapshot(atOrBefore: head))
        #expect(restored.position == head)
        #expect(restored.users == state.users)
        #expect(restored.clock == state.clock)
        #expect(try store.snapshot(atOrBefore: JournalPosition(head.rawValue - 1)) == nil)

        // The next catch-up changes the records: it first makes the snapshot at the adoption
        // from them, compressed, in the marker's place, and takes the boundaries' after it.
        try history.run(nights: 3)
        let later = try store.catchUp(history.journal)
        let snapshots = try storedSnapshots(of: store)
        #expect(snapshots.first.map { "\($0.position) \($0.marker)" } == "\(head) false")
        #expect(snapshots.allSatisfy { !$0.marker })
        let made = try #require(try store.snapshot(atOrBefore: head))
        #expect(made.position == head)
        #expect(made.users == state.users)
        #expect(made.clock == state.clock)
        // As of any night since, what a replay gives, folded from there.
        for night in history.nights.suffix(3) {
            let instant = night.adding(microseconds: 1_800_000_000)
            var fromStore = try store.state(asOf: instant, journal: history.journal, live: later)
            fromStore.advance(to: instant)
            #expect(fromStore.users == (try Replay(asOf: instant, now: nil).run(history.journal, rules: Scenario.standardRules)).users)
        }
    }

    @Test func aSaveCrossingABoundaryLeavesAMarkerThatAnswersUntilTheNextSaveMakesItsSnapshot() throws {
        let history = try History()
        try history.run(nights: 5)
        let root = history.directory.child("saves")
        // Caught up with no snapshot (an interval longer than the journal), then opened again
        // with one the next save crosses: its snapshot is a marker at the save.
        var state = try ProjectionStore(root: root, rules: Scenario.standardRules, snapshotInterval: 1_000_000).catchUp(history.journal)
        let crossing = try ProjectionStore(root: root, rules: Scenario.standardRules, snapshotInterval: state.position.rawValue / 2 + 1)
        #expect(try storedSnapshots(of: crossing).isEmpty)
        try history.run(nights: 1)
        state = try crossing.load()
        try history.journal.read { snapshot in
            try snapshot.forEachEvent(from: state.position.next) { event in
                try state.apply(event)
                return true
            }
        }
        try crossing.save(&state)
        let head = state.position
        #expect(try storedSnapshots(of: crossing).map { "\($0.position) \($0.marker)" } == ["\(head) true"])
        // Answered from the records, as the journal folded up to it.
        let folded = try Replay(now: nil).run(history.journal, rules: Scenario.standardRules)
        let fromMarker = try #require(try crossing.snapshot(atOrBefore: head))
        #expect(fromMarker.position == head && fromMarker.users == folded.users && fromMarker.clock == state.clock)
        // The next save makes it a snapshot of its own, which still restores the state it stood for.
        try history.run(nights: 1)
        try history.journal.read { snapshot in
            try snapshot.forEachEvent(from: state.position.next) { event in
                try state.apply(event)
                return true
            }
        }
        try crossing.save(&state)
        #expect(try storedSnapshots(of: crossing).first.map { "\($0.position) \($0.marker)" } == "\(head) false")
        let made = try #require(try crossing.snapshot(atOrBefore: head))
        #expect(made.position == head && made.users == folded.users && made.clock == fromMarker.clock)
    }

    @Test func aStoreForRulesAdoptedLaterKeepsSnapshotsFromTheAdoptionAndAnswersFromThere() throws {
        let history = try History()
        try history.run(nights: 16)
        let head = history.journal.head
        // Rules adopted at `from`: a rebuild for them takes no snapshot of the history before it,
        // one of the state at `from`, then one at each boundary after it.
        let from = JournalPosition(head.rawValue * 2 / 3)
        #expect(from.rawValue % Self.interval != 0)
        let store = try ProjectionStore(
            root: history.directory.child("adopted"), rules: Scenario.standardRules, snapshotInterval: Self.interval, snapshotsFrom: from)
        let state = try store.catchUp(history.journal)
        let boundaries = stride(from: (from.rawValue / Self.interval + 1) * Self.interval, through: head.rawValue, by: Int(Self.interval))
        #expect(try snapshotPositions(of: store).map(\.rawValue) == [from.rawValue] + boundaries.map { UInt64($0) })
        // The same workers, byte for byte, as a store that kept every snapshot.
        let full = try history.live()
        #expect(try store.records().map(\.value) == full.records().map(\.value))
        #expect(state.users == (try Replay(now: nil).run(history.journal, rules: Scenario.standardRules)).users)
        // As of any instant from the adoption on, what a replay gives.
        let adoptedAt = try history.journal.read { try $0.event(at: from) }!.recordedAt
        for night in history.nights where night > adoptedAt {
            let instant = night.adding(microseconds: 1_800_000_000)
            var fromStore = try store.state(asOf: instant, journal: history.journal, live: state)
            fromStore.advance(to: instant)
            #expect(fromStore.users == (try Replay(asOf: instant, now: nil).run(history.journal, rules: Scenario.standardRules)).users)
        }
        // A later catch-up goes on taking snapshots at every boundary.
        try history.run(nights: 4)
        _ = try store.catchUp(history.journal)
        let later = try snapshotPositions(of: store).map(\.rawValue).filter { $0 > head.rawValue }
        #expect(later == Array(stride(from: (head.rawValue / Self.interval + 1) * Self.interval, through: history.journal.head.rawValue, by: Int(Self.interval))).map { UInt64($0) })
    }
}

import ByteCoding
import Foundation
import Journal
import JournalTestSupport
@testable import Projections
import Rules
import Testing
import Workforce

/// Snapshots of the projection: frames decoded on every core, restored in order.
@Suite struct SnapshotTests {
    /// `count` hires in one append: each worker named after their number, so names and emails differ.
    func hire(_ count: Int, into scenario: Scenario) throws {
        try scenario.journal.append(try (1...count).map { index in
            let hired = worker("E\(index)", first: index % 3 == 0 ? "Zoë" : "Ada", last: "Number\(index)")
            return ProposedEvent(subject: "E\(index)", type: "worker.hired.v1", payload: try WorkerEvent.hired(hired).payload())
        })
    }

    @Test func aSnapshotOfSeveralFramesRestoresEveryWorkerInTheOrderFirstSeen() throws {
        let scenario = try Scenario()
        let workers = ProjectionStore.recordsPerFrame * 2 + 100
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: UInt64(workers))
        try hire(workers, into: scenario)
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-30T10:00:00Z")
        try scenario.record("E2", .changed(.location, old: "LON", new: "NYC"), at: "2026-12-01T10:00:00Z")
        let live = try store.catchUp(scenario.journal)

        let restored = try #require(try store.snapshot(atOrBefore: live.position))
        #expect(restored.position == JournalPosition(UInt64(workers)))
        var folded = DesiredState(rules: scenario.rules)
        try scenario.journal.read { snapshot in
            try snapshot.forEachEvent(through: JournalPosition(UInt64(workers))) { event in
                try folded.apply(event)
                return true
            }
        }
        #expect(restored.workerCount == workers)
        #expect(restored.allProjections == folded.allProjections)
        #expect(restored.clock == folded.clock)
        // And the events after it fold onto it as onto the full replay.
        var asOf = try store.state(asOf: instant("2026-11-30T10:00:00Z"), journal: scenario.journal, live: live)
        asOf.advance(to: instant("2026-11-30T10:00:00Z"))
        let replayed = try Replay(asOf: instant("2026-11-30T10:00:00Z")).run(scenario.journal, rules: scenario.rules)
        #expect(asOf.position == JournalPosition(UInt64(workers + 1)))
        #expect(asOf.allProjections == replayed.allProjections)
    }

    @Test func aStoreOfManyWorkersIsReadBackOnEveryCoreAsItWasSaved() throws {
        let scenario = try Scenario()
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: 1_000_000)
        try hire(5_000, into: scenario)
        let live = try store.catchUp(scenario.journal)
        let stored = try store.environment.read { try store.storedState(in: $0) }
        #expect(stored.workerCount == 5_000 && stored.position == live.position)
        let byID = { (state: DesiredState) in state.allProjections.sorted { $0.worker.id < $1.worker.id } }
        #expect(byID(stored) == byID(live))

        // One record that does not decode among them: an error, not a worker lost or made up.
        var records = try store.records().map(\.value)
        records[4_321] = Array(records[4_321].prefix(20))
        let buffers = records.map { record in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: record.count, alignment: 8)
            buffer.copyBytes(from: record)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        #expect(throws: (any Error).self) {
            _ = try ProjectionStore.decodeRecords(buffers.map(UnsafeRawBufferPointer.init), references: RecordReferences(scenario.rules))
        }
        #expect(try ProjectionStore.decodeRecords(Array(buffers.map(UnsafeRawBufferPointer.init).prefix(4_321)), references: RecordReferences(scenario.rules)).count == 4_321)
    }

    @Test func aReplayReadInManyShortTransactionsFoldsEveryEventOnceInOrder() throws {
        let scenario = try Scenario()
        try hire(3_000, into: scenario)
        func positions(from first: JournalPosition, through last: JournalPosition? = nil, perTransaction: UInt64, stopAt: Int? = nil) throws -> [UInt64] {
            var seen: [UInt64] = []
            try FoldInputs.forEach(in: scenario.journal, from: first, through: last, eventsPerTransaction: perTransaction) { input in
                seen.append(input.position.rawValue)
                return stopAt.map { seen.count < $0 } ?? true
            }
            return seen
        }
        #expect(try positions(from: JournalPosition(1), perTransaction: 7) == Array(1...3_000))
        #expect(try positions(from: JournalPosition(5), through: JournalPosition(2_999), perTransaction: 1_000) == Array(5...2_999))
        #expect(try positions(from: JournalPosition(1), through: JournalPosition(9_999), perTransaction: 3_000) == Array(1...3_000))
        #expect(try positions(from: JournalPosition(2_990), perTransaction: 1) == Array(2_990...3_000))
        #expect(try positions(from: JournalPosition(3_001), perTransaction: 7).isEmpty)
        #expect(try positions(from: JournalPosition(1), perTransaction: 7, stopAt: 100) == Array(1...100))
        // The same state as one transaction gives.
        var short = DesiredState(rules: scenario.rules)
        try FoldInputs.forEach(in: scenario.journal, from: JournalPosition(1), eventsPerTransaction: 13) { short.apply(consume $0); return true }
        var long = DesiredState(rules: scenario.rules)
        try FoldInputs.forEach(in: scenario.journal, from: JournalPosition(1)) { long.apply(consume $0); return true }
        #expect(short.allProjections == long.allProjections && short.position == long.position)
    }

    /// Title changes for workers `range`, in one append.
    func promote(_ range: ClosedRange<Int>, to title: String, in scenario: Scenario) throws {
        try scenario.journal.append(try range.map { index in
            let event = WorkerEvent.changed(.jobTitle, old: nil, new: "\(title) \(index)")
            return ProposedEvent(subject: "E\(index)", type: event.type, payload: try event.payload())
        })
    }

    /// Each stored snapshot's position and its base's.
    func chain(of store: ProjectionStore) throws -> [(position: UInt64, base: UInt64?)] {
        try store.environment.read { txn in
            try txn.withCursor(store.snapshots) { cursor in
                var found: [(UInt64, UInt64?)] = []
                var entry = try cursor.first()
                while let current = entry {
                    let snapshot = try ProjectionStore.StoredSnapshot(current.value)
                    found.append((snapshot.position.rawValue, snapshot.base?.rawValue))
                    entry = try cursor.next()
                }
                return found
            }
        }
    }

    @Test func snapshotsCompressedAgainstTheOneBeforeRestoreAsTheFoldAndEveryFewStandAlone() throws {
        let scenario = try Scenario()
        let workers = ProjectionStore.recordsPerFrame + 300
        // The third snapshot (2,100 workers) has a second frame its base (1,400) lacks.
        let interval = 700
        var store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: UInt64(interval))
        try hire(workers, into: scenario)
        try promote(1...1200, to: "Data Manager", in: scenario)
        try promote(600...1800, to: "Head of Data", in: scenario)
        var live = try store.catchUp(scenario.journal)
        // Snapshots at every 700th event, each compressed against the one before but every
        // fourth, which stands alone.
        let boundaries = (1...(live.position.rawValue / UInt64(interval))).map { $0 * UInt64(interval) }
        let expected = boundaries.enumerated().map { index, position in
            (position, index % ProjectionStore.snapshotChain == 0 ? nil : position - UInt64(interval))
        }
        #expect(try chain(of: store).map(\.position) == expected.map(\.0))
        #expect(try chain(of: store).map(\.base) == expected.map(\.1))
        // Each restores as the journal folded up to it.
        for position in boundaries {
            let restored = try #require(try store.snapshot(atOrBefore: JournalPosition(position)))
            var folded = DesiredState(rules: scenario.rules)
            try scenario.journal.read { snapshot in
                try snapshot.forEachEvent(through: JournalPosition(position)) { event in
                    try folded.apply(event)
                    return true
                }
            }
            #expect(restored.position == JournalPosition(position))
            #expect(restored.allProjections == folded.allProjections, "snapshot at \(position)")
        }
        // A later catch-up by the same store goes on with the chain; a store opened afresh (a
        // new process) knows no snapshot to compress against, and starts a new one.
        try promote(1...700, to: "Director", in: scenario)
        live = try store.catchUp(scenario.journal)
        let later = try chain(of: store).filter { $0.position > boundaries.last! }
        #expect(later.first.map { $0.base == boundaries.last! } == true)
        store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: UInt64(interval))
        try promote(1...600, to: "Chief", in: scenario)
        let before = try chain(of: store).count
        live = try store.catchUp(scenario.journal)
        let afresh = try chain(of: store).dropFirst(before)
        #expect(afresh.first.map { $0.base == nil } == true)
        for snapshot in try chain(of: store) {
            #expect(try store.snapshot(atOrBefore: JournalPosition(snapshot.position))?.position == JournalPosition(snapshot.position))
        }
        // Without its base, a snapshot cannot be restored: a clear error, not a wrong state.
        let dependent = try #require(try chain(of: store).first { $0.base != nil })
        try store.environment.write { txn in
            _ = try dependent.base!.bigEndianBytes.withUnsafeBytes { try txn.delete(store.snapshots, key: $0) }
        }
        let error = #expect(throws: ProjectionStore.StoreError.self) { _ = try store.snapshot(atOrBefore: JournalPosition(dependent.position)) }
        #expect(error?.description.contains("rebuild the projection") == true)
    }

    @Test func aSnapshotAlreadyStoredIsKeptSoTheSnapshotsCompressedAgainstItStillRestore() throws {
        let scenario = try Scenario()
        let interval = 600
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: UInt64(interval))
        try hire(1000, into: scenario)
        try promote(1...700, to: "Data Manager", in: scenario)
        _ = try store.catchUp(scenario.journal)
        #expect(try chain(of: store).map(\.base) == [nil, 600])
        // Another process writes the first snapshot again, its workers in another order (as a
        // state loaded from the store lists them): the stored one is kept.
        var first = try #require(try store.snapshot(atOrBefore: JournalPosition(600)))
        var again = ProjectionStore.Snapshot(of: &first)
        again.records.reverse()
        let other = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: UInt64(interval))
        try other.write(ProjectionStore.PendingWrite(
            expected: first.position, position: first.position, clock: first.clock, records: [], batches: [], applied: [],
            snapshot: again, snapshotOnly: true))
        for position in [600, 1200] {
            var folded = DesiredState(rules: scenario.rules)
            try scenario.journal.read { snapshot in
                try snapshot.forEachEvent(through: JournalPosition(UInt64(position))) { event in
                    try folded.apply(event)
                    return true
                }
            }
            #expect(try store.snapshot(atOrBefore: JournalPosition(UInt64(position)))?.allProjections == folded.allProjections, "snapshot at \(position)")
        }
    }

    @Test func aSnapshotWithARecordThatDoesNotDecodeFailsToRestore() throws {
        let scenario = try Scenario()
        let workers = ProjectionStore.recordsPerFrame * 2 + 100
        try hire(workers, into: scenario)
        var state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        var snapshot = ProjectionStore.Snapshot(of: &state)
        // A record of an unknown coding in the second of three frames: the first and the last
        // decode, and are put away again.
        snapshot.records[ProjectionStore.recordsPerFrame + 7] = [0xFF]
        let stored = try snapshot.stored().bytes
        #expect(throws: (any Error).self) {
            try stored.withUnsafeBytes { try ProjectionStore.state(fromSnapshot: $0, rules: scenario.rules) }
        }
    }

    @Test func aRecordWhoseTextIsNotUTF8DoesNotDecode() throws {
        let scenario = try Scenario()
        try hire(3, into: scenario)
        let state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        let zoe = try #require(state[worker: EmployeeID(rawValue: "E3")])
        var record = zoe.encoded(rules: scenario.rules)
        #expect(try record.withUnsafeBytes { try WorkerProjection(decoding: $0, rules: scenario.rules) } == zoe)
        // "ë" is C3 AB; C3 28 is not UTF-8.
        let at = try #require(record.indices.first { record[$0] == 0xC3 && record[$0 + 1] == 0xAB })
        record[at + 1] = 0x28
        #expect(throws: (any Error).self) {
            try record.withUnsafeBytes { try WorkerProjection(decoding: $0, rules: scenario.rules) }
        }
    }

    @Test func aWorkerEndedByTheirTerminationDateStaysSoThroughTheirRecord() throws {
        let scenario = try Scenario()
        try hire(1, into: scenario)
        try scenario.record("E1", .changed(.terminationDate, old: nil, new: "2026-11-20"), at: "2026-11-29T10:00:00Z", effective: instant("2026-11-20T00:00:00Z"))
        let state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        let ended = try #require(state[worker: EmployeeID(rawValue: "E1")])
        #expect(ended.endedByDate && ended.user?.status == .deactivated)
        let record = ended.encoded(rules: scenario.rules)
        let decoded = try record.withUnsafeBytes { try WorkerProjection(decoding: $0, rules: scenario.rules) }
        #expect(decoded == ended)
        var employed = ended
        employed.endedByDate = false
        #expect(employed.encoded(rules: scenario.rules) != record)
    }

    @Test func rulesAndCoursesNamedByReferenceOrWrittenOutDecodeAsTheyWere() throws {
        let scenario = try Scenario()
        try hire(1, into: scenario)
        let state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        let hired = try #require(state[worker: EmployeeID(rawValue: "E1")])
        let at = instant("2026-12-01T09:30:00Z")
        // A rule of the rules file and a built-in policy (references), and rules and a version
        // the table does not hold (written out).
        let leadership = Provenance(rule: "leadership", ruleSet: scenario.rules.version, cause: JournalPosition(1), at: at)
        let unknown = Provenance(rule: "a rule of other rules", ruleSet: scenario.rules.version, cause: JournalPosition(1 << 40), at: at)
        let older = Provenance(rule: "scope", ruleSet: String(repeating: "cd", count: 32), cause: JournalPosition(300), at: at)
        var records: [[UInt8]] = []
        for (index, status) in LMSUser.Status.allCases.enumerated() {
            for type in EmploymentType.allCases {
                for workerStatus in WorkerStatus.allCases {
                    var projection = hired
                    projection.worker.employmentType = type
                    projection.worker.status = workerStatus
                    var user = try #require(projection.user)
                    user.status = status
                    user.statusProvenance = [leadership, unknown, older][index]
                    user.groups["Odd group"] = unknown
                    user.groups["Older group"] = older
                    // The trigger's own course (a reference), another course under the same
                    // trigger (written out), and a course of a rule the table does not hold.
                    user.assignments["Leadership_101"] = Assignment(course: "Leadership_101", due: LocalDate(year: 2026, month: 12, day: 31), provenance: leadership)
                    user.assignments["Leadership_202"] = Assignment(course: "Leadership_202", due: nil, provenance: leadership)
                    user.assignments["Elsewhere"] = Assignment(course: "Elsewhere", due: nil, provenance: unknown)
                    projection.user = user
                    let record = projection.encoded(rules: scenario.rules)
                    #expect(try record.withUnsafeBytes { try WorkerProjection(decoding: $0, rules: scenario.rules) } == projection, "\(status) \(type) \(workerStatus)")
                    records.append(record)
                }
            }
        }
        // Every status and type has a code of its own, and a code of none does not decode.
        #expect(Set(records).count == records.count)
        #expect(EmploymentType(code: 5) == nil && WorkerStatus(code: 4) == nil && LMSUser.Status(code: 3) == nil)
        // The rules file's ids and the built-in policies are in the table, each trigger with its course.
        let references = RecordReferences(scenario.rules)
        for id in RecordReferences.policies + scenario.rules.groups.map(\.id) { #expect(references.index(of: id).map { references.rules[$0] } == id) }
        for trigger in scenario.rules.triggers {
            let index = try #require(references.index(of: trigger.id))
            #expect(references.courses[index] == trigger.course)
        }
        #expect(references.index(of: "a rule of other rules") == nil)
    }

    @Test func recordsWriteMapsInKeyOrderWhateverTheirSize() {
        for size in 0...6 {
            var random = SystemRandomNumberGenerator()
            let keys = (0..<size).map { "group-\($0)-\(random.next() % 1000)" }
            let map = Dictionary(keys.map { ($0, $0.count) }, uniquingKeysWith: { first, _ in first })
            var seen: [String] = []
            ByteWriter.forEachInKeyOrder(map) { key, value in
                #expect(map[key] == value)
                seen.append(key)
            }
            #expect(seen == map.keys.sorted(), "\(size) entries")
        }
    }

    @Test func workersEncodedOnSeveralCoresAreTheBytesOfEachEncodedAlone() throws {
        let scenario = try Scenario()
        try hire(DesiredState.parallelEncoding + 500, into: scenario)
        try scenario.record("E7", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-30T10:00:00Z")
        var state = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        let alone = state.allProjections.map { $0.encoded(rules: scenario.rules) }
        let shared = state.allEncodings()
        #expect(shared.count == alone.count)
        #expect(shared == alone)
        // The projections are left as they were (each user is moved out and back while encoded).
        #expect(state.allProjections.map { $0.encoded(rules: scenario.rules) } == alone)
    }
}

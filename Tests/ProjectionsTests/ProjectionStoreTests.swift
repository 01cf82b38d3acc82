import Foundation
import Journal
import LMDBKit
import JournalTestSupport
import Projections
import Rules
import Testing
import Workforce

/// The projection store: checkpointed state, blue/green rebuilds, snapshots for as-of queries.
@Suite struct ProjectionStoreTests {
    /// A month of workflows, caught up into `store` after every step when given.
    func story(_ scenario: Scenario, catchingUp store: ProjectionStore? = nil) throws {
        func step(_ body: () throws -> Void) throws {
            try body()
            if let store { _ = try store.catchUp(scenario.journal) }
        }
        try step { try scenario.hire(worker("E1", first: "María", last: "González", preferred: "Mia"), at: "2026-11-02T09:00:00Z") }
        try step { try scenario.hire(worker("E2"), at: "2026-11-02T09:00:01Z") }
        try step { try scenario.hire(worker("C1", type: .contractor), at: "2026-11-02T09:00:02Z") }
        try step { try scenario.hire(worker("S1", location: "SYD", zone: "Australia/Sydney", hired: date(2026, 12, 1)), at: "2026-11-03T09:00:00Z") }
        try step { try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-05T10:00:00Z") }
        try step { try scenario.record("E2", .changed(.location, old: "LON", new: "NYC"), at: "2026-11-06T10:00:00Z") }
        try step { try scenario.snapshot("b1", absent: ["E2"], at: "2026-11-07T02:00:00Z") }
        try step { try scenario.snapshot("b2", at: "2026-11-08T02:00:00Z") }
        try step { try scenario.snapshot("b3", at: "2026-11-09T02:00:00Z") }
        try step { try scenario.restore("E2", at: "2026-11-10T10:00:00Z") }
        try step { try scenario.record("C1", .converted(from: .contractor, to: .fullTime), at: "2026-11-11T10:00:00Z") }
        try step { try scenario.terminate("E1", on: date(2026, 11, 20), zone: "Europe/London", at: "2026-11-12T10:00:00Z") }
        try step { try scenario.record("E1", .rehired(worker("E1", first: "María", last: "Okafor", hired: date(2026, 12, 2))), at: "2026-11-25T10:00:00Z") }
        // HR still reports E2 active; only the last day is sent ahead.
        try step {
            try scenario.record("E2", .changed(.terminationDate, old: nil, new: "2026-11-28"), at: "2026-11-26T10:00:00Z", effective: instant("2026-11-28T05:00:00Z"))
        }
    }

    @Test func aRebuildUnderUnchangedRulesReproducesTheLiveStateByteForByte() throws {
        let scenario = try Scenario()
        let live = try ProjectionStore(root: scenario.directory.child("live"), rules: scenario.rules, snapshotInterval: 4)
        try story(scenario, catchingUp: live)
        let rebuilt = try ProjectionStore(root: scenario.directory.child("rebuilt"), rules: scenario.rules, snapshotInterval: 4)
        let state = try rebuilt.catchUp(scenario.journal)

        let liveRecords = try live.records()
        let rebuiltRecords = try rebuilt.records()
        #expect(liveRecords.count == 4)
        #expect(liveRecords.map(\.key) == rebuiltRecords.map(\.key))
        #expect(liveRecords.map(\.value) == rebuiltRecords.map(\.value))
        #expect(try live.checkpoint == rebuilt.checkpoint)
        // And both equal the plain fold of the journal.
        let replayed = try Replay(now: nil).run(scenario.journal, rules: scenario.rules)
        #expect(state.users == replayed.users)
        #expect(try live.load().users == replayed.users)
    }

    @Test func asOfFromSnapshotsEqualsAFullReplayAtEveryInstant() throws {
        let scenario = try Scenario()
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: 3)
        try story(scenario)
        let live = try store.catchUp(scenario.journal)
        for time in [
            "2026-11-01T00:00:00Z", "2026-11-02T09:00:01Z", "2026-11-05T12:00:00Z", "2026-11-07T02:00:00Z", "2026-11-09T02:00:00Z",
            "2026-11-10T10:00:00Z", "2026-11-12T10:00:00Z", "2026-11-20T00:00:00Z", "2026-11-28T04:59:59Z", "2026-11-28T05:00:00Z",
            "2026-11-30T13:00:00Z", "2026-12-02T00:00:00Z",
        ] {
            var fromStore = try store.state(asOf: instant(time), journal: scenario.journal, live: live)
            fromStore.advance(to: instant(time))
            let replayed = try Replay(asOf: instant(time)).run(scenario.journal, rules: scenario.rules)
            #expect(fromStore.users == replayed.users, "as of \(time)")
        }
    }

    /// The store of rules no longer in force: caught up through the adoption that replaced them,
    /// it answers as of any instant before, from its own snapshots, without a live state.
    @Test func aStoreCaughtUpThroughALimitAnswersAsOfBeforeItFromItsSnapshots() throws {
        let scenario = try Scenario()
        try story(scenario)
        let limit = try scenario.journal.read { try $0.position(recordedAtOrBefore: instant("2026-11-10T10:00:00Z")) }
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: 3)
        let folded = try store.catchUp(scenario.journal, through: limit)
        #expect(folded.position == limit)
        #expect(try store.checkpoint == limit)
        // Asked to go less far, it stays where it is.
        #expect(try store.catchUp(scenario.journal, through: JournalPosition(2)).position == limit)
        #expect(try store.checkpoint == limit)
        func expectReplayed(_ store: ProjectionStore, _ times: [String]) throws {
            for time in times {
                var fromStore = try store.state(asOf: instant(time), journal: scenario.journal, live: nil)
                fromStore.advance(to: instant(time))
                let replayed = try Replay(asOf: instant(time)).run(scenario.journal, rules: scenario.rules)
                #expect(fromStore.users == replayed.users, "as of \(time)")
            }
        }
        try expectReplayed(store, ["2026-11-02T09:00:01Z", "2026-11-05T12:00:00Z", "2026-11-07T02:00:00Z", "2026-11-09T02:00:00Z", "2026-11-10T10:00:00Z"])

        // Snapshots from the limit on only (as for rules adopted there): the save leaves a marker
        // at the limit, which answers from the records, and the events after it are folded.
        let marked = try ProjectionStore(root: scenario.directory.child("marked"), rules: scenario.rules, snapshotInterval: 100, snapshotsFrom: limit)
        _ = try marked.catchUp(scenario.journal, through: limit)
        #expect(try marked.snapshot(atOrBefore: limit)?.position == limit)
        try expectReplayed(marked, ["2026-11-05T12:00:00Z", "2026-11-10T10:00:00Z", "2026-11-12T10:00:00Z", "2026-11-30T13:00:00Z"])
    }

    @Test func oneWorkersAsOfFromTheirOwnEventsEqualsAFullReplay() throws {
        let scenario = try Scenario()
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules)
        try story(scenario, catchingUp: store)
        for time in [
            "2026-11-02T09:00:01Z", "2026-11-05T12:00:00Z", "2026-11-07T02:00:00Z", "2026-11-08T02:00:00Z", "2026-11-09T02:00:00Z",
            "2026-11-10T10:00:00Z", "2026-11-12T10:00:00Z", "2026-11-20T00:00:00Z", "2026-11-28T04:59:59Z", "2026-11-28T05:00:00Z",
            "2026-11-30T13:00:00Z", "2026-12-02T00:00:00Z",
        ] {
            let replayed = try Replay(asOf: instant(time)).run(scenario.journal, rules: scenario.rules)
            for id in ["E1", "E2", "C1", "S1"].map(EmployeeID.init(rawValue:)) {
                let alone = try store.worker(id, asOf: instant(time), journal: scenario.journal)
                #expect(alone?.user == replayed.workers[id]?.user, "\(id) as of \(time)")
                #expect(alone?.worker == replayed.workers[id]?.worker, "\(id) as of \(time)")
            }
        }
    }

    @Test func asOfBeforeAndAfterAChangeDiffersByExactlyThatChange() throws {
        let scenario = try Scenario()
        try story(scenario)
        let before = try scenario.state(at: "2026-11-05T09:59:59Z")
        let after = try scenario.state(at: "2026-11-05T10:00:00Z")
        let difference = StateDifference(from: before.users, to: after.users)
        // Read in place from the states, the same difference.
        let inPlace = StateDifference(from: before, to: after)
        #expect(inPlace.assignmentsAdded.map(\.id) == difference.assignmentsAdded.map(\.id) && inPlace.isEmpty == difference.isEmpty)
        #expect(StateDifference(from: before, to: before).isEmpty)
        #expect(before.userIDs.sorted() == before.users.keys.sorted())
        #expect(before.userIDs.allSatisfy { before[user: $0] == before.users[$0] })
        // Over the whole month (users added, statuses, groups, courses, names), both ways agree.
        let (early, late) = (try scenario.state(at: "2026-11-03T00:00:00Z"), try scenario.state(at: "2026-12-02T00:00:00Z"))
        func summary(_ difference: StateDifference) -> [String] {
            [
                "\(difference.usersAdded)", "\(difference.usersRemoved)", "\(difference.statusChanges.map { "\($0.id) \($0.from) \($0.to)" })",
                "\(difference.groupsAdded.map { "\($0.id) \($0.group)" })", "\(difference.groupsRemoved.map { "\($0.id) \($0.group)" })",
                "\(difference.assignmentsAdded.map { "\($0.id) \($0.course)" })", "\(difference.assignmentsRemoved.map { "\($0.id) \($0.course)" })",
                "\(difference.dueDatesChanged.map { "\($0.id) \($0.course) \(String(describing: $0.from)) \(String(describing: $0.to))" })",
                "\(difference.profilesChanged)",
            ]
        }
        for (from, to) in [(early, late), (late, early)] {
            #expect(summary(StateDifference(from: from, to: to)) == summary(StateDifference(from: from.users, to: to.users)))
            #expect(!StateDifference(from: from, to: to).isEmpty)
        }
        #expect(difference.assignmentsAdded.map(\.id) == [EmployeeID(rawValue: "E1")])
        #expect(difference.assignmentsAdded.map(\.course) == ["Leadership_101"])
        #expect(difference.usersAdded.isEmpty && difference.usersRemoved.isEmpty && difference.statusChanges.isEmpty)
        #expect(difference.groupsAdded.isEmpty && difference.groupsRemoved.isEmpty && difference.profilesChanged.isEmpty)
        #expect(difference.assignmentsRemoved.isEmpty && difference.dueDatesChanged.isEmpty)
    }

    @Test func aSaveOvertakenByAnotherCatchUpWritesNothing() throws {
        let scenario = try Scenario()
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules)
        try scenario.hire(worker("E1"), at: "2026-11-02T09:00:00Z")
        var stale = try store.catchUp(scenario.journal)
        try scenario.record("E1", .changed(.jobTitle, old: "Data Analyst", new: "Data Manager"), at: "2026-11-05T10:00:00Z")
        let current = try store.catchUp(scenario.journal)
        // A state loaded before the other catch-up folds the same event and tries to save.
        try scenario.journal.read { snapshot in
            try snapshot.forEachEvent(from: stale.position.next) { event in
                try stale.apply(event)
                return true
            }
        }
        #expect(throws: ProjectionStore.StoreError.self) { try store.save(&stale) }
        #expect(try store.checkpoint == current.position)
        #expect(try store.load().users == current.users)
    }

    @Test func aDamagedPayloadStopsTheReplayWithAnErrorAndNoWorkerIsSaved() throws {
        let scenario = try Scenario()
        let store = try ProjectionStore(root: scenario.directory.child("store"), rules: scenario.rules, snapshotInterval: 1000)
        // More than one chunk of the reading thread, in one append.
        try scenario.journal.append(try (1...5000).map { index in
            ProposedEvent(subject: "E\(index)", type: "worker.hired.v1", payload: try WorkerEvent.hired(worker("E\(index)")).payload())
        })
        try scenario.journal.append([ProposedEvent(subject: "E1", type: "worker.changed.v1", payload: Array(#"{"field":"job_title","#.utf8))])
        #expect(throws: (any Error).self) { try Replay(now: nil).run(scenario.journal, rules: scenario.rules) }
        #expect(throws: (any Error).self) { try store.catchUp(scenario.journal) }
        // The workers and the checkpoint are written at the end of a catch-up: none of them is.
        #expect(try store.checkpoint == .start)
        #expect(try store.records().isEmpty)
        // The snapshots taken on the way are kept, each the fold of the journal to its interval
        // boundary (how far the fold got before the error depends on the reader's chunks).
        let kept = try #require(try store.snapshot(atOrBefore: JournalPosition(5000)))
        #expect(kept.position.rawValue % 1000 == 0)
        #expect(kept.workerCount == Int(kept.position.rawValue))
    }

    @Test func aStoreWrittenInAnotherFormatStartsAgainFromTheJournal() throws {
        let scenario = try Scenario()
        let root = scenario.directory.child("stores")
        try story(scenario)
        let live = try ProjectionStore(root: root, rules: scenario.rules).catchUp(scenario.journal)
        // An older Roster's store: another format number.
        do {
            var configuration = Environment.Configuration(path: root + "/" + scenario.rules.version.prefix(16))
            configuration.databases = ["meta"]
            let environment = try Environment(configuration)
            try environment.write { txn in try txn.put(environment.database("meta"), key: Array("format".utf8), value: [1]) }
        }
        let reopened = try ProjectionStore(root: root, rules: scenario.rules)
        #expect(try reopened.checkpoint == .start)
        #expect(try reopened.catchUp(scenario.journal).users == live.users)
    }

    @Test func aStoreRefusesAnotherRuleSetsFolder() throws {
        let scenario = try Scenario()
        let root = scenario.directory.child("stores")
        _ = try ProjectionStore(root: root, rules: scenario.rules)
        var other = scenario.rules
        other.version = String(repeating: "ab", count: 8) + String(repeating: "cd", count: 24)
        #expect(throws: ProjectionStore.StoreError.self) { try ProjectionStore(root: root, rules: other) }
    }
}

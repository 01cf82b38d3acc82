import ByteCoding
import Foundation
import Journal
import Synchronization
import LMDBKit
import Rules
import Workforce

/// The LMS desired-state projection on disk, in an LMDB environment of its own for each rule-set
/// version (`<root>/<first 16 hex digits of the version>`): blue/green, so a rebuild under new
/// rules never touches the live one.
///
/// Each save writes the workers changed since the last one, the batches' feeds and the
/// checkpoint (the last journal position folded, and the clock) in one transaction: the stored
/// state is always exactly the fold of the journal up to its checkpoint. Every
/// ``snapshotInterval`` events a compressed snapshot of the whole state is kept too, so a query
/// as of any instant folds at most that many events.
///
/// - Important: one process writes a store at a time (the journal's writer lock already makes
///   the caller the only writer); readers may use it concurrently.
public final class ProjectionStore: Sendable {
    public let path: String
    public let rules: RuleSet
    /// What the stored records name by reference under ``rules``.
    let references: RecordReferences
    /// Events between snapshots.
    public let snapshotInterval: UInt64
    /// The journal position from which this store answers as-of queries: where its rules were
    /// adopted (when they were not the first), since before it the rules then in force answer.
    /// Snapshots are taken at it, then at every interval boundary after it; a catch-up from the
    /// start (a rebuild for rules being adopted now) takes none of the history's, and its one
    /// snapshot is of the state its save writes, encoded once for both.
    public let snapshotsFrom: JournalPosition
    let environment: Environment
    let meta: Database
    let workers: Database
    let batches: Database
    let snapshots: Database
    /// Applied batches by feed: `feed 0x00 position` to the recorded time.
    let applied: Database
    /// The transactional outbox's index: the employee IDs whose LMS user still needs commands,
    /// written with the projection change that caused them. The commands are worked out from
    /// the worker's stored record, read in the same transaction.
    let outboxDatabase: Database

    /// The layout of the store and its snapshots; a store in another starts again (4: snapshots
    /// in frames compressed one by one; 5: records name the rule set by reference; 6: and its
    /// rule ids and courses, ``RecordReferences``; 7: snapshot frames compressed against the
    /// snapshot before; 8: a termination date on a worker HR reports employed schedules their
    /// deactivation, so stores folded before are folded again; 9: an archive names the absence
    /// as its cause, whatever ended the grace period; 10: a save's snapshot is a marker standing
    /// for the records it writes until the next write, ``RecordsSnapshot``).
    static let formatVersion: UInt8 = 10

    /// The state as this process last saved it: a catch-up that finds the checkpoint unmoved
    /// starts from it instead of reading and decoding every worker again (a daemon catches up
    /// several times a second). Another process's save moves the checkpoint and so bypasses it.
    private let lastSaved = Mutex<DesiredState?>(nil)
    /// The last snapshot this process wrote, decompressed: the next one's frames are compressed
    /// against its frames (see ``Snapshot/stored(against:)``). Kept only once it is committed.
    private let lastSnapshot = Mutex<Snapshot.Plain?>(nil)
    private let catchingUp = NSLock()

    /// Why a store cannot be used.
    public struct StoreError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Opens (creating when missing) the store for `rules` under `root`, keeping snapshots from
    /// `snapshotsFrom` on (see ``snapshotsFrom``).
    public init(root: String, rules: RuleSet, snapshotInterval: UInt64 = 100_000, snapshotsFrom: JournalPosition = .start) throws {
        self.rules = rules
        references = RecordReferences(rules)
        self.snapshotInterval = max(1, snapshotInterval)
        self.snapshotsFrom = snapshotsFrom
        path = root + "/" + rules.version.prefix(16)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var configuration = Environment.Configuration(path: path)
        configuration.databases = ["meta", "workers", "batches", "snapshots", "applied", "outbox"]
        configuration.initialMapSize = 64 << 20
        environment = try Environment(configuration)
        meta = environment.database("meta")
        workers = environment.database("workers")
        batches = environment.database("batches")
        snapshots = environment.database("snapshots")
        applied = environment.database("applied")
        outboxDatabase = environment.database("outbox")
        let (stored, format) = try environment.read { txn in
            (try txn.value(meta, key: Array("rules".utf8)), try txn.value(meta, key: Array("format".utf8)))
        }
        if let stored {
            guard String(decoding: stored, as: UTF8.self) == rules.version else {
                throw StoreError(description: "\(path) holds a projection under other rules; remove the folder and it is rebuilt from the journal")
            }
        }
        if stored == nil || format != [Self.formatVersion] {
            // New, or written by another version of Roster: the store is derived, so it starts
            // again and the next catch-up rebuilds it from the journal.
            try environment.write { txn in
                for database in [meta, workers, batches, snapshots, applied, outboxDatabase] { try txn.clear(database) }
                try txn.put(meta, key: Array("rules".utf8), value: Array(rules.version.utf8))
                try txn.put(meta, key: Array("format".utf8), value: [Self.formatVersion])
            }
        }
    }

    /// The last journal position the stored state has folded.
    public var checkpoint: JournalPosition {
        get throws {
            try environment.read { txn in
                try txn.value(meta, key: Array("position".utf8)).map { JournalPosition(Self.number($0)) }
            } ?? .start
        }
    }

    /// The state at the journal's head, nothing written: the stored state, with the events
    /// journaled since folded in memory. For a look that must not change the store (a plan's
    /// comparison with the live rules, which an adoption is about to supersede). When this
    /// process saved the store last, its state is shared, and folding events into it copies
    /// every worker once (a daemon's live store is seldom more than a few events behind).
    @available(*, noasync, message: "reads the journal synchronously")
    public func foldedState(_ journal: Journal) throws -> DesiredState {
        var state = try load()
        try state.fold(journal)
        return state
    }

    /// The stored state.
    public func load() throws -> DesiredState {
        if let saved = lastSaved.withLock({ $0 }), try saved.position == checkpoint { return saved }
        return try loadStored()
    }

    /// The stored state, to change: the one this process last saved, when the store has not moved
    /// since, is taken out of the cache, so that folding into it changes it in place. (With the
    /// cache still holding it, the first change copied every worker: a catch-up of one webhook
    /// cost a copy of the whole workforce.)
    func loadToChange() throws -> DesiredState {
        let saved = lastSaved.withLock { cached in
            defer { cached = nil }
            return cached
        }
        if let saved, try saved.position == checkpoint { return saved }
        return try loadStored()
    }

    /// The state as the store holds it.
    private func loadStored() throws -> DesiredState {
        try environment.read { txn in try storedState(in: txn) }
    }

    /// The state as the store holds it in `txn`: every worker's record (in key order), the
    /// batches' feeds and the checkpoint.
    func storedState(in txn: borrowing some TransactionReading & ~Copyable) throws -> DesiredState {
        // The records' bytes, lent by the transaction, decoded on every core into their places.
        let values = try txn.withCursor(workers) { cursor in
            var values: [UnsafeRawBufferPointer] = []
            var entry = try cursor.first()
            while let current = entry {
                values.append(current.value)
                entry = try cursor.next()
            }
            return values
        }
        var state = DesiredState(rules: rules)
        state.restore(contentsOf: try Self.decodeRecords(values, references: references))
        state.batchFeeds = try batchFeeds(in: txn)
        if let (position, clock) = try storedCheckpoint(in: txn) { state.restoreCheckpoint(position: position, clock: clock) }
        state.markLoaded()
        return state
    }

    /// Workers' records decoded in order, shared out among the cores above a few thousand (a
    /// plan or a first read of a store decodes every worker: 0.4 s for 110,000 on one core).
    /// Room is left for workers hired later. On a failure nothing is left initialized, and the
    /// first part's error is thrown.
    static func decodeRecords(_ values: [UnsafeRawBufferPointer], references: RecordReferences) throws -> [WorkerProjection] {
        let parts = values.count < 4_096 ? 1 : 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        var failures = [(any Error)?](repeating: nil, count: parts)
        let projections = try [WorkerProjection](unsafeUninitializedCapacity: values.count + values.count / 8) { output, initialized in
            failures.withUnsafeMutableBufferPointer { failures in
                nonisolated(unsafe) let (failures, output, values) = (failures, output, values)
                @Sendable func decode(part: Int) {
                    let range = values.count * part / parts..<values.count * (part + 1) / parts
                    var decoded = range.lowerBound
                    do {
                        while decoded < range.upperBound {
                            (output.baseAddress! + decoded).initialize(to: try WorkerProjection(decoding: values[decoded], references: references))
                            decoded += 1
                        }
                    } catch {
                        (output.baseAddress! + range.lowerBound).deinitialize(count: decoded - range.lowerBound)
                        failures[part] = error
                    }
                }
                if parts == 1 { decode(part: 0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: decode) }
            }
            if let failed = failures.firstIndex(where: { $0 != nil }) {
                for part in 0..<parts where failures[part] == nil {
                    let range = values.count * part / parts..<values.count * (part + 1) / parts
                    (output.baseAddress! + range.lowerBound).deinitialize(count: range.count)
                }
                throw failures[failed]!
            }
            initialized = values.count
        }
        return projections
    }

    /// The checkpoint the store holds in `txn` (the last position folded and the clock); nil for
    /// a store never saved.
    func storedCheckpoint(in txn: borrowing some TransactionReading & ~Copyable) throws -> (position: JournalPosition, clock: Timestamp)? {
        guard let position = try txn.value(meta, key: Array("position".utf8)), let clock = try txn.value(meta, key: Array("clock".utf8)) else {
            return nil
        }
        return (JournalPosition(Self.number(position)), Timestamp(rawValue: Int64(bitPattern: Self.number(clock))))
    }

    /// Every stored worker record's key and bytes in `txn`, in key order.
    func storedRecords(in txn: borrowing some TransactionReading & ~Copyable) throws -> [(key: [UInt8], value: [UInt8])] {
        try txn.withCursor(workers) { cursor in
            var records: [(key: [UInt8], value: [UInt8])] = []
            var entry = try cursor.first()
            while let current = entry {
                records.append((Array(current.key), Array(current.value)))
                entry = try cursor.next()
            }
            return records
        }
    }

    /// Each batch's feed, as the store holds them in `txn`.
    func batchFeeds(in txn: borrowing some TransactionReading & ~Copyable) throws -> [String: String] {
        try txn.withCursor(batches) { cursor in
            var feeds: [String: String] = [:]
            var entry = try cursor.first()
            while let current = entry {
                feeds[String(decoding: current.key, as: UTF8.self)] = String(decoding: current.value, as: UTF8.self)
                entry = try cursor.next()
            }
            return feeds
        }
    }

    /// Writes what changed in `state` since it was loaded or last saved, and its checkpoint, in
    /// one transaction; when a snapshot is due (an interval boundary crossed, or the adoption
    /// reached), a marker for it, which these records are (``RecordsSnapshot``).
    @available(*, noasync, message: "writes synchronously")
    public func save(_ state: inout DesiredState) throws {
        try write(try prepare(&state))
    }

    /// What a save writes, taken from a state (which then counts as saved).
    struct PendingWrite: Sendable {
        var expected: JournalPosition
        var position: JournalPosition
        var clock: Timestamp
        /// Each changed worker's record and outbox index entry (whether their user still needs
        /// commands), in the order they changed: ``write(_:)`` sorts them.
        var records: [DesiredState.StoredRecord]
        var batches: [(batch: String, feed: String)]
        var applied: [(feed: String, position: JournalPosition, at: Timestamp)]
        /// The snapshot, when one is due and the records are not written with it (a long
        /// catch-up's, between its start and its end).
        var snapshot: Snapshot?
        /// A snapshot is due at ``position``, which is where the records written with it leave
        /// the store: they are the snapshot until a later write changes them (see
        /// ``RecordsSnapshot``).
        var recordsSnapshot = false
        /// Only the snapshot is written: the checkpoint and the records stay as they are.
        var snapshotOnly = false
    }

    /// True when the state has reached ``snapshotsFrom`` since its last snapshot, or passed an
    /// interval boundary after it.
    private func needsSnapshot(_ state: DesiredState) -> Bool {
        guard state.position >= snapshotsFrom else { return false }
        return state.snapshotPosition < snapshotsFrom
            || state.position.rawValue / snapshotInterval > state.snapshotPosition.rawValue / snapshotInterval
    }

    /// Takes what changed out of `state`, on the caller's thread (the state is read).
    func prepare(_ state: inout DesiredState) throws -> PendingWrite {
        let expected = state.savedPosition
        let records = state.encodeChanged()
        let snapshotDue = needsSnapshot(state)
        if snapshotDue { state.markSnapshotted() }
        let pending = PendingWrite(
            expected: expected, position: state.position, clock: state.clock, records: records,
            batches: state.dirtyBatches.sorted().compactMap { batch in state.batchFeeds[batch].map { (batch, $0) } },
            applied: state.appliedSnapshots, snapshot: nil, recordsSnapshot: snapshotDue)
        state.markSaved()
        return pending
    }

    /// The snapshot of `state` when one is due, alone: what a long catch-up writes between its
    /// start and its end. The workers' records are written once, by the save at the end, rather
    /// than every interval (a rebuild changes most workers in every interval); a catch-up that
    /// stops early starts again from the last checkpoint, with the snapshots kept.
    func prepareSnapshot(_ state: inout DesiredState) -> PendingWrite? {
        guard needsSnapshot(state) else { return nil }
        let snapshot = Snapshot(of: &state)
        state.markSnapshotted()
        return PendingWrite(
            expected: state.savedPosition, position: state.position, clock: state.clock, records: [], batches: [], applied: [],
            snapshot: snapshot, snapshotOnly: true)
    }

    /// Writes `pending` in one transaction, unless another process moved the store meanwhile.
    func write(_ pending: consuming PendingWrite) throws {
        let base = lastSnapshot.withLock { $0 }
        // Compressed before the transaction, so the writer's lock is not held for it: a
        // catch-up's snapshot, and the one the records about to be replaced are (a marker at
        // the checkpoint), made from them.
        let made = try pending.snapshot.map { try $0.stored(against: base) }
        pending.snapshot = nil
        let replaced = pending.snapshotOnly ? nil : try recordsSnapshot(at: pending.expected)
        // Taken out of `pending`, so the sort has them to itself and moves them in place.
        let unsorted = pending.records
        pending.records = []
        let records = DesiredState.StoredRecord.inKeyOrder(consume unsorted)
        // A rebuild's hundred thousand records are freed on another thread once written: the
        // caller waits for the write, not for that.
        defer { if records.count >= DesiredState.parallelEncoding { DispatchQueue.global().async { withExtendedLifetime(records) {} } } }
        // Whether this snapshot went in. One already stored at its position is kept: it holds
        // the same state, but perhaps its workers in another order (a state loaded from the
        // store lists them by ID), and later snapshots may be compressed against its bytes.
        var inserted = false
        func putSnapshot(_ snapshot: [UInt8], _ txn: inout WriteTransaction) throws -> Bool {
            do {
                try txn.put(snapshots, key: pending.position.rawValue.bigEndianBytes, value: snapshot, flags: .noOverwrite)
                return true
            } catch let error as LMDBError where error.isKeyExists {
                return false
            }
        }
        let saved: Bool = try environment.write { txn in
            if pending.snapshotOnly {
                if let made { inserted = try putSnapshot(made.bytes, &txn) }
                return true
            }
            // Another process caught the store up meanwhile: its state is this one's, or later;
            // writing ours over part of it would mix two checkpoints.
            let stored = try txn.value(meta, key: Array("position".utf8)).map { JournalPosition(Self.number($0)) } ?? .start
            guard stored == pending.expected else { return false }
            if let replaced { try txn.put(snapshots, key: stored.rawValue.bigEndianBytes, value: replaced) }
            if stored == .start {
                // The store is empty (a rebuild's save): every key is new and they come in order,
                // so LMDB appends them, each where the last left its cursor.
                try txn.withWriteCursor(workers) { workers in
                    try txn.withWriteCursor(outboxDatabase) { outbox in
                        // By index, each record's bytes lent: a `for` loop copied each record,
                        // its key and value retained and released.
                        try records.withUnsafeBufferPointer { records in
                            for index in records.indices {
                                try records[index].key.withUnsafeBytes { key in
                                    try records[index].value.withUnsafeBytes { try workers.put(key: key, value: $0, flags: .append) }
                                    if records[index].pending { try outbox.put(key: key, value: UnsafeRawBufferPointer(start: nil, count: 0), flags: .append) }
                                }
                            }
                        }
                    }
                }
            } else {
                for record in records {
                    try txn.put(workers, key: record.key, value: record.value)
                    if record.pending {
                        try txn.put(outboxDatabase, key: record.key, value: [])
                    } else {
                        try record.key.withUnsafeBytes { _ = try txn.delete(outboxDatabase, key: $0) }
                    }
                }
            }
            for (batch, feed) in pending.batches { try txn.put(batches, key: Array(batch.utf8), value: Array(feed.utf8)) }
            for (feed, position, at) in pending.applied {
                try txn.put(applied, key: Self.appliedKey(feed, position), value: UInt64(bitPattern: at.rawValue).bigEndianBytes)
            }
            try txn.put(meta, key: Array("position".utf8), value: pending.position.rawValue.bigEndianBytes)
            try txn.put(meta, key: Array("clock".utf8), value: UInt64(bitPattern: pending.clock.rawValue).bigEndianBytes)
            if pending.recordsSnapshot {
                _ = try putSnapshot(RecordsSnapshot.marker(position: pending.position, clock: pending.clock), &txn)
            }
            return true
        }
        guard saved else { throw StoreError(description: Self.overtaken) }
        // The next snapshot is compressed against this one only if these are the stored bytes.
        if let made { lastSnapshot.withLock { $0 = inserted ? made.plain : nil } }
    }

    static let overtaken = "another process updated the projection store meanwhile; run the command again"


    /// Folds the journal's events after the checkpoint into the stored state, taking a snapshot
    /// at every interval boundary and saving the workers and the checkpoint at the end, and
    /// returns the state (its clock where the journal's last event left it).
    ///
    /// `limit`: the last event to fold (the whole journal when nil). A store of rules no longer
    /// in force is caught up through the end of their time in force only.
    @available(*, noasync, message: "reads and writes synchronously")
    public func catchUp(_ journal: Journal, through limit: JournalPosition? = nil) throws -> DesiredState {
        // One catch-up at a time in this process (the daemon's scheduler and its delivery both
        // catch up): the second waits and finds the state the first saved, instead of reading the
        // whole store again because the first had taken it.
        catchingUp.lock()
        defer { catchingUp.unlock() }
        // Another process catching up at the same time overtakes this one at most a few times.
        for _ in 0..<3 {
            do {
                return try catchUpOnce(journal, through: limit)
            } catch let error as StoreError where error.description == Self.overtaken {
                continue
            }
        }
        return try catchUpOnce(journal, through: limit)
    }

    private func catchUpOnce(_ journal: Journal, through limit: JournalPosition?) throws -> DesiredState {
        var state = try loadToChange()
        if let limit, state.position >= limit {
            lastSaved.withLock { $0 = state }
            return state
        }
        // Room for the journal's subjects when folding from the start, made while the first
        // events are read. Counted before the reading starts: a second read of the journal while
        // the reader holds one could wait on it for a map resize, while the reader waits on the fold.
        let subjects = state.position == .start ? try journal.read { try $0.subjectCount() } : 0
        let interval = snapshotInterval
        // Snapshots are written on another thread while the fold goes on, in order, two at most
        // ahead; the last save on this one, after them.
        let writer = BackgroundWriter(store: self)
        do {
            // The snapshot at ``snapshotsFrom`` waits for the next event: when there is none (a
            // rebuild for rules adopted now), the save at the end takes it with the records.
            var adoptionSnapshotDue = false
            try FoldInputs.forEach(
                in: journal, from: state.position.next, through: limit,
                prepare: { if subjects > 0 { state.reserveCapacity(workers: subjects) } },
                ahead: { state.prefetch(for: $0, $1) }
            ) { input in
                if adoptionSnapshotDue, let snapshot = prepareSnapshot(&state) { try writer.enqueue(snapshot) }
                state.apply(consume input)
                adoptionSnapshotDue = state.position == snapshotsFrom
                if state.position.rawValue % interval == 0, let snapshot = prepareSnapshot(&state) { try writer.enqueue(snapshot) }
                return true
            }
        } catch {
            _ = try? writer.finish()
            throw error
        }
        try writer.finish()
        // The last save is written on this thread, after the snapshots before it: nothing is left
        // to overlap it with. (On the writer's, LMDB's page for each record came from a memory
        // arena that grows a page at a time, an mprotect call and a page fault each.)
        if state.position != state.savedPosition { try write(try prepare(&state)) }
        if state.position == state.savedPosition { lastSaved.withLock { $0 = state } }
        return state
    }


    static func appliedKey(_ feed: String, _ position: JournalPosition) -> [UInt8] {
        Array(feed.utf8) + [0] + position.rawValue.bigEndianBytes
    }

    static func number(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { UInt64(bigEndianBytes: $0) }
    }

    /// Every stored worker record's key and bytes, in key order: what "byte for byte" compares.
    public func records() throws -> [(key: [UInt8], value: [UInt8])] {
        try environment.read { txn in try storedRecords(in: txn) }
    }
}

import CPrefetch
import Foundation
import Journal
import Rules
import Workforce

/// What the LMS should hold, folded from the journal under one rule set: every worker's
/// projection, with the clock the journal has reached.
///
/// The fold is pure. Time moves with the journal: before each event, every moment due by its
/// recorded time fires (a first day, a termination taking effect, the end of a grace period), at
/// its own due time; `schedule.fired.v1` events and ``advance(to:)`` move the clock further.
public struct DesiredState: Sendable {
    public let rules: RuleSet
    /// Every worker's projection, in the order first seen; `slots` finds one by ID. An array,
    /// so a step mutates its element in place (a dictionary's value would be copied).
    private var projections: [WorkerProjection] = []
    /// Each worker's slot by employee ID, looked up once an event (a `StringMap`: a dictionary
    /// spent a tenth of the fold hashing IDs).
    private var slots = StringMap<Int>()
    /// The latest moment the fold has reached.
    public private(set) var clock = Timestamp(rawValue: 0)
    /// The moment of the event being folded, or the instant the fold was last advanced to: a
    /// tick's event moves ``clock`` to the instant it fired for, which may be later than when it
    /// was recorded; this stays at its recording, for ``TraceEntry/derived``.
    private var reached = Timestamp(rawValue: .min)
    /// The last journal event folded.
    public private(set) var position = JournalPosition.start
    /// When set, every change to this worker's LMS user is kept in ``trail``, with its cause.
    public var tracing: EmployeeID?
    public private(set) var trail: [TraceEntry] = []

    var batchFeeds: [String: String] = [:]
    var absentees: [String: Set<EmployeeID>] = [:]
    var timers = TimerQueue()
    /// Applied batches of each feed since the state was loaded or saved, for the store's index
    /// (a single worker's replay counts the snapshots they were missing from).
    public private(set) var appliedSnapshots: [(feed: String, position: JournalPosition, at: Timestamp)] = []
    /// Each worker's stored form as last encoded, by slot (empty until encoded).
    private var encodings: [[UInt8]] = []
    /// Workers (by slot) and batches changed since the state was loaded or saved.
    private var dirtySlots: [Int] = []
    private var isDirty: [Bool] = []
    private(set) var dirtyBatches: Set<String> = []
    /// Workers (by slot) changed since they were last encoded: a long catch-up encodes for each
    /// snapshot, but writes the workers' records once, at its end.
    private var staleSlots: [Int] = []
    private var isStale: [Bool] = []

    public init(rules: RuleSet) {
        self.rules = rules
    }

    /// One derived change of the traced worker's LMS user.
    public struct TraceEntry: Sendable, Equatable {
        /// The journal event that caused it (for a timer: the event that set the timer).
        public var cause: JournalPosition
        /// The moment it took effect (for a timer: its due moment).
        public var at: Timestamp
        public var changes: [LMSChange]
        /// When the change was made: `at`, unless a tick fired it ahead of its moment (then when the
        /// tick was recorded). Which rules were in force is read from here.
        public var derived: Timestamp

        public init(cause: JournalPosition, at: Timestamp, changes: [LMSChange], derived: Timestamp) {
            self.cause = cause
            self.at = at
            self.changes = changes
            self.derived = derived
        }
    }

    /// Makes room for `workers` workers (a fold from the start knows the journal's subjects,
    /// of which they are most), so the projections are not moved, and their slots' map not
    /// rebuilt, each time they outgrow their room.
    public mutating func reserveCapacity(workers: Int) {
        projections.reserveCapacity(workers)
        let bytes = projections.capacity * MemoryLayout<WorkerProjection>.stride
        projections.withUnsafeBufferPointer { projections in
            // Nothing to advise for an empty journal (an array with no memory of its own).
            if bytes > 0, let base = projections.baseAddress { roster_advise_huge_pages(UnsafeRawPointer(base), bytes) }
        }
        slots.reserveCapacity(workers)
        isDirty.reserveCapacity(workers)
        isStale.reserveCapacity(workers)
        dirtySlots.reserveCapacity(workers)
        staleSlots.reserveCapacity(workers)
    }

    /// The projection of worker `id`, if the journal has told of them.
    public subscript(worker id: EmployeeID) -> WorkerProjection? {
        slots[id.rawValue].map { projections[$0] }
    }

    /// The earliest moment a timer is set for (a first day, a termination, a grace period's end),
    /// or nil; it may have been moved since, so firing it may find nothing due.
    public var nextMoment: Timestamp? { timers.earliest }

    /// How many workers the journal has told of.
    public var workerCount: Int { projections.count }

    /// Every worker's projection, by employee ID (a copy of them all: not for hot paths).
    public var workers: [EmployeeID: WorkerProjection] {
        Dictionary(uniqueKeysWithValues: projections.map { ($0.worker.id, $0) })
    }

    /// Every worker's projection, in the order first seen.
    public var allProjections: [WorkerProjection] { projections }

    /// Encodes every worker changed since they were last encoded, keeping the encodings for the
    /// records and snapshots to come.
    mutating func encodeStale() {
        if encodings.count < projections.count { encodings += Array(repeating: [], count: projections.count - encodings.count) }
        let references = RecordReferences(rules)
        if staleSlots.count >= Self.parallelEncoding {
            // A snapshot's tens of thousands of workers are shared out among the cores: the fold
            // waits for them, and the other core has room (its reader and writer wait too).
            let stale = staleSlots
            projections.withUnsafeMutableBufferPointer { projections in
                encodings.withUnsafeMutableBufferPointer { encodings in
                    let shared = EncodingWork(projections: projections, encodings: encodings, stale: stale, references: references)
                    DispatchQueue.concurrentPerform(iterations: Self.encodingParts) { part in shared.encode(part: part, of: Self.encodingParts) }
                }
            }
        } else {
            for slot in staleSlots { encodings[slot] = WorkerProjection.encode(&projections[slot], references: references) }
        }
        for slot in staleSlots { isStale[slot] = false }
        staleSlots.removeAll(keepingCapacity: true)
    }

    /// Stale workers from which encoding is shared out among the cores.
    static let parallelEncoding = 4096
    /// How many parts the encoding is cut into (more than the cores, so one slow part does not
    /// hold the rest back).
    static let encodingParts = 8

    /// The workers of a state and their encodings, for threads encoding distinct slots of them.
    private struct EncodingWork: @unchecked Sendable {
        let projections: UnsafeMutableBufferPointer<WorkerProjection>
        let encodings: UnsafeMutableBufferPointer<[UInt8]>
        let stale: [Int]
        let references: RecordReferences

        /// Encodes the `part`-th of `parts` runs of the stale workers: each slot by one thread only.
        func encode(part: Int, of parts: Int) {
            for index in stale.count * part / parts..<stale.count * (part + 1) / parts {
                let slot = stale[index]
                encodings[slot] = WorkerProjection.encode(&projections[slot], references: references)
            }
        }
    }

    /// What a save writes of every worker changed since the state was loaded or saved, in the
    /// order they changed (``StoredRecord/inKeyOrder(_:)`` sorts them, on the writer's thread):
    /// their stored form keyed by employee ID (kept too for the next snapshot), and whether the
    /// LMS still lacks something of their desired user (their outbox index entry).
    mutating func encodeChanged() -> [StoredRecord] {
        encodeStale()
        let dirty = dirtySlots
        guard dirty.count >= Self.parallelEncoding else {
            return dirty.map { slot in StoredRecord(&projections[slot], encoding: encodings[slot]) }
        }
        // A rebuild's hundred thousand records (a key made, the outbox's question asked, the
        // encoding shared), shared out among the cores as the encoding was.
        return projections.withUnsafeMutableBufferPointer { projections in
            encodings.withUnsafeBufferPointer { encodings in
                [StoredRecord](unsafeUninitializedCapacity: dirty.count) { records, initialized in
                    nonisolated(unsafe) let (projections, encodings, records) = (projections, encodings, records)
                    DispatchQueue.concurrentPerform(iterations: Self.encodingParts) { part in
                        // Each index, and so each slot, by one thread only.
                        for index in dirty.count * part / Self.encodingParts..<dirty.count * (part + 1) / Self.encodingParts {
                            let slot = dirty[index]
                            (records.baseAddress! + index).initialize(to: StoredRecord(&projections[slot], encoding: encodings[slot]))
                        }
                    }
                    initialized = dirty.count
                }
            }
        }
    }

    /// A worker's record as a save writes it.
    struct StoredRecord: Sendable {
        /// The employee ID's bytes.
        var key: [UInt8]
        var value: [UInt8]
        /// Whether the LMS still lacks something of their desired user.
        var pending: Bool

        init(key: [UInt8], value: [UInt8], pending: Bool) {
            self.key = key
            self.value = value
            self.pending = pending
        }

        /// The record of `projection`, whose stored form is `encoding`: keyed by the employee ID,
        /// with its outbox index entry. Read through an inout access: read through an array's or
        /// a buffer's subscript, the projection was copied first, every string and map retained.
        init(_ projection: inout WorkerProjection, encoding: [UInt8]) {
            self.init(key: Array(projection.worker.id.rawValue.utf8), value: encoding, pending: projection.needsDelivery)
        }

        /// The key's first eight bytes as a big-endian number (zeros after a shorter key): records
        /// in this order are in key order, as far as those eight bytes tell.
        var keyPrefix: UInt64 {
            var prefix: UInt64 = 0
            for index in 0..<8 { prefix = prefix << 8 | UInt64(index < key.count ? key[index] : 0) }
            return prefix
        }

        /// `records` in key order: by the keys' first eight bytes as one number, the rest
        /// compared as bytes only when those are equal (compared as arrays, even through memcmp,
        /// sorting a rebuild's hundred thousand records took a twentieth of a second).
        ///
        /// The records are put in place by swapping them along the permutation's cycles: copied
        /// into a new array, each record's key and value were retained, and released again with
        /// the old array (a rebuild's IDs, `E1`, `E2`, ..., `E10`, are hired out of key order).
        static func inKeyOrder(_ records: consuming [StoredRecord]) -> [StoredRecord] {
            var order = records.indices.map { (prefix: records[$0].keyPrefix, index: $0) }
            order.sort { first, second in
                if first.prefix != second.prefix { return first.prefix < second.prefix }
                return records[first.index].keyPrecedes(records[second.index])
            }
            var sorted = consume records
            sorted.withUnsafeMutableBufferPointer { sorted in
                // `order[place].index` is the record that belongs at `place`; each place is
                // filled once, by following its cycle back to where it started.
                var placed = [Bool](repeating: false, count: sorted.count)
                for start in sorted.indices where !placed[start] {
                    var place = start
                    while true {
                        placed[place] = true
                        let from = order[place].index
                        if from == start { break }
                        sorted.swapAt(place, from)
                        place = from
                    }
                }
            }
            return sorted
        }

        /// Whether this record's key comes before `other`'s in byte order (a prefix before what it begins).
        func keyPrecedes(_ other: StoredRecord) -> Bool {
            key.withUnsafeBytes { a in
                other.key.withUnsafeBytes { b in
                    let common = min(a.count, b.count)
                    let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                    return order != 0 ? order < 0 : a.count < b.count
                }
            }
        }
    }

    /// The stored form of every worker, in the order first seen (deterministic for a journal).
    mutating func allEncodings() -> [[UInt8]] {
        encodeStale()
        let references = RecordReferences(rules)
        for slot in projections.indices where encodings[slot].isEmpty { encodings[slot] = WorkerProjection.encode(&projections[slot], references: references) }
        return encodings
    }


    /// Every worker's outbox commands, workers in the order first seen.
    public var outbox: [LMSCommand] {
        projections.withUnsafeBufferPointer { projections in projections.flatMap(\.commands) }
    }

    /// Folds the journal's events after this state's position, through `last` (the journal's head
    /// when nil): read and decoded on another thread, each worker fetched ahead.
    @available(*, noasync, message: "reads the journal synchronously")
    public mutating func fold(_ journal: Journal, through last: JournalPosition? = nil) throws {
        try FoldInputs.forEach(in: journal, from: position.next, through: last, ahead: { prefetch(for: $0, $1) }) { input in
            apply(consume input)
            return true
        }
    }

    /// The desired user of worker `id`, read in place (nil when there is none).
    public subscript(user id: EmployeeID) -> LMSUser? {
        guard let slot = slots[id.rawValue] else { return nil }
        return projections[slot].user
    }

    /// The distinct values the workers hold of `attribute`, read in place.
    public func valuesHeld(of attribute: WorkerAttribute) -> Set<String> {
        var values: Set<String> = []
        for slot in projections.indices {
            if let value = attribute.value(in: projections[slot].worker) { values.insert(value) }
        }
        return values
    }

    /// The employee IDs of the workers with a desired user, in no order.
    public var userIDs: [EmployeeID] {
        var ids: [EmployeeID] = []
        ids.reserveCapacity(projections.count)
        // By index: a `for` loop over the array would copy every projection.
        for slot in projections.indices where projections[slot].user != nil { ids.append(projections[slot].worker.id) }
        return ids
    }

    /// The LMS users, by employee ID.
    public var users: [EmployeeID: LMSUser] {
        var users: [EmployeeID: LMSUser] = [:]
        users.reserveCapacity(projections.count)
        // By index: a `for` loop over the array would copy every projection.
        for slot in projections.indices { if let user = projections[slot].user { users[projections[slot].worker.id] = user } }
        return users
    }

    /// Folds one recorded event. `moment` is when it happens for the fold: its recorded time
    /// unless a valid-time query says otherwise.
    public mutating func apply(_ event: RecordedEvent, at moment: Timestamp? = nil) throws {
        apply(try FoldInput(event), at: moment)
    }

    /// Folds one decoded event (see ``apply(_:at:)``), taking it over: a hire's worker is moved
    /// into their projection, not copied.
    public mutating func apply(_ input: consuming FoldInput, at moment: Timestamp? = nil) {
        let moment = moment ?? input.recordedAt
        reached = moment
        let cause = input.position
        let hash = input.workerHash
        position = cause
        switch input.intoKind() {
        case .worker(let id, let event, let effectiveAt):
            fire(upTo: moment)
            apply(event, to: id, hash: hash, effectiveAt: effectiveAt, cause: cause, moment: moment)
        case .hire(let id, let hired, let effectiveAt):
            fire(upTo: moment)
            // An input is folded once (it is consumed); a copy of it folded again would find its
            // worker gone and lose the hire.
            guard let worker = hired.take() else { preconditionFailure("the hire at \(cause) was folded twice") }
            apply(hired: worker, to: id, hash: hash, effectiveAt: effectiveAt, cause: cause, moment: moment)
        case .batchReceived(let batch, let feed):
            fire(upTo: moment)
            batchFeeds[batch] = feed
            dirtyBatches.insert(batch)
        case .batchApplied(let batch):
            fire(upTo: moment)
            guard let feed = batchFeeds[batch] else { return }
            appliedSnapshots.append((feed, cause, moment))
            snapshotApplied(feed: feed, cause: cause, moment: moment)
        case .restored(let id):
            fire(upTo: moment)
            let step = WorkerProjection.Step(rules: rules, cause: cause, moment: moment)
            update(id, cause: cause, moment: moment) { $0.restore(step: step) }
        case .scheduleFired(let now):
            fire(upTo: max(moment, now))
        case .lms(let id, let answer):
            fire(upTo: moment)
            update(id, cause: cause, moment: moment) { $0.acknowledge(answer, position: cause) }
        case .other:
            break
        }
    }


    /// An applied batch of `feed`: every worker missing from it counts one more snapshot missed.
    public mutating func snapshotApplied(feed: String, cause: JournalPosition, moment: Timestamp) {
        advance(to: moment)
        guard let missing = absentees[feed] else { return }
        let step = WorkerProjection.Step(rules: rules, cause: cause, moment: moment)
        for id in missing.sorted() { update(id, cause: cause, moment: moment) { $0.missedSnapshot(step: step) } }
    }

    /// Fires everything due by `instant`; returns what fired, worker by worker.
    @discardableResult
    public mutating func advance(to instant: Timestamp) -> [(id: EmployeeID, effect: ScheduledEffect)] {
        if instant > reached { reached = instant }
        return fire(upTo: instant)
    }

    /// Fires what is due by `instant`, as the fold reaches it.
    @discardableResult
    mutating func fire(upTo instant: Timestamp) -> [(id: EmployeeID, effect: ScheduledEffect)] {
        if instant > clock { clock = instant }
        // Nothing due: the common case, before every event of a replay, left without copying the
        // rules (a reference count taken and dropped, on the fold's busiest path).
        guard let earliest = timers.earliest, earliest <= instant else { return [] }
        var fired: [(id: EmployeeID, effect: ScheduledEffect)] = []
        let rules = self.rules
        while let earliest = timers.earliest, earliest <= instant, let (_, slot) = timers.popEarliest() {
            guard let due = WorkerProjection.nextDue(of: &projections[slot], rules: rules), due.at <= instant else { continue }
            var effects: [ScheduledEffect] = []
            update(slot: slot, cause: nil, moment: due.at) { effects = $0.fireDue(upTo: instant, rules: rules) }
            if !effects.isEmpty {
                let id = projections[slot].worker.id
                fired += effects.map { (id, $0) }
            }
        }
        return fired
    }

    /// Fires, for each worker, what is due by the instant `cutoff` gives for them (a valid-time
    /// query ends each worker at the end of the date in their own time zone).
    public mutating func advance(each cutoff: (WorkerProjection) -> Timestamp) {
        let rules = self.rules
        let order = projections.indices.sorted { projections[$0].worker.id < projections[$1].worker.id }
        for slot in order {
            let until = cutoff(projections[slot])
            update(slot: slot, cause: nil, moment: until) { _ = $0.fireDue(upTo: until, rules: rules) }
        }
    }

    /// Brings into the caches what folding `input` will read first, `lookahead` inputs before it
    /// is folded: far ahead, the entry of its worker's slot; near, the worker's projection. A
    /// replay reads them at random places in a hundred megabytes, and waited on memory for each.
    /// Changes nothing; `mutating` so the caller's closure reaches the state in place (a
    /// non-mutating call copied the whole state, every array retained, for each input).
    public mutating func prefetch(for input: UnsafePointer<FoldInput>, _ lookahead: FoldInputs.Lookahead) {
        let hash = input.pointee.workerHash
        guard hash != 0 else { return }
        switch lookahead {
        case .far:
            slots.prefetch(hash: hash)
        case .near:
            guard let slot = slots.probableValue(hash: hash) else { return }
            projections.withUnsafeBufferPointer { projections in
                roster_prefetch(projections.baseAddress! + slot, MemoryLayout<WorkerProjection>.stride)
            }
        }
    }

    /// Folds `event` into worker `id`'s projection; `hash` is the ID's ``StringMap`` hash, or 0
    /// for the fold to work it out.
    mutating func apply(
        _ event: consuming WorkerEvent, to id: EmployeeID, hash: UInt64 = 0, effectiveAt: Timestamp?, cause: JournalPosition, moment: Timestamp
    ) {
        let step = WorkerProjection.Step(rules: rules, cause: cause, moment: moment)
        // The worker's slot, looked up once (hashing the employee ID was a sixth of the fold; the
        // reading thread now hashes it).
        let hash = hash != 0 ? hash : StringMap<Int>.hash(id.rawValue)
        let slot = slots[id.rawValue, hash: hash]
        trackAbsence(of: id, in: slot, event)
        guard let slot else {
            guard case .hired(let worker) = event else { return }
            add(worker, id: id, hash: hash, effectiveAt: effectiveAt, step: step)
            return
        }
        update(slot: slot, cause: cause, moment: moment) { $0.apply(event, effectiveAt: effectiveAt, step: step) }
    }

    /// Folds a hire of `worker` (see ``apply(_:to:hash:effectiveAt:cause:moment:)``): a worker
    /// the journal has not told of is moved into their new projection.
    mutating func apply(
        hired worker: consuming Worker, to id: EmployeeID, hash: UInt64, effectiveAt: Timestamp?, cause: JournalPosition, moment: Timestamp
    ) {
        let hash = hash != 0 ? hash : StringMap<Int>.hash(id.rawValue)
        guard slots[id.rawValue, hash: hash] != nil else {
            add(worker, id: id, hash: hash, effectiveAt: effectiveAt, step: WorkerProjection.Step(rules: rules, cause: cause, moment: moment))
            return
        }
        apply(.hired(worker), to: id, hash: hash, effectiveAt: effectiveAt, cause: cause, moment: moment)
    }

    /// A new worker's projection, from their hire (`worker` moved in).
    private mutating func add(_ worker: consuming Worker, id: EmployeeID, hash: UInt64, effectiveAt: Timestamp?, step: WorkerProjection.Step) {
        let slot = projections.count
        slots.insert(slot, for: id.rawValue, hash: hash)
        projections.append(WorkerProjection(hired: worker, effectiveAt: effectiveAt, step: step))
        isDirty.append(false)
        isStale.append(false)
        if let due = WorkerProjection.nextDue(of: &projections[slot], rules: rules)?.at { timers.insert(due, slot) }
        update(slot: slot, cause: step.cause, moment: step.moment) { $0.settle(step, rule: "hire") }
    }

    /// Keeps the feeds' absentees in step with `event` (lent, not copied).
    private mutating func trackAbsence(of id: EmployeeID, in slot: Int?, _ event: borrowing WorkerEvent) {
        switch event {
        case .absent(let feed, _): absentees[feed, default: []].insert(id)
        case .returned(let feed, _): absentees[feed]?.remove(id)
        case .terminated, .rehired:
            if let slot, let feed = Self.absenceFeed(&projections[slot]) { absentees[feed]?.remove(id) }
        default: break
        }
    }

    /// Runs `body` on worker `id` (see ``update(slot:cause:moment:_:)``); nothing for a worker
    /// the journal has not told of.
    private mutating func update(_ id: EmployeeID, cause: JournalPosition?, moment: Timestamp, _ body: (inout WorkerProjection) -> Void) {
        guard let slot = slots[id.rawValue] else { return }
        update(slot: slot, cause: cause, moment: moment, body)
    }

    /// Runs `body` on the worker in `slot`, then schedules their next moment and traces what changed.
    private mutating func update(slot: Int, cause: JournalPosition?, moment: Timestamp, _ body: (inout WorkerProjection) -> Void) {
        if let tracing, tracing == projections[slot].worker.id {
            updateTraced(slot: slot, cause: cause, moment: moment, body)
            return
        }
        let rules = self.rules
        // In place, and read only through the inout access: reading an array element's computed
        // property copies the whole element, and a copy makes every nested map copy itself.
        // Nothing optional is captured: each such variable was destroyed through the runtime's
        // generic functions, twice an event.
        func step(_ projection: inout WorkerProjection) -> (before: Timestamp?, after: Timestamp?) {
            let before = WorkerProjection.nextDue(of: &projection, rules: rules)?.at
            body(&projection)
            return (before, WorkerProjection.nextDue(of: &projection, rules: rules)?.at)
        }
        let due = step(&projections[slot])
        changed(slot, dueBefore: due.before, dueAfter: due.after)
    }

    /// ``update(slot:cause:moment:_:)`` of the traced worker: what changed of their LMS user is
    /// kept in ``trail`` with its cause.
    private mutating func updateTraced(slot: Int, cause: JournalPosition?, moment: Timestamp, _ body: (inout WorkerProjection) -> Void) {
        let rules = self.rules
        var before: LMSUser?
        var after: LMSUser?
        var dueBefore: Timestamp?
        var dueAfter: Timestamp?
        func step(_ projection: inout WorkerProjection) {
            before = projection.user
            dueBefore = WorkerProjection.nextDue(of: &projection, rules: rules)?.at
            body(&projection)
            dueAfter = WorkerProjection.nextDue(of: &projection, rules: rules)?.at
            after = projection.user
        }
        step(&projections[slot])
        changed(slot, dueBefore: dueBefore, dueAfter: dueAfter)
        if before != after {
            let changes = LMSChange.changes(from: before, to: after)
            if !changes.isEmpty {
                let traced = cause ?? Self.cause(of: changes) ?? position
                trail.append(TraceEntry(cause: traced, at: moment, changes: changes, derived: min(moment, reached)))
            }
        }
    }

    /// Marks the worker in `slot` as changed since the last save and the last encoding, and
    /// schedules their next moment when it moved.
    private mutating func changed(_ slot: Int, dueBefore: Timestamp?, dueAfter: Timestamp?) {
        if let due = dueAfter, due != dueBefore { timers.insert(due, slot) }
        if !isDirty[slot] {
            isDirty[slot] = true
            dirtySlots.append(slot)
        }
        if !isStale[slot] {
            isStale[slot] = true
            staleSlots.append(slot)
        }
    }

    /// The feed `projection` is absent from, read in place.
    private static func absenceFeed(_ projection: inout WorkerProjection) -> String? {
        projection.absence?.feed
    }

    /// Puts back every worker of a snapshot, in the order first seen, into a state that has none:
    /// as ``restore(_:)`` one by one, but the array is kept as it is (with its spare capacity,
    /// for the workers hired after the snapshot) rather than copied element by element.
    mutating func restore(contentsOf restored: consuming [WorkerProjection]) {
        precondition(projections.isEmpty, "restores into a state that has workers")
        let (count, capacity) = (restored.count, restored.capacity)
        // Taken over, not shared: the reads below go through inout access, which would copy
        // every worker of an array someone else still held.
        projections = consume restored
        isDirty = Array(repeating: false, count: count)
        isDirty.reserveCapacity(capacity)
        isStale = isDirty
        slots.reserveCapacity(capacity)
        let rules = self.rules
        for slot in projections.indices {
            let id = projections[slot].worker.id
            slots.insert(slot, for: id.rawValue)
            if projections[slot].archived == nil, let feed = Self.absenceFeed(&projections[slot]) { absentees[feed, default: []].insert(id) }
            if let due = WorkerProjection.nextDue(of: &projections[slot], rules: rules) { timers.insert(due.at, slot) }
        }
    }

    /// Puts back a worker read from a store, with its absence and next moment.
    mutating func restore(_ projection: WorkerProjection) {
        let id = projection.worker.id
        let slot: Int
        if let existing = slots[id.rawValue] {
            slot = existing
            projections[slot] = projection
            if slot < encodings.count { encodings[slot] = [] }
        } else {
            slot = projections.count
            slots.insert(slot, for: id.rawValue)
            projections.append(projection)
            isDirty.append(false)
            isStale.append(false)
        }
        if let absence = projection.absence, projection.archived == nil { absentees[absence.feed, default: []].insert(id) }
        if let due = WorkerProjection.nextDue(of: &projections[slot], rules: rules) { timers.insert(due.at, slot) }
    }

    mutating func restoreCheckpoint(position: JournalPosition, clock: Timestamp) {
        self.position = position
        self.clock = clock
    }

    /// The position the store held when this state was loaded or last saved.
    public private(set) var savedPosition = JournalPosition.start

    /// The position of the store's last snapshot this state knows of: the position it was loaded
    /// at, or of the snapshot it was last written with. A save takes a snapshot when an interval
    /// boundary lies between the two.
    public private(set) var snapshotPosition = JournalPosition.start

    /// Forgets what changed: it has been written.
    public mutating func markSaved() {
        savedPosition = position
        for slot in dirtySlots { isDirty[slot] = false }
        dirtySlots.removeAll(keepingCapacity: true)
        dirtyBatches.removeAll(keepingCapacity: true)
        appliedSnapshots.removeAll(keepingCapacity: true)
    }

    /// As read from a store or a snapshot: nothing changed since.
    mutating func markLoaded() {
        markSaved()
        snapshotPosition = position
    }

    /// A snapshot of the state as it is now has been taken.
    mutating func markSnapshotted() {
        snapshotPosition = position
    }

    /// The cause named by a timer's changes.
    static func cause(of changes: [LMSChange]) -> JournalPosition? {
        for change in changes {
            switch change {
            case .created(let user): return user.statusProvenance.cause
            case .statusChanged(_, _, let provenance): return provenance.cause
            default: continue
            }
        }
        return nil
    }
}


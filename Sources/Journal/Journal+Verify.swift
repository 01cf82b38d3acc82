import ByteCoding
import Digest
import LMDBKit
import ZstdKit

/// What `verify` found: counts, and the problems in journal order (at most a few dozen).
public struct VerificationReport: Sendable {
    /// One thing found wrong.
    public struct Problem: Sendable, CustomStringConvertible {
        /// The first event the problem concerns, when it concerns one.
        public let position: JournalPosition?
        /// The database the problem was found in.
        public let database: String
        /// What is wrong.
        public let message: String
        /// Set when the event is unreadable only because this event, which leads the compressed
        /// block they share, is damaged: a report can say so once for the whole block.
        public let damagedBlockLeader: JournalPosition?

        public var description: String {
            if let position { return "event \(position) (\(database)): \(message)" }
            return "\(database): \(message)"
        }
    }

    /// Events checked.
    public internal(set) var events = 0
    /// Distinct subjects seen.
    public internal(set) var subjects = 0
    /// Appends (commits) seen in the recorded-time index.
    public internal(set) var commits = 0
    /// Dictionaries checked.
    public internal(set) var dictionaries = 0
    /// Idempotency keys checked.
    public internal(set) var idempotencyKeys = 0
    /// The hash of the last event.
    public internal(set) var headHash = EventHash.genesis
    /// What is wrong, in journal order.
    public internal(set) var problems: [Problem] = []

    /// True when nothing is wrong.
    public var isSound: Bool { problems.isEmpty }

    /// The first damaged event, if one is. Damage found in the events themselves (a record
    /// that does not decode or hash) locates it; index disagreements are its echoes, and count
    /// only when no event is damaged.
    public var firstBadPosition: JournalPosition? {
        let inEvents = problems.filter { $0.database == JournalSchema.events }.compactMap(\.position).min()
        return inEvents ?? problems.compactMap(\.position).min()
    }

    static let problemLimit = 50
}

extension Journal {
    /// Checks the whole journal: the gap-free sequence, every record's decoding and hash chain,
    /// every dictionary's checksum, and every index (subjects, recorded time, idempotency, types)
    /// against the events. Reads in short transactions, so a writer may go on meanwhile; the
    /// indexes are checked in the transaction that reaches the head.
    public func verify() throws -> VerificationReport {
        var verifier = Verifier()
        var done = false
        while !done {
            done = try read { snapshot in try verifier.run(snapshot, maxEvents: 100_000) }
        }
        return verifier.report
    }
}

/// The state of one verification pass across read transactions.
struct Verifier {
    var report = VerificationReport()
    var next: UInt64 = 1
    var previousHash = EventHash.genesis.bytes
    /// False after a record that does not decode: its hash is unknown, so the next event's link
    /// to it cannot be checked (its own content still is).
    var previousHashKnown = true
    var previousRecorded: Timestamp?
    var subjects: [String: (version: UInt32, last: UInt64)] = [:]
    /// The current commit: its recorded time and last position.
    var commit: (time: Timestamp, last: UInt64)?
    var commits: [(time: Timestamp, last: UInt64)] = []
    var checkedDictionaries: [UInt32: CompressionDictionary?] = [:]

    /// Events whose record did not decode.
    var damaged: Set<UInt64> = []

    mutating func problem(_ position: UInt64?, _ database: String, _ message: String, damagedBlockLeader: UInt64? = nil) {
        if report.problems.count < VerificationReport.problemLimit {
            report.problems.append(
                .init(
                    position: position.map { JournalPosition($0) }, database: database, message: message,
                    damagedBlockLeader: damagedBlockLeader.map { JournalPosition($0) }))
        }
    }

    /// Verifies up to `maxEvents` events; returns true when it reached the head and checked the indexes.
    mutating func run(_ snapshot: borrowing JournalSnapshot, maxEvents: Int) throws -> Bool {
        let db = snapshot.db
        let txn = snapshot.txn
        var checked = 0
        var reachedEnd = false
        try txn.withCursor(db.events) { cursor in
            var entry = try cursor.seek(atOrAfter: next.bigEndianBytes)
            while let current = entry, checked < maxEvents {
                try verifyEvent(current, snapshot)
                checked += 1
                entry = try cursor.next()
            }
            if entry == nil { reachedEnd = true }
        }
        guard reachedEnd else { return false }
        if let commit { commits.append(commit) }
        try verifyRecordedIndex(snapshot)
        try verifySubjectIndex(snapshot)
        try verifyIdempotency(snapshot)
        try verifyTypesAndDictionaries(snapshot)
        report.subjects = subjects.count
        report.headHash = EventHash(bytes: previousHash)
        return true
    }

    private mutating func verifyEvent(_ entry: Cursor.Entry, _ snapshot: borrowing JournalSnapshot) throws {
        guard entry.key.count == 8 else {
            problem(next, JournalSchema.events, "a key of \(entry.key.count) bytes where sequence keys are 8")
            return
        }
        let position = UInt64(bigEndianBytes: entry.key)
        report.events += 1
        defer { next = position + 1 }
        if position != next {
            problem(next, JournalSchema.events, "the sequence has a gap: event \(next) is missing, the next stored is \(position)")
        }
        let record: EventRecord
        do {
            record = try EventRecord.decode(entry.value)
        } catch let error as EventRecord.Malformed {
            problem(position, JournalSchema.events, "the record does not decode: \(error.reason)")
            damaged.insert(position)
            previousHashKnown = false
            return
        }
        let linkCheckable = previousHashKnown
        defer {
            previousHash = Array(record.hash)
            previousHashKnown = true
        }
        if let previousRecorded, record.recordedAt < previousRecorded {
            problem(position, JournalSchema.events, "recorded time \(record.recordedAt) is before the previous event's \(previousRecorded)")
        }
        previousRecorded = record.recordedAt
        if let commit, commit.time == record.recordedAt {
            self.commit = (commit.time, position)
        } else {
            if let commit { commits.append(commit) }
            commit = (record.recordedAt, position)
        }

        // The subject chain.
        let subject = record.subjectText
        let known = subjects[subject] ?? (0, 0)
        let claimedPrevious = record.subjectPreviousDelta == 0 ? 0 : position &- record.subjectPreviousDelta
        if record.subjectVersion != known.version + 1 || claimedPrevious != known.last {
            problem(
                position,
                JournalSchema.events,
                "subject \(subject) is at version \(record.subjectVersion) after event \(claimedPrevious), "
                    + "but its previous event is \(known.last) at version \(known.version)"
            )
        }
        subjects[subject] = (record.subjectVersion, position)

        // Type, dictionary, body and hashes.
        let type: EventType
        do {
            type = try snapshot.journal.typeTable.name(record.typeID, snapshot.txn, snapshot.db.types)
        } catch {
            problem(position, JournalSchema.events, "event type id \(record.typeID) is not in the types database")
            return
        }
        if record.dictionaryID != 0 {
            guard try checkDictionary(record.dictionaryID, snapshot, firstUse: position) else {
                problem(position, JournalSchema.events, "dictionary \(record.dictionaryID) is missing or damaged")
                return
            }
        }
        // A member of a block whose leader is damaged cannot be read: said as such, not as the
        // leader's damage once more.
        if let block = record.block, block.distance != 0, damaged.contains(position &- block.distance) {
            let leader = position &- block.distance
            problem(position, JournalSchema.events, "unreadable: event \(leader), which leads its compressed block, is damaged", damagedBlockLeader: leader)
            return
        }
        let digest: SHA256Digest
        do {
            let shared = try snapshot.sharedMetadata(recordedAt: record.recordedAt, position: position)
            digest = try snapshot.withBody(of: record, position: position) { body in
                let (metadata, payload) = try EventBody.decode(body, shared: shared)
                var canonical = ByteWriter(capacity: 128)
                EventBody.encodeCanonicalMetadata(metadata, into: &canonical)
                return canonical.bytes.withUnsafeBytes { canonical in
                    EventHasher.contentDigest(
                        type: type.rawValue, subject: record.subject, effectiveAt: record.effectiveAt,
                        metadata: canonical, payload: UnsafeRawBufferPointer(rebasing: body[payload]))
                }
            }
        } catch let error as JournalError {
            problem(position, JournalSchema.events, error.message)
            return
        } catch let error as EventRecord.Malformed {
            problem(position, JournalSchema.events, "the body does not decode: \(error.reason)")
            return
        }
        let expected = previousHash.withUnsafeBytes { previous in
            digest.withUnsafeBytes { digest in
                EventHasher.chainHash(
                    previous: previous,
                    position: position,
                    recordedAt: record.recordedAt,
                    subjectVersion: record.subjectVersion,
                    subjectPrevious: claimedPrevious,
                    contentDigest: digest
                )
            }
        }
        if linkCheckable, !expected.elementsEqual(record.hash) {
            problem(
                position,
                JournalSchema.events,
                "hash mismatch: stored \(EventHash(stored: record.hash).hex.prefix(16))…, "
                    + "computed \(EventHash(expected).hex.prefix(16))…; the event was altered"
            )
        }
    }

    /// Checks a dictionary's checksum and id once; returns whether it is sound.
    private mutating func checkDictionary(_ id: UInt32, _ snapshot: borrowing JournalSnapshot, firstUse: UInt64?) throws -> Bool {
        if let checked = checkedDictionaries[id] { return checked != nil }
        var sound: CompressionDictionary?
        if let value = try snapshot.txn.value(snapshot.db.dictionaries, key: id.bigEndianBytes) {
            if let stored = try? value.withUnsafeBytes({ try StoredDictionary.decode($0) }),
                Array(SHA256.hash(stored.bytes)) == stored.checksum,
                let dictionary = try? CompressionDictionary(id: id, bytes: stored.bytes),
                dictionary.embeddedID == id
            {
                sound = dictionary
            } else {
                problem(firstUse, JournalSchema.dictionaries, "dictionary \(id) fails its checksum or does not load")
            }
        }
        checkedDictionaries[id] = .some(sound)
        return sound != nil
    }

    private mutating func verifyRecordedIndex(_ snapshot: borrowing JournalSnapshot) throws {
        var index = 0
        let expected = commits
        var found: [(UInt64?, String)] = []
        try snapshot.txn.withCursor(snapshot.db.recorded) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                defer { index += 1 }
                guard current.key.count == 8, let decoded = try? CommitEntry.decode(current.value) else {
                    found.append((nil, "entry \(index + 1) does not decode"))
                    entry = try cursor.next()
                    continue
                }
                let time = Timestamp(sortableKey: current.key)
                let last = decoded.last
                if index >= expected.count {
                    found.append((last, "an entry (\(time) -> \(last)) matches no append"))
                } else if expected[index].time != time || expected[index].last != last {
                    found.append(
                        (expected[index].last,
                        "expected \(expected[index].time) -> \(expected[index].last), found \(time) -> \(last)"))
                }
                entry = try cursor.next()
            }
        }
        if index < expected.count {
            found.append((expected[index].last, "the append recorded at \(expected[index].time) has no entry"))
        }
        for (position, message) in found { problem(position, JournalSchema.recorded, message) }
        report.commits = index
    }

    private mutating func verifySubjectIndex(_ snapshot: borrowing JournalSnapshot) throws {
        var seen = 0
        var found: [(UInt64?, String)] = []
        let expected = subjects
        try snapshot.txn.withCursor(snapshot.db.subjects) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                seen += 1
                let subject = String(decoding: current.key, as: UTF8.self)
                if current.value.count != 12 {
                    found.append((nil, "the head of \(subject) is not 12 bytes"))
                } else {
                    let version = UInt32(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.value[0..<4]))
                    let last = UInt64(bigEndianBytes: UnsafeRawBufferPointer(rebasing: current.value[4..<12]))
                    if let known = expected[subject] {
                        if known.version != version || known.last != last {
                            found.append(
                                (min(known.last, last),
                                "the head of \(subject) says version \(version) at event \(last); the events say \(known.version) at \(known.last)"))
                        }
                    } else {
                        found.append((last, "the head of \(subject) names a subject no event has"))
                    }
                }
                entry = try cursor.next()
            }
        }
        if seen < expected.count {
            let missing = expected.filter { subject, _ in
                (try? Journal.subjectHead(snapshot.txn, snapshot.db.subjects, subject)) == nil
            }
            for (subject, head) in missing.prefix(5) {
                found.append((head.last, "subject \(subject) has events but no head"))
            }
        }
        for (position, message) in found.sorted(by: { ($0.0 ?? 0) < ($1.0 ?? 0) }) {
            problem(position, JournalSchema.subjects, message)
        }
    }

    private mutating func verifyIdempotency(_ snapshot: borrowing JournalSnapshot) throws {
        var found: [(UInt64?, String)] = []
        var count = 0
        let commits = Dictionary(commits.map { ($0.last, $0.time) }, uniquingKeysWith: { a, _ in a })
        try snapshot.txn.withCursor(snapshot.db.idempotency) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                count += 1
                if current.value.count < 24 {
                    found.append((nil, "an entry is shorter than 24 bytes"))
                } else {
                    let result = try Journal.decodeIdempotency(current.value)
                    let key = UnsafeRawBufferPointer(rebasing: current.value[24...])
                    if !Array(SHA256.hash(key)).elementsEqual(current.key) {
                        found.append((result.first.rawValue, "the key hash does not match the stored key"))
                    } else if commits[result.last.rawValue] != result.recordedAt || result.first > result.last {
                        found.append((result.first.rawValue, "the key points at events \(result.first)...\(result.last), which are not one append"))
                    }
                }
                entry = try cursor.next()
            }
        }
        for (position, message) in found { problem(position, JournalSchema.idempotency, message) }
        report.idempotencyKeys = count
    }

    private mutating func verifyTypesAndDictionaries(_ snapshot: borrowing JournalSnapshot) throws {
        var expectedID: UInt32 = 1
        var typeProblems: [String] = []
        try snapshot.txn.withCursor(snapshot.db.types) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                let id = current.key.count == 4 ? UInt32(bigEndianBytes: current.key) : 0
                let name = EventType(rawValue: String(decoding: current.value, as: UTF8.self))
                if id != expectedID { typeProblems.append("type ids are not consecutive at \(id)") }
                if let issue = name.validate() { typeProblems.append("type \(id): \(issue)") }
                expectedID = id + 1
                entry = try cursor.next()
            }
        }
        for message in typeProblems { problem(nil, JournalSchema.types, message) }
        var ids: [UInt32] = []
        try snapshot.txn.withCursor(snapshot.db.dictionaries) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                ids.append(current.key.count == 4 ? UInt32(bigEndianBytes: current.key) : 0)
                entry = try cursor.next()
            }
        }
        for id in ids { _ = try checkDictionary(id, snapshot, firstUse: nil) }
        if let active = try Journal.activeDictionaryID(snapshot.txn, snapshot.db.meta), !ids.contains(active) {
            problem(nil, JournalSchema.meta, "the active dictionary \(active) is not stored")
        }
        report.dictionaries = ids.count
    }
}

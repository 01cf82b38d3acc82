import ByteCoding
import Foundation
import Journal
import Rules
import Workforce

/// The binary form of a worker's projection, as the projection store keeps it. Deterministic:
/// maps are written in key order, so equal projections are equal bytes (a rebuild can be
/// compared with the live store byte for byte).
extension WorkerProjection {
    /// The encoding's version, first byte of every record (4: the rule-set version and the
    /// user's names written once, as references, instead of in every provenance and twice;
    /// 5: rule ids and trigger courses by reference, statuses and types as codes, journal
    /// positions as varints).
    static let codingVersion: UInt8 = 5

    /// The record, for a store of the rule set `rules`: every provenance names that version, so
    /// it is written as a one-byte reference (64 hex digits five times over was half of a
    /// record), and the user's names and email, mostly the worker's own, likewise; rule ids
    /// and courses are references into the rule set (``RecordReferences``).
    func encoded(rules: RuleSet) -> [UInt8] {
        var projection = self
        return Self.encode(&projection, references: RecordReferences(rules))
    }

    /// ``encoded(rules:)`` of a projection changed in place (its user is moved out and back:
    /// read from a borrowed projection, the user was copied, every map and string retained).
    static func encode(_ projection: inout WorkerProjection, references: RecordReferences) -> [UInt8] {
        // Put back without `defer`, which copied it (every map and string retained) instead of moving it.
        let user = projection.user.take()
        let bytes = projection.encoded(references: references, user: user)
        projection.user = consume user
        return bytes
    }

    private func encoded(references: RecordReferences, user: LMSUser?) -> [UInt8] {
        var writer = BufferWriter(capacity: 384)
        writer.u8(Self.codingVersion)
        writer.worker(worker)
        var flags: UInt8 = 0
        if started { flags |= 1 }
        if rehirePending { flags |= 2 }
        if endedByDate { flags |= 4 }
        writer.u8(flags)
        writer.optional(activation) { $0.pending($1) }
        writer.optional(termination) { $0.pending($1) }
        writer.optional(absence) { writer, absence in
            writer.string(absence.feed)
            writer.i64(absence.since.rawValue)
            writer.varint(UInt64(absence.snapshots))
            writer.varint(absence.cause.rawValue)
        }
        if let archived {
            writer.u8(1)
            writer.provenance(archived, references: references)
        } else {
            writer.u8(0)
        }
        if let user {
            writer.u8(1)
            writer.user(user, of: worker, references: references)
        } else {
            writer.u8(0)
        }
        writer.varint(changedBy.rawValue)
        writer.optional(lms) { $0.account($1) }
        writer.varint(UInt64(deliveries.count))
        BufferWriter.forEachInKeyOrder(deliveries) { command, failure in
            writer.string(command)
            writer.failure(failure)
        }
        return writer.finish()
    }

    /// Decodes a record of a store under the rules `references` were made from: the version
    /// text, rule ids and courses facts name are then shared rather than made again.
    init(decoding buffer: UnsafeRawBufferPointer, rules: RuleSet) throws {
        try self.init(decoding: buffer, references: RecordReferences(rules))
    }

    init(decoding buffer: UnsafeRawBufferPointer, references: RecordReferences) throws {
        var reader = ByteReader(buffer)
        guard try reader.u8() == Self.codingVersion else { throw ByteReader.Truncated() }
        worker = try reader.worker()
        let flags = try reader.u8()
        started = flags & 1 != 0
        rehirePending = flags & 2 != 0
        endedByDate = flags & 4 != 0
        activation = try reader.optional { try $0.pending() }
        termination = try reader.optional { try $0.pending() }
        absence = try reader.optional { reader in
            Absence(feed: try reader.string(), since: Timestamp(rawValue: try reader.i64()), snapshots: Int(try reader.varint()),
                cause: JournalPosition(try reader.varint()))
        }
        archived = try reader.optional { try $0.provenance(references) }
        user = try reader.optional { [worker] in try $0.user(references, of: worker) }
        user?.employeeID = worker.id
        changedBy = JournalPosition(try reader.varint())
        lms = try reader.optional { try $0.account() }
        let failures = Int(try reader.varint())
        for _ in 0..<failures { deliveries[try reader.string()] = try reader.failure() }
    }
}

extension ByteSink where Self: ~Copyable {
    /// Calls `body` with each entry of `map` in key order (records are deterministic). Maps of a
    /// worker hold a few entries: up to two are ordered without making an array.
    static func forEachInKeyOrder<Key: Comparable, Value>(_ map: [Key: Value], _ body: (Key, Value) -> Void) {
        switch map.count {
        case 0:
            return
        case 1:
            var entries = map.makeIterator()
            let only = entries.next()!
            body(only.key, only.value)
        case 2:
            // Through the iterator: `first` and index arithmetic cost several times as much.
            // Passed on as they come: choosing them into a pair first copied both entries (every
            // string in them retained) and destroyed the copies.
            var entries = map.makeIterator()
            let first = entries.next()!
            let second = entries.next()!
            if first.key < second.key {
                body(first.key, first.value)
                body(second.key, second.value)
            } else {
                body(second.key, second.value)
                body(first.key, first.value)
            }
        default:
            for (key, value) in map.sorted(by: { $0.key < $1.key }) { body(key, value) }
        }
    }

    mutating func optional<T>(_ value: T?, _ body: (inout Self, T) -> Void) {
        guard let value else { return u8(0) }
        u8(1)
        body(&self, value)
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            u8(1)
            string(value)
        } else {
            u8(0)
        }
    }

    mutating func pending(_ pending: WorkerProjection.Pending) {
        i64(pending.at.rawValue)
        varint(pending.cause.rawValue)
    }

    /// A provenance: its rule as a reference when it is one of the table's, its rule-set version
    /// as a reference when it is the store's. Returns the rule's index in the table, if any.
    @discardableResult
    mutating func provenance(_ provenance: Provenance, references: RecordReferences) -> Int? {
        let rule = references.index(of: provenance.rule)
        if let rule {
            varint(UInt64(rule + 1))
        } else {
            varint(0)
            string(provenance.rule)
        }
        shared(provenance.ruleSet, as: references.ruleSet)
        varint(provenance.cause.rawValue)
        i64(provenance.at.rawValue)
        return rule
    }

    /// `text`, as a 0 byte when it is `candidate` (which the reader knows), else 1 and the text.
    mutating func shared(_ text: String, as candidate: String?) {
        if let candidate, text == candidate {
            u8(0)
        } else {
            u8(1)
            string(text)
        }
    }

    mutating func date(_ date: LocalDate?) {
        optional(date) { $0.varint(UInt64(bitPattern: Int64($1.daysSinceEpoch))) }
    }

    mutating func stringMap(_ map: [String: String]) {
        varint(UInt64(map.count))
        Self.forEachInKeyOrder(map) { key, value in
            string(key)
            string(value)
        }
    }

    mutating func worker(_ worker: Worker) {
        string(worker.id.rawValue)
        optionalString(worker.email)
        string(worker.legalFirstName)
        string(worker.legalLastName)
        optionalString(worker.preferredFirstName)
        optionalString(worker.preferredLastName)
        optionalString(worker.jobTitle)
        optionalString(worker.jobCode)
        optionalString(worker.departmentCode)
        optionalString(worker.departmentName)
        optionalString(worker.location)
        string(worker.timeZone)
        optionalString(worker.managerID?.rawValue)
        optionalString(worker.managerEmail)
        optionalString(worker.costCenter)
        u8(worker.employmentType.code)
        u8(worker.status.code)
        date(worker.hireDate)
        date(worker.terminationDate)
        stringMap(worker.custom)
    }

    mutating func profile(_ profile: LMSProfile) {
        string(profile.userName)
        string(profile.givenName)
        string(profile.familyName)
        optionalString(profile.email)
        optionalString(profile.title)
        optionalString(profile.department)
        optionalString(profile.costCenter)
        optionalString(profile.manager?.rawValue)
    }

    mutating func membership(_ membership: LMSMembership) {
        u8(membership.kind == .group ? 0 : 1)
        string(membership.name)
    }

    mutating func account(_ account: LMSAccount) {
        string(account.target)
        optionalString(account.lmsID)
        profile(account.profile)
        u8(account.active ? 1 : 0)
        varint(account.createdBy.rawValue)
        varint(UInt64(account.memberships.count))
        Self.forEachInKeyOrder(account.memberships) { membership, position in
            self.membership(membership)
            varint(position.rawValue)
        }
    }

    mutating func failure(_ failure: DeliveryFailure) {
        varint(UInt64(failure.attempt))
        varint(UInt64(failure.status))
        string(failure.error)
        optional(failure.retryAt) { $0.i64($1.rawValue) }
        u8(failure.dead ? 1 : 0)
    }

    /// An LMS user; its names and email as references where they are the `worker`'s.
    mutating func user(_ user: LMSUser, of worker: Worker, references: RecordReferences) {
        shared(user.userName, as: worker.email)
        shared(user.firstName, as: worker.preferredFirstName ?? worker.legalFirstName)
        shared(user.lastName, as: worker.preferredLastName ?? worker.legalLastName)
        optional(user.email) { $0.shared($1, as: worker.email) }
        u8(user.status.code)
        provenance(user.statusProvenance, references: references)
        // The maps keep their keys in order: written as they are, they read back as they were.
        varint(UInt64(user.groups.count))
        for (group, why) in user.groups {
            string(group)
            provenance(why, references: references)
        }
        varint(UInt64(user.assignments.count))
        for (_, assignment) in user.assignments {
            // The provenance first: its rule's course stands for the course when they agree.
            let rule = provenance(assignment.provenance, references: references)
            shared(assignment.course, as: rule.flatMap { references.courses[$0] })
            date(assignment.due)
        }
        varint(UInt64(user.unmapped.count))
        for (mapping, value) in user.unmapped {
            string(mapping)
            string(value)
        }
    }
}

extension ByteReader {
    mutating func optional<T>(_ body: (inout ByteReader) throws -> T) throws -> T? {
        switch try u8() {
        case 0: return nil
        case 1: return try body(&self)
        default: throw Truncated()
        }
    }

    mutating func optionalString() throws -> String? {
        try optional { try $0.string() }
    }

    /// A string written by ``ByteWriter/shared(_:as:)``: `candidate` itself (not a copy) for a
    /// reference, else the text.
    mutating func string(sharing candidate: String?) throws -> String {
        switch try u8() {
        case 0:
            guard let candidate else { throw Truncated() }
            return candidate
        case 1: return try string()
        default: throw Truncated()
        }
    }

    mutating func pending() throws -> WorkerProjection.Pending {
        WorkerProjection.Pending(at: Timestamp(rawValue: try i64()), cause: JournalPosition(try varint()))
    }

    /// A provenance and its rule's index in the table, if it was written as a reference; its
    /// rule id and rule-set version are the table's own strings (not copies) for references.
    mutating func provenance(_ references: RecordReferences) throws -> (provenance: Provenance, rule: Int?) {
        let reference = try varint()
        let rule: String
        var index: Int?
        if reference == 0 {
            rule = try string()
        } else {
            guard reference <= UInt64(references.rules.count) else { throw Truncated() }
            index = Int(reference - 1)
            rule = references.rules[Int(reference - 1)]
        }
        let version = try string(sharing: references.ruleSet)
        return (Provenance(rule: rule, ruleSet: version, cause: JournalPosition(try varint()), at: Timestamp(rawValue: try i64())), index)
    }

    mutating func provenance(_ references: RecordReferences) throws -> Provenance {
        try provenance(references).provenance
    }

    mutating func date() throws -> LocalDate? {
        try optional { LocalDate(daysSinceEpoch: Int(Int64(bitPattern: try $0.varint()))) }
    }

    mutating func stringMap() throws -> [String: String] {
        let count = Int(try varint())
        var map: [String: String] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count { map[try string()] = try string() }
        return map
    }

    /// A value of an enumeration written as its ``StoredCode/code``.
    mutating func code<T: StoredCode>(_ type: T.Type) throws -> T {
        guard let value = T(code: try u8()) else { throw Truncated() }
        return value
    }

    mutating func worker() throws -> Worker {
        Worker(
            id: EmployeeID(rawValue: try string()), email: try optionalString(), legalFirstName: try string(), legalLastName: try string(),
            preferredFirstName: try optionalString(), preferredLastName: try optionalString(), jobTitle: try optionalString(),
            jobCode: try optionalString(), departmentCode: try optionalString(), departmentName: try optionalString(),
            location: try optionalString(), timeZone: try string(), managerID: try optionalString().map(EmployeeID.init(rawValue:)),
            managerEmail: try optionalString(), costCenter: try optionalString(), employmentType: try code(EmploymentType.self),
            status: try code(WorkerStatus.self), hireDate: try date(), terminationDate: try date(), custom: try stringMap())
    }

    mutating func profile() throws -> LMSProfile {
        LMSProfile(
            userName: try string(), givenName: try string(), familyName: try string(), email: try optionalString(), title: try optionalString(),
            department: try optionalString(), costCenter: try optionalString(), manager: try optionalString().map(EmployeeID.init(rawValue:)))
    }

    mutating func membership() throws -> LMSMembership {
        let kind: LMSMembership.Kind
        switch try u8() {
        case 0: kind = .group
        case 1: kind = .course
        default: throw Truncated()
        }
        return LMSMembership(kind, try string())
    }

    mutating func account() throws -> LMSAccount {
        var account = LMSAccount(
            target: try string(), lmsID: try optionalString(), profile: try profile(), active: try u8() == 1, createdBy: JournalPosition(try varint()))
        let count = Int(try varint())
        for _ in 0..<count { account.memberships[try membership()] = JournalPosition(try varint()) }
        return account
    }

    mutating func failure() throws -> DeliveryFailure {
        DeliveryFailure(
            attempt: Int(try varint()), status: Int(try varint()), error: try string(), retryAt: try optional { Timestamp(rawValue: try $0.i64()) },
            dead: try u8() == 1)
    }

    /// An LMS user; its names and email are the `worker`'s own text (not a copy) where they were
    /// written as references, as they mostly are.
    mutating func user(_ references: RecordReferences, of worker: Worker) throws -> LMSUser {
        let userName = try string(sharing: worker.email)
        let firstName = try string(sharing: worker.preferredFirstName ?? worker.legalFirstName)
        let lastName = try string(sharing: worker.preferredLastName ?? worker.legalLastName)
        let email = try optional { try $0.string(sharing: worker.email) }
        let status = try code(LMSUser.Status.self)
        let statusProvenance: Provenance = try provenance(references)
        let groups = try sortedMap { reader -> (String, Provenance) in (try reader.string(), try reader.provenance(references)) }
        let assignments = try sortedMap { reader in
            let (provenance, rule) = try reader.provenance(references)
            let course = try reader.string(sharing: rule.flatMap { references.courses[$0] })
            return (course, Assignment(course: course, due: try reader.date(), provenance: provenance))
        }
        let unmapped = try sortedMap { try ($0.string(), $0.string()) }
        return LMSUser(
            employeeID: EmployeeID(rawValue: ""), userName: userName, firstName: firstName, lastName: lastName, email: email, status: status,
            statusProvenance: statusProvenance, groups: groups, assignments: assignments, unmapped: unmapped)
    }

    /// A map written by its count, then its entries in key order (as records write them); one
    /// out of order, or twice, is damage.
    mutating func sortedMap<Value>(_ entry: (inout ByteReader) throws -> (String, Value)) throws -> SortedMap<Value> {
        let count = try varint()
        guard count <= UInt64(remaining) else { throw Truncated() }
        var entries: [SortedMap<Value>.Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            let (key, value) = try entry(&self)
            entries.append(SortedMap.Entry(key: key, value: value))
        }
        guard let map = SortedMap(ordered: entries) else { throw Truncated() }
        return map
    }
}

/// An enumeration stored as a one-byte code: its place in ``coded``. The codes are fixed there,
/// apart from the order the cases are declared in: a case is added at the end, and changing a
/// code needs a new ``WorkerProjection/codingVersion``.
protocol StoredCode: Equatable {
    /// Every case, in the order of their codes.
    static var coded: [Self] { get }
    /// The case's place in ``coded``: a switch, since an encoder asks for it three times a record
    /// (searching the table cost more than the rest of the record's codes).
    var code: UInt8 { get }
}

extension StoredCode {
    init?(code: UInt8) {
        guard Int(code) < Self.coded.count else { return nil }
        self = Self.coded[Int(code)]
    }
}

extension EmploymentType: StoredCode {
    static let coded: [EmploymentType] = [.fullTime, .partTime, .contractor, .intern, .temporary]

    var code: UInt8 {
        switch self {
        case .fullTime: 0
        case .partTime: 1
        case .contractor: 2
        case .intern: 3
        case .temporary: 4
        }
    }
}

extension WorkerStatus: StoredCode {
    static let coded: [WorkerStatus] = [.active, .onLeave, .terminated, .pending]

    var code: UInt8 {
        switch self {
        case .active: 0
        case .onLeave: 1
        case .terminated: 2
        case .pending: 3
        }
    }
}

extension LMSUser.Status: StoredCode {
    static let coded: [LMSUser.Status] = [.active, .deactivated, .archived]

    var code: UInt8 {
        switch self {
        case .active: 0
        case .deactivated: 1
        case .archived: 2
        }
    }
}

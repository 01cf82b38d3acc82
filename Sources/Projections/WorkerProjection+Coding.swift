import ByteCoding
import Foundation
import Journal
import Workforce

/// The binary form of a worker's projection, as the projection store keeps it. Deterministic:
/// maps are written in key order, so equal projections are equal bytes (a rebuild can be
/// compared with the live store byte for byte).
extension WorkerProjection {
    /// The encoding's version, first byte of every record (4: the rule-set version and the
    /// user's names written once, as references, instead of in every provenance and twice).
    static let codingVersion: UInt8 = 4

    /// The record, for a store of the rule set `ruleSet`: every provenance names that version,
    /// so it is written as a one-byte reference (64 hex digits five times over was half of a
    /// record), and the user's names and email, mostly the worker's own, likewise.
    func encoded(ruleSet: String) -> [UInt8] {
        var projection = self
        return Self.encode(&projection, ruleSet: ruleSet)
    }

    /// ``encoded(ruleSet:)`` of a projection changed in place (its user is moved out and back:
    /// read from a borrowed projection, the user was copied, every map and string retained).
    static func encode(_ projection: inout WorkerProjection, ruleSet: String) -> [UInt8] {
        let user = projection.user.take()
        defer { projection.user = user }
        return projection.encoded(ruleSet: ruleSet, user: user)
    }

    private func encoded(ruleSet: String, user: LMSUser?) -> [UInt8] {
        var writer = BufferWriter(capacity: 512)
        writer.u8(Self.codingVersion)
        writer.worker(worker)
        var flags: UInt8 = 0
        if started { flags |= 1 }
        if rehirePending { flags |= 2 }
        writer.u8(flags)
        writer.optional(activation) { $0.pending($1) }
        writer.optional(termination) { $0.pending($1) }
        writer.optional(absence) { writer, absence in
            writer.string(absence.feed)
            writer.i64(absence.since.rawValue)
            writer.varint(UInt64(absence.snapshots))
            writer.u64(absence.cause.rawValue)
        }
        if let archived {
            writer.u8(1)
            writer.provenance(archived, ruleSet: ruleSet)
        } else {
            writer.u8(0)
        }
        if let user {
            writer.u8(1)
            writer.user(user, of: worker, ruleSet: ruleSet)
        } else {
            writer.u8(0)
        }
        writer.u64(changedBy.rawValue)
        writer.optional(lms) { $0.account($1) }
        writer.varint(UInt64(deliveries.count))
        BufferWriter.forEachInKeyOrder(deliveries) { command, failure in
            writer.string(command)
            writer.failure(failure)
        }
        return writer.finish()
    }

    /// Decodes a record of a store whose rule set is `ruleSet`: the version text every fact
    /// names is then shared rather than made again (64 characters, a heap allocation each).
    init(decoding buffer: UnsafeRawBufferPointer, ruleSet: String) throws {
        var reader = ByteReader(buffer)
        guard try reader.u8() == Self.codingVersion else { throw ByteReader.Truncated() }
        worker = try reader.worker()
        let flags = try reader.u8()
        started = flags & 1 != 0
        rehirePending = flags & 2 != 0
        activation = try reader.optional { try $0.pending() }
        termination = try reader.optional { try $0.pending() }
        absence = try reader.optional { reader in
            Absence(feed: try reader.string(), since: Timestamp(rawValue: try reader.i64()), snapshots: Int(try reader.varint()),
                cause: JournalPosition(try reader.u64()))
        }
        archived = try reader.optional { try $0.provenance(sharing: ruleSet) }
        user = try reader.optional { [worker] in try $0.user(sharing: ruleSet, of: worker) }
        user?.employeeID = worker.id
        changedBy = JournalPosition(try reader.u64())
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
            var entries = map.makeIterator()
            let first = entries.next()!
            let second = entries.next()!
            let (low, high) = first.key < second.key ? (first, second) : (second, first)
            body(low.key, low.value)
            body(high.key, high.value)
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
        u64(pending.cause.rawValue)
    }

    /// A provenance; its rule-set version as a reference when it is the store's `ruleSet`.
    mutating func provenance(_ provenance: Provenance, ruleSet: String) {
        string(provenance.rule)
        shared(provenance.ruleSet, as: ruleSet)
        u64(provenance.cause.rawValue)
        i64(provenance.at.rawValue)
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
        string(worker.employmentType.rawValue)
        string(worker.status.rawValue)
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
        u64(account.createdBy.rawValue)
        varint(UInt64(account.memberships.count))
        Self.forEachInKeyOrder(account.memberships) { membership, position in
            self.membership(membership)
            u64(position.rawValue)
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
    mutating func user(_ user: LMSUser, of worker: Worker, ruleSet: String) {
        shared(user.userName, as: worker.email)
        shared(user.firstName, as: worker.preferredFirstName ?? worker.legalFirstName)
        shared(user.lastName, as: worker.preferredLastName ?? worker.legalLastName)
        optional(user.email) { $0.shared($1, as: worker.email) }
        string(user.status.rawValue)
        provenance(user.statusProvenance, ruleSet: ruleSet)
        varint(UInt64(user.groups.count))
        Self.forEachInKeyOrder(user.groups) { group, why in
            string(group)
            provenance(why, ruleSet: ruleSet)
        }
        varint(UInt64(user.assignments.count))
        Self.forEachInKeyOrder(user.assignments) { _, assignment in
            string(assignment.course)
            date(assignment.due)
            provenance(assignment.provenance, ruleSet: ruleSet)
        }
        stringMap(user.unmapped)
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
        WorkerProjection.Pending(at: Timestamp(rawValue: try i64()), cause: JournalPosition(try u64()))
    }

    /// A provenance; its rule-set version is `ruleSet` itself (not a copy) for a reference.
    mutating func provenance(sharing ruleSet: String) throws -> Provenance {
        let rule = try string()
        let version = try string(sharing: ruleSet)
        return Provenance(rule: rule, ruleSet: version, cause: JournalPosition(try u64()), at: Timestamp(rawValue: try i64()))
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

    mutating func enumeration<T: RawRepresentable<String>>(_ type: T.Type) throws -> T {
        guard let value = T(rawValue: try string()) else { throw Truncated() }
        return value
    }

    mutating func worker() throws -> Worker {
        Worker(
            id: EmployeeID(rawValue: try string()), email: try optionalString(), legalFirstName: try string(), legalLastName: try string(),
            preferredFirstName: try optionalString(), preferredLastName: try optionalString(), jobTitle: try optionalString(),
            jobCode: try optionalString(), departmentCode: try optionalString(), departmentName: try optionalString(),
            location: try optionalString(), timeZone: try string(), managerID: try optionalString().map(EmployeeID.init(rawValue:)),
            managerEmail: try optionalString(), costCenter: try optionalString(), employmentType: try enumeration(EmploymentType.self),
            status: try enumeration(WorkerStatus.self), hireDate: try date(), terminationDate: try date(), custom: try stringMap())
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
            target: try string(), lmsID: try optionalString(), profile: try profile(), active: try u8() == 1, createdBy: JournalPosition(try u64()))
        let count = Int(try varint())
        for _ in 0..<count { account.memberships[try membership()] = JournalPosition(try u64()) }
        return account
    }

    mutating func failure() throws -> DeliveryFailure {
        DeliveryFailure(
            attempt: Int(try varint()), status: Int(try varint()), error: try string(), retryAt: try optional { Timestamp(rawValue: try $0.i64()) },
            dead: try u8() == 1)
    }

    /// An LMS user; its names and email are the `worker`'s own text (not a copy) where they were
    /// written as references, as they mostly are.
    mutating func user(sharing ruleSet: String, of worker: Worker) throws -> LMSUser {
        let userName = try string(sharing: worker.email)
        let firstName = try string(sharing: worker.preferredFirstName ?? worker.legalFirstName)
        let lastName = try string(sharing: worker.preferredLastName ?? worker.legalLastName)
        let email = try optional { try $0.string(sharing: worker.email) }
        let status = try enumeration(LMSUser.Status.self)
        let statusProvenance = try provenance(sharing: ruleSet)
        var groups: [String: Provenance] = [:]
        for _ in 0..<Int(try varint()) { groups[try string()] = try provenance(sharing: ruleSet) }
        var assignments: [String: Assignment] = [:]
        for _ in 0..<Int(try varint()) {
            let course = try string()
            assignments[course] = Assignment(course: course, due: try date(), provenance: try provenance(sharing: ruleSet))
        }
        return LMSUser(
            employeeID: EmployeeID(rawValue: ""), userName: userName, firstName: firstName, lastName: lastName, email: email, status: status,
            statusProvenance: statusProvenance, groups: groups, assignments: assignments, unmapped: try stringMap())
    }
}

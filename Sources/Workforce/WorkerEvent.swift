import Foundation
import Journal

/// What happened to a worker, as the journal records it. Subject: the employee ID.
///
/// Each case has a stable, versioned wire name (``type``) and a JSON payload; the table is
/// ``EventCatalogue`` and `docs/event-catalogue.md`. A new shape gets a new version, never a
/// changed meaning.
///
/// The cases holding whole records are `indirect`: the enum stays a few words wide, so the
/// millions of small changes a replay moves around are not the size of a worker each.
public enum WorkerEvent: Sendable, Equatable {
    /// First seen in a feed: the full record. Its status may already be terminated when a feed's
    /// first file carries history; projections provision no one who is not active or pending.
    indirect case hired(Worker)
    /// A terminated worker is back: the full record, same employee ID.
    indirect case rehired(Worker)
    /// One field changed.
    case changed(WorkerField, old: String?, new: String?)
    /// A custom attribute (a column the feed maps by name) changed.
    case attributeChanged(name: String, old: String?, new: String?)
    /// Status became terminated, effective on `date` (local) when HR gave one.
    case terminated(date: LocalDate?, previousStatus: WorkerStatus)
    /// Employment type changed (a contractor converted to full time).
    case converted(from: EmploymentType, to: EmploymentType)
    /// The email alias changed. Matching stays by employee ID.
    case emailChanged(old: String?, new: String?)
    /// A legal or preferred name changed.
    indirect case nameChanged(old: PersonName, new: PersonName)
    /// Missing from a full snapshot of `feed`: a suspect, not a termination.
    case absent(feed: String, batch: String)
    /// Back in a full snapshot after being absent.
    case returned(feed: String, batch: String)
    /// The row claims an email another employee ID holds: a person must resolve it; nothing merges.
    case emailConflict(email: String, heldBy: EmployeeID)

    /// The time zone the event gives the worker, if it gives one: a hire's or a rehire's, or a
    /// changed one's new zone.
    public var newTimeZone: String? {
        switch self {
        case .hired(let worker), .rehired(let worker): worker.timeZone
        case .changed(.timeZone, _, let new): new
        default: nil
        }
    }

    /// The wire name.
    public var type: EventType {
        switch self {
        case .hired: "worker.hired.v1"
        case .rehired: "worker.rehired.v1"
        case .changed: "worker.changed.v1"
        case .attributeChanged: "worker.attribute-changed.v1"
        case .terminated: "worker.terminated.v1"
        case .converted: "worker.converted.v1"
        case .emailChanged: "worker.email-changed.v1"
        case .nameChanged: "worker.name-changed.v1"
        case .absent: "worker.absent.v1"
        case .returned: "worker.returned.v1"
        case .emailConflict: "worker.email-conflict.v1"
        }
    }

    /// The JSON payload: keys sorted, as documented in docs/event-catalogue.md.
    public func payload() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        switch self {
        case .hired(let worker), .rehired(let worker):
            writer.key("worker")
            worker.writeJSON(to: &writer)
        case .changed(let field, let old, let new):
            writer.key("field")
            writer.value(field.rawValue)
            writer.key("new")
            writer.value(new)
            writer.key("old")
            writer.value(old)
        case .attributeChanged(let name, let old, let new):
            writer.key("name")
            writer.value(name)
            writer.key("new")
            writer.value(new)
            writer.key("old")
            writer.value(old)
        case .terminated(let date, let previous):
            writer.key("previous_status")
            writer.value(previous.rawValue)
            writer.key("termination_date")
            writer.value(date?.description)
        case .converted(let from, let to):
            writer.key("from")
            writer.value(from.rawValue)
            writer.key("to")
            writer.value(to.rawValue)
        case .emailChanged(let old, let new):
            writer.key("new")
            writer.value(new)
            writer.key("old")
            writer.value(old)
        case .nameChanged(let old, let new):
            writer.key("new")
            new.writeJSON(to: &writer)
            writer.key("old")
            old.writeJSON(to: &writer)
        case .absent(let feed, let batch), .returned(let feed, let batch):
            writer.key("batch")
            writer.value(batch)
            writer.key("feed")
            writer.value(feed)
        case .emailConflict(let email, let heldBy):
            writer.key("email")
            writer.value(email)
            writer.key("held_by")
            writer.value(heldBy.rawValue)
        }
        writer.endObject()
        return writer.bytes
    }

    /// The payload as Foundation's `JSONEncoder` writes it; ``payload()`` must equal it.
    func encodedPayload() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch self {
        case .hired(let worker), .rehired(let worker):
            return Array(try encoder.encode(WorkerPayload(worker: worker)))
        case .changed(let field, let old, let new):
            return Array(try encoder.encode(FieldChange(field: field, old: old, new: new)))
        case .attributeChanged(let name, let old, let new):
            return Array(try encoder.encode(AttributeChange(name: name, old: old, new: new)))
        case .terminated(let date, let previous):
            return Array(try encoder.encode(Termination(terminationDate: date, previousStatus: previous)))
        case .converted(let from, let to):
            return Array(try encoder.encode(Conversion(from: from, to: to)))
        case .emailChanged(let old, let new):
            return Array(try encoder.encode(ValueChange(old: old, new: new)))
        case .nameChanged(let old, let new):
            return Array(try encoder.encode(NameChange(old: old, new: new)))
        case .absent(let feed, let batch), .returned(let feed, let batch):
            return Array(try encoder.encode(FeedPresence(feed: feed, batch: batch)))
        case .emailConflict(let email, let heldBy):
            return Array(try encoder.encode(EmailConflict(email: email, heldBy: heldBy)))
        }
    }

    /// Decodes a recorded event with Foundation's `JSONDecoder`: the oracle ``decode(type:payload:)``
    /// is tested against.
    static func decodeWithFoundation(type: EventType, payload: [UInt8]) throws -> WorkerEvent? {
        let decoder = JSONDecoder()
        let data = Data(payload)
        switch type.rawValue {
        case "worker.hired.v1": return .hired(try decoder.decode(WorkerPayload.self, from: data).worker)
        case "worker.rehired.v1": return .rehired(try decoder.decode(WorkerPayload.self, from: data).worker)
        case "worker.changed.v1":
            let change = try decoder.decode(FieldChange.self, from: data)
            return .changed(change.field, old: change.old, new: change.new)
        case "worker.attribute-changed.v1":
            let change = try decoder.decode(AttributeChange.self, from: data)
            return .attributeChanged(name: change.name, old: change.old, new: change.new)
        case "worker.terminated.v1":
            let termination = try decoder.decode(Termination.self, from: data)
            return .terminated(date: termination.terminationDate, previousStatus: termination.previousStatus)
        case "worker.converted.v1":
            let conversion = try decoder.decode(Conversion.self, from: data)
            return .converted(from: conversion.from, to: conversion.to)
        case "worker.email-changed.v1":
            let change = try decoder.decode(ValueChange.self, from: data)
            return .emailChanged(old: change.old, new: change.new)
        case "worker.name-changed.v1":
            let change = try decoder.decode(NameChange.self, from: data)
            return .nameChanged(old: change.old, new: change.new)
        case "worker.absent.v1":
            let presence = try decoder.decode(FeedPresence.self, from: data)
            return .absent(feed: presence.feed, batch: presence.batch)
        case "worker.returned.v1":
            let presence = try decoder.decode(FeedPresence.self, from: data)
            return .returned(feed: presence.feed, batch: presence.batch)
        case "worker.email-conflict.v1":
            let conflict = try decoder.decode(EmailConflict.self, from: data)
            return .emailConflict(email: conflict.email, heldBy: conflict.heldBy)
        default:
            return nil
        }
    }

    struct WorkerPayload: Codable { var worker: Worker }

    struct FieldChange: Codable {
        var field: WorkerField
        var old: String?
        var new: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(field, forKey: .field)
            try container.encode(old, forKey: .old)
            try container.encode(new, forKey: .new)
        }
    }

    struct AttributeChange: Codable {
        var name: String
        var old: String?
        var new: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(old, forKey: .old)
            try container.encode(new, forKey: .new)
        }
    }

    struct Termination: Codable {
        var terminationDate: LocalDate?
        var previousStatus: WorkerStatus
        enum CodingKeys: String, CodingKey {
            case terminationDate = "termination_date"
            case previousStatus = "previous_status"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(terminationDate, forKey: .terminationDate)
            try container.encode(previousStatus, forKey: .previousStatus)
        }
    }

    struct Conversion: Codable {
        var from: EmploymentType
        var to: EmploymentType
    }

    struct ValueChange: Codable {
        var old: String?
        var new: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(old, forKey: .old)
            try container.encode(new, forKey: .new)
        }
    }

    struct NameChange: Codable {
        var old: PersonName
        var new: PersonName
    }

    struct FeedPresence: Codable {
        var feed: String
        var batch: String
    }

    struct EmailConflict: Codable {
        var email: String
        var heldBy: EmployeeID
        enum CodingKeys: String, CodingKey {
            case email
            case heldBy = "held_by"
        }
    }
}

/// A person's names as HR holds them.
public struct PersonName: Hashable, Sendable, Codable {
    public var legalFirst: String
    public var legalLast: String
    public var preferredFirst: String?
    public var preferredLast: String?

    public init(legalFirst: String, legalLast: String, preferredFirst: String? = nil, preferredLast: String? = nil) {
        self.legalFirst = legalFirst
        self.legalLast = legalLast
        self.preferredFirst = preferredFirst
        self.preferredLast = preferredLast
    }

    /// The names of `worker`.
    public init(of worker: Worker) {
        self.init(
            legalFirst: worker.legalFirstName, legalLast: worker.legalLastName,
            preferredFirst: worker.preferredFirstName, preferredLast: worker.preferredLastName)
    }

    enum CodingKeys: String, CodingKey {
        case legalFirst = "legal_first_name"
        case legalLast = "legal_last_name"
        case preferredFirst = "preferred_first_name"
        case preferredLast = "preferred_last_name"
    }
}

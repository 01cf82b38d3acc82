import Journal

extension WorkerEvent {
    /// A worker event's wire name, recognised once: a reader of many events of one type resolves
    /// the name once and then decodes each payload without comparing names again.
    public enum WireType: Sendable {
        case hired, rehired, changed, attributeChanged, terminated, converted, emailChanged, nameChanged, absent, returned, emailConflict

        /// Nil when `type` is not a worker event.
        public init?(_ type: EventType) {
            switch type.rawValue {
            case "worker.hired.v1": self = .hired
            case "worker.rehired.v1": self = .rehired
            case "worker.changed.v1": self = .changed
            case "worker.attribute-changed.v1": self = .attributeChanged
            case "worker.terminated.v1": self = .terminated
            case "worker.converted.v1": self = .converted
            case "worker.email-changed.v1": self = .emailChanged
            case "worker.name-changed.v1": self = .nameChanged
            case "worker.absent.v1": self = .absent
            case "worker.returned.v1": self = .returned
            case "worker.email-conflict.v1": self = .emailConflict
            default: return nil
            }
        }
    }

    /// Decodes a recorded event; nil when `type` is not a worker event. Reads the payload's bytes
    /// directly (replays decode millions); fields may come in any order, unknown ones are skipped.
    public static func decode(type: EventType, payload: [UInt8]) throws -> WorkerEvent? {
        try payload.withUnsafeBytes { try decode(type: type, payload: $0) }
    }

    /// Decodes a recorded event from its payload in place (a journal's lent view); nil when
    /// `type` is not a worker event.
    public static func decode(type: EventType, payload: UnsafeRawBufferPointer) throws -> WorkerEvent? {
        guard let wireType = WireType(type) else { return nil }
        return try decode(wireType, payload: payload)
    }

    /// Decodes the payload of an event of `type`, in place; values already in `strings` are
    /// shared rather than made again.
    public static func decode(_ type: WireType, payload: UnsafeRawBufferPointer, strings: StringTable? = nil) throws -> WorkerEvent {
        var reader = JSONReader(payload)
        reader.strings = strings
        let event = try decode(type, from: &reader)
        try reader.end()
        return event
    }

    /// The worker of a `worker.hired.v1` or `worker.rehired.v1` payload, not wrapped in an event:
    /// a worker bound out of the event's `indirect` case is a copy (every string retained), and
    /// a replay that moves each hire's worker into its projection reads it this way.
    public static func decodeWorker(ofHire payload: UnsafeRawBufferPointer, strings: StringTable? = nil) throws -> Worker {
        var reader = JSONReader(payload)
        reader.strings = strings
        let worker = try hiredWorker(from: &reader)
        try reader.end()
        return worker
    }

    private static func hiredWorker(from reader: inout JSONReader) throws -> Worker {
        let start = reader.index
        if reader.consume(#"{"worker":"#), let worker = try Worker.readCanonical(from: &reader), reader.consume("}") { return worker }
        reader.index = start
        var worker: Worker?
        try reader.object { reader, key in
            if key == "worker" { worker = try Worker.read(from: &reader) } else { try reader.skipValue() }
        }
        guard let worker else { throw JSONReader.Malformed(offset: 0, expected: "a worker") }
        return worker
    }

    private static func decode(_ type: WireType, from reader: inout JSONReader) throws -> WorkerEvent {
        switch type {
        case .hired:
            return .hired(try hiredWorker(from: &reader))
        case .rehired:
            return .rehired(try hiredWorker(from: &reader))
        case .changed:
            if let change = try canonicalChange(from: &reader) { return change }
            var field: WorkerField?
            var old: String?
            var new: String?
            try reader.object { reader, key in
                switch key {
                case "field": field = try reader.rawValue(of: WorkerField.self)
                // Values shared through the reader's table when the field's values repeat (the
                // field comes first in Roster's payloads, its keys sorted).
                case "old": old = try reader.optionalString(shared: field?.repeats != false)
                case "new": new = try reader.optionalString(shared: field?.repeats != false)
                default: try reader.skipValue()
                }
            }
            guard let field else { throw JSONReader.Malformed(offset: 0, expected: "a known field") }
            return .changed(field, old: old, new: new)
        case .attributeChanged:
            var name: String?
            var old: String?
            var new: String?
            try reader.object { reader, key in
                switch key {
                case "name": name = try reader.string()
                case "old": old = try reader.optionalString()
                case "new": new = try reader.optionalString()
                default: try reader.skipValue()
                }
            }
            guard let name else { throw JSONReader.Malformed(offset: 0, expected: "an attribute name") }
            return .attributeChanged(name: name, old: old, new: new)
        case .terminated:
            var date: LocalDate?
            var previous: WorkerStatus?
            try reader.object { reader, key in
                switch key {
                case "termination_date": date = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
                case "previous_status": previous = try reader.rawValue(of: WorkerStatus.self)
                default: try reader.skipValue()
                }
            }
            guard let previous else { throw JSONReader.Malformed(offset: 0, expected: "a previous status") }
            return .terminated(date: date, previousStatus: previous)
        case .converted:
            var from: EmploymentType?
            var to: EmploymentType?
            try reader.object { reader, key in
                switch key {
                case "from": from = try reader.rawValue(of: EmploymentType.self)
                case "to": to = try reader.rawValue(of: EmploymentType.self)
                default: try reader.skipValue()
                }
            }
            guard let from, let to else { throw JSONReader.Malformed(offset: 0, expected: "employment types") }
            return .converted(from: from, to: to)
        case .emailChanged:
            var old: String?
            var new: String?
            try reader.object { reader, key in
                switch key {
                case "old": old = try reader.optionalString()
                case "new": new = try reader.optionalString()
                default: try reader.skipValue()
                }
            }
            return .emailChanged(old: old, new: new)
        case .nameChanged:
            var old: PersonName?
            var new: PersonName?
            try reader.object { reader, key in
                switch key {
                case "old": old = try PersonName.read(from: &reader)
                case "new": new = try PersonName.read(from: &reader)
                default: try reader.skipValue()
                }
            }
            guard let old, let new else { throw JSONReader.Malformed(offset: 0, expected: "old and new names") }
            return .nameChanged(old: old, new: new)
        case .absent, .returned:
            var feed: String?
            var batch: String?
            try reader.object { reader, key in
                switch key {
                case "feed": feed = try reader.string()
                case "batch": batch = try reader.string()
                default: try reader.skipValue()
                }
            }
            guard let feed, let batch else { throw JSONReader.Malformed(offset: 0, expected: "a feed and a batch") }
            return type == .absent ? .absent(feed: feed, batch: batch) : .returned(feed: feed, batch: batch)
        case .emailConflict:
            var email: String?
            var holder: String?
            try reader.object { reader, key in
                switch key {
                case "email": email = try reader.string()
                case "held_by": holder = try reader.string()
                default: try reader.skipValue()
                }
            }
            guard let email, let holder else { throw JSONReader.Malformed(offset: 0, expected: "an email and its holder") }
            return .emailConflict(email: email, heldBy: EmployeeID(rawValue: holder))
        }
    }

    /// A change as Roster writes it, `{"field":F,"new":V,"old":V}` (keys sorted, no spaces),
    /// read without matching keys: nine events in ten are changes. Nil, the reader where it was,
    /// for any other form (which the general reading takes, and reports if malformed).
    static func canonicalChange(from reader: inout JSONReader) throws -> WorkerEvent? {
        let start = reader.index
        guard reader.consume(#"{"field":"#), let field = try reader.rawValue(of: WorkerField.self), reader.consume(#","new":"#) else {
            reader.index = start
            return nil
        }
        // Values shared through the reader's table when the field's values repeat.
        let new = try reader.optionalString(shared: field.repeats)
        guard reader.consume(#","old":"#) else {
            reader.index = start
            return nil
        }
        let old = try reader.optionalString(shared: field.repeats)
        guard reader.consume("}") else {
            reader.index = start
            return nil
        }
        return .changed(field, old: old, new: new)
    }
}

extension Worker {
    /// A key of a worker's JSON; the cases in the order Roster writes them (sorted).
    enum Key: CaseIterable {
        case costCenter, custom, departmentCode, departmentName, email, employeeID, employmentType, hireDate, jobCode, jobTitle
        case legalFirstName, legalLastName, location, managerEmail, managerID, preferredFirstName, preferredLastName, status
        case terminationDate, timeZone

        static let inOrder = allCases

        /// The key's name on the wire.
        var name: StaticString {
            switch self {
            case .costCenter: "cost_center"
            case .custom: "custom"
            case .departmentCode: "department_code"
            case .departmentName: "department_name"
            case .email: "email"
            case .employeeID: "employee_id"
            case .employmentType: "employment_type"
            case .hireDate: "hire_date"
            case .jobCode: "job_code"
            case .jobTitle: "job_title"
            case .legalFirstName: "legal_first_name"
            case .legalLastName: "legal_last_name"
            case .location: "location"
            case .managerEmail: "manager_email"
            case .managerID: "manager_id"
            case .preferredFirstName: "preferred_first_name"
            case .preferredLastName: "preferred_last_name"
            case .status: "status"
            case .terminationDate: "termination_date"
            case .timeZone: "time_zone"
            }
        }

        /// The key `key` names, or nil for one a worker does not have.
        init?(_ key: JSONKey) {
            guard let found = Self.inOrder.first(where: { key == $0.name }) else { return nil }
            self = found
        }
    }

    /// What a worker's JSON must hold, found so far.
    struct Required {
        var id = false
        var employmentType = false
        var status = false
        var timeZone = false
        var met: Bool { id && employmentType && status && timeZone }
    }

    /// Reads the value of `key` into `worker`. False, the value read, when it is a null or unknown
    /// employment type or status.
    static func read(_ key: Key, into worker: inout Worker, _ required: inout Required, from reader: inout JSONReader) throws -> Bool {
        switch key {
        case .custom:
            if !reader.null() { try reader.object { reader, name in worker.custom[name.string] = try reader.optionalString() } }
        case .employeeID:
            let value = try reader.optionalUniqueString()
            worker.id = EmployeeID(rawValue: value ?? "")
            required.id = value != nil
        case .email: worker.email = try reader.optionalUniqueString()
        case .legalFirstName: worker.legalFirstName = try reader.optionalUniqueString() ?? ""
        case .legalLastName: worker.legalLastName = try reader.optionalUniqueString() ?? ""
        case .preferredFirstName: worker.preferredFirstName = try reader.optionalUniqueString()
        case .preferredLastName: worker.preferredLastName = try reader.optionalUniqueString()
        case .jobTitle: worker.jobTitle = try reader.optionalString()
        case .jobCode: worker.jobCode = try reader.optionalString()
        case .departmentCode: worker.departmentCode = try reader.optionalString()
        case .departmentName: worker.departmentName = try reader.optionalString()
        case .location: worker.location = try reader.optionalString()
        case .timeZone:
            let value = try reader.optionalString()
            worker.timeZone = value ?? "UTC"
            required.timeZone = value != nil
        case .managerID: worker.managerID = try reader.optionalString().map(EmployeeID.init(rawValue:))
        case .managerEmail: worker.managerEmail = try reader.optionalString()
        case .costCenter: worker.costCenter = try reader.optionalString()
        case .employmentType:
            guard !reader.null(), let type = try reader.rawValue(of: EmploymentType.self) else { return false }
            worker.employmentType = type
            required.employmentType = true
        case .status:
            guard !reader.null(), let status = try reader.rawValue(of: WorkerStatus.self) else { return false }
            worker.status = status
            required.status = true
        case .hireDate: worker.hireDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
        case .terminationDate: worker.terminationDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
        }
        return true
    }

    /// A worker as Roster writes it (keys sorted, absent fields left out, no spaces), read by
    /// trying each key where it would come instead of matching every key against every name: a
    /// hire took four times a change to read. Nil, the reader where it was, for any other form
    /// (an unknown key, another order, a worker lacking what ``read(from:)`` requires), which the
    /// general reading then takes, and reports if malformed.
    static func readCanonical(from reader: inout JSONReader) throws -> Worker? {
        let start = reader.index
        guard reader.consume("{") else { return nil }
        var worker = Worker(id: EmployeeID(rawValue: ""), legalFirstName: "", legalLastName: "")
        var required = Required()
        // After each value: a comma (another key comes) or the closing brace.
        var more = true
        var closed = false
        for key in Key.inOrder where more {
            let before = reader.index
            guard reader.consume("\""), reader.consume(key.name), reader.consume("\":") else {
                reader.index = before
                continue
            }
            guard try read(key, into: &worker, &required, from: &reader) else { break }
            if !reader.consume(",") {
                more = false
                closed = reader.consume("}")
            }
        }
        guard closed, required.met else {
            reader.index = start
            return nil
        }
        return worker
    }

    static func read(from reader: inout JSONReader) throws -> Worker {
        var worker = Worker(id: EmployeeID(rawValue: ""), legalFirstName: "", legalLastName: "")
        var required = Required()
        try reader.object { reader, name in
            guard let key = Key(name) else { return try reader.skipValue() }
            guard try read(key, into: &worker, &required, from: &reader) else {
                throw JSONReader.Malformed(offset: reader.index, expected: key == .status ? "a status" : "an employment type")
            }
        }
        guard required.met else {
            throw JSONReader.Malformed(offset: reader.index, expected: "a worker with employee_id, employment_type, status and time_zone")
        }
        return worker
    }
}

extension PersonName {
    static func read(from reader: inout JSONReader) throws -> PersonName {
        var name = PersonName(legalFirst: "", legalLast: "")
        try reader.object { reader, key in
            switch key {
            case "legal_first_name": name.legalFirst = try reader.optionalString() ?? ""
            case "legal_last_name": name.legalLast = try reader.optionalString() ?? ""
            case "preferred_first_name": name.preferredFirst = try reader.optionalString()
            case "preferred_last_name": name.preferredLast = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        return name
    }
}

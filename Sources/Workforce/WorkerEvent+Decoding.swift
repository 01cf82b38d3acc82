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

    private static func decode(_ type: WireType, from reader: inout JSONReader) throws -> WorkerEvent {
        switch type {
        case .hired, .rehired:
            let start = reader.index
            if reader.consume(#"{"worker":"#), let worker = try Worker.readCanonical(from: &reader), reader.consume("}") {
                return type == .hired ? .hired(worker) : .rehired(worker)
            }
            reader.index = start
            var worker: Worker?
            try reader.object { reader, key in
                if key == "worker" { worker = try Worker.read(from: &reader) } else { try reader.skipValue() }
            }
            guard let worker else { throw JSONReader.Malformed(offset: 0, expected: "a worker") }
            return type == .hired ? .hired(worker) : .rehired(worker)
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
                case "old": old = try field?.repeats == false ? reader.optionalUniqueString() : reader.optionalString()
                case "new": new = try field?.repeats == false ? reader.optionalUniqueString() : reader.optionalString()
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
        let new = try field.repeats ? reader.optionalString() : reader.optionalUniqueString()
        guard reader.consume(#","old":"#) else {
            reader.index = start
            return nil
        }
        let old = try field.repeats ? reader.optionalString() : reader.optionalUniqueString()
        guard reader.consume("}") else {
            reader.index = start
            return nil
        }
        return .changed(field, old: old, new: new)
    }
}

extension Worker {
    /// A worker as Roster writes it (keys sorted, absent fields left out, no spaces), read by
    /// trying each key where it would come instead of matching every key against every name: a
    /// hire took four times a change to read. Nil, the reader where it was, for any other form
    /// (an unknown key, another order, a worker lacking what ``read(from:)`` requires), which the
    /// general reading then takes, and reports if malformed.
    static func readCanonical(from reader: inout JSONReader) throws -> Worker? {
        let start = reader.index
        guard reader.consume("{") else { return nil }
        var worker = Worker(id: EmployeeID(rawValue: ""), legalFirstName: "", legalLastName: "")
        var hasID = false
        var hasType = false
        var hasStatus = false
        var hasZone = false
        // After each value: a comma (another key comes) or the closing brace.
        var more = true
        var closed = false
        func key(_ name: StaticString) -> Bool { more && reader.consume(name) }
        func separator() {
            if reader.consume(",") { return }
            more = false
            closed = reader.consume("}")
        }
        if key(#""cost_center":"#) { worker.costCenter = try reader.optionalString(); separator() }
        if key(#""custom":"#) {
            if !reader.null() { try reader.object { reader, name in worker.custom[name.string] = try reader.optionalString() } }
            separator()
        }
        if key(#""department_code":"#) { worker.departmentCode = try reader.optionalString(); separator() }
        if key(#""department_name":"#) { worker.departmentName = try reader.optionalString(); separator() }
        if key(#""email":"#) { worker.email = try reader.optionalUniqueString(); separator() }
        if key(#""employee_id":"#) {
            let value = try reader.optionalUniqueString()
            worker.id = EmployeeID(rawValue: value ?? "")
            hasID = value != nil
            separator()
        }
        if key(#""employment_type":"#) {
            if !reader.null(), let type = try reader.rawValue(of: EmploymentType.self) {
                worker.employmentType = type
                hasType = true
            }
            separator()
        }
        if key(#""hire_date":"#) { worker.hireDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }; separator() }
        if key(#""job_code":"#) { worker.jobCode = try reader.optionalString(); separator() }
        if key(#""job_title":"#) { worker.jobTitle = try reader.optionalString(); separator() }
        if key(#""legal_first_name":"#) { worker.legalFirstName = try reader.optionalUniqueString() ?? ""; separator() }
        if key(#""legal_last_name":"#) { worker.legalLastName = try reader.optionalUniqueString() ?? ""; separator() }
        if key(#""location":"#) { worker.location = try reader.optionalString(); separator() }
        if key(#""manager_email":"#) { worker.managerEmail = try reader.optionalString(); separator() }
        if key(#""manager_id":"#) { worker.managerID = try reader.optionalString().map(EmployeeID.init(rawValue:)); separator() }
        if key(#""preferred_first_name":"#) { worker.preferredFirstName = try reader.optionalUniqueString(); separator() }
        if key(#""preferred_last_name":"#) { worker.preferredLastName = try reader.optionalUniqueString(); separator() }
        if key(#""status":"#) {
            if !reader.null(), let status = try reader.rawValue(of: WorkerStatus.self) {
                worker.status = status
                hasStatus = true
            }
            separator()
        }
        if key(#""termination_date":"#) {
            worker.terminationDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
            separator()
        }
        if key(#""time_zone":"#) {
            let value = try reader.optionalString()
            worker.timeZone = value ?? "UTC"
            hasZone = value != nil
            separator()
        }
        guard closed, hasID, hasType, hasStatus, hasZone else {
            reader.index = start
            return nil
        }
        return worker
    }

    static func read(from reader: inout JSONReader) throws -> Worker {
        var worker = Worker(id: EmployeeID(rawValue: ""), legalFirstName: "", legalLastName: "")
        var hasID = false
        var hasType = false
        var hasStatus = false
        var hasZone = false
        try reader.object { reader, key in
            switch key {
            case "custom":
                if reader.null() { return }
                try reader.object { reader, name in worker.custom[name.string] = try reader.optionalString() }
            case "employee_id":
                let value = try reader.optionalUniqueString()
                worker.id = EmployeeID(rawValue: value ?? "")
                hasID = value != nil
            case "email": worker.email = try reader.optionalUniqueString()
            case "legal_first_name": worker.legalFirstName = try reader.optionalUniqueString() ?? ""
            case "legal_last_name": worker.legalLastName = try reader.optionalUniqueString() ?? ""
            case "preferred_first_name": worker.preferredFirstName = try reader.optionalUniqueString()
            case "preferred_last_name": worker.preferredLastName = try reader.optionalUniqueString()
            case "job_title": worker.jobTitle = try reader.optionalString()
            case "job_code": worker.jobCode = try reader.optionalString()
            case "department_code": worker.departmentCode = try reader.optionalString()
            case "department_name": worker.departmentName = try reader.optionalString()
            case "location": worker.location = try reader.optionalString()
            case "time_zone":
                let value = try reader.optionalString()
                worker.timeZone = value ?? "UTC"
                hasZone = value != nil
            case "manager_id": worker.managerID = try reader.optionalString().map(EmployeeID.init(rawValue:))
            case "manager_email": worker.managerEmail = try reader.optionalString()
            case "cost_center": worker.costCenter = try reader.optionalString()
            case "employment_type":
                guard !reader.null(), let type = try reader.rawValue(of: EmploymentType.self) else {
                    throw JSONReader.Malformed(offset: reader.index, expected: "an employment type")
                }
                worker.employmentType = type
                hasType = true
            case "status":
                guard !reader.null(), let status = try reader.rawValue(of: WorkerStatus.self) else {
                    throw JSONReader.Malformed(offset: reader.index, expected: "a status")
                }
                worker.status = status
                hasStatus = true
            case "hire_date": worker.hireDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
            case "termination_date": worker.terminationDate = try reader.optionalString().flatMap { LocalDate.parse($0, format: .iso) }
            default: try reader.skipValue()
            }
        }
        guard hasID, hasType, hasStatus, hasZone else {
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

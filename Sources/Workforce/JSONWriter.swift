/// Writes the compact JSON of event payloads, byte for byte as Foundation's `JSONEncoder` does
/// with sorted keys and unescaped slashes, without its reflection: ingesting a nightly file
/// writes thousands of payloads.
///
/// Keys must be written in sorted order by the caller.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    /// A key known only at run time (custom attribute names).
    mutating func key(_ name: String) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    /// A string value, or null.
    mutating func value(_ text: String?) {
        separate()
        guard let text else {
            bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            markWritten()
            return
        }
        string(text)
        markWritten()
    }

    /// Writes `key` and `value` when `value` is not nil (what synthesized `encodeIfPresent` does).
    mutating func field(_ name: StaticString, ifPresent text: String?) {
        guard let text else { return }
        key(name)
        value(text)
    }

    private mutating func separate() {
        if let last = needsComma.last, last { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func markWritten() {
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
    }

    mutating func closeValue() {
        markWritten()
    }

    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
            case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0x08: bytes += [0x5C, 0x62]
            case 0x0C: bytes += [0x5C, 0x66]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension Worker {
    /// The worker's JSON, keys sorted, absent fields left out.
    func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("cost_center", ifPresent: costCenter)
        writer.key("custom")
        writer.beginObject()
        for name in custom.keys.sorted() {
            writer.key(name)
            writer.value(custom[name])
        }
        writer.endObject()
        writer.closeValue()
        writer.field("department_code", ifPresent: departmentCode)
        writer.field("department_name", ifPresent: departmentName)
        writer.field("email", ifPresent: email)
        writer.field("employee_id", ifPresent: id.rawValue)
        writer.field("employment_type", ifPresent: employmentType.rawValue)
        writer.field("hire_date", ifPresent: hireDate?.description)
        writer.field("job_code", ifPresent: jobCode)
        writer.field("job_title", ifPresent: jobTitle)
        writer.field("legal_first_name", ifPresent: legalFirstName)
        writer.field("legal_last_name", ifPresent: legalLastName)
        writer.field("location", ifPresent: location)
        writer.field("manager_email", ifPresent: managerEmail)
        writer.field("manager_id", ifPresent: managerID?.rawValue)
        writer.field("preferred_first_name", ifPresent: preferredFirstName)
        writer.field("preferred_last_name", ifPresent: preferredLastName)
        writer.field("status", ifPresent: status.rawValue)
        writer.field("termination_date", ifPresent: terminationDate?.description)
        writer.field("time_zone", ifPresent: timeZone)
        writer.endObject()
        writer.closeValue()
    }
}

extension PersonName {
    func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("legal_first_name", ifPresent: legalFirst)
        writer.field("legal_last_name", ifPresent: legalLast)
        writer.field("preferred_first_name", ifPresent: preferredFirst)
        writer.field("preferred_last_name", ifPresent: preferredLast)
        writer.endObject()
        writer.closeValue()
    }
}

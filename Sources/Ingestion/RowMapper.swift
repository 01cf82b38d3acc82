import CSV
import Foundation
import Workforce

/// Turns one CSV record into a ``WorkerRecord``, or says exactly what is wrong with it.
struct RowMapper: Sendable {
    let feed: FeedConfiguration
    let columns: ColumnMap
    let header: [String]
    let statuses: [String: WorkerStatus]
    let employmentTypes: [String: EmploymentType]
    let notEmploymentTypes: Set<String>
    let dateFormat: DateFormat
    /// The canonical columns this file has.
    let provided: Set<CanonicalColumn>

    init(feed: FeedConfiguration, columns: ColumnMap, header: [String]) {
        provided = Set(columns.indices.keys)
        self.feed = feed
        self.columns = columns
        self.header = header
        statuses = feed.statusTable
        employmentTypes = feed.employmentTypeTable
        notEmploymentTypes = Set(feed.preset.notEmploymentTypes.map(HeaderName.normalise))
        dateFormat = feed.effectiveDateFormat
    }

    func map(_ row: CSVRecord) -> Result<WorkerRecord, RowError> {
        let fields = row.fields
        guard fields.count == header.count else {
            return .failure(
                RowError(
                    line: row.line, column: nil, employeeID: nil,
                    reason: "the row has \(fields.count) fields where the header has \(header.count); "
                        + "a separator or quote is probably missing in the row"))
        }
        func cell(_ column: CanonicalColumn) -> String? {
            guard let index = columns.indices[column] else { return nil }
            let value = fields[index].trimmingSpaces
            return value.isEmpty ? nil : value
        }
        func fail(_ column: CanonicalColumn?, _ id: String?, _ reason: String) -> Result<WorkerRecord, RowError> {
            .failure(RowError(line: row.line, column: column.flatMap { columns.headerName(of: $0, in: header) }, employeeID: id, reason: reason))
        }

        guard let rawID = cell(.employeeID) else { return fail(.employeeID, nil, "the employee ID is empty; every row needs one") }
        guard let id = EmployeeID(validating: rawID) else {
            return fail(.employeeID, nil, "\"\(rawID)\" is not a usable employee ID (at most 64 characters, no control characters)")
        }
        var record = WorkerRecord(
            line: row.line, id: id, provided: provided, timeZone: feed.defaultTimeZone, custom: [:])

        guard let first = cell(.legalFirstName) else { return fail(.legalFirstName, id.rawValue, "the first name is empty") }
        guard let last = cell(.legalLastName) else { return fail(.legalLastName, id.rawValue, "the last name is empty") }
        record.legalFirstName = first
        record.legalLastName = last
        record.preferredFirstName = cell(.preferredFirstName)
        record.preferredLastName = cell(.preferredLastName)

        if let email = cell(.email) {
            guard Self.isPlausibleEmail(email) else {
                return fail(.email, id.rawValue, "\"\(email)\" is not an email address; correct it in the HRIS")
            }
            record.email = Self.lowercased(email)
        }
        if let email = cell(.managerEmail) {
            guard Self.isPlausibleEmail(email) else {
                return fail(.managerEmail, id.rawValue, "\"\(email)\" is not an email address; correct it in the HRIS")
            }
            record.managerEmail = Self.lowercased(email)
        }
        if let manager = cell(.managerID) {
            guard let managerID = EmployeeID(validating: manager) else {
                return fail(.managerID, id.rawValue, "\"\(manager)\" is not a usable employee ID for the manager")
            }
            record.managerID = managerID
        }
        record.jobTitle = cell(.jobTitle)
        record.jobCode = cell(.jobCode)
        record.departmentCode = cell(.departmentCode)
        record.departmentName = cell(.departmentName)
        record.costCenter = cell(.costCenter)
        record.location = cell(.location)
        if let location = record.location, let zone = feed.locationTimeZones[location] {
            record.timeZone = zone
        }

        guard let statusCode = cell(.status) else { return fail(.status, id.rawValue, "the status is empty") }
        guard let status = statuses[statusCode] ?? statuses[HeaderName.normalise(statusCode)] else {
            return fail(
                .status, id.rawValue,
                "status \"\(statusCode)\" is not one this feed knows (\(Set(statuses.keys.map(HeaderName.normalise)).sorted().joined(separator: ", "))); "
                    + "add it to the feed's `status_codes`")
        }
        record.status = status
        if let typeCode = cell(.employmentType) {
            let key = employmentTypes[typeCode] != nil ? typeCode : HeaderName.normalise(typeCode)
            if let type = employmentTypes[key] {
                record.employmentType = type
            } else if !notEmploymentTypes.contains(key) {
                return fail(
                    .employmentType, id.rawValue,
                    "employment type \"\(typeCode)\" is not one this feed knows (\(Set(employmentTypes.keys.map(HeaderName.normalise)).sorted().joined(separator: ", "))); "
                        + "add it to the feed's `employment_type_codes`")
            }
        }
        for (column, keyPath) in [(CanonicalColumn.hireDate, \WorkerRecord.hireDate), (.terminationDate, \.terminationDate)] {
            guard let text = cell(column) else { continue }
            guard let date = LocalDate.parse(text, format: dateFormat) else {
                return fail(column, id.rawValue, "\"\(text)\" is not a date in the feed's format \(dateFormat.rawValue)")
            }
            record[keyPath: keyPath] = date
        }
        for (attribute, index) in columns.custom {
            let value = fields[index].trimmingSpaces
            if !value.isEmpty { record.custom[attribute] = value }
        }
        return .success(record)
    }

    /// One `@`, a local part of 1 to 64 bytes, a domain of two or more non-empty labels that do
    /// not start or end with `-`, and no spaces, commas or semicolons anywhere.
    static func isPlausibleEmail(_ text: String) -> Bool {
        var at = -1
        var index = 0
        var labelLength = 0
        var labels = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            defer {
                previous = byte
                index += 1
            }
            if byte <= 0x20 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") { return false }
            if byte == UInt8(ascii: "@") {
                guard at < 0, index > 0, index <= 64 else { return false }
                at = index
                labelLength = 0
                continue
            }
            guard at >= 0 else { continue }
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
                continue
            }
            if labelLength == 0, byte == UInt8(ascii: "-") { return false }
            labelLength += 1
        }
        guard at >= 0, labelLength > 0, previous != UInt8(ascii: "-") else { return false }
        // Unicode spaces (a no-break space pasted from a spreadsheet) are not allowed either.
        if text.utf8.contains(where: { $0 >= 0x80 }), text.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return false }
        return labels + 1 >= 2
    }

    /// Lower-cased; ASCII without a round trip through Unicode tables.
    static func lowercased(_ text: String) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.lowercased() }
        guard text.utf8.contains(where: { (0x41...0x5A).contains($0) }) else { return text }
        return String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

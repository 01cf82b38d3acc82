import CSV
import Foundation
import Journal
import Workforce

/// One feed: where a kind of file comes from and how to read it.
public struct FeedConfiguration: Sendable {
    /// How a feed's files are written, and whether one holds everyone or only changes.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The whole population: a worker missing from the file is absent (a suspect).
        case csvSnapshot = "csv-snapshot"
        /// Only changed rows: absence means nothing.
        case csvDelta = "csv-delta"
        /// BambooHR's JSON: employee records read through its API, or a field-based webhook's
        /// body. Only changed employees: absence means nothing. See docs/feeds.md.
        case bamboohrAPI = "bamboohr-api"
        /// Employee records from any JSON endpoint, found at ``FeedConfiguration/recordsPath``
        /// and mapped like CSV headers. Only changed employees: absence means nothing.
        case json

        /// True for the kinds whose files are JSON documents of records rather than CSV.
        public var isJSON: Bool { self == .bamboohrAPI || self == .json }
        /// True when a file is the feed's whole population (a full snapshot: who is missing is
        /// absent), false when it holds changes only.
        public var isComplete: Bool { self == .csvSnapshot }
    }

    public var name: String
    public var kind: Kind
    public var preset: FeedPreset
    /// Header names for canonical columns, overriding the preset's (`employee_id: "Emp No"`).
    public var columns: [CanonicalColumn: String] = [:]
    /// Extra columns kept as custom attributes, by attribute name → header name.
    public var customColumns: [String: String] = [:]
    /// Status codes of this tenant, added to the preset's.
    public var statusCodes: [String: WorkerStatus] = [:]
    /// Employment-type codes of this tenant, added to the preset's.
    public var employmentTypeCodes: [String: EmploymentType] = [:]
    /// The date format, when it differs from the preset's.
    public var dateFormat: DateFormat?
    public var format = CSVFormat()
    /// Time zones by location code; workers elsewhere get ``defaultTimeZone``.
    public var locationTimeZones: [String: String] = [:]
    public var defaultTimeZone = "UTC"
    /// When, in the worker's zone, a hire date takes effect (local midnight by default).
    public var hireCutoff = LocalTime.midnight
    /// When, in the worker's zone, a termination date takes effect: local midnight by default,
    /// or e.g. 17:00 when the termination date is the last working day.
    public var terminationCutoff = LocalTime.midnight

    /// When a termination dated `date` takes effect for a worker in `zone`: the date at
    /// ``terminationCutoff`` there; nil for a zone Roster does not know.
    public func terminationMoment(of date: LocalDate, zone: String?) -> Timestamp? {
        zone.flatMap(Zones.named).map { date.start(in: $0, cutoff: terminationCutoff) }
    }
    /// For JSON feeds: the member names (or array indices) leading from the document to the
    /// array of records, such as `["data", "people"]`. Empty: the document is the array, or (for
    /// `bamboohr-api`) an object whose `employees` member is.
    public var recordsPath: [String] = []
    /// How Roster asks the HRIS for changes, for a feed that is polled.
    public var polling: Polling?
    /// How deliveries pushed to `POST /hooks/{feed}` are verified, for a feed that takes webhooks.
    public var webhook: Webhook?

    /// A feed with `preset`; without one, `bamboohr` for a `bamboohr-api` feed and `generic` otherwise.
    public init(name: String, kind: Kind, preset: FeedPreset? = nil) {
        self.name = name
        self.kind = kind
        self.preset = preset ?? (kind == .bamboohrAPI ? .bamboohr : .generic)
    }

    /// The date format in force.
    public var effectiveDateFormat: DateFormat { dateFormat ?? preset.dateFormat }

    /// The header names that mean `column`: the override, or the preset's.
    func headerNames(for column: CanonicalColumn) -> [String] {
        if let override = columns[column] { return [override] }
        return preset.columns[column] ?? []
    }

    /// Status codes in force: the preset's with the tenant's over them, as written and normalised.
    var statusTable: [String: WorkerStatus] { Self.codeTable(preset.statusCodes, statusCodes) }

    /// Employment-type codes in force, as written and normalised.
    var employmentTypeTable: [String: EmploymentType] { Self.codeTable(preset.employmentTypeCodes, employmentTypeCodes) }

    /// Codes are looked up as written first, then normalised; the table holds both forms.
    static func codeTable<Value>(_ preset: [String: Value], _ tenant: [String: Value]) -> [String: Value] {
        var table: [String: Value] = [:]
        let codes = preset.merging(tenant) { _, tenant in tenant }
        for (code, value) in codes { table[HeaderName.normalise(code)] = value }
        for (code, _) in codes { table[code] = table[HeaderName.normalise(code)] }
        return table
    }
}

/// How header names and codes are compared: case, surrounding spaces, and the choice between
/// space, `_` and `-` do not matter ("Employee ID", "employee_id" and " EMPLOYEE-ID " match).
enum HeaderName {
    static func normalise(_ name: String) -> String {
        name.utf8.allSatisfy { $0 < 0x80 } ? normaliseASCII(name) : normaliseScalars(name)
    }

    /// Scalar by scalar, with Unicode's idea of white space and case.
    static func normaliseScalars(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        for scalar in name.unicodeScalars {
            if scalar == "_" || scalar == "-" || scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
        }
        return result
    }

    /// The same for a name of ASCII only (nearly every header and code), byte by byte: asking
    /// Unicode for each scalar's properties was most of a webhook's reading.
    static func normaliseASCII(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        for byte in name.utf8 {
            if byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
            }
            bytes.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import CSV
import Workforce

/// Reads one received file of a feed into worker records, quarantining the rows it cannot use.
///
/// File errors (undecodable bytes, broken CSV, missing required columns, no rows) refuse the
/// whole file; row errors (no employee ID, a date that is not one, an unknown status code, an
/// invalid email, an employee ID twice in the file) set that row aside with its line, column
/// and reason, and the other rows go on.
public struct FeedReader: Sendable {
    public let feed: FeedConfiguration

    public init(feed: FeedConfiguration) {
        self.feed = feed
    }

    /// What a file held.
    public struct Result: Sendable {
        /// Usable rows, in file order, at most one per employee ID.
        public var records: [WorkerRecord]
        /// Rows set aside, in file order.
        public var quarantined: [RowError]
        /// Data rows in the file (usable and quarantined).
        public var rowCount: Int

        /// Employee IDs of quarantined rows that had a usable one: they are in the file.
        public var quarantinedIDs: Set<EmployeeID> {
            Set(quarantined.compactMap { $0.employeeID.flatMap(EmployeeID.init(validating:)) })
        }
    }

    /// Reads `bytes`, received as `file`: every row, as no file was applied before it.
    public func read(_ bytes: [UInt8], file: String) throws(FeedFileError) -> Result {
        let scan = try scan(bytes, file: file, known: [:])
        return Result(records: scan.changed, quarantined: scan.quarantined, rowCount: scan.rowCount)
    }
}

/// Which field of a row each canonical column is in.
struct ColumnMap: Sendable {
    var indices: [CanonicalColumn: Int] = [:]
    var custom: [String: Int] = [:]

    /// The columns of `header`. `line` is the header's, for errors; nil for a JSON feed's records,
    /// whose "header" is the field names they have between them (and errors say so).
    init(header: [String], feed: FeedConfiguration, file: String, line: Int?) throws(FeedFileError) {
        var byName: [String: [Int]] = [:]
        for (index, name) in header.enumerated() { byName[HeaderName.normalise(name), default: []].append(index) }
        var missing: [String] = []
        for column in CanonicalColumn.allCases {
            let names = feed.headerNames(for: column)
            let found = names.lazy.compactMap { byName[HeaderName.normalise($0)] }.first
            if let found {
                guard found.count == 1 else {
                    throw FeedFileError(
                        .ambiguousColumns, file: file, line: line,
                        "the header has \(found.count) columns named \"\(header[found[0]])\"; rename or remove the extra ones")
                }
                indices[column] = found[0]
            } else if CanonicalColumn.required.contains(column) {
                missing.append("\(column.rawValue) (looked for: \(names.map { "\"\($0)\"" }.joined(separator: ", ")))")
            }
        }
        guard missing.isEmpty else {
            let names = header.map { "\"\($0)\"" }.joined(separator: ", ")
            throw FeedFileError(
                .missingColumns, file: file, line: line,
                line == nil
                    ? "required fields are missing from every record: \(missing.joined(separator: "; ")); the records have "
                        + names + ". Have the HRIS send them, or map them in the feed's `columns` setting"
                    : "required columns are missing: \(missing.joined(separator: "; ")); the header has "
                        + names + ". Fix the export, or map the columns in the feed's `columns` setting")
        }
        for (attribute, name) in feed.customColumns {
            if let found = byName[HeaderName.normalise(name)]?.first { custom[attribute] = found }
        }
    }

    func headerName(of column: CanonicalColumn, in header: [String]) -> String? {
        indices[column].map { header[$0] }
    }
}

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

    /// Reads `bytes`, received as `file`.
    public func read(_ bytes: [UInt8], file: String) throws(FeedFileError) -> Result {
        let table: CSVTable
        do {
            table = try CSVReader.read(bytes, format: feed.format)
        } catch {
            switch error.code {
            case .undecodable: throw FeedFileError(.undecodable, file: file, line: error.line, column: error.column, error.message)
            case .empty: throw FeedFileError(.empty, file: file, "the file is empty; an HRIS export always has a header line, so check the export")
            case .unterminatedQuote, .strayQuote:
                throw FeedFileError(.malformedCSV, file: file, line: error.line, column: error.column, error.message)
            }
        }
        let columns = try ColumnMap(header: table.header, feed: feed, file: file, line: table.headerLine)
        guard !table.records.isEmpty else {
            throw FeedFileError(
                .headerOnly, file: file, line: table.headerLine,
                "the file has a header and no rows; a truncated or failed export is never applied, so send the full file")
        }
        let mapper = RowMapper(feed: feed, columns: columns, header: table.header)
        var records: [WorkerRecord] = []
        records.reserveCapacity(table.records.count)
        var quarantined: [RowError] = []
        var firstLine: [EmployeeID: Int] = [:]
        var duplicated: Set<EmployeeID> = []
        for row in table.records {
            switch mapper.map(row) {
            case .success(let record):
                if firstLine[record.id] != nil {
                    duplicated.insert(record.id)
                } else {
                    firstLine[record.id] = record.line
                }
                records.append(record)
            case .failure(let error):
                quarantined.append(error)
            }
        }
        if !duplicated.isEmpty {
            // Which of two rows is right cannot be told: every row of a duplicated ID waits for a person.
            let idHeader = columns.headerName(of: .employeeID, in: table.header)
            var kept: [WorkerRecord] = []
            for record in records {
                if duplicated.contains(record.id) {
                    quarantined.append(
                        RowError(
                            line: record.line, column: idHeader, employeeID: record.id.rawValue,
                            reason: "employee ID \(record.id) appears more than once in the file (first on line \(firstLine[record.id]!)); "
                                + "fix the export so each worker has one row"))
                } else {
                    kept.append(record)
                }
            }
            records = kept
            quarantined.sort { $0.line < $1.line }
        }
        return Result(records: records, quarantined: quarantined, rowCount: table.records.count)
    }
}

/// Which field of a row each canonical column is in.
struct ColumnMap: Sendable {
    var indices: [CanonicalColumn: Int] = [:]
    var custom: [String: Int] = [:]

    init(header: [String], feed: FeedConfiguration, file: String, line: Int) throws(FeedFileError) {
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
            throw FeedFileError(
                .missingColumns, file: file, line: line,
                "required columns are missing: \(missing.joined(separator: "; ")); the header has "
                    + header.map { "\"\($0)\"" }.joined(separator: ", ")
                    + ". Fix the export, or map the columns in the feed's `columns` setting")
        }
        for (attribute, name) in feed.customColumns {
            if let found = byName[HeaderName.normalise(name)]?.first { custom[attribute] = found }
        }
    }

    func headerName(of column: CanonicalColumn, in header: [String]) -> String? {
        indices[column].map { header[$0] }
    }
}

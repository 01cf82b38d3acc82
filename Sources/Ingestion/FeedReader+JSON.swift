import CSV
import Workforce

extension FeedReader {
    /// Reads a JSON feed's document (``FeedConfiguration/Kind/isJSON``): the same validation,
    /// quarantine and duplicate rules as a CSV file, a record's position standing for its line
    /// and its JSON field name for the column.
    ///
    /// JSON feeds carry only changed employees, so every record is read (no fingerprints are
    /// kept), and a field a record does not have leaves the worker's value as it is, while a
    /// field sent as null or "" clears it.
    func scanJSON(_ bytes: [UInt8], file: String) throws(FeedFileError) -> ScanResult {
        let document = try JSONRecords(bytes, feed: feed, file: file)
        var result = ScanResult(
            changed: [], quarantined: [], rowCount: document.records.count, present: [:], fingerprints: [:])
        let readable = document.records.filter { $0.notice == nil }
        var mapper: RowMapper?
        var columns: ColumnMap?
        if !readable.isEmpty {
            let map = try ColumnMap(header: document.header, feed: feed, file: file, line: nil)
            columns = map
            mapper = RowMapper(feed: feed, columns: map, header: document.header)
        }
        // Employee IDs first, to find the ones sent twice: which record is right cannot be told.
        var numbersByID: [String: [Int]] = [:]
        for record in readable {
            guard let index = columns?.indices[.employeeID],
                let id = EmployeeID(validating: record.fields[index].trimmingSpaces)
            else { continue }
            numbersByID[id.rawValue, default: []].append(record.number)
            if result.present[RowKey.hash(id)] == nil { result.present[RowKey.hash(id)] = record.number }
        }
        let idField = columns.flatMap { $0.headerName(of: .employeeID, in: document.header) }
        for record in document.records {
            if let notice = record.notice {
                result.quarantined.append(
                    RowError(
                        line: record.number, column: notice.column, employeeID: notice.employeeID, reason: notice.reason
                    ))
                continue
            }
            guard let mapper, let columns else { continue }
            if let index = columns.indices[.employeeID],
                let id = EmployeeID(validating: record.fields[index].trimmingSpaces),
                let numbers = numbersByID[id.rawValue], numbers.count > 1
            {
                result.quarantined.append(
                    RowError(
                        line: record.number, column: idField, employeeID: id.rawValue,
                        reason: "employee ID \(id.rawValue) is in more than one record (first record \(numbers[0])); "
                            + "the HRIS must send each employee once"))
                continue
            }
            switch mapper.map(CSVRecord(line: record.number, fields: record.fields)) {
            case .success(var worker):
                worker.provided = worker.provided.filter { column in
                    columns.indices[column].map(record.present.contains) ?? false
                }
                result.changed.append(worker)
            case .failure(let error):
                result.quarantined.append(error)
            }
        }
        return result
    }
}

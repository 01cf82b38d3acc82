import CSV
import Foundation
import Workforce

/// A row's fingerprint: a 64-bit hash of its bytes as the file wrote them. A row whose
/// fingerprint equals the one its employee ID had in the feed's last applied file is unchanged,
/// and is not read field by field again.
public typealias RowFingerprint = UInt64

/// A 64-bit hash of an employee ID's bytes: rows are matched to what the feed sent last by it,
/// so an unchanged row never becomes text. (Two IDs of one file sharing a hash would be held
/// back as duplicates, never merged; at 100,000 IDs the odds are about 1 in 4 billion a file.)
public enum RowKey {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
        return hash ^ (hash >> 33)
    }

    /// The hash of `id`.
    public static func hash(_ id: EmployeeID) -> UInt64 {
        var text = id.rawValue
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// True when `bytes` are an employee ID exactly as ``EmployeeID/init(validating:)`` keeps it:
    /// printable ASCII without spaces, 1 to 64 bytes.
    static func isPlain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && bytes.count <= 64 && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

extension FeedReader {
    /// What a file held, read against the fingerprints of the feed's last applied file: only
    /// rows that changed are made into records.
    public struct ScanResult: Sendable {
        /// Records of rows that are new or changed since `known`.
        public var changed: [WorkerRecord]
        public var quarantined: [RowError]
        public var rowCount: Int
        /// Every employee ID with a row in the file (usable, unchanged or quarantined), by its
        /// ``RowKey`` hash, with the line of its first row.
        public var present: [UInt64: Int]
        /// The fingerprint of every usable row by its ``RowKey``, to keep once the file is applied.
        public var fingerprints: [UInt64: RowFingerprint]

        /// True when `id` has a row in the file.
        public func isPresent(_ id: EmployeeID) -> Bool {
            present[RowKey.hash(id)] != nil
        }
    }

    /// Reads `bytes`, received as `file`, skipping rows whose fingerprint is in `known`. A JSON
    /// feed's document is read by ``scanJSON(_:file:)`` instead, every record of it.
    public func scan(_ bytes: [UInt8], file: String, known: [UInt64: RowFingerprint]) throws(FeedFileError) -> ScanResult {
        if feed.kind.isJSON { return try scanJSON(bytes, file: file) }
        let scan: CSVScan
        let feed = self.feed
        do {
            scan = try CSVScan(bytes, format: feed.format) { header in
                (try? ColumnMap(header: header, feed: feed, file: file, line: 1))?.indices[.employeeID]
            }
        } catch {
            throw Self.fileError(error, file: file)
        }
        let columns = try ColumnMap(header: scan.header, feed: feed, file: file, line: scan.headerLine)
        guard !scan.records.isEmpty else {
            throw FeedFileError(
                .headerOnly, file: file, line: scan.headerLine,
                "the file has a header and no rows; a truncated or failed export is never applied, so send the full file")
        }
        let mapper = RowMapper(feed: feed, columns: columns, header: scan.header)
        // Start from the known fingerprints: an unchanged file changes none of them.
        var result = ScanResult(changed: [], quarantined: [], rowCount: scan.records.count, present: [:], fingerprints: known)
        result.present.reserveCapacity(scan.records.count)
        var duplicated: [UInt64: [Int]] = [:]
        var unusable: [UInt64] = []
        // First, on this thread: fingerprints, presence and duplicates; which rows must be read.
        var toRead: [(index: Int, key: UInt64?, fingerprint: RowFingerprint)] = []
        for (index, raw) in scan.records.enumerated() {
            let fingerprint = scan.withBytes(of: raw, Self.fingerprint)
            // The key's hash from its bytes when they are a plain ID; from the checked ID otherwise.
            let key: UInt64? = scan.withKeyBytes(of: raw) { bytes in
                if let bytes, RowKey.isPlain(bytes) { return RowKey.hash(bytes) }
                return raw.key(in: scan).flatMap(EmployeeID.init(validating:)).map(RowKey.hash)
            }
            if let key {
                if let first = result.present.updateValue(raw.line, forKey: key) {
                    result.present[key] = first
                    duplicated[key, default: [first]].append(raw.line)
                    continue
                }
                if known[key] == fingerprint { continue }
            }
            toRead.append((index, key, fingerprint))
        }
        // Then the rows that changed are read into records, on every core when there are many.
        var read = [Swift.Result<WorkerRecord, RowError>?](repeating: nil, count: toRead.count)
        let rows = toRead.map(\.index)
        read.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            let workers = rows.count >= 1_000 ? max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) : 1
            let chunk = (rows.count + workers - 1) / max(1, workers)
            let work: @Sendable (Int) -> Void = { worker in
                for position in (worker * chunk)..<min(rows.count, (worker + 1) * chunk) {
                    let raw = scan.records[rows[position]]
                    output[position] = mapper.map(CSVRecord(line: raw.line, fields: scan.fields(of: raw)))
                }
            }
            if workers > 1 { DispatchQueue.concurrentPerform(iterations: workers, execute: work) } else { work(0) }
        }
        for (position, row) in toRead.enumerated() {
            switch read[position]! {
            case .success(let record):
                let recordKey = row.key ?? RowKey.hash(record.id)
                if result.present[recordKey] == nil { result.present[recordKey] = scan.records[row.index].line }
                result.fingerprints[recordKey] = row.fingerprint
                result.changed.append(record)
            case .failure(let error):
                result.quarantined.append(error)
                if let id = error.employeeID.flatMap(EmployeeID.init(validating:)) { unusable.append(RowKey.hash(id)) }
            }
        }
        // A quarantined row's fingerprint must not match next time: it was not applied.
        for key in unusable { result.fingerprints[key] = nil }
        if !duplicated.isEmpty {
            // Which of two rows is right cannot be told: every row of a duplicated ID waits for a person.
            let idHeader = columns.headerName(of: .employeeID, in: scan.header)
            let lineKeys = Dictionary(scan.records.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
            for (key, lines) in duplicated {
                result.fingerprints[key] = nil
                let text = lineKeys[lines[0]].flatMap { $0.key(in: scan) } ?? ""
                let id = EmployeeID(validating: text)?.rawValue ?? text
                for line in lines {
                    result.quarantined.append(
                        RowError(
                            line: line, column: idHeader, employeeID: id,
                            reason: "employee ID \(id) appears more than once in the file (first on line \(lines[0])); "
                                + "fix the export so each worker has one row"))
                }
            }
            result.changed.removeAll { duplicated[RowKey.hash($0.id)] != nil }
            result.quarantined.sort { $0.line < $1.line }
        }
        // Workers missing from the file keep no fingerprint.
        if result.fingerprints.count > result.present.count {
            result.fingerprints = result.fingerprints.filter { result.present[$0.key] != nil }
        }
        return result
    }

    /// FNV-1a over the row's bytes, finished with a multiply-xorshift mix.
    static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> RowFingerprint {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            hash ^= hash >> 32
            index += 8
        }
        while index < count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01b3
            index += 1
        }
        hash ^= UInt64(count)
        hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
        hash = (hash ^ (hash >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        return hash ^ (hash >> 33)
    }

    static func fileError(_ error: CSVError, file: String) -> FeedFileError {
        switch error.code {
        case .undecodable: FeedFileError(.undecodable, file: file, line: error.line, column: error.column, error.message)
        case .empty: FeedFileError(.empty, file: file, "the file is empty; an HRIS export always has a header line, so check the export")
        case .unterminatedQuote, .strayQuote: FeedFileError(.malformedCSV, file: file, line: error.line, column: error.column, error.message)
        }
    }
}

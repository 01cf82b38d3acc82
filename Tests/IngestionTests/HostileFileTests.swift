import CSV
import Foundation
import Ingestion
import Journal
import JournalTestSupport
import Testing
import Workforce

/// Malformed and hostile files through the real ingestor and journal: each has its expected
/// outcome, and each leaves the workforce exactly as it was (or changes only its good rows).
@Suite struct HostileFileTests {
    static let header = "employee_id,legal_first_name,legal_last_name,email,location,employment_type,status,hire_date,termination_date"
    static let base = (1...12).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,LON,full_time,active,2020-01-06," }

    /// A journal that knows twelve workers.
    func setUp() throws -> (TestDirectory, Ingestor, FeedConfiguration) {
        let directory = TestDirectory()
        let journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        let ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("received")))
        let feed = FeedConfiguration(name: "hr", kind: .csvSnapshot)
        _ = try ingestor.ingest(Array(([Self.header] + Self.base).joined(separator: "\n").utf8), file: "day1.csv", feed: feed)
        return (directory, ingestor, feed)
    }

    static let refused: [(String, [UInt8], FeedFileError.Code)] = [
        ("empty file", [], .empty),
        ("only blank lines", Array("\n\r\n\n".utf8), .empty),
        ("header only", Array((header + "\n").utf8), .headerOnly),
        ("header and blank lines", Array((header + "\n\n\n").utf8), .headerOnly),
        ("no employee ID column", Array("first,last,status\nA,B,active\n".utf8), .missingColumns),
        ("no status column", Array("employee_id,legal_first_name,legal_last_name\nE1,A,B\n".utf8), .missingColumns),
        ("two employee ID columns", Array("employee_id,Employee ID,legal_first_name,legal_last_name,status\nE1,E1,A,B,active\n".utf8), .ambiguousColumns),
        ("unclosed quote", Array((header + "\nE1,\"First1,Last1,w1@example.com,LON,full_time,active,2020-01-06,\n").utf8), .malformedCSV),
        ("quote inside a field", Array((header + "\nE1,Fi\"rst1,Last1,w1@example.com,LON,full_time,active,2020-01-06,\n").utf8), .malformedCSV),
        ("text after a closing quote", Array((header + "\nE1,\"First1\"x,Last1,w1@example.com,LON,full_time,active,2020-01-06,\n").utf8), .malformedCSV),
        ("invalid UTF-8", Array((header + "\nE1,Fi").utf8) + [0xC0, 0xAF] + Array("rst,L,w@example.com,LON,full_time,active,,\n".utf8), .undecodable),
        ("Windows-1252 sent as UTF-8", Array((header + "\nE1,Jos").utf8) + [0xE9] + Array(",L,w@example.com,LON,full_time,active,,\n".utf8), .undecodable),
        ("a ZIP archive", [0x50, 0x4B, 0x03, 0x04, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB7, 0xAC, 0xCE, 0x34], .undecodable),
        ("a PDF", Array("%PDF-1.7\n".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A], .undecodable),
        ("UTF-16 cut short", [0xFF, 0xFE, 0x65, 0x00, 0x6D], .undecodable),
        ("UTF-16 with a lone surrogate", [0xFF, 0xFE, 0x65, 0x00, 0x00, 0xDC, 0x0A, 0x00], .undecodable),
        ("a NUL-filled file", [UInt8](repeating: 0, count: 64), .missingColumns),
        ("an HTML error page", Array("<html><body>502 Bad Gateway</body></html>\n".utf8), .missingColumns),
        ("a JSON document", Array("{\"employees\":[{\"id\":\"E1\"}]}\n".utf8), .malformedCSV),
    ]

    @Test(arguments: refused.indices)
    func refusedFilesChangeNothing(index: Int) throws {
        let (name, bytes, code) = Self.refused[index]
        let (directory, ingestor, feed) = try setUp()
        defer { directory.remove() }
        let before = try WorkforceHistory.load(ingestor.journal).state
        let outcome = try ingestor.ingest(bytes, file: "bad.csv", feed: feed)
        guard case .rejected(_, let error) = outcome else { Issue.record("\(name): \(outcome)"); return }
        #expect(error.code == code, "\(name): \(error)")
        #expect(error.file == "bad.csv")
        #expect(!error.message.isEmpty)
        #expect(try WorkforceHistory.load(ingestor.journal).state == before, "\(name)")
        // Kept byte for byte even so.
        let receipt = try #require(try ingestor.journal.events().last { $0.type == "batch.received.v1" })
        guard case .received(let stored)? = try BatchEvent.decode(type: receipt.type, payload: receipt.payload) else { return }
        #expect(try ingestor.store.bytes(of: stored.sha256) == bytes, "\(name)")
    }

    static let badRows: [(String, String, String?)] = [
        ("no employee ID", ",Mal,Lory,m@example.com,LON,full_time,active,2020-01-06,", "employee_id"),
        ("blank employee ID", "   ,Mal,Lory,m@example.com,LON,full_time,active,2020-01-06,", "employee_id"),
        ("unparseable hire date", "E99,Mal,Lory,m@example.com,LON,full_time,active,06/01/2020,", "hire_date"),
        ("impossible termination date", "E99,Mal,Lory,m@example.com,LON,full_time,terminated,2020-01-06,2026-04-31", "termination_date"),
        ("unknown status", "E99,Mal,Lory,m@example.com,LON,full_time,deceased?,2020-01-06,", "status"),
        ("unknown employment type", "E99,Mal,Lory,m@example.com,LON,gig,active,2020-01-06,", "employment_type"),
        ("invalid email", "E99,Mal,Lory,mal at example.com,LON,full_time,active,2020-01-06,", "email"),
        ("too few fields", "E99,Mal,Lory,m@example.com", nil),
        ("too many fields", "E99,Mal,Lory,m@example.com,LON,full_time,active,2020-01-06,,x,y", nil),
        ("control characters in the ID", "E\u{1B}[31m99,Mal,Lory,m@example.com,LON,full_time,active,2020-01-06,", "employee_id"),
        ("an ID of 200 characters", String(repeating: "E", count: 200) + ",Mal,Lory,m@example.com,LON,full_time,active,2020-01-06,", "employee_id"),
        ("no last name", "E99,Mal,,m@example.com,LON,full_time,active,2020-01-06,", "legal_last_name"),
    ]

    @Test(arguments: badRows.indices)
    func badRowsAreSetAsideAndTheGoodRowsApply(index: Int) throws {
        let (name, row, column) = Self.badRows[index]
        let (directory, ingestor, feed) = try setUp()
        defer { directory.remove() }
        var rows = Self.base
        rows[2] = "E3,First3,Last3,w3@example.com,NYC,full_time,active,2020-01-06,"
        rows.append(row)
        let outcome = try ingestor.ingest(Array(([Self.header] + rows).joined(separator: "\n").utf8), file: "day2.csv", feed: feed)
        guard case .applied(_, let counts, let quarantined) = outcome else { Issue.record("\(name): \(outcome)"); return }
        #expect(quarantined.count == 1, "\(name)")
        #expect(quarantined.first?.line == 14, "\(name)")
        #expect(quarantined.first?.column == column, "\(name): \(quarantined)")
        #expect(counts.changes == 1 && counts.creates == 0 && counts.absences == 0, "\(name): \(counts)")
        let state = try WorkforceHistory.load(ingestor.journal).state
        #expect(state.workers[EmployeeID(rawValue: "E3")]?.location == "NYC")
        #expect(state.workers.count == 12)
    }

    @Test func aDuplicatedIDHoldsBackBothRowsAndNothingElse() throws {
        let (directory, ingestor, feed) = try setUp()
        defer { directory.remove() }
        var rows = Self.base
        rows.append("E5,Other,Person,other@example.com,LON,full_time,active,2020-01-06,")
        guard case .applied(_, let counts, let quarantined) = try ingestor.ingest(Array(([Self.header] + rows).joined(separator: "\n").utf8), file: "d.csv", feed: feed)
        else { Issue.record("not applied"); return }
        #expect(quarantined.map(\.line) == [6, 14])
        #expect(counts == BatchCounts(quarantined: 2))
    }
}

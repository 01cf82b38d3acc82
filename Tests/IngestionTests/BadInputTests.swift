import CSV
import Foundation
import Ingestion
import Testing
import Workforce

/// Malformed and hostile files: each refused, or each bad row set aside, with file, line,
/// column and what to do; the good rows of a file go on.
@Suite struct BadInputTests {
    static let header = "employee_id,legal_first_name,legal_last_name,email,status,employment_type,hire_date,manager_id"
    let reader = FeedReader(feed: FeedConfiguration(name: "hr", kind: .csvSnapshot))

    func read(_ text: String) throws(FeedFileError) -> FeedReader.Result {
        try reader.read(Array(text.utf8), file: "hr.csv")
    }

    // MARK: Files refused whole

    @Test(arguments: [
        ("", FeedFileError.Code.empty, nil as Int?),
        ("\n\n", .empty, nil),
        (header + "\n", .headerOnly, 1),
        (header + "\n\n\n", .headerOnly, 1),
        ("id,first,last\nE1,A,B\n", .missingColumns, 1),
        ("employee_id,legal_first_name,legal_last_name\nE1,A,B\n", .missingColumns, 1),
        ("employee_id,employee id,legal_first_name,legal_last_name,status\nE1,E1,A,B,active\n", .ambiguousColumns, 1),
        (header + "\nE1,\"Ann,Lee,a@b.co,active,full_time,2020-01-01,\n", .malformedCSV, 2),
        (header + "\nE1,Ann\"e,Lee,a@b.co,active,full_time,2020-01-01,\n", .malformedCSV, 2),
        (header + "\nE1,\"Ann\" x,Lee,a@b.co,active,full_time,2020-01-01,\n", .malformedCSV, 2),
    ])
    func refusedFiles(text: String, code: FeedFileError.Code, line: Int?) {
        let error = #expect(throws: FeedFileError.self) { try read(text) }
        #expect(error?.code == code, "\(text.debugDescription)")
        #expect(error?.line == line)
        #expect(error?.file == "hr.csv")
    }

    @Test func aMissingColumnErrorListsWhatWasLookedForAndWhatWasFound() {
        let error = #expect(throws: FeedFileError.self) { try read("Emp No,First,Last\n1,A,B\n") }
        #expect(error?.message.contains("employee_id (looked for: \"employee_id\"") == true)
        #expect(error?.message.contains("the header has \"Emp No\", \"First\", \"Last\"") == true)
        #expect(error?.message.contains("`columns` setting") == true)
    }

    @Test func undecodableBytesAreRefused() {
        let bytes = Array((Self.header + "\nE1,Ann,Lee,a@b.co,active,full_time,2020-01-01,\nE2,B").utf8) + [0xFF, 0xFE, 0x00] + Array("b,Lee,x@y.co,active,,,\n".utf8)
        let error = #expect(throws: FeedFileError.self) { try reader.read(bytes, file: "hr.csv") }
        #expect(error?.code == .undecodable)
        #expect(error?.line == 3)
    }

    @Test func aBinaryFileIsRefused() {
        let bytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xA2, 0xC3]
        let error = #expect(throws: FeedFileError.self) { try reader.read(bytes, file: "hr.xlsx") }
        #expect(error?.code == .undecodable)
    }

    // MARK: Rows set aside

    @Test(arguments: [
        (",Ann,Lee,a@b.co,active,full_time,2020-01-01,", "employee_id", "the employee ID is empty"),
        ("E1,,Lee,a@b.co,active,full_time,2020-01-01,", "legal_first_name", "the first name is empty"),
        ("E1,Ann,,a@b.co,active,full_time,2020-01-01,", "legal_last_name", "the last name is empty"),
        ("E1,Ann,Lee,not-an-email,active,full_time,2020-01-01,", "email", "is not an email address"),
        ("E1,Ann,Lee,a@b,active,full_time,2020-01-01,", "email", "is not an email address"),
        ("E1,Ann,Lee,a b@c.co,active,full_time,2020-01-01,", "email", "is not an email address"),
        ("E1,Ann,Lee,a@b.co,retired,full_time,2020-01-01,", "status", "status \"retired\" is not one this feed knows"),
        ("E1,Ann,Lee,a@b.co,,full_time,2020-01-01,", "status", "the status is empty"),
        ("E1,Ann,Lee,a@b.co,active,volunteer,2020-01-01,", "employment_type", "employment type \"volunteer\""),
        ("E1,Ann,Lee,a@b.co,active,full_time,2020-02-30,", "hire_date", "is not a date in the feed's format yyyy-MM-dd"),
        ("E1,Ann,Lee,a@b.co,active,full_time,01/02/2020,", "hire_date", "is not a date"),
        ("E1,Ann,Lee,a@b.co,active,full_time,2020-01-01,\u{0007}", "manager_id", "is not a usable employee ID for the manager"),
        ("E1,Ann,Lee,a@b.co,active,full_time", nil, "the row has 6 fields where the header has 8"),
        ("E1,Ann,Lee,a@b.co,active,full_time,2020-01-01,,extra", nil, "the row has 9 fields where the header has 8"),
        ("\(String(repeating: "9", count: 70)),Ann,Lee,a@b.co,active,,,", "employee_id", "is not a usable employee ID"),
    ])
    func quarantinedRows(row: String, column: String?, reason: String) throws {
        let result = try read(Self.header + "\nE0,Good,Row,good@example.com,active,full_time,2019-05-05,\n" + row + "\n")
        #expect(result.records.map(\.id.rawValue) == ["E0"], "\(row)")
        #expect(result.quarantined.count == 1)
        let error = try #require(result.quarantined.first)
        #expect(error.line == 3)
        #expect(error.column == column)
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(result.rowCount == 2)
    }

    @Test func everyRowOfADuplicatedIDIsSetAside() throws {
        let result = try read(Self.header + """

            E1,Ann,Lee,ann@example.com,active,full_time,2020-01-01,
            E2,Bo,Kim,bo@example.com,active,full_time,2020-01-01,
            E1,Anne,Lee,anne@example.com,active,full_time,2020-01-01,
            """)
        #expect(result.records.map(\.id.rawValue) == ["E2"])
        #expect(result.quarantined.map(\.line) == [2, 4])
        #expect(result.quarantined.allSatisfy { $0.reason.contains("appears more than once") && $0.employeeID == "E1" })
    }

    @Test func formulaLikeCellsAreKeptAsText() throws {
        // Spreadsheet injection is the exporter's concern: Roster stores text and never evaluates it.
        let result = try read(Self.header + "\nE1,=cmd|' /C calc'!A0,Lee,a@b.co,active,full_time,2020-01-01,\n")
        #expect(result.records.first?.legalFirstName == "=cmd|' /C calc'!A0")
    }

    @Test func headersMatchIgnoringCaseSpacesAndSeparators() throws {
        let result = try read(" EMPLOYEE ID , Legal-First-Name,legal_last_NAME ,Status\nE1,Ann,Lee,Active\n")
        #expect(result.records.first?.id.rawValue == "E1")
        #expect(result.records.first?.status == .active)
    }
}

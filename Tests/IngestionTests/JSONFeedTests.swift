import Foundation
import Ingestion
import Journal
import JournalTestSupport
import Testing
import Workforce

/// JSON feeds through the real ingest and journal: the same validation, quarantine, diff,
/// thresholds and idempotency as CSV.
@Suite struct JSONFeedTests {
    let directory = TestDirectory()
    let journal: Journal
    let ingestor: Ingestor
    var feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)

    init() throws {
        journal = try Journal(path: directory.child("journal"), createIfMissing: true)
        ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: directory.child("received")))
        feed.locationTimeZones = ["London": "Europe/London"]
    }

    /// A BambooHR employee read, as `GET /v1/employees/{id}?fields=…` answers it.
    static func employee(
        _ number: String, first: String = "Ada", email: String? = nil, title: String = "Engineer",
        status: String = "Active",
        type: String = "Full-Time", termination: String = "0000-00-00"
    ) -> String {
        let email = email ?? "\(first.lowercased()).\(number.lowercased())@example.com"
        return
            #"{"id":"\#(number.dropFirst())","employeeNumber":"\#(number)","firstName":"\#(first)","lastName":"Lovelace","#
            + #""preferredName":null,"workEmail":"\#(email)","jobTitle":"\#(title)","department":"Research","division":"R","#
            + #""location":"London","supervisorEId":"E001","status":"\#(status)","employmentHistoryStatus":"\#(type)","#
            + #""hireDate":"2026-01-05","terminationDate":"\#(termination)"}"#
    }

    static func document(_ records: String...) -> [UInt8] {
        Array(#"{"employees":["#.utf8) + Array(records.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    func ingest(_ bytes: [UInt8], file: String = "poll") throws -> Ingestor.Outcome {
        try ingestor.ingest(bytes, file: file, feed: feed)
    }

    func workers() throws -> WorkforceState { try WorkforceHistory.load(journal).state }

    @Test func hiresChangesAndTerminationsAreJournaledFromRecords() throws {
        guard
            case .applied(_, let counts, _) = try ingest(
                Self.document(Self.employee("E002"), Self.employee("E003", first: "Alan")))
        else {
            Issue.record("not applied"); return
        }
        #expect(counts.creates == 2)
        let hired = try #require(try workers().workers[EmployeeID(rawValue: "E002")])
        #expect(
            hired.email == "ada.e002@example.com" && hired.employmentType == .fullTime && hired.terminationDate == nil)
        #expect(
            hired.managerID == EmployeeID(rawValue: "E001") && hired.departmentCode == "R"
                && hired.timeZone == "Europe/London")
        let hire = try #require(try journal.events().first { $0.type == "worker.hired.v1" })
        #expect(hire.metadata.origin == "poll record 1")
        #expect(hire.effectiveAt == Timestamp(iso8601: "2026-01-05T00:00:00Z"))

        guard
            case .applied(_, let changed, _) = try ingest(
                Self.document(Self.employee("E002", title: "Lead Engineer")), file: "poll 2")
        else {
            Issue.record("not applied"); return
        }
        #expect(changed.changes == 1)
        #expect(try workers().workers[EmployeeID(rawValue: "E002")]?.jobTitle == "Lead Engineer")

        let leaving = Self.employee(
            "E002", title: "Lead Engineer", status: "Inactive", type: "Terminated", termination: "2026-03-31")
        guard case .applied(_, let ended, _) = try ingest(Self.document(leaving), file: "poll 3") else {
            Issue.record("not applied"); return
        }
        #expect(ended.terminations == 1)
        let worker = try #require(try workers().workers[EmployeeID(rawValue: "E002")])
        // "Terminated" in employmentHistoryStatus says nothing about the type, as in the CSV preset.
        #expect(worker.status == .terminated && worker.employmentType == .fullTime)
        #expect(
            try journal.events().last { $0.type == "worker.terminated.v1" }?.effectiveAt
                == Timestamp(iso8601: "2026-03-30T23:00:00Z"))
        // Absence means nothing in a delta: E003 was in none of the later documents.
        #expect(try workers().absent.isEmpty)
    }

    @Test func aBadEmailIsQuarantinedNamingTheJSONFieldAndTheOthersApply() throws {
        let document = Self.document(Self.employee("E002"), Self.employee("E003", email: "not an email"))
        guard case .applied(_, let counts, let quarantined) = try ingest(document) else {
            Issue.record("not applied"); return
        }
        #expect(counts.creates == 1 && counts.quarantined == 1)
        let row = try #require(quarantined.first)
        #expect(row.line == 2 && row.column == "workEmail" && row.employeeID == "E003")
        let stored = try #require(try journal.events().first { $0.type == "batch.row-quarantined.v1" })
        guard case .rowQuarantined(let journaled)? = try BatchEvent.decode(type: stored.type, payload: stored.payload)
        else {
            Issue.record("no row"); return
        }
        #expect(journaled.column == "workEmail" && journaled.line == 2 && journaled.file == "poll")
    }

    @Test func theSameBytesAgainAreADuplicateAndKeptOnce() throws {
        let document = Self.document(Self.employee("E002"))
        guard case .applied(let batch, _, _) = try ingest(document) else { Issue.record("not applied"); return }
        let head = journal.head
        guard case .duplicate(let again, _) = try ingest(document, file: "redelivered") else {
            Issue.record("not a duplicate"); return
        }
        #expect(again == batch && journal.head == head)
        let received = try #require(try journal.events().first { $0.type == "batch.received.v1" })
        guard case .received(let receipt)? = try BatchEvent.decode(type: received.type, payload: received.payload)
        else { return }
        #expect(try ReceivedFileStore(directory: directory.child("received")).bytes(of: receipt.sha256) == document)
        #expect(receipt.rows == 1)
    }

    @Test func aFieldTheRecordLacksKeepsItsValueWhileNullClearsIt() throws {
        _ = try ingest(Self.document(Self.employee("E002")))
        let partial =
            #"{"employeeNumber":"E002","firstName":"Ada","lastName":"Lovelace","status":"Active","jobTitle":null}"#
        guard case .applied(_, let counts, _) = try ingest(Self.document(partial), file: "partial") else {
            Issue.record("not applied"); return
        }
        #expect(counts.changes == 1)
        let worker = try #require(try workers().workers[EmployeeID(rawValue: "E002")])
        #expect(worker.jobTitle == nil && worker.email == "ada.e002@example.com" && worker.location == "London")
    }

    @Test func aDeletedEmployeeIsSetAsideNotTerminated() throws {
        _ = try ingest(Self.document(Self.employee("E002")))
        let deleted = #"{"id":"2","action":"Deleted","lastChanged":"2026-03-02T10:15:00+00:00"}"#
        guard case .applied(_, let counts, let quarantined) = try ingest(Self.document(deleted), file: "deleted") else {
            Issue.record("not applied"); return
        }
        #expect(counts.terminations == 0 && counts.quarantined == 1)
        #expect(quarantined.first?.reason.contains("a deletion is not a termination") == true)
        #expect(quarantined.first?.reason.contains("BambooHR id 2") == true)
        #expect(try workers().workers[EmployeeID(rawValue: "E002")]?.status == .active)
    }

    @Test func anEmployeeSentTwiceWaitsForAPerson() throws {
        guard
            case .applied(_, let counts, let quarantined) = try ingest(
                Self.document(Self.employee("E002"), Self.employee("E002", title: "CTO")))
        else { Issue.record("not applied"); return }
        #expect(counts.creates == 0 && quarantined.map(\.line) == [1, 2])
        #expect(quarantined.allSatisfy { $0.column == "employeeNumber" && $0.reason.contains("more than one record") })
    }

    @Test func documentsThatCannotBeTrustedAreRejectedWhole() throws {
        let cases: [(String, FeedFileError.Code)] = [
            ("{\"employees\": [\n  {\"employeeNumber\": \"E1\",}\n]}", .malformedJSON),
            (#"{"employees": []}"#, .noRecords),
            (#"{"people": [{"a": 1}]}"#, .noRecords),
            (#"[{"employeeNumber":"E1","firstName":"A","lastName":"B"}]"#, .missingColumns),
            ("", .empty),
        ]
        for (text, code) in cases {
            guard case .rejected(_, let error) = try ingest(Array(text.utf8), file: "bad \(code)") else {
                Issue.record("not rejected: \(text)"); continue
            }
            #expect(error.code == code, "\(text)")
        }
        // A rejected document sent again is a duplicate: it is not looked at twice.
        guard
            case .duplicate = try ingest(
                Array("{\"employees\": [\n  {\"employeeNumber\": \"E1\",}\n]}".utf8), file: "again")
        else {
            Issue.record("a rejected document was taken again"); return
        }
        #expect(try workers().workers.isEmpty)
    }

    @Test func aMalformedDocumentSaysWhere() throws {
        guard
            case .rejected(_, let error) = try ingest(
                Array("{\"employees\": [\n  {\"employeeNumber\": \"E1\",}\n]}".utf8))
        else {
            Issue.record("not rejected"); return
        }
        #expect(error.line == 2 && error.column == 27 && error.message.contains("member name"))
    }

    @Test func aGenericFeedFindsNestedFieldsByDottedNames() throws {
        var people = FeedConfiguration(name: "people", kind: .json)
        people.recordsPath = ["data", "people"]
        people.columns = [
            .employeeID: "id", .legalFirstName: "name.given", .legalLastName: "name.family", .status: "state",
            .email: "emails.0",
        ]
        people.customColumns = ["union": "flags.union"]
        let text =
            #"{"data":{"people":[{"id":42,"name":{"given":"Mary","family":"Jackson"},"state":"active","emails":["MJ@Example.com"],"flags":{"union":true}}]}}"#
        guard case .applied(_, let counts, _) = try ingestor.ingest(Array(text.utf8), file: "people", feed: people)
        else {
            Issue.record("not applied"); return
        }
        #expect(counts.creates == 1)
        let worker = try #require(try workers().workers[EmployeeID(rawValue: "42")])
        #expect(worker.legalFirstName == "Mary" && worker.email == "mj@example.com" && worker.custom["union"] == "true")
    }

    @Test func manyTerminationsAtOnceAreHeldLikeAnyFeed() throws {
        let hires = (1...40).map { Self.employee(String(format: "E%03d", $0 + 100)) }
        _ = try ingestor.ingest(
            Array(#"{"employees":["#.utf8) + Array(hires.joined(separator: ",").utf8) + Array("]}".utf8), file: "load",
            feed: feed)
        let leavers = (1...12).map {
            Self.employee(String(format: "E%03d", $0 + 100), status: "Inactive", termination: "2026-03-31")
        }
        guard
            case .held(_, let reasons, let counts) = try ingest(
                Array(#"{"employees":["#.utf8) + Array(leavers.joined(separator: ",").utf8) + Array("]}".utf8))
        else {
            Issue.record("not held"); return
        }
        #expect(counts.terminations == 12 && reasons.contains { $0.hasPrefix("terminations: 12 exceeds 10") })
        #expect(try workers().workers.values.allSatisfy { $0.status == .active })
        // Approval reads the kept JSON document again, as it does a kept CSV file.
        let batch = try #require(try WorkforceHistory.load(journal).batches.values.first { $0.state == .held })
        let approved = try ingestor.approve(batch: batch.id, by: "dana", feeds: [feed])
        #expect(approved.terminations == 12)
        #expect(try workers().workers.values.filter { $0.status == .terminated }.count == 12)
    }
}

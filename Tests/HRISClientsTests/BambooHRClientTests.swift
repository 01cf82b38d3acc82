import Foundation
import HRISClients
import HRISTestSupport
import Ingestion
import Journal
import JournalTestSupport
import Testing
import Workforce

/// The BambooHR client against a local server answering with recorded payloads.
@Suite struct BambooHRClientTests {
    static let since = "2026-03-01T00:00:00+00:00"
    let server: RecordedHTTPServer
    let client: BambooHRClient
    let fields = BambooHRClient.standardFields

    init() throws {
        server = try RecordedHTTPServer()
        client = BambooHRClient(
            baseURL: server.baseURL.appendingPathComponent("api/gateway.php/acme"), apiKey: "secret-api-key")
        // A `+` in a query means a space, so the offset's plus is recorded encoded, as it must be sent.
        let since = Self.since.replacingOccurrences(of: "+", with: "%2B")
        try server.serve(
            "GET", "/api/gateway.php/acme/v1/employees/changed?since=\(since)",
            file: Fixture.url("bamboohr-changed.json"))
        try server.serve("GET", "/api/gateway.php/acme/v1/employees/3", file: Fixture.url("bamboohr-employee-3.json"))
        try server.serve("GET", "/api/gateway.php/acme/v1/employees/4", file: Fixture.url("bamboohr-employee-4.json"))
    }

    @Test func changedSinceListsTheEmployeesAndTheNextMark() async throws {
        let changes = try await client.changed(since: Self.since)
        #expect(changes.latest == "2026-03-02T10:15:00+00:00")
        #expect(changes.employees.map(\.id) == ["3", "4", "5"])
        #expect(changes.employees.map(\.action) == [.inserted, .updated, .deleted])
        let request = try #require(server.requests.first)
        // The `+` of the offset must arrive as a plus, not as a space.
        #expect(request.parameter("since") == Self.since)
        #expect(request.basicCredentials?.user == "secret-api-key")
        #expect(request.headers["accept"] == "application/json")
    }

    @Test func aPollReadsTheChangedEmployeesIntoADocumentTheIngestApplies() async throws {
        let poller = BambooHRPoller(client: client, fields: fields)
        let result = try await poller.poll(since: Self.since)
        #expect(result.mark == "2026-03-02T10:15:00+00:00" && result.recordCount == 3)
        let document = try #require(result.document)
        let reads = server.requests.filter {
            $0.path.hasPrefix("/api/gateway.php/acme/v1/employees/") && !$0.path.hasSuffix("/changed")
        }
        #expect(
            Set(reads.map(\.path)) == ["/api/gateway.php/acme/v1/employees/3", "/api/gateway.php/acme/v1/employees/4"])
        #expect(
            reads.allSatisfy {
                $0.parameter("fields") == fields.joined(separator: ",") && $0.basicCredentials?.user == "secret-api-key"
            })
        // BambooHR's answers are kept as they came, in the order changed-since listed them.
        let employee3 = try Fixture.bytes("bamboohr-employee-3.json")
        #expect(document.firstRange(of: employee3.dropLast()) != nil)

        let journal = try JournalFixture()
        let feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)
        _ = try journal.ingest(try Fixture.bytes("bamboohr-directory-4.json"), file: "initial", feed: feed)
        let outcome = try journal.ingest(document, file: "bamboohr changed since \(Self.since)", feed: feed)
        guard case .applied(_, let counts, let quarantined) = outcome else {
            Issue.record("not applied: \(outcome)"); return
        }
        #expect(counts.creates == 1 && counts.changes == 1)
        #expect(quarantined.count == 1 && quarantined[0].line == 3 && quarantined[0].column == "action")
        #expect(journal.history.state.workers[EmployeeID(rawValue: "E003")]?.terminationDate == nil)
        #expect(journal.history.state.workers[EmployeeID(rawValue: "E004")]?.jobTitle == "Principal Engineer")
        // The same changes polled again make the same bytes: nothing happens twice.
        let again = try await poller.poll(since: Self.since)
        guard case .duplicate = try journal.ingest(try #require(again.document), file: "again", feed: feed) else {
            Issue.record("not a duplicate"); return
        }
    }

    @Test func nothingChangedMeansNoDocumentAndTheMarkMovesOn() async throws {
        try server.serve(
            "GET", "/api/gateway.php/acme/v1/employees/changed", file: Fixture.url("bamboohr-changed-none.json"))
        let result = try await BambooHRPoller(client: client).poll(since: "2026-03-02T00:00:00Z")
        #expect(result.document == nil && result.recordCount == 0 && result.mark == "2026-03-02T10:15:00+00:00")
    }

    @Test func anEmployeeBambooHRNoLongerFindsBecomesADeletionNotice() async throws {
        let document = try await client.read(
            [ChangedEmployee(id: "99", action: .updated), ChangedEmployee(id: "3", action: .inserted)], fields: fields)
        let records = try #require(try JSONValue.parse(document.document)["employees"]?.items)
        #expect(records.count == 2 && document.count == 2)
        #expect(records[0] == .object([("id", .string("99")), ("action", .string("Deleted"))]))
        #expect(records[1]["employeeNumber"] == .string("E003"))
    }

    @Test func aBusyHRISIsARetryableErrorWithItsRetryAfter() async throws {
        server.fail("GET", "/api/gateway.php/acme/v1/employees/changed", status: 503, retryAfter: "7")
        let error = await #expect(throws: HRISError.self) { try await client.changed(since: Self.since) }
        #expect(error?.status == 503 && error?.isTransient == true && error?.retryAfter == .seconds(7))
        server.fail("GET", "/api/gateway.php/acme/v1/employees/4", status: 429, retryAfter: "2")
        let throttled = await #expect(throws: HRISError.self) {
            try await BambooHRPoller(client: client).poll(since: Self.since)
        }
        #expect(throttled?.status == 429 && throttled?.retryAfter == .seconds(2))
        // Afterwards the recorded answers are served again.
        #expect(try await client.changed(since: Self.since).employees.count == 3)
    }

    @Test func aWrongKeyIsNotRetryableAndSaysWhatToCheck() async throws {
        server.fail("GET", "/api/gateway.php/acme/v1/employees/changed", status: 401)
        let error = await #expect(throws: HRISError.self) { try await client.changed(since: Self.since) }
        #expect(error?.isTransient == false)
        #expect(error?.description.contains("credential_env") == true)
    }

    @Test func anAnswerThatIsNotJSONIsAnErrorNamingTheRequest() async throws {
        server.serve(
            "GET", "/api/gateway.php/acme/v1/employees/changed",
            .init(headers: ["Content-Type": "text/xml"], body: Array("<employees/>".utf8)))
        let error = await #expect(throws: HRISError.self) { try await client.changed(since: "2026-01-01T00:00:00Z") }
        #expect(error?.status == 200 && error?.isTransient == false)
        #expect(error?.path.hasPrefix("/api/gateway.php/acme/v1/employees/changed") == true)
    }

    @Test func aFeedsPollerComesFromItsConfigurationAndEnvironment() throws {
        var feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)
        feed.customColumns = ["union": "customUnion"]
        #expect(throws: HRISSetupError.self) { try FeedPollers.poller(for: feed) }
        var polling = FeedConfiguration.Polling(url: server.baseURL)
        polling.credentialVariable = "BAMBOO_KEY"
        feed.polling = polling
        #expect(throws: HRISSetupError.self) { try FeedPollers.poller(for: feed, environment: [:]) }
        let poller = try #require(
            try FeedPollers.poller(for: feed, environment: ["BAMBOO_KEY": "k"]) as? BambooHRPoller)
        #expect(poller.fields == BambooHRClient.standardFields + ["customUnion"])
        #expect(poller.start == "1970-01-01T00:00:00Z")
    }
}

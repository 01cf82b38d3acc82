import Foundation
import HRISClients
import HRISTestSupport
import Ingestion
import Journal
import JournalTestSupport
import Testing
import Workforce

/// A generic "changed since" JSON endpoint, served from recordings, into the real ingest.
@Suite struct GenericJSONPollerTests {
    let server: RecordedHTTPServer
    var feed = FeedConfiguration(name: "people", kind: .json)

    init() throws {
        server = try RecordedHTTPServer()
        try server.serve(
            "GET", "/api/people?updated_since=2026-02-01T00:00:00Z", file: Fixture.url("generic-people.json"))
        try server.serve(
            "GET", "/api/people?updated_since=2026-03-01T00:00:00Z", file: Fixture.url("generic-people-empty.json"))
        feed.recordsPath = ["data", "people"]
        feed.columns = [
            .employeeID: "person_id", .legalFirstName: "name.given", .legalLastName: "name.family",
            .email: "contact.email",
            .status: "state", .hireDate: "started", .terminationDate: "ended", .departmentName: "team",
        ]
        var polling = FeedConfiguration.Polling(url: server.baseURL.appendingPathComponent("api/people"))
        polling.sinceParameter = "updated_since"
        polling.markPath = ["meta", "latest"]
        polling.credentialVariable = "PEOPLE_TOKEN"
        polling.start = "2026-02-01T00:00:00Z"
        feed.polling = polling
    }

    func poller(_ feed: FeedConfiguration? = nil) throws -> any FeedPoller {
        try FeedPollers.poller(for: feed ?? self.feed, environment: ["PEOPLE_TOKEN": "t0ken"])
    }

    @Test func aPollReturnsTheAnswerAsTheDocumentAndTheNextMark() async throws {
        let result = try await poller().poll(since: nil)
        #expect(result.mark == "2026-03-01T00:00:00Z" && result.recordCount == 2)
        #expect(result.document == (try Fixture.bytes("generic-people.json")))
        let request = try #require(server.requests.first)
        #expect(request.parameter("updated_since") == "2026-02-01T00:00:00Z")
        #expect(request.headers["authorization"] == "Bearer t0ken" && request.headers["accept"] == "application/json")

        let journal = try JournalFixture()
        let outcome = try journal.ingest(try #require(result.document), file: "people since 2026-02-01", feed: feed)
        guard case .applied(_, let counts, let quarantined) = outcome else {
            Issue.record("not applied: \(outcome)"); return
        }
        #expect(counts.creates == 2 && quarantined.isEmpty)
        let katherine = try #require(journal.history.state.workers[EmployeeID(rawValue: "P-100")])
        #expect(katherine.email == "k.johnson@example.com" && katherine.departmentName == "Flight Research")
        #expect(journal.history.state.workers[EmployeeID(rawValue: "P-101")]?.status == .terminated)
    }

    @Test func anAnswerWithoutRecordsKeepsTheMarkItWasAskedWith() async throws {
        let result = try await poller().poll(since: "2026-03-01T00:00:00Z")
        #expect(result.document == nil && result.recordCount == 0 && result.mark == "2026-03-01T00:00:00Z")
    }

    @Test func recordsWithoutAMarkAreAnErrorSoThePollCannotStall() async throws {
        var unmarked = feed
        unmarked.polling?.markPath = ["meta", "next"]
        let error = await #expect(throws: HRISError.self) { try await poller(unmarked).poll(since: nil) }
        #expect(error?.detail.contains("meta.next") == true)
    }

    @Test func aFailingEndpointSurfacesItsStatus() async throws {
        server.fail("GET", "/api/people", status: 500)
        let error = await #expect(throws: HRISError.self) { try await poller().poll(since: nil) }
        #expect(error?.status == 500 && error?.isTransient == true && error?.retryAfter == nil)
    }
}

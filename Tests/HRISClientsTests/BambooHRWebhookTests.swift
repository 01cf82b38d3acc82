import Foundation
import HRISClients
import HRISTestSupport
import Ingestion
import Testing
import Workforce

/// Deliveries signed by Python's `hmac`, so that the verification is checked against an
/// implementation Roster does not share.
@Suite struct BambooHRWebhookTests {
    static let key = "whsec-private-key-returned-once"
    static let timestamp = "1769885000"
    static let sentAt = Date(timeIntervalSince1970: 1_769_885_000)
    let webhook = BambooHRWebhook(privateKey: Array(Self.key.utf8), maxBodyBytes: 4096)

    func signed(_ body: [UInt8], key: String = Self.key, timestamp: String = Self.timestamp) throws -> [String: String]
    {
        [
            "X-BambooHR-Signature": try IndependentSignature.bambooHR(body: body, timestamp: timestamp, key: key),
            "X-BambooHR-Timestamp": timestamp,
        ]
    }

    func refusal(_ result: Result<WebhookDelivery, WebhookRefusal>) -> WebhookRefusal? {
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    @Test func anEventBasedDeliveryNamesTheEmployeeToRead() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let delivery = try webhook.receive(body: body, headers: signed(body), now: Self.sentAt.addingTimeInterval(30))
            .get()
        #expect(delivery.shape == .eventBased(type: "employee.updated"))
        #expect(
            delivery.changes == [
                ChangedEmployee(id: "67890", action: .updated, lastChanged: "2026-01-31T18:42:00+0000")
            ])
        #expect(delivery.records == nil)
        #expect(delivery.sentAt == Self.sentAt)
    }

    @Test func headerNamesMatchInAnyCase() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let headers = try signed(body).reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
        #expect(throws: Never.self) { try webhook.receive(body: body, headers: headers, now: Self.sentAt).get() }
    }

    @Test func aTamperedBodyAWrongKeyOrAGarbledSignatureAreRefused401() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let headers = try signed(body)
        var tampered = body
        tampered[tampered.firstIndex(of: UInt8(ascii: "6"))!] = UInt8(ascii: "7")
        let changed = refusal(webhook.receive(body: tampered, headers: headers, now: Self.sentAt))
        #expect(changed?.reason == .badSignature && changed?.status == 401)
        let wrongKey = refusal(
            webhook.receive(body: body, headers: try signed(body, key: "another key"), now: Self.sentAt))
        #expect(wrongKey?.reason == .badSignature)
        // The timestamp is signed too: moving it breaks the signature.
        var moved = headers
        moved["X-BambooHR-Timestamp"] = "1769885001"
        #expect(refusal(webhook.receive(body: body, headers: moved, now: Self.sentAt))?.reason == .badSignature)
        var garbled = headers
        garbled["X-BambooHR-Signature"] = String(headers["X-BambooHR-Signature"]!.dropLast(2))
        #expect(refusal(webhook.receive(body: body, headers: garbled, now: Self.sentAt))?.reason == .malformedSignature)
    }

    @Test func timestampsMoreThanFiveMinutesAwayEitherWayAreRefused() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let headers = try signed(body)
        let stale = refusal(webhook.receive(body: body, headers: headers, now: Self.sentAt.addingTimeInterval(301)))
        #expect(stale?.reason == .stale && stale?.status == 401)
        let future = refusal(webhook.receive(body: body, headers: headers, now: Self.sentAt.addingTimeInterval(-301)))
        #expect(future?.reason == .fromTheFuture && future?.status == 401)
        for offset in [-300.0, 0, 300] {
            #expect(
                refusal(webhook.receive(body: body, headers: headers, now: Self.sentAt.addingTimeInterval(offset)))
                    == nil)
        }
    }

    @Test func missingHeadersAreRefused401() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let headers = try signed(body)
        let unsigned = refusal(
            webhook.receive(body: body, headers: headers.filter { $0.key != "X-BambooHR-Signature" }, now: Self.sentAt))
        #expect(unsigned?.reason == .missingSignature && unsigned?.status == 401)
        let undated = refusal(
            webhook.receive(body: body, headers: headers.filter { $0.key != "X-BambooHR-Timestamp" }, now: Self.sentAt))
        #expect(undated?.reason == .missingTimestamp && undated?.status == 401)
    }

    @Test func aLargeBodyIsRefused413BeforeAnythingElse() throws {
        let body = [UInt8](repeating: UInt8(ascii: " "), count: 4097)
        #expect(refusal(webhook.receive(body: body, headers: [:], now: Self.sentAt))?.status == 413)
        #expect(webhook.refusal(forLength: 4097)?.reason == .tooLarge)
        #expect(webhook.refusal(forLength: 4096) == nil)
    }

    @Test func aSignedBodyThatIsNotAPayloadIsRefused400WithAReason() throws {
        for text in [
            "type=employee.updated&employeeId=5", #"{"hello":"world"}"#, #"{"type":"employee.updated","data":{}}"#,
        ] {
            let body = Array(text.utf8)
            let malformed = refusal(webhook.receive(body: body, headers: try signed(body), now: Self.sentAt))
            #expect(malformed?.reason == .malformedBody && malformed?.status == 400, "\(text)")
            #expect(malformed?.message.isEmpty == false)
        }
    }

    @Test func theDeliveryIDIsTheSameForAReplayAndDiffersForAnotherDelivery() throws {
        let body = try Fixture.bytes("webhook-event-based.json")
        let first = try webhook.receive(body: body, headers: signed(body), now: Self.sentAt).get()
        let replay = try webhook.receive(body: body, headers: signed(body), now: Self.sentAt.addingTimeInterval(60))
            .get()
        let later = try webhook.receive(body: body, headers: signed(body, timestamp: "1769885060"), now: Self.sentAt)
            .get()
        #expect(first.id == replay.id && first.id.count == 64)
        #expect(first.id != later.id)
        var withHeader = webhook
        withHeader.deliveryIDHeader = "X-Delivery-Id"
        let named = try withHeader.receive(
            body: body, headers: signed(body).merging(["x-delivery-id": "d-42"]) { $1 }, now: Self.sentAt
        ).get()
        #expect(named.id == "d-42")
    }

    @Test func aFieldBasedDeliveryIsIngestedAsItCame() throws {
        let body = try Fixture.bytes("webhook-field-based.json")
        let delivery = try webhook.receive(body: body, headers: signed(body), now: Self.sentAt).get()
        #expect(delivery.shape == .fieldBased)
        #expect(delivery.changes.map(\.id) == ["5", "6"] && delivery.changes.map(\.action) == [.updated, .deleted])
        let records = try #require(delivery.records)

        let journal = try JournalFixture()
        let feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)
        let outcome = try journal.ingest(records, file: "webhook \(delivery.id)", feed: feed)
        guard case .applied(_, let counts, let quarantined) = outcome else {
            Issue.record("not applied: \(outcome)"); return
        }
        #expect(counts.creates == 1)
        #expect(quarantined.map(\.line) == [2] && quarantined.first?.reason.contains("BambooHR id 6") == true)
        let worker = try #require(journal.history.state.workers[EmployeeID(rawValue: "E005")])
        #expect(worker.jobTitle == "Rear Admiral" && worker.legalFirstName == "Grace")
    }

    @Test func aFeedsWebhookSettingsNeedTheirKeyInTheEnvironment() throws {
        var feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)
        feed.webhook = FeedConfiguration.Webhook(secretVariable: "BAMBOO_HOOK_KEY")
        #expect(throws: HRISSetupError.self) {
            try BambooHRWebhook(feed: feed, defaultMaxBodyBytes: 10, environment: [:])
        }
        let webhook = try BambooHRWebhook(
            feed: feed, defaultMaxBodyBytes: 10, environment: ["BAMBOO_HOOK_KEY": Self.key])
        #expect(webhook.maxBodyBytes == 10)
        let body = try Fixture.bytes("webhook-event-based.json")
        var roomy = webhook
        roomy.maxBodyBytes = 4096
        #expect(throws: Never.self) { try roomy.receive(body: body, headers: signed(body), now: Self.sentAt).get() }
    }
}

import Foundation
import HRISClients
import HRISTestSupport
import Ingestion
import Testing
import Workforce

/// BambooHR's "Form Post" encoding: the same deliveries as the JSON fixtures, posted as
/// `application/x-www-form-urlencoded` with bracketed names (encoded here by Foundation, not by
/// Roster's reader), are read as the same deliveries.
@Suite struct FormWebhookTests {
    let webhook = BambooHRWebhook(privateKey: Array(BambooHRWebhookTests.key.utf8), maxBodyBytes: 8192)
    static let form = ["Content-Type": "application/x-www-form-urlencoded"]

    /// `value` as form fields: `employees[0][fields][firstName][value]=Grace`.
    static func formEncoded(_ value: Any) -> [UInt8] {
        var fields: [(String, String)] = []
        func walk(_ value: Any, _ name: String) {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() { walk(object[key]!, name.isEmpty ? key : "\(name)[\(key)]") }
            case let array as [Any]:
                for (index, item) in array.enumerated() { walk(item, "\(name)[\(index)]") }
            case let number as NSNumber:
                fields.append((name, number.stringValue))
            default:
                fields.append((name, "\(value)"))
            }
        }
        walk(value, "")
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(fields.map { "\($0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&").utf8)
    }

    func signed(_ body: [UInt8], _ extra: [String: String] = form) throws -> [String: String] {
        try [
            "X-BambooHR-Signature": IndependentSignature.bambooHR(body: body, timestamp: BambooHRWebhookTests.timestamp, key: BambooHRWebhookTests.key),
            "X-BambooHR-Timestamp": BambooHRWebhookTests.timestamp,
        ].merging(extra) { $1 }
    }

    @Test func anEventBasedFormPostNamesTheSameEmployee() throws {
        let json = try Fixture.bytes("webhook-event-based.json")
        let body = Self.formEncoded(try JSONSerialization.jsonObject(with: Data(json)))
        #expect(String(decoding: body, as: UTF8.self).contains("data%5BemployeeId%5D=67890"))
        let fromForm = try webhook.receive(body: body, headers: signed(body), now: BambooHRWebhookTests.sentAt).get()
        let fromJSON = try webhook.receive(body: json, headers: signed(json, [:]), now: BambooHRWebhookTests.sentAt).get()
        #expect(fromForm.shape == fromJSON.shape && fromForm.changes == fromJSON.changes)
        // Without a Content-Type, a body that does not open as JSON is read as a form.
        let unlabelled = try webhook.receive(body: body, headers: signed(body, [:]), now: BambooHRWebhookTests.sentAt).get()
        #expect(unlabelled.changes == fromJSON.changes)
    }

    @Test func aFieldBasedFormPostIsIngestedLikeItsJSON() throws {
        let json = try Fixture.bytes("webhook-field-based.json")
        let body = Self.formEncoded(try JSONSerialization.jsonObject(with: Data(json)))
        let delivery = try webhook.receive(body: body, headers: signed(body), now: BambooHRWebhookTests.sentAt).get()
        #expect(delivery.shape == .fieldBased)
        #expect(delivery.changes.map(\.id) == ["5", "6"] && delivery.changes.map(\.action) == [.updated, .deleted])
        let records = try #require(delivery.records)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(records)) as? [String: Any])
        let employees = try #require(document["employees"] as? [[String: Any]])
        #expect(employees.count == 2 && employees[0]["changedFields"] as? [String] == ["jobTitle"])

        let journal = try JournalFixture()
        let feed = FeedConfiguration(name: "bamboo", kind: .bamboohrAPI, preset: .bamboohr)
        guard case .applied(_, let counts, _) = try journal.ingest(records, file: "webhook \(delivery.id)", feed: feed) else {
            Issue.record("not applied"); return
        }
        #expect(counts.creates == 1)
        let worker = try #require(journal.history.state.workers[EmployeeID(rawValue: "E005")])
        #expect(worker.jobTitle == "Rear Admiral" && worker.legalFirstName == "Grace" && worker.legalLastName == "Hopper")
    }

    @Test func aMalformedFormIsRefused400WithItsField() throws {
        for (text, expected) in [
            ("type=employee.updated&data%5BemployeeId%5D=5%ZZ", "form field 2: a % not followed by two hex digits"),
            ("type=employee.updated&data%5BemployeeId=5", "form field 2 (data[employeeId): brackets must pair"),
            ("type=a&type=b", "form field type is given twice"),
            ("data=1&data%5Bx%5D=2", "form field data[x] nests under a name that already has a value"),
            ("%5Bx%5D=1", "has no name before its brackets"),
            ("name=%FF", "form field 1 is not UTF-8 once decoded"),
        ] {
            let body = Array(text.utf8)
            let result = webhook.receive(body: body, headers: try signed(body), now: BambooHRWebhookTests.sentAt)
            guard case .failure(let refusal) = result else { Issue.record("\(text) was read"); continue }
            #expect(refusal.status == 400 && refusal.message.contains(expected), "\(text): \(refusal.message)")
        }
    }
}

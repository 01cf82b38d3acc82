import Foundation
import HRISTestSupport
import JournalTestSupport
import SCIM
import SCIMTestSupport
import SFTPTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster serve` end to end: a file uploaded over SFTP (a real sshd), a signed BambooHR webhook
/// and a poll of BambooHR's changed-since API (recorded payloads) each end as the right users and
/// memberships on a real SCIM server; refused webhooks journal nothing.
@Suite struct ServeFeedsTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    static let token = "feeds-admin-token"
    static let webhookKey = "bamboo-webhook-private-key"

    @Test func anSFTPFileAWebhookAndAPollEachReachTheLMS() async throws {
        let scim = try await SCIMTestServer.start()
        defer { scim.stop() }
        let sftp = try SFTPDropServer()
        defer { sftp.stop() }
        let hris = try RecordedHTTPServer()
        defer { hris.stop() }
        let quiet = #"{"latest":"2026-01-01T00:00:00+00:00","employees":{}}"#
        hris.serve("GET", "/api/gateway.php/acme/v1/employees/changed", .init(body: Array(quiet.utf8)))

        let config = directory.child("roster.yml")
        try """
            data: ./data
            default_time_zone: Europe/London
            locations: { LON: Europe/London, NYC: America/New_York }
            rules: rules.yml
            feeds:
              - name: sftp
                kind: csv-snapshot
                preset: generic
                inbox: { path: \(sftp.incomingPath), complete: renamed }
              - name: bamboo
                kind: bamboohr-api
                poll:
                  url: \(hris.baseURL.absoluteString)/api/gateway.php/acme
                  credential_env: BAMBOO_API_KEY
                  interval: 2s
                  start: "2026-01-01T00:00:00Z"
                webhook: { secret_env: BAMBOO_WEBHOOK_KEY, max_body_bytes: 4096 }
            lms:
              connector: scim
              url: \(scim.baseURL.absoluteString)
              token: \(scim.bearerToken)
            serve:
              listen: 127.0.0.1:0
              token: \(Self.token)
              log_format: json
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try LMSStateCommandTests.rules.write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)

        let daemon = try await RunningDaemon.start(
            config: config, token: Self.token, environment: ["BAMBOO_API_KEY": "api-key", "BAMBOO_WEBHOOK_KEY": Self.webhookKey])
        let base = daemon.base
        let client = scim.client()

        /// Waits (polling, with a deadline) until the server's user `id` is in group `group`.
        func member(_ id: String, of group: String) async throws -> Bool {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let user = try await client.findUser(externalId: id), let scimID = user.id,
                    let found = try await client.findGroup(displayName: group), try await client.group(id: found.id!).members.contains(where: { $0.value == scimID })
                {
                    return true
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            return false
        }

        // 1. A file over SFTP, uploaded under a temporary name and renamed into place.
        let csv = directory.child("company.csv")
        try ([LMSStateCommandTests.header] + LMSStateCommandTests.company()).joined(separator: "\n").appending("\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        try await sftp.upload(localFile: csv, as: "company.csv", style: .renamedIntoPlace(suffix: ".part"))
        #expect(try await member("E10", of: "London"))
        #expect(try await client.listUsers().count == 10, "ten employees; the contractor and the future hire have none")
        #expect(FileManager.default.fileExists(atPath: sftp.incomingPath + "/archive"))

        // 2. A signed field-based webhook: E3 promoted to manager.
        func post(_ body: String, timestamp: String, signature: String? = nil) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "hooks/bamboo", relativeTo: base)!, timeoutInterval: 30)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(timestamp, forHTTPHeaderField: "X-BambooHR-Timestamp")
            let signed = try signature ?? IndependentSignature.bambooHR(body: Array(body.utf8), timestamp: timestamp, key: Self.webhookKey)
            request.setValue(signed, forHTTPHeaderField: "X-BambooHR-Signature")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        func batches() async throws -> Int {
            (try await daemon.json("v1/batches")["batches"] as? [Any])?.count ?? -1
        }
        let promotion = """
            {"employees":[{"id":3,"action":"Updated","timestamp":"2026-11-29T09:00:00+0000","changedFields":["jobTitle"],\
            "fields":{"employeeNumber":{"value":"E3"},"firstName":{"value":"First3"},"lastName":{"value":"Last3"},\
            "status":{"value":"Active"},"jobTitle":{"value":"Team Manager"}}}],"fields":{"jobTitle":"Job Title"}}
            """
        let now = String(Int(Date().timeIntervalSince1970))
        let before = try await batches()
        // Refused, and nothing journaled: a bad signature, a stale timestamp, an oversize body, a malformed one.
        #expect(try await post(promotion, timestamp: now, signature: String(repeating: "0", count: 64)).0 == 401)
        #expect(try await post(promotion, timestamp: String(Int(Date().timeIntervalSince1970) - 600)).0 == 401)
        #expect(try await post(String(repeating: " ", count: 5000) + promotion, timestamp: now).0 == 413)
        #expect(try await post(#"{"employees": "#, timestamp: now).0 == 400)
        #expect(try await batches() == before)
        let (status, answer) = try await post(promotion, timestamp: now)
        #expect(status == 200, "\(answer)")
        #expect(answer.contains("\"applied\""))
        #expect(try await batches() == before + 1)
        // The same delivery again: acknowledged, nothing new.
        let again = try await post(promotion, timestamp: now)
        #expect(again.0 == 200 && again.1.contains("\"duplicate\""))
        #expect(try await member("E3", of: "course:Leadership_101"))

        // 3. A poll: BambooHR now reports E7 changed; the next poll reads and ingests it.
        let changed = #"{"latest":"2026-11-29T10:00:00+00:00","employees":{"7":{"id":"7","action":"Updated","lastChanged":"2026-11-29T10:00:00+00:00"}}}"#
        let seven = #"{"id":"7","employeeNumber":"E7","firstName":"First7","lastName":"Last7","workEmail":"w7@example.com","jobTitle":"Sales Manager","department":"Information Technology","location":"NYC","status":"Active","employmentHistoryStatus":"Full-Time","hireDate":"2019-04-01","terminationDate":"0000-00-00"}"#
        hris.serve("GET", "/api/gateway.php/acme/v1/employees/7", .init(body: Array(seven.utf8)))
        hris.serve("GET", "/api/gateway.php/acme/v1/employees/changed", .init(body: Array(changed.utf8)))
        #expect(try await member("E7", of: "course:Leadership_101"))
        #expect(try await member("E7", of: "New York"))
        let basic = hris.requests.first { $0.path.hasSuffix("/v1/employees/7") }?.basicCredentials?.user
        #expect(basic == "api-key")

        let exit = try await daemon.stop()
        #expect(exit == 0, "\(daemon.child.standardError())")
        // After a restart the poller goes on from the journaled mark.
        let history = try await blocking { [roster] in try runCommand(roster, ["history", "E7", "--config", config]) }
        #expect(history.standardOutput.contains("poll since 2026-01-01T00:00:00+00:00") || history.standardOutput.contains("feed bamboo"))
    }
}

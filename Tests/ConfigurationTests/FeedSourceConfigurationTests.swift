import Configuration
import Foundation
import Ingestion
import Testing

/// `bamboohr-api` and `json` feeds: records_path, poll and webhook settings, and their mistakes.
@Suite struct FeedSourceConfigurationTests {
    static let valid = """
        feeds:
          - name: bamboo
            kind: bamboohr-api
            poll:
              url: https://api.bamboohr.com/api/gateway.php/acme
              credential_env: BAMBOOHR_API_KEY
              interval: 1h30m
              max_backoff: 2h
              start: "2026-01-01T00:00:00Z"
            webhook: { secret_env: BAMBOOHR_WEBHOOK_KEY, max_body_bytes: 65536, delivery_id_header: X-Delivery }
          - name: people
            kind: json
            records_path: data.people
            columns: { employee_id: person_id, legal_first_name: name.given }
            poll: { url: "https://hr.example.com/api/people?active=1", since_parameter: updated_since, mark_path: meta.latest }
        """

    @Test func readsBambooHRAndGenericJSONFeeds() throws {
        let configuration = try RosterConfiguration.parse(Self.valid, path: "/etc/roster/roster.yml")
        let bamboo = try configuration.feed("bamboo")
        #expect(bamboo.kind == .bamboohrAPI && bamboo.kind.isJSON && bamboo.preset.name == "bamboohr")
        let polling = try #require(bamboo.polling)
        #expect(polling.url.absoluteString == "https://api.bamboohr.com/api/gateway.php/acme")
        #expect(polling.credentialVariable == "BAMBOOHR_API_KEY" && polling.start == "2026-01-01T00:00:00Z")
        #expect(polling.interval == .seconds(5400) && polling.maximumBackoff == .seconds(7200))
        #expect(bamboo.webhook?.secretVariable == "BAMBOOHR_WEBHOOK_KEY" && bamboo.webhook?.maxBodyBytes == 65536)
        #expect(bamboo.webhook?.deliveryIDHeader == "X-Delivery")
        let people = try configuration.feed("people")
        #expect(people.kind == .json && people.preset.name == "generic" && people.recordsPath == ["data", "people"])
        #expect(people.columns[.legalFirstName] == "name.given")
        #expect(people.polling?.sinceParameter == "updated_since" && people.polling?.markPath == ["meta", "latest"])
        #expect(people.polling?.interval == .seconds(900) && people.polling?.credentialVariable == nil)
        #expect(people.webhook == nil)
    }

    @Test(
        arguments: [
            (
                "feeds:\n  - name: p\n    kind: json\n    poll: { url: \"https://x.example/p\" }\n", 4, "feeds[0].poll",
                "needs `mark_path`"
            ),
            (
                "feeds:\n  - name: p\n    kind: csv-delta\n    poll: { url: \"https://x.example/p\" }\n", 4,
                "feeds[0].poll", "is for JSON feeds"
            ),
            (
                "feeds:\n  - name: p\n    kind: bamboohr-api\n    delimiter: \";\"\n", 4, "feeds[0].delimiter",
                "is for CSV feeds"
            ),
            (
                "feeds:\n  - name: p\n    kind: bamboohr-api\n    poll: { url: \"ftp://x\" }\n", 4, "feeds[0].poll.url",
                "not an http or https URL"
            ),
            (
                "feeds:\n  - name: p\n    kind: bamboohr-api\n    poll: { url: \"https://x.example\", interval: 15 minutes }\n",
                4,
                "feeds[0].poll.interval", "not a duration"
            ),
            (
                "feeds:\n  - name: p\n    kind: bamboohr-api\n    poll: { url: \"https://x.example\", interval: 1h30 }\n",
                4,
                "feeds[0].poll.interval", "not a duration"
            ),
            (
                "feeds:\n  - name: p\n    kind: bamboohr-api\n    webhook: { max_body_bytes: 10 }\n", 4,
                "feeds[0].webhook", "needs `secret_env`"
            ),
            (
                "feeds:\n  - name: p\n    kind: json\n    records_path: data..people\n", 4, "feeds[0].records_path",
                "names joined by '.'"
            ),
            ("feeds:\n  - name: p\n    kind: xml\n", 3, "feeds[0].kind", "bamboohr-api"),
        ] as [(String, Int, String, String)])
    func mistakesNameTheirPlace(_ text: String, _ line: Int, _ key: String, _ words: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try RosterConfiguration.parse(text, path: "/r/roster.yml")
        }
        #expect(error?.line == line, "\(text)")
        #expect(error?.key == key, "\(text)")
        #expect(error?.description.contains(words) == true, "\(error.map { "\($0)" } ?? "")")
    }
}

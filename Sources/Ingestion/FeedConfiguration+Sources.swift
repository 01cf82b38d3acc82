import Foundation

extension FeedConfiguration {
    /// A "changed since" API the daemon polls: the settings of `poll:` in roster.yml. Ingestion
    /// only keeps them; the HRIS clients and the daemon act on them.
    public struct Polling: Sendable, Equatable {
        /// For `bamboohr-api`, the company's API base (`https://api.bamboohr.com/api/gateway.php/acme`);
        /// for `json`, the endpoint itself.
        public var url: URL
        /// The environment variable holding the credential: BambooHR's API key (sent as the Basic
        /// user name), or a bearer token for a `json` endpoint. Secrets stay out of roster.yml.
        public var credentialVariable: String?
        /// Time between successful polls.
        public var interval: Duration = .seconds(15 * 60)
        /// The longest wait between attempts while the HRIS keeps failing.
        public var maximumBackoff: Duration = .seconds(60 * 60)
        /// The high-water mark of the very first poll, before the journal holds one: for
        /// BambooHR an ISO 8601 instant (`2026-01-01T00:00:00Z`); nil asks for everything.
        public var start: String?
        /// For `json`: the query parameter the mark is sent in.
        public var sinceParameter = "since"
        /// For `json`: the member names leading to the next high-water mark in an answer.
        public var markPath: [String] = []

        /// Polling of `url` with the defaults.
        public init(url: URL) {
            self.url = url
        }
    }

    /// How deliveries to `POST /hooks/{feed}` are authenticated: the settings of `webhook:`.
    public struct Webhook: Sendable, Equatable {
        /// The environment variable holding the signing key (BambooHR's `privateKey`).
        public var secretVariable: String
        /// Larger bodies are answered 413; nil leaves the daemon's own limit in force.
        public var maxBodyBytes: Int?
        /// A header that names each delivery uniquely, when the sender sends one; without it the
        /// delivery ID is derived from the signature, timestamp and body.
        public var deliveryIDHeader: String?

        /// Deliveries signed with the key in the environment variable `secretVariable`.
        public init(secretVariable: String) {
            self.secretVariable = secretVariable
        }
    }
}

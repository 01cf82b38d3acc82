import Foundation
import Yams

/// `lms:` in roster.yml: which LMS Roster provisions, and how deliveries are retried.
///
/// ```yaml
/// lms:
///   connector: csv-export        # the default: bulk-import files, nothing else to run
///   directory: exports           # relative to this file; default <data>/exports
///   formats: [moodle, canvas]
/// # or
/// lms:
///   connector: scim
///   url: https://lms.example.com/scim/v2
///   token_env: ROSTER_SCIM_TOKEN # or token: (kept in this file)
///   course_group_prefix: "course:"
///   timeout_seconds: 10
///   delivery: { max_attempts: 8, backoff_seconds: 2, max_backoff_seconds: 600 }
/// ```
public struct LMSConfiguration: Sendable, Equatable {
    public enum Connector: Sendable, Equatable {
        /// Files for the LMS's bulk import, one folder per run.
        case csvExport(directory: String, formats: [ExportFormat])
        /// A SCIM 2.0 endpoint.
        case scim(SCIMSettings)
    }

    /// A bulk-import format the CSV export writes.
    public enum ExportFormat: String, Sendable, Equatable, CaseIterable {
        /// Moodle's user upload (tool_uploaduser).
        case moodle
        /// Canvas SIS import: users, groups, group memberships, enrollments.
        case canvas
    }

    public struct SCIMSettings: Sendable, Equatable {
        public var url: String
        /// The bearer token, from the file or the environment variable it names.
        public var token: String?
        public var tokenEnvironmentVariable: String?
        /// Course assignments are memberships of the group `<prefix><course>`.
        public var courseGroupPrefix = "course:"
        public var timeoutSeconds = 10
        /// Requests in flight at once.
        public var concurrency = 8
    }

    /// How a failed delivery is tried again.
    public struct Delivery: Sendable, Equatable {
        public var maxAttempts = 8
        public var backoffSeconds = 2
        public var maxBackoffSeconds = 600
        public init() {}
    }

    public var connector: Connector
    public var delivery = Delivery()

    public init(connector: Connector, delivery: Delivery = Delivery()) {
        self.connector = connector
        self.delivery = delivery
    }

    /// The default: a CSV export of both formats under the data directory.
    public static func csvExport(dataDirectory: String) -> LMSConfiguration {
        LMSConfiguration(connector: .csvExport(directory: dataDirectory + "/exports", formats: ExportFormat.allCases))
    }
}

extension NodeReader {
    func lms(_ node: Node, base: URL, dataDirectory: String) throws -> LMSConfiguration {
        let fields = try mapping(
            node, at: "lms",
            keys: ["connector", "directory", "formats", "url", "token", "token_env", "course_group_prefix", "timeout_seconds", "concurrency", "delivery"])
        let connector = try fields["connector"].map { try choice($0, at: "lms.connector", among: ["csv-export", "scim"], what: "a connector") }
            ?? "csv-export"
        let only: [String: [String]] = [
            "csv-export": ["directory", "formats"], "scim": ["url", "token", "token_env", "course_group_prefix", "timeout_seconds", "concurrency"],
        ]
        for (name, value) in fields where !["connector", "delivery"].contains(name) && !only[connector]!.contains(name) {
            throw error(value, "lms.\(name)", "\(name) does not apply to the \(connector) connector; remove it or change lms.connector")
        }
        var configuration: LMSConfiguration
        if connector == "csv-export" {
            let directory = try fields["directory"].map { try text($0, at: "lms.directory") }
                .map { $0.hasPrefix("/") ? $0 : base.appendingPathComponent($0).standardizedFileURL.path } ?? dataDirectory + "/exports"
            var formats = LMSConfiguration.ExportFormat.allCases
            if let node = fields["formats"] {
                guard case .sequence(let sequence) = node, !sequence.isEmpty else {
                    throw error(node, "lms.formats", "expected a list of formats, such as [moodle, canvas]")
                }
                formats = try sequence.enumerated().map { index, item in
                    try choice(item, at: "lms.formats[\(index)]", what: "an export format")
                }
            }
            configuration = LMSConfiguration(connector: .csvExport(directory: directory, formats: formats))
        } else {
            guard let urlNode = fields["url"] else {
                throw error(node, "lms.url", "the scim connector needs the LMS's SCIM base URL, e.g. url: https://lms.example.com/scim/v2")
            }
            let url = try text(urlNode, at: "lms.url")
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw error(urlNode, "lms.url", "\"\(url)\" is not an http or https URL")
            }
            var settings = LMSConfiguration.SCIMSettings(url: url)
            settings.token = try fields["token"].map { try text($0, at: "lms.token") }
            settings.tokenEnvironmentVariable = try fields["token_env"].map { try text($0, at: "lms.token_env") }
            if settings.token != nil, settings.tokenEnvironmentVariable != nil {
                throw error(fields["token"]!, "lms.token", "give either token or token_env, not both")
            }
            if let prefix = fields["course_group_prefix"] { settings.courseGroupPrefix = try string(prefix, at: "lms.course_group_prefix") }
            if let timeout = fields["timeout_seconds"] { settings.timeoutSeconds = try integer(timeout, at: "lms.timeout_seconds", minimum: 1) }
            if let concurrency = fields["concurrency"] { settings.concurrency = try integer(concurrency, at: "lms.concurrency", minimum: 1) }
            configuration = LMSConfiguration(connector: .scim(settings))
        }
        if let node = fields["delivery"] {
            let delivery = try mapping(node, at: "lms.delivery", keys: ["max_attempts", "backoff_seconds", "max_backoff_seconds"])
            if let value = delivery["max_attempts"] { configuration.delivery.maxAttempts = try integer(value, at: "lms.delivery.max_attempts", minimum: 1) }
            if let value = delivery["backoff_seconds"] {
                configuration.delivery.backoffSeconds = try integer(value, at: "lms.delivery.backoff_seconds", minimum: 1)
            }
            if let value = delivery["max_backoff_seconds"] {
                configuration.delivery.maxBackoffSeconds = try integer(value, at: "lms.delivery.max_backoff_seconds", minimum: 1)
            }
        }
        return configuration
    }
}

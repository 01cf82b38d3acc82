import Foundation
import JournalTestSupport

/// The roster.yml most command and daemon tests start from: data under the test's directory,
/// London and New York, the rules of ``LMSStateCommandTests`` in rules.yml, and a generic CSV
/// snapshot feed `hr`; with the test's own LMS, and the admin API when it runs the daemon.
enum TestConfiguration {
    /// The CSV snapshot feed `hr`, as a `feeds:` entry.
    static let hrFeed = """
          - name: hr
            kind: csv-snapshot
            preset: generic
        """

    /// Writes roster.yml and rules.yml into `directory`; returns roster.yml's path.
    ///
    /// - Parameters:
    ///   - feeds: `feeds:` entries, each indented as ``hrFeed`` is.
    ///   - lms: the lines under `lms:`, unindented.
    ///   - serve: the admin token, when the daemon runs: it listens on any free port and logs JSON.
    ///   - serveLines: more lines under `serve:`.
    ///   - top: more top-level lines (`safety:` and the like).
    static func write(
        in directory: TestDirectory, feeds: [String] = [hrFeed], lms: [String], serve token: String? = nil, serveLines: [String] = [],
        top: [String] = []
    ) throws -> String {
        var lines = [
            "data: ./data", "default_time_zone: Europe/London", "locations: { LON: Europe/London, NYC: America/New_York }", "rules: rules.yml",
        ]
        lines += top
        lines.append("feeds:")
        lines += feeds
        lines.append("lms:")
        lines += lms.map { "  " + $0 }
        if let token {
            lines += ["serve:", "  listen: 127.0.0.1:0", "  token: \(token)", "  log_format: json"] + serveLines.map { "  " + $0 }
        }
        let path = directory.child("roster.yml")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try LMSStateCommandTests.rules.write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
        return path
    }
}

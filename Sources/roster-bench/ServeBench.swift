import ArgumentParser
import Digest
import Foundation
import SCIM
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster-bench serve`: a termination webhook received by `roster serve` to the LMS's
/// `active: false` acknowledged, one at a time, against a real scim2-server; beside the same
/// PATCH sent raw to the same server in the same run.
struct ServeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Measure a termination webhook through roster serve to the SCIM PATCH active:false acknowledged.",
        discussion: """
            The real roster binary (beside this one) ingests a company and provisions it to scim2-server, then runs as \
            `roster serve`. Each termination is a signed BambooHR field-based webhook; it is timed from sending the \
            webhook to the server logging the PATCH of that user (the server logs a request once it has answered). \
            Baseline, in the same run: a raw PATCH active:false to the same server.
            """
    )

    @Option(help: "Terminations (and workers), one webhook each.")
    var terminations: Int = 1_000

    @Option(help: ArgumentHelp("The Python environment holding scim2-server.", valueName: "DIR"))
    var scimVenv: String = ".venv-scim"

    @Option(help: ArgumentHelp("Write the figures into this markdown file, between its bench markers.", valueName: "FILE"))
    var report: String?

    func run() throws {
        let roster = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("roster").path
        guard FileManager.default.isExecutableFile(atPath: roster) else {
            throw ValidationError("the roster executable is not beside roster-bench at \(roster); build it with the same configuration")
        }
        let executable = scimVenv + "/bin/scim2-server"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("scim2-server is not installed at \(executable); run Tests/Support/SCIMTestSupport/setup-venv.sh")
        }
        let count = terminations
        let figures = try waitFor { try await Self.measure(roster: roster, scim: executable, terminations: count) }
        print(String(
            format: "%d terminations through roster serve: webhook to PATCH acknowledged p50 %.1f ms, p99 %.1f ms, max %.1f ms; raw PATCH p50 %.1f ms, p99 %.1f ms",
            figures.count, figures.p50 * 1000, figures.p99 * 1000, figures.max * 1000, figures.rawP50 * 1000, figures.rawP99 * 1000))
        if let report {
            try ReportFile.write(
                [
                    "; one webhook at a time, each a BambooHR field-based delivery terminating one worker.", "",
                    "| terminations | p50 (ms) | p99 (ms) | max (ms) | webhook answered, p50 (ms) | baseline: raw PATCH p50 (ms) | raw PATCH p99 (ms) | p50 / raw p50 | p99 target |",
                    "|---|---|---|---|---|---|---|---|---|",
                    String(
                        format: "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | **%.1f** | %@ |", figures.count, figures.p50 * 1000, figures.p99 * 1000,
                        figures.max * 1000, figures.answeredP50 * 1000, figures.rawP50 * 1000, figures.rawP99 * 1000, figures.p50 / figures.rawP50,
                        figures.p99 < 1 ? "met (< 1 s)" : "missed (< 1 s)"),
                ], name: "serve", command: "roster-bench serve --terminations \(count)", into: report)
        }
    }

    struct Figures: Sendable {
        var count: Int
        var p50: Double
        var p99: Double
        var max: Double
        var answeredP50: Double
        var rawP50: Double
        var rawP99: Double
    }

    static func measure(roster: String, scim executable: String, terminations: Int) async throws -> Figures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bench-serve-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await ScimServer.start(executable, log: directory + "/scim.log")
        defer { server.stop() }
        let port = try ScimServer.freePort()
        let config = try BenchDaemon.writeConfiguration(
            in: directory, port: port,
            sections: """
                safety:
                  terminations: { absolute: 1000000 }
                lms:
                  connector: scim
                  url: http://127.0.0.1:\(server.port)/v2
                  token: \(server.bearerToken)
                """)
        try BenchDaemon.company(terminations).write(toFile: directory + "/company.csv", atomically: true, encoding: .utf8)
        try BenchDaemon.runRoster(roster, ["ingest", "--feed", "hr", directory + "/company.csv", "--config", config])
        try BenchDaemon.runRoster(roster, ["sync", "--config", config])
        let ids = Dictionary(uniqueKeysWithValues: try await server.client().listUsers(pageSize: 500).compactMap { user in user.id.map { (user.externalId ?? "", $0) } })
        guard ids.count == terminations else { throw ValidationError("\(ids.count) users provisioned of \(terminations)") }

        let base = URL(string: "http://127.0.0.1:\(port)/")!
        let daemon = try BenchDaemon.start(roster, config: config, base: base)
        defer { daemon.stop() }
        try await daemon.waitUntilListening()

        let log = LogFollower(path: server.logPath)
        let yesterday = Date().addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
        var totals: [Double] = []
        var answered: [Double] = []
        for index in 1...terminations {
            let body = """
                {"employees":[{"id":\(index),"action":"Updated","changedFields":["status"],"fields":{"employeeNumber":{"value":"E\(index)"},\
                "firstName":{"value":"First\(index)"},"lastName":{"value":"Last\(index)"},"status":{"value":"Inactive"},\
                "terminationDate":{"value":"\(yesterday)"}}}],"fields":{}}
                """
            let request = BenchDaemon.webhook(base.appendingPathComponent("hooks/bamboo"), body: body, key: BenchDaemon.webhookKey)
            let target = "PATCH /v2/Users/\(ids["E\(index)"]!)"
            log.skipToEnd()
            let start = ContinuousClock.now
            let (_, response) = try await URLSession.shared.data(for: request)
            answered.append((ContinuousClock.now - start).seconds)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw ValidationError("the webhook for E\(index) was answered \(response)") }
            while !log.sawLine(containing: target) {
                guard ContinuousClock.now - start < .seconds(30) else { throw ValidationError("no \(target) within 30 s") }
                try await Task.sleep(for: .milliseconds(1))
            }
            totals.append((ContinuousClock.now - start).seconds)
        }
        // Baseline: the same PATCH, raw, to a user of the same server.
        let client = server.client()
        var raw: [Double] = []
        let someone = ids["E1"]!
        for index in 0..<200 {
            let start = ContinuousClock.now
            _ = try await client.patchUser(id: someone, operations: [.replace("active", .bool(index % 2 == 1))])
            raw.append((ContinuousClock.now - start).seconds)
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        return Figures(
            count: totals.count, p50: percentile(totals, 0.5), p99: percentile(totals, 0.99), max: totals.max() ?? 0,
            answeredP50: percentile(answered, 0.5), rawP50: percentile(raw, 0.5), rawP99: percentile(raw, 0.99))
    }
}

/// Reads what a server appends to its log, from where it was last told to start.
final class LogFollower: Sendable {
    let path: String
    private let state = Mutex<(offset: UInt64, text: String)>((0, ""))

    init(path: String) { self.path = path }

    /// Forgets what is there now: only lines written from here on count.
    func skipToEnd() {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
        state.withLock { $0 = (size, "") }
    }

    /// Whether a line written since ``skipToEnd()`` contains `text`.
    func sawLine(containing text: String) -> Bool {
        state.withLock { state in
            guard let handle = FileHandle(forReadingAtPath: path) else { return false }
            defer { try? handle.close() }
            try? handle.seek(toOffset: state.offset)
            let data = handle.readDataToEndOfFile()
            state.offset += UInt64(data.count)
            state.text += String(decoding: data, as: UTF8.self)
            return state.text.contains(text)
        }
    }
}

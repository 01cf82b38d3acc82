import ArgumentParser
import Digest
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster serve` as a child of a bench (the release `roster` beside `roster-bench`), and what the
/// benches ask of it: its metrics, its memory, signed webhooks.
struct BenchDaemon: Sendable {
    let process: Process
    let base: URL
    let session: URLSession
    static let adminToken = "bench-admin"
    /// The `bamboo` feed's webhook key, given to the daemon in `ROSTER_BENCH_WEBHOOK_KEY`.
    static let webhookKey = "bench-webhook-key"

    /// Writes the benches' roster.yml into `directory` (an `hr` CSV snapshot feed, a `bamboo`
    /// webhook feed, the admin API on `port`, warnings only), with `sections` (the `lms:`
    /// section, and any other) as given, and a rules.yml; returns the roster.yml's path.
    static func writeConfiguration(in directory: String, port: UInt16, sections: String) throws -> String {
        let config = directory + "/roster.yml"
        try """
            data: ./data
            default_time_zone: Europe/London
            rules: rules.yml
            feeds:
              - name: hr
                kind: csv-snapshot
                preset: generic
              - name: bamboo
                kind: bamboohr-api
                webhook: { secret_env: ROSTER_BENCH_WEBHOOK_KEY }
            \(sections)
            serve:
              listen: 127.0.0.1:\(port)
              token: \(adminToken)
              log_level: warning
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try "names: legal\n".write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        return config
    }

    /// Starts `roster serve --config config` with the webhook key in its environment; `base` is
    /// where its roster.yml says it listens.
    static func start(_ roster: String, config: String, base: URL, session: URLSession = .shared) throws -> BenchDaemon {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: roster)
        process.arguments = ["serve", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(["ROSTER_BENCH_WEBHOOK_KEY": webhookKey]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return BenchDaemon(process: process, base: base, session: session)
    }

    /// Polls, with a deadline, until the daemon answers `/healthz`.
    func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? await session.data(from: base.appendingPathComponent("healthz"))) == nil {
            guard process.isRunning else { throw ValidationError("roster serve exited \(process.terminationStatus)") }
            guard ContinuousClock.now < deadline else { throw ValidationError("roster serve did not answer at \(base)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGTERM, and the wait for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    func metrics() async throws -> String {
        var request = URLRequest(url: base.appendingPathComponent("metrics"))
        request.setValue("Bearer \(Self.adminToken)", forHTTPHeaderField: "Authorization")
        return String(decoding: try await session.data(for: request).0, as: UTF8.self)
    }

    /// A counter or gauge without labels; 0 until it exists.
    func metric(_ name: String) async throws -> Double {
        try await metrics().split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
    }

    /// Polls, with a deadline, until the daemon has delivered everything.
    func waitForEmptyOutbox() async throws {
        let deadline = ContinuousClock.now + .seconds(900)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw ValidationError("roster serve exited \(process.terminationStatus)") }
            if let text = try? await metrics(), text.contains("\nroster_outbox_depth 0") || text.hasPrefix("roster_outbox_depth 0") {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("roster serve did not empty its outbox within 15 minutes")
    }

    /// Resident memory, in bytes.
    struct Memory: Sendable {
        var rss: Double
        var anonymous: Double
        var peak: Double
    }

    /// Resident memory from /proc: all of it, the anonymous part (heap), and the peak.
    func memory() throws -> Memory {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        func bytes(_ field: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            return Double(line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0").map { $0 * 1024 } ?? 0
        }
        return Memory(rss: bytes("VmRSS"), anonymous: bytes("RssAnon"), peak: bytes("VmHWM"))
    }

    /// A POST of `body` to `url` signed as BambooHR signs a webhook (HMAC-SHA256 of the body and
    /// the timestamp, under `key`).
    static func webhook(_ url: URL, body: String, key: String) -> URLRequest {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        var mac = HMACSHA256(key: Array(key.utf8))
        mac.update(Array(body.utf8) + Array(timestamp.utf8))
        var request = URLRequest(url: url, timeoutInterval: 120)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(timestamp, forHTTPHeaderField: "X-BambooHR-Timestamp")
        request.setValue(Hex.encode(mac.finalize().bytes), forHTTPHeaderField: "X-BambooHR-Signature")
        return request
    }

    /// A company of `count` full-time analysts in London, E1 to E`count`, as the generic preset reads it.
    static func company(_ count: Int) -> String {
        let header = "employee_id,legal_first_name,legal_last_name,email,job_title,department_name,location,employment_type,status,hire_date,termination_date"
        return ([header] + (1...count).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,Analyst,Sales,LON,full_time,active,2019-04-01," })
            .joined(separator: "\n") + "\n"
    }

    /// Runs a roster command to its end; throws unless it exits 0.
    static func runRoster(_ roster: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: roster)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("roster \(arguments[0]) exited \(process.terminationStatus)") }
    }
}

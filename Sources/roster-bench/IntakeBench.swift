import ArgumentParser
import Digest
import Foundation
import Journal
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster-bench intake`: the real `roster serve` holding a workforce, measured for the memory it
/// keeps resident and for durable webhook intake with many senders at once; beside, in the same
/// run, the same daemon with no workforce and the journal's single-commit rate.
struct IntakeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Measure roster serve's resident memory with a workforce, and webhook intake with concurrent senders.",
        discussion: """
            The real roster binary (beside this one) ingests a company of N workers and provisions it to the embedded \
            LMS (CSV export), then runs as `roster serve`. Resident memory is read from /proc once the outbox is empty, \
            against the same daemon holding one worker. Then signed BambooHR field-based webhooks, each a new job title \
            for one worker, are sent by one sender, then by many at once; a webhook counts once it is answered 200 (its \
            batch is durable). Baseline, in the same run on the same disk: durable appends of one event per commit.
            """
    )

    @Option(help: "Workers in the company.")
    var workers: Int = 100_000

    @Option(help: "Concurrent webhook senders.")
    var senders: Int = 64

    @Option(help: "Webhooks sent by the concurrent senders, in all.")
    var webhooks: Int = 3_200

    @Option(help: "Webhooks sent one at a time, before.")
    var sequential: Int = 300

    @Option(help: ArgumentHelp("Write the figures into this markdown file, between its bench markers.", valueName: "FILE"))
    var report: String?

    func run() throws {
        let roster = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("roster").path
        guard FileManager.default.isExecutableFile(atPath: roster) else {
            throw ValidationError("the roster executable is not beside roster-bench at \(roster); build it with the same configuration")
        }
        guard workers >= sequential + webhooks else {
            throw ValidationError("give at least as many workers as webhooks (\(sequential + webhooks)): each webhook promotes a different worker")
        }
        let settings = (workers: workers, senders: senders, webhooks: webhooks, sequential: sequential)
        let figures = try waitFor { try await Self.measure(roster: roster, settings) }
        let mib = 1_048_576.0
        print(String(
            format: "%d workers: roster serve resident %.0f MiB (anonymous %.0f MiB, peak %.0f MiB); with one worker %.0f MiB; %.2f KiB a worker",
            workers, figures.loaded.rss / mib, figures.loaded.anonymous / mib, figures.loaded.peak / mib, figures.empty.rss / mib,
            figures.bytesPerWorker / 1024))
        print(String(
            format: "intake: %d senders %.0f events/s (%.0f webhooks/s, %.1f ingests a commit); one sender %.0f events/s; single-commit appends %.0f events/s",
            senders, figures.concurrent.eventsPerSecond, figures.concurrent.webhooksPerSecond, figures.ingestsPerCommit,
            figures.one.eventsPerSecond, figures.singleCommit))
        if let report {
            try ReportFile.write(
                [
                    "; \(workers) workers; \(sequential) webhooks one at a time, then \(webhooks) from \(senders) senders at once.", "",
                    "| workers | resident (MiB) | anonymous (MiB) | peak (MiB) | baseline: one worker, resident (MiB) | per worker (KiB) |",
                    "|---|---|---|---|---|---|",
                    String(
                        format: "| %d | %.0f | %.0f | %.0f | %.0f | **%.2f** |", workers, figures.loaded.rss / mib, figures.loaded.anonymous / mib,
                        figures.loaded.peak / mib, figures.empty.rss / mib, figures.bytesPerWorker / 1024),
                    "",
                    "| senders | webhooks | events journaled | events/s | webhooks/s | ingests a commit | one sender (events/s) | baseline: single-commit appends (events/s) | events/s over single-commit |",
                    "|---|---|---|---|---|---|---|---|---|",
                    String(
                        format: "| %d | %d | %d | %.0f | %.0f | %.1f | %.0f | %.0f | **%.2f** |", senders, figures.concurrent.webhooks, figures.concurrent.events,
                        figures.concurrent.eventsPerSecond, figures.concurrent.webhooksPerSecond, figures.ingestsPerCommit,
                        figures.one.eventsPerSecond, figures.singleCommit, figures.concurrent.eventsPerSecond / figures.singleCommit),
                ], name: "intake", command: "roster-bench intake --workers \(workers) --senders \(senders) --webhooks \(webhooks)", into: report)
        }
    }

    struct Intake: Sendable {
        var webhooks: Int
        var events: Int
        var seconds: Double
        var eventsPerSecond: Double { Double(events) / seconds }
        var webhooksPerSecond: Double { Double(webhooks) / seconds }
    }

    struct Figures: Sendable {
        var empty: BenchDaemon.Memory
        var loaded: BenchDaemon.Memory
        var workers: Int
        var one: Intake
        var concurrent: Intake
        var ingestsPerCommit: Double
        var singleCommit: Double
        var bytesPerWorker: Double { (loaded.rss - empty.rss) / Double(workers - 1) }
    }

    static func measure(roster: String, _ settings: (workers: Int, senders: Int, webhooks: Int, sequential: Int)) async throws -> Figures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bench-intake-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try ScimServer.freePort()
        let config = try BenchDaemon.writeConfiguration(
            in: directory, port: port,
            sections: """
                lms:
                  connector: csv-export
                  directory: exports
                """)
        let base = URL(string: "http://127.0.0.1:\(port)/")!
        let session = URLSession(configuration: {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = max(settings.senders, 6)
            configuration.timeoutIntervalForRequest = 120
            return configuration
        }())

        // The baseline daemon: one worker, provisioned.
        try BenchDaemon.company(1).write(toFile: directory + "/one.csv", atomically: true, encoding: .utf8)
        try BenchDaemon.runRoster(roster, ["ingest", "--feed", "hr", directory + "/one.csv", "--config", config])
        var daemon = try BenchDaemon.start(roster, config: config, base: base, session: session)
        try await daemon.waitForEmptyOutbox()
        let empty = try daemon.memory()
        daemon.stop()

        // The company, provisioned by the daemon itself.
        try BenchDaemon.company(settings.workers).write(toFile: directory + "/company.csv", atomically: true, encoding: .utf8)
        try BenchDaemon.runRoster(roster, ["ingest", "--feed", "hr", directory + "/company.csv", "--config", config])
        daemon = try BenchDaemon.start(roster, config: config, base: base, session: session)
        defer { daemon.stop() }
        try await daemon.waitForEmptyOutbox()
        let loaded = try daemon.memory()

        // The single-commit baseline, on the same disk, before and after the intake.
        let scratch = directory + "/scratch-journal"
        var baselines = [try singleCommitRate(at: scratch, seconds: 2)]

        // One sender, then many: each webhook a new title for a worker of its own.
        var next = 0
        func promotions(_ count: Int) -> [Int] {
            defer { next += count }
            return Array((next + 1)...(next + count))
        }
        let one = try await daemon.send(promotions(settings.sequential), senders: 1)
        let commitsBefore = try await daemon.metric("roster_ingest_commits_total")
        let ingestsBefore = try await daemon.metric("roster_ingests_total")
        let concurrent = try await daemon.send(promotions(settings.webhooks), senders: settings.senders)
        let commits = try await daemon.metric("roster_ingest_commits_total") - commitsBefore
        let ingests = try await daemon.metric("roster_ingests_total") - ingestsBefore
        baselines.append(try singleCommitRate(at: scratch, seconds: 2))

        // Events journaled for each phase's batches, read from the journal once the daemon stopped.
        daemon.stop()
        let journal = try Journal.openReadOnly(path: directory + "/data/journal")
        var events: [String: Int] = [:]
        try journal.read { snapshot in
            try snapshot.forEachEvent { event in
                if let batch = event.metadata.batch { events[batch, default: 0] += 1 }
                return true
            }
        }
        func intake(_ phase: (batches: [String], seconds: Double)) -> Intake {
            Intake(webhooks: phase.batches.count, events: phase.batches.reduce(0) { $0 + events[$1, default: 0] }, seconds: phase.seconds)
        }
        return Figures(
            empty: empty, loaded: loaded, workers: settings.workers, one: intake(one), concurrent: intake(concurrent),
            ingestsPerCommit: ingests / max(commits, 1), singleCommit: baselines.reduce(0, +) / Double(baselines.count))
    }

    /// Durable appends of one event (a job title change of the webhooks' size) per commit, for
    /// `seconds`, into a journal of their own: events per second.
    static func singleCommitRate(at path: String, seconds: Double) throws -> Double {
        var configuration = Journal.Configuration(path: path, createIfMissing: true)
        configuration.dictionaryPolicy = DictionaryPolicy(automatic: false)
        let journal = try Journal(configuration)
        let payload = #"{"changes":{"job_title":{"from":"Analyst","to":"Analyst 12345"}}}"#
        let metadata = EventMetadata(source: "bamboo", batch: "bamboo-0123456789abcdef", origin: "webhook 0123456789abcdef", correlationID: "bamboo-0123456789abcdef")
        let start = ContinuousClock.now
        var count = 0
        while (ContinuousClock.now - start).seconds < seconds {
            try journal.append([ProposedEvent(subject: "E\(count % 1000)", type: "worker.changed.v1", payload: Array(payload.utf8), metadata: metadata)])
            count += 1
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }
}

/// The intake bench's senders.
extension BenchDaemon {
    /// Sends a promotion webhook for each worker of `indices`, from `senders` at once; each must
    /// be answered 200. Returns the batches and the seconds from the first send to the last answer.
    func send(_ indices: [Int], senders: Int) async throws -> (batches: [String], seconds: Double) {
        let queue = SendQueue(indices)
        let start = ContinuousClock.now
        let batches = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<senders {
                group.addTask {
                    var batches: [String] = []
                    while let index = queue.next() { batches.append(try await promote(index)) }
                    return batches
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return (batches, (ContinuousClock.now - start).seconds)
    }

    /// The webhooks left to send, taken one at a time by the senders.
    final class SendQueue: Sendable {
        private let left: Mutex<ArraySlice<Int>>
        init(_ indices: [Int]) { left = Mutex(indices[...]) }
        func next() -> Int? { left.withLock { $0.popFirst() } }
    }

    func promote(_ index: Int) async throws -> String {
        let body = """
            {"employees":[{"id":\(index),"action":"Updated","changedFields":["jobTitle"],"fields":{"employeeNumber":{"value":"E\(index)"},\
            "firstName":{"value":"First\(index)"},"lastName":{"value":"Last\(index)"},"status":{"value":"Active"},\
            "jobTitle":{"value":"Analyst \(index)"}}}],"fields":{"jobTitle":"Job Title"}}
            """
        let request = BenchDaemon.webhook(base.appendingPathComponent("hooks/bamboo"), body: body, key: BenchDaemon.webhookKey)
        let (data, response) = try await session.data(for: request)
        let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard (response as? HTTPURLResponse)?.statusCode == 200, answer?["state"] as? String == "applied", let batch = answer?["batch"] as? String else {
            throw ValidationError("the webhook for E\(index) was answered \(String(decoding: data, as: UTF8.self))")
        }
        return batch
    }
}

import Foundation
import HRISTestSupport
import JournalTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster serve` taking many webhooks at once: concurrent deliveries are journaled together
/// (group commit), each as its own batch, each answered only once durable, and a delivery sent
/// twice at the same moment is journaled once.
@Suite struct ServeIntakeTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    static let token = "intake-admin-token"
    static let webhookKey = "intake-webhook-key"
    static let workers = 24

    func run(_ arguments: [String], config: String) async throws -> CommandResult {
        let roster = self.roster
        return try await blocking { try runCommand(roster, arguments + ["--config", config]) }
    }

    @Test func concurrentWebhooksAreEachJournaledOnceAndAnsweredWhenDurable() async throws {
        let bamboo = """
              - name: bamboo
                kind: bamboohr-api
                webhook: { secret_env: BAMBOO_WEBHOOK_KEY }
            """
        let config = try TestConfiguration.write(
            in: directory, feeds: [TestConfiguration.hrFeed, bamboo], lms: ["connector: csv-export", "directory: exports"], serve: Self.token)
        let rows = (1...Self.workers).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,Analyst,Information Technology,LON,full_time,active,2026-11-20," }
        let csv = directory.child("company.csv")
        try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try await run(["ingest", "--feed", "hr", csv], config: config).status == 0)

        let daemon = try await RunningDaemon.start(config: config, token: Self.token, environment: ["BAMBOO_WEBHOOK_KEY": Self.webhookKey])
        let base = daemon.base

        /// One signed delivery: worker `index` gets a new title.
        @Sendable func promote(_ index: Int, timestamp: String) async throws -> (status: Int, state: String?) {
            let body = """
                {"employees":[{"id":\(index),"action":"Updated","changedFields":["jobTitle"],"fields":{\
                "employeeNumber":{"value":"E\(index)"},"firstName":{"value":"First\(index)"},"lastName":{"value":"Last\(index)"},\
                "status":{"value":"Active"},"jobTitle":{"value":"Analyst \(index)"}}}],"fields":{"jobTitle":"Job Title"}}
                """
            var request = URLRequest(url: URL(string: "hooks/bamboo", relativeTo: base)!, timeoutInterval: 60)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(timestamp, forHTTPHeaderField: "X-BambooHR-Timestamp")
            request.setValue(
                try IndependentSignature.bambooHR(body: Array(body.utf8), timestamp: timestamp, key: Self.webhookKey), forHTTPHeaderField: "X-BambooHR-Signature")
            let (data, response) = try await URLSession.shared.data(for: request)
            let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            return ((response as! HTTPURLResponse).statusCode, answer?["state"] as? String)
        }

        // Every delivery twice, all at once.
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let answers = try await withThrowingTaskGroup(of: (Int, Int, String?).self) { tasks in
            for index in 1...Self.workers {
                for _ in 0..<2 {
                    tasks.addTask {
                        let (status, state) = try await promote(index, timestamp: timestamp)
                        return (index, status, state)
                    }
                }
            }
            var answers: [(index: Int, status: Int, state: String?)] = []
            for try await answer in tasks { answers.append(answer) }
            return answers
        }
        #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.filter { $0.status != 200 }) \(daemon.child.standardError())")
        for index in 1...Self.workers {
            let states = answers.filter { $0.index == index }.compactMap(\.state).sorted()
            #expect(states == ["applied", "duplicate"], "E\(index): \(states)")
        }

        // Each answered change is there: the daemon's own state has every new title.
        for index in 1...Self.workers {
            let worker = try await daemon.json("v1/workers/E\(index)")["worker"] as? [String: Any]
            #expect(worker?["job_title"] as? String == "Analyst \(index)")
        }

        #expect(try await daemon.stop() == 0, "\(daemon.child.standardError())")
        let batches = try await run(["batches"], config: config).standardOutput
        #expect(batches.split(separator: "\n").filter { $0.contains("APPLIED") }.count == 1 + Self.workers, "\(batches)")
        // A worker's history names the delivery that changed them.
        let history = try await run(["history", "E1"], config: config).standardOutput
        #expect(history.contains("source: webhook ") && history.contains(", feed bamboo"), "\(history)")
        let verify = try await blocking { [directory] in
            try runCommand(BuiltProducts.executable("roster-journal"), ["verify", "--journal", directory.child("data/journal")])
        }
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }

    /// SIGTERM while a large dropped file is being ingested: the daemon finishes the file in hand
    /// (or, stopped before, leaves it claimed in `processing/`), exits 0, and a restart ends with
    /// the file journaled exactly once and archived.
    @Test func aGracefulStopMidFileLosesNothingAndTheRestartFinishes() async throws {
        let inbox = directory.child("inbox")
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let feed = TestConfiguration.hrFeed + "\n    inbox: { path: \(inbox), complete: renamed }"
        let config = try TestConfiguration.write(
            in: directory, feeds: [feed], lms: ["connector: csv-export", "directory: exports"], serve: Self.token, serveLines: ["log_level: notice"])
        let workers = 40_000
        let rows = (1...workers).map { "E\($0),First\($0),Last\($0),w\($0)@example.com,Analyst,Information Technology,LON,full_time,active,2019-04-01," }

        func serve() async throws -> RunningDaemon { try await RunningDaemon.start(config: config, token: Self.token) }
        func files(_ folder: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: inbox + "/" + folder)) ?? [] }

        var daemon = try await serve()
        let upload = inbox + "/company.csv.part"
        try ([LMSStateCommandTests.header] + rows).joined(separator: "\n").appending("\n").write(toFile: upload, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: upload, toPath: inbox + "/company.csv")
        // Stop as soon as the daemon has claimed the file.
        let deadline = Date().addingTimeInterval(60)
        while files("processing").isEmpty && files("archive").isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await daemon.stop() == 0, "\(daemon.child.standardError())")
        // Nothing half done: either the file is journaled and archived, or it is still claimed.
        let batchesAfterStop = try await run(["batches"], config: config).standardOutput
        let applied = batchesAfterStop.split(separator: "\n").filter { $0.contains("APPLIED") }.count
        #expect((applied == 1 && files("archive").count == 1) || (applied == 0 && files("processing").count == 1), "\(batchesAfterStop) \(files("processing")) \(files("archive"))")

        daemon = try await serve()
        let restartDeadline = Date().addingTimeInterval(120)
        while files("archive").isEmpty && Date() < restartDeadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await daemon.stop() == 0, "\(daemon.child.standardError())")
        #expect(files("archive").count == 1 && files("processing").isEmpty && files("company.csv.part").isEmpty)
        let batches = try await run(["batches"], config: config).standardOutput
        #expect(batches.split(separator: "\n").filter { $0.contains("APPLIED") }.count == 1, "\(batches)")
        #expect(batches.contains("\(workers) created"), "\(batches)")
        let verify = try await blocking { [directory] in
            try runCommand(BuiltProducts.executable("roster-journal"), ["verify", "--journal", directory.child("data/journal")])
        }
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
    }
}

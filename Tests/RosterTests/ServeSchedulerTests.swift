import Foundation
import Journal
import JournalTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The daemon's scheduler on the wall clock: an effect due while it runs fires at its moment, and
/// one that came due while it was stopped fires at once on restart, journaled with its own due
/// time (no drift from the restart). The moments are real: a hire cut-off at the next whole minute
/// at least half a minute away, and a termination cut-off the minute after it, so the test waits
/// up to about two and a half minutes of wall time.
@Suite struct ServeSchedulerTests {
    let directory = TestDirectory()
    let roster = BuiltProducts.executable("roster")
    static let token = "scheduler-admin-token"

    @Test func effectsFireAtTheirMomentWhileRunningAndAfterARestart() async throws {
        let now = Date().timeIntervalSince1970
        let hireMoment = Date(timeIntervalSince1970: ((now + 30) / 60).rounded(.up) * 60)
        let terminationMoment = hireMoment.addingTimeInterval(60)
        func clock(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).time(includingFractionalSeconds: false)).prefix(5).description }
        func day(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()) }

        let config = directory.child("roster.yml")
        try """
            data: ./data
            default_time_zone: UTC
            locations: { UTC: Etc/UTC }
            rules: rules.yml
            safety:
              terminations: { absolute: 100, percent: 100 }
            feeds:
              - name: hr
                kind: csv-snapshot
                preset: generic
                hire_cutoff: "\(clock(hireMoment))"
                termination_cutoff: "\(clock(terminationMoment))"
            lms:
              connector: csv-export
              directory: exports
            serve:
              listen: 127.0.0.1:0
              token: \(Self.token)
              log_format: json
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try LMSStateCommandTests.rules.write(toFile: directory.child("rules.yml"), atomically: true, encoding: .utf8)
        // Day 1: E1 and E2 work here, E3 starts today at the hire moment. Day 2: E2 is terminated
        // today, taking effect at the termination moment.
        let header = LMSStateCommandTests.header
        let one = "E1,First1,Last1,w1@example.com,Analyst,Information Technology,UTC,full_time,active,2019-04-01,"
        let three = "E3,First3,Last3,w3@example.com,Analyst,Information Technology,UTC,full_time,active,\(day(hireMoment)),"
        let days = [
            [header, one, "E2,First2,Last2,w2@example.com,Analyst,Information Technology,UTC,full_time,active,2019-04-01,", three],
            [header, one, "E2,First2,Last2,w2@example.com,Analyst,Information Technology,UTC,full_time,terminated,2019-04-01,\(day(terminationMoment))", three],
        ]
        for (index, rows) in days.enumerated() {
            let csv = directory.child("day\(index + 1).csv")
            try rows.joined(separator: "\n").appending("\n").write(toFile: csv, atomically: true, encoding: .utf8)
            let ingest = try await blocking { [roster] in try runCommand(roster, ["ingest", "--feed", "hr", csv, "--config", config]) }
            #expect(ingest.status == 0, "\(ingest.standardOutput) \(ingest.standardError)")
        }

        func serve() async throws -> RunningDaemon { try await RunningDaemon.start(config: config, token: Self.token) }
        func stop(_ daemon: RunningDaemon) async throws {
            #expect(try await daemon.stop() == 0, "\(daemon.child.standardError())")
        }
        func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

        // Running: E1 and E2 are provisioned at once; E3's first day is the hire moment.
        var daemon = try await serve()
        #expect(try await waitUntil(daemon, "E2", active: true, by: Date().addingTimeInterval(30)))
        #expect(try await active(daemon, "E3") == nil, "no account before the first day")
        let waiting = try #require(try await daemon.json("v1/workers/E3")["next_due"] as? [String: Any])
        #expect(waiting["effect"] as? String == "activate")
        #expect((waiting["at"] as? String).flatMap(Timestamp.init(iso8601:))?.rawValue == micros(hireMoment))
        #expect(try await waitUntil(daemon, "E3", active: true, by: hireMoment.addingTimeInterval(30)))
        let hire = try #require(try await fired(daemon, "E3"))
        #expect(hire.dueAt.rawValue == micros(hireMoment))
        let lateness = Double(hire.recordedAt.rawValue - hire.dueAt.rawValue) / 1_000_000
        #expect(lateness >= 0 && lateness < 3, "fired \(lateness) s after its moment")

        // Stopped across E2's termination moment, then started again.
        try await stop(daemon)
        #expect(Date() < terminationMoment, "the daemon stopped before the termination moment")
        #expect(!daemon.child.isRunning)
        while Date() < terminationMoment.addingTimeInterval(2) { try await Task.sleep(for: .milliseconds(250)) }
        let restarted = Timestamp(rawValue: micros(Date()))
        daemon = try await serve()
        #expect(try await waitUntil(daemon, "E2", active: false, by: Date().addingTimeInterval(30)))
        let termination = try #require(try await fired(daemon, "E2"))
        #expect(termination.dueAt.rawValue == micros(terminationMoment), "journaled with its own moment, not the restart's")
        #expect(termination.recordedAt >= restarted)
        #expect(try await active(daemon, "E1") == true)
        // Feed lag is known from the journal at start, with no batch since.
        let metrics = try await daemon.text("metrics")
        #expect(metrics.contains("roster_feed_lag_seconds{feed=\"hr\"}"), "\(metrics)")
        try await stop(daemon)
    }

    /// Whether the LMS (the embedded CSV export) has acknowledged `id` as active.
    func active(_ daemon: RunningDaemon, _ id: String) async throws -> Bool? {
        (try await daemon.json("v1/workers/\(id)")["lms"] as? [String: Any])?["active"] as? Bool
    }

    /// Polls, with a deadline, until `id`'s acknowledged account is `active`.
    func waitUntil(_ daemon: RunningDaemon, _ id: String, active: Bool, by deadline: Date) async throws -> Bool {
        while Date() < deadline {
            if try await self.active(daemon, id) == active { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// The effect fired for `id`: when it was due and when it was journaled.
    func fired(_ daemon: RunningDaemon, _ id: String) async throws -> (dueAt: Timestamp, recordedAt: Timestamp)? {
        let events = try #require(try await daemon.json("v1/workers/\(id)/history")["events"] as? [[String: Any]])
        guard let event = events.first(where: { $0["type"] as? String == "schedule.fired.v1" }),
            let due = ((event["payload"] as? [String: Any])?["due_at"] as? String).flatMap(Timestamp.init(iso8601:)),
            let recorded = (event["recorded_at"] as? String).flatMap(Timestamp.init(iso8601:))
        else { return nil }
        return (due, recorded)
    }
}

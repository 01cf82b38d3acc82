import ArgumentParser
import Configuration
import FeedGenerator
import Foundation
import Ingestion
import Journal
import Projections
import Rules
import Workforce

/// `roster-bench projections`: rebuilding the LMS desired state from a journal of a million HR
/// events, and answering as-of queries, beside a plain read of the same events.
struct ProjectionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Measure a projection rebuild, one worker's state as of an instant, and the whole population as of an instant.",
        discussion: """
            A generated company is ingested night after night (new hires, leavers, promotions, transfers, 10% of rows \
            changed) until the journal holds the events asked for (not timed). Then, timed: a plain read of every \
            event (the baseline), a rebuild of the projection store from scratch (decode, fold under realistic rules, \
            write, a snapshot every interval), the same for rules adopted now (what `roster rebuild --apply` builds: \
            no snapshots of the history), one worker's state as of random instants, and the whole population as of \
            random instants.
            """
    )

    @Option(help: "Workers in the company.")
    var workers: Int = 100_000

    @Option(help: "Events in the journal, at least.")
    var events: Int = 1_000_000

    @Option(help: "Runs; the report gives each and the median.")
    var runs: Int = 3

    @Option(help: "One-worker queries a run.")
    var queries: Int = 1_000

    @Option(help: ArgumentHelp("Write the figures into this markdown file, between its bench markers.", valueName: "FILE"))
    var report: String?

    @Option(help: ArgumentHelp("Keep the generated journal here, and reuse it when it is already there.", valueName: "DIR"))
    var journal: String?

    @Option(help: "Events between the projection store's snapshots.")
    var snapshotInterval: UInt64 = 100_000

    @Flag(help: ArgumentHelp("Only fold the journal in memory, for profiling.", visibility: .hidden))
    var foldOnly = false

    @Flag(help: ArgumentHelp("Only rebuild the projection store, for profiling.", visibility: .hidden))
    var rebuildOnly = false

    @Flag(help: ArgumentHelp("Only rebuild the projection store for rules adopted now (no snapshots of the history), for profiling.", visibility: .hidden))
    var adoptOnly = false

    @Option(help: ArgumentHelp("With --rebuild-only or --adopt-only: build the store under this directory, and keep it.", valueName: "DIR", visibility: .hidden))
    var store: String?

    @Flag(help: ArgumentHelp("Only answer whole-population queries, for profiling; with --journal, the store is kept beside it.", visibility: .hidden))
    var populationOnly = false

    struct Figures {
        var events: Int
        var readSeconds: Double
        var foldSeconds: Double
        var rebuildSeconds: Double
        /// A rebuild for rules adopted now (`roster rebuild --apply`): no snapshots of the history.
        var adoptSeconds: Double
        /// `roster rebuild --rules CANDIDATE --apply` itself, from start to exit: the rebuild, the
        /// plan's comparison with the live state, the adoption. Nil without the executable.
        var commandSeconds: Double?
        var workerP50: Double
        var workerP99: Double
        var workerMax: Double
        /// The baseline of one worker's query: a plain read of the same worker's events, p50.
        var ownEventsP50: Double
        var populationMax: Double
        var populationWorkers: Int

        var rebuildRate: Double { Double(events) / rebuildSeconds }
        var adoptRate: Double { Double(events) / adoptSeconds }
        var readRate: Double { Double(events) / readSeconds }
        var commandRate: Double? { commandSeconds.map { Double(events) / $0 } }
    }

    /// The benchmark's rules, as a rules file: scope by employment type, a group per department
    /// (named `departmentPrefix` and the department) and per office, and five triggers.
    static func rulesText(departmentPrefix: String) -> String {
        let departments = Names.departments.map { "\"\($0.name)\": \"\(departmentPrefix)\($0.name)\"" }.joined(separator: ", ")
        return """
            scope:
              include:
                employment_type: [full_time, part_time, intern]
            groups:
              - id: departments
                attribute: department_name
                map: { \(departments) }
              - id: locations
                attribute: location
                unmapped: use-value
                prefix: "Office "
            triggers:
              - { id: onboarding, on: hire, course: Onboarding_Path, due_days: 14 }
              - { id: leadership, on: change, attribute: job_title, matches: "manager|director|head", course: Leadership_101, due_days: 30 }
              - { id: nyc-compliance, on: transfer, locations: [NYC], course: NY_Harassment_Prevention, due_days: 30 }
              - { id: benefits, on: conversion, from: [contractor], to: [full_time, part_time], course: Benefits_Enrolment, due_days: 7 }
              - { id: welcome-back, on: rehire, course: Welcome_Back, due_days: 7 }

            """
    }

    static let rules = try! RuleSetParser.parse(rulesText(departmentPrefix: "Dept: "), path: "the benchmark's rules")

    func run() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bench-projections-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = self.journal ?? scratch + "/journal"
        let journal: Journal
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            // Read only: the rebuilds run as children of this process, which has it open too.
            journal = try Journal(Journal.Configuration(path: path, access: .readOnly))
        } else {
            FileHandle.standardError.write(Data("writing a journal of \(events) events for \(workers) workers (not timed)\n".utf8))
            journal = try makeJournal(at: path)
        }
        if foldOnly {
            let clock = ContinuousClock()
            let start = clock.now
            let state = try Replay(now: nil).run(journal, rules: Self.rules)
            print("folded \(state.position) events, \(state.workerCount) workers in \(clock.now - start)")
            return
        }
        if rebuildOnly || adoptOnly {
            let clock = ContinuousClock()
            let start = clock.now
            let store = try ProjectionStore(
                root: self.store ?? scratch + "/rebuild", rules: Self.rules, snapshotInterval: snapshotInterval,
                snapshotsFrom: adoptOnly ? journal.head : .start)
            let state = try store.catchUp(journal)
            let seconds = (clock.now - start).seconds
            print("rebuilt \(state.position) events, \(state.workerCount) workers in \(seconds) seconds")
            return
        }
        if populationOnly {
            let root = self.journal.map { $0 + "-projections" } ?? scratch + "/population"
            let store = try ProjectionStore(root: root, rules: Self.rules, snapshotInterval: snapshotInterval)
            let live = try store.catchUp(journal)
            let first = try journal.read { try $0.event(at: JournalPosition(1)) }!.recordedAt
            let last = try journal.read { try $0.event(at: journal.head) }!.recordedAt
            var random = SplitMix64(seed: 5)
            let clock = ContinuousClock()
            for _ in 0..<max(1, queries) {
                let at = Timestamp(rawValue: first.rawValue + Int64(random.next() % UInt64(max(1, last.rawValue - first.rawValue + 1))))
                let start = clock.now
                var state = try store.state(asOf: at, journal: journal, live: live)
                state.advance(to: at)
                print("\(state.workerCount) workers at \(state.position) in \(clock.now - start)")
            }
            return
        }
        var results: [Figures] = []
        for run in 1...max(1, runs) {
            FileHandle.standardError.write(Data("run \(run) of \(runs)\n".utf8))
            results.append(try measure(journal, at: path, scratch: scratch + "/run-\(run)"))
        }
        let median = results.sorted { $0.adoptSeconds < $1.adoptSeconds }[results.count / 2]
        print(String(
            format: "%d events: fold in memory %.2f s, rebuild for rules adopted now (roster rebuild --apply) %.2f s (%.0f events/s), the command end to end %@ s, rebuild from scratch %.2f s (%.0f events/s), plain read %.2f s (%.0f events/s); one worker as of an instant p50 %.3f ms, p99 %.3f ms; %d workers as of an instant %.3f s at most",
            median.events, median.foldSeconds, median.adoptSeconds, median.adoptRate, median.commandSeconds.map { String(format: "%.2f", $0) } ?? "-",
            median.rebuildSeconds, median.rebuildRate, median.readSeconds, median.readRate,
            median.workerP50 * 1000, median.workerP99 * 1000, median.populationWorkers, median.populationMax))
        if let report { try write(results, median: median, into: report) }
    }

    /// Night after night of a generated company, ingested until the journal is big enough.
    func makeJournal(at path: String) throws -> Journal {
        let journal = try Journal(path: path, createIfMissing: true)
        var thresholds = SafetyThresholds()
        thresholds.terminations = .init()
        thresholds.absences = .init()
        thresholds.rowDropPercent = nil
        let ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: path + "-received"), thresholds: thresholds)
        var feed = FeedConfiguration(name: "nightly", kind: .csvSnapshot)
        feed.locationTimeZones = Dictionary(uniqueKeysWithValues: Names.locations.map { ($0.code, $0.zone) })
        var company = GeneratedCompany(size: workers, today: LocalDate(year: 2024, month: 1, day: 2)!, seed: 42)
        var history = WorkforceHistory()
        var night = 0
        while journal.head.rawValue < UInt64(events) {
            if night > 0 {
                company.advanceDay()
                _ = company.changeRows(fraction: 0.1, seed: UInt64(night))
            }
            _ = try ingestor.ingest(company.snapshot(), file: "night-\(night).csv", feed: feed, history: &history)
            night += 1
        }
        return journal
    }

    func measure(_ journal: Journal, at path: String, scratch: String) throws -> Figures {
        let clock = ContinuousClock()
        // Baseline: every event read and decompressed, its payload touched, through the cheapest
        // full read there is (the lending one the fold's reader uses, without decoding payloads).
        var start = clock.now
        var count = 0
        var bytes = 0
        try journal.read { snapshot in
            try snapshot.forEachEventView { event in
                count += 1
                for byte in event.payload { bytes &+= Int(byte) }
                return true
            }
        }
        let read = clock.now - start
        // Used, so the optimizer keeps the reads of the payloads' bytes.
        guard bytes != 0 else { throw ValidationError("the journal's payloads read as empty") }

        // The fold in memory in this process, released before anything else is timed.
        let fold: Duration
        do {
            start = clock.now
            let folded = try Replay(now: nil).run(journal, rules: Self.rules)
            fold = clock.now - start
            guard folded.workerCount >= workers else { throw ValidationError("the fold holds \(folded.workerCount) workers") }
        }
        // Each rebuild in a process of its own, as `roster rebuild --apply` (or a first run after an
        // upgrade) builds it: in this one, after the others had made and freed half a gigabyte,
        // the same rebuild took a sixth longer.
        let (rebuild, rebuilt) = try rebuildInChild(journal: path, store: scratch, adopting: false)
        guard rebuilt >= workers else { throw ValidationError("the rebuild holds \(rebuilt) workers") }
        let (adopt, adopted) = try rebuildInChild(journal: path, store: scratch + "-adopted", adopting: true)
        guard adopted == rebuilt else { throw ValidationError("the two rebuilds differ: \(adopted) and \(rebuilt) workers") }
        let command = try commandInChild(journal: path, scratch: scratch + "-command")
        // The rebuilt store, opened again, answers the as-of queries.
        let store = try ProjectionStore(root: scratch, rules: Self.rules, snapshotInterval: snapshotInterval)
        let live = try store.catchUp(journal)
        guard live.workerCount == rebuilt else { throw ValidationError("the rebuilt store reads back \(live.workerCount) workers") }

        // As-of instants spread over the journal's recorded times.
        let first = try journal.read { try $0.event(at: JournalPosition(1)) }!.recordedAt
        let last = try journal.read { try $0.event(at: journal.head) }!.recordedAt
        var random = SplitMix64(seed: 5)
        func instant() -> Timestamp {
            Timestamp(rawValue: first.rawValue + Int64(random.next() % UInt64(max(1, last.rawValue - first.rawValue + 1))))
        }
        let ids = live.allProjections.map(\.worker.id).sorted()
        // The queries meet no write-back of the rebuilds' stores (see `rebuildInChild`).
        sync()
        var timings: [Double] = []
        // The baseline of each: the same worker's events read (through the subject index, each
        // decoded), without the fold. Which goes first alternates: the second finds the worker's
        // pages in the caches.
        var reads: [Double] = []
        for query in 0..<queries {
            let id = ids[Int(random.next() % UInt64(ids.count))]
            let at = instant()
            func baseline() throws {
                let start = clock.now
                let own = try journal.read { try $0.events(forSubject: id.rawValue) }
                reads.append((clock.now - start).seconds)
                guard !own.isEmpty else { throw ValidationError("worker \(id) has no events") }
            }
            if query % 2 == 1 { try baseline() }
            start = clock.now
            _ = try store.worker(id, asOf: at, journal: journal)
            timings.append((clock.now - start).seconds)
            if query % 2 == 0 { try baseline() }
        }
        timings.sort()
        reads.sort()
        var population: [Double] = []
        var populationWorkers = 0
        for _ in 0..<5 {
            let at = instant()
            start = clock.now
            var state = try store.state(asOf: at, journal: journal, live: live)
            state.advance(to: at)
            population.append((clock.now - start).seconds)
            populationWorkers = max(populationWorkers, state.workerCount)
        }
        return Figures(
            events: count, readSeconds: read.seconds, foldSeconds: fold.seconds, rebuildSeconds: rebuild, adoptSeconds: adopt, commandSeconds: command,
            workerP50: timings[timings.count / 2],
            workerP99: timings[min(timings.count - 1, timings.count * 99 / 100)], workerMax: timings.last ?? 0, ownEventsP50: reads[reads.count / 2],
            populationMax: population.max() ?? 0, populationWorkers: populationWorkers)
    }

    /// Runs this benchmark again as a child, to rebuild the store under `store` from the journal
    /// at `journal` (for rules adopted now, or from scratch with the history's snapshots); returns
    /// the seconds it took and the workers it holds.
    func rebuildInChild(journal: String, store: String, adopting: Bool) throws -> (seconds: Double, workers: Int) {
        // The writes of what ran before (the other rebuild's store, a hundred megabytes) are
        // flushed first: still being written back, they took the timed run's core for a while.
        sync()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "projections", "--journal", journal, adopting ? "--adopt-only" : "--rebuild-only", "--store", store,
            "--snapshot-interval", String(snapshotInterval),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "rebuilt N events, W workers in S seconds"
        let words = text.split(whereSeparator: \.isWhitespace)
        guard process.terminationStatus == 0, let index = words.firstIndex(of: "workers"), index > 0, words.count > index + 2,
            let workers = Int(words[index - 1]), let seconds = Double(words[index + 2])
        else { throw ValidationError("the rebuild in a child process failed (exit \(process.terminationStatus)): \(text)") }
        return (seconds, workers)
    }

    /// `roster rebuild --rules CANDIDATE --apply --confirm` as a user runs it, timed from start to
    /// exit, on a copy of the journal: the benchmark's rules adopted and their store built first
    /// (not timed, as they are in use), and a candidate that renames every department's group, so
    /// every user changes. Nil when the roster executable is not beside the benchmark.
    func commandInChild(journal: String, scratch: String) throws -> Double? {
        let bench = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let roster = bench.deletingLastPathComponent().appendingPathComponent("roster").path
        guard FileManager.default.isExecutableFile(atPath: roster) else { return nil }
        try FileManager.default.createDirectory(atPath: scratch + "/data/journal", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: journal + "/data.mdb", toPath: scratch + "/data/journal/data.mdb")
        let config = scratch + "/roster.yml"
        try """
            data: ./data
            default_time_zone: Europe/London
            rules: rules.yml
            feeds:
              - { name: nightly, kind: csv-snapshot, preset: generic }
            lms: { connector: csv-export, directory: exports }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        try Self.rulesText(departmentPrefix: "Dept: ").write(toFile: scratch + "/rules.yml", atomically: true, encoding: .utf8)
        try Self.rulesText(departmentPrefix: "Department ").write(toFile: scratch + "/candidate.yml", atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws -> Double {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: roster)
            process.arguments = arguments + ["--config", config]
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            let start = ContinuousClock.now
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let seconds = (ContinuousClock.now - start).seconds
            guard process.terminationStatus == 0 else {
                throw ValidationError("roster \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(text)")
            }
            return seconds
        }
        // The rules in force: adopted on first use, their store built.
        _ = try run(["state", "--json"])
        sync()
        return try run(["rebuild", "--rules", scratch + "/candidate.yml", "--apply", "--confirm"])
    }

    func write(_ results: [Figures], median: Figures, into path: String) throws {
        func row(_ label: String, _ figures: Figures) -> String {
            String(
                format: "| %@ | %.2f | %.0f | %.2f | %@ | %@ | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %.2f | %.3f | %.2f |", label,
                figures.adoptSeconds, figures.adoptRate, figures.adoptSeconds / figures.readSeconds,
                figures.commandSeconds.map { String(format: "%.2f", $0) } ?? "-", figures.commandRate.map { String(format: "%.0f", $0) } ?? "-",
                figures.rebuildSeconds, figures.rebuildRate,
                figures.rebuildSeconds / figures.readSeconds, figures.readSeconds, figures.readRate, figures.foldSeconds, figures.workerP50 * 1000,
                figures.workerP99 * 1000, figures.workerMax * 1000, figures.ownEventsP50 * 1000, figures.workerP50 / figures.ownEventsP50,
                figures.populationMax, figures.populationMax / figures.readSeconds)
        }
        let command = "roster-bench projections --workers \(workers) --events \(events) --runs \(results.count) --snapshot-interval \(snapshotInterval)"
        var lines = [
            "; \(median.events) events, \(median.populationWorkers) workers; \(queries) one-worker queries and 5 whole-population queries a run. "
                + "The median run is the one whose `rebuild --apply` rebuild took the median time, its figures as they were.",
            "",
            "| run | rebuild for `roster rebuild --apply` (s) | (events/s) | / read | the command end to end, with its plan (s) | (events/s) | rebuild from scratch, with the history's snapshots (s) | (events/s) | / read | baseline: plain read (s) | read (events/s) | fold in memory (s) | one worker p50 (ms) | p99 (ms) | max (ms) | baseline: the worker's events read, p50 (ms) | p50 / read | population as of, max (s) | / plain read |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for (index, figures) in results.enumerated() { lines.append(row("\(index + 1)", figures)) }
        if results.count > 1 { lines.append(row("median run", median)) }
        try ReportFile.write(lines, name: "projections", command: command, into: path)
    }
}

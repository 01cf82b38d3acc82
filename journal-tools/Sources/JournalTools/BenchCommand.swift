import ArgumentParser
import Foundation
import Journal

/// `roster-journal bench`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Append realistic HR events, read them back, and compare with plain liblmdb making the same puts.",
        discussion: """
            The mix is about 80% field changes and 20% full worker records over a varied population. \
            The baseline replays the journal's own puts (same databases, keys and stored values, already \
            encoded) against a bare LMDB environment in the same run; ratio = events_per_s / baseline_events_per_s.
            """
    )

    @Option(help: "How many events to append.")
    var events: Int = 1_000_000

    @Option(name: .customLong("batch-size"), help: "Events per append (one transaction each).")
    var batchSize: Int = 10_000

    @Option(help: "How many distinct workers the events are about.")
    var population: Int = 100_000

    @Option(help: "How many threads append concurrently, as the daemon's feeds do.")
    var appenders: Int = 2

    @Option(help: ArgumentHelp("Keep the journal written in this new directory.", valueName: "DIR"))
    var journal: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Run this many times; the report gives each run and the median.")
    var runs: Int = 1

    @Option(help: ArgumentHelp(
        "Write the figures into this markdown file, between its bench markers (docs/benchmarks.md).",
        valueName: "FILE"))
    var report: String?

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        guard population > 0 else { throw ValidationError("--population must be at least 1") }
        guard appenders > 0 else { throw ValidationError("--appenders must be at least 1") }
        guard runs > 0 else { throw ValidationError("--runs must be at least 1") }
        if runs > 1, journal != nil { throw ValidationError("--journal keeps one journal; use it with a single run") }
    }

    func run() throws {
        var results: [JournalBenchmark.Result] = []
        for run in 1...runs {
            if runs > 1, !json { StandardError.write("run \(run) of \(runs)\n") }
            results.append(
                try reportingErrors {
                    try JournalBenchmark.run(
                        events: events,
                        batchSize: batchSize,
                        population: population,
                        appenders: appenders,
                        journalPath: journal,
                        progress: { if !json { StandardError.write($0 + "\n") } }
                    )
                })
        }
        let result = BenchmarkReport.median(results)
        if let report {
            try reportingErrors { try BenchmarkReport.write(results, into: report) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(
                String(
                    format: """
                        events               %d in batches of %d over %d workers, %d appending threads
                        journal appends      %.0f events/s
                        plain liblmdb        %.0f events/s (same puts)
                        ratio                %.2f
                        read back            %.0f events/s
                        bytes per event      raw %.1f, stored %.1f, on disk %.1f
                        """,
                    result.events, result.batchSize, result.population, result.appenders, result.eventsPerSecond,
                    result.baselineEventsPerSecond, result.ratio, result.readEventsPerSecond,
                    result.rawBytesPerEvent, result.storedBytesPerEvent, result.diskBytesPerEvent
                )
            )
        }
    }
}

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

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        guard population > 0 else { throw ValidationError("--population must be at least 1") }
        guard appenders > 0 else { throw ValidationError("--appenders must be at least 1") }
    }

    func run() throws {
        let result = try reportingErrors {
            try JournalBenchmark.run(
                events: events,
                batchSize: batchSize,
                population: population,
                appenders: appenders,
                journalPath: journal,
                progress: { if !json { StandardError.write($0 + "\n") } }
            )
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

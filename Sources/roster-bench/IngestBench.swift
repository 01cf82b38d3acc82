import ArgumentParser
import CSV
import FeedGenerator
import Foundation
import Ingestion
import Journal
import Workforce

/// `roster-bench ingest`: a nightly snapshot ingested against the state of the night before.
struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure ingesting a snapshot against a known workforce, beside reading the same file without diffing.",
        discussion: """
            A generated company of N workers is ingested into a new journal (not timed). Then, timed: the next \
            night's export with every row unchanged (in another order, so it is a new file), and one with 10% of \
            its rows changed, each kept, read, diffed and durably journaled by an ingestor holding the state in \
            memory, as the daemon does. The baseline, in the same run: reading and splitting the same file into \
            fields, without diffing.
            """
    )

    @Option(help: "Workers in the company.")
    var workers: Int = 100_000

    @Option(help: "Runs; the report gives each and the median.")
    var runs: Int = 3

    @Option(help: ArgumentHelp("Write the figures into this markdown file, between its bench markers.", valueName: "FILE"))
    var report: String?

    @Flag(help: "Print JSON.")
    var json = false

    struct Figures: Codable {
        var workers: Int
        var fileBytes: Int
        var unchangedSeconds: Double
        var changedSeconds: Double
        var changedRows: Int
        var baselineSeconds: Double
        var eventsJournaled: Int

        enum CodingKeys: String, CodingKey {
            case workers
            case fileBytes = "file_bytes"
            case unchangedSeconds = "unchanged_s"
            case changedSeconds = "changed_s"
            case changedRows = "changed_rows"
            case baselineSeconds = "baseline_s"
            case eventsJournaled = "events_journaled"
        }
    }

    func run() throws {
        var results: [Figures] = []
        for run in 1...max(1, runs) {
            if !json { FileHandle.standardError.write(Data("run \(run) of \(runs)\n".utf8)) }
            results.append(try measure())
        }
        let median = results.sorted { $0.changedSeconds < $1.changedSeconds }[results.count / 2]
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(median), as: UTF8.self))
        } else {
            print(String(
                format: "%d workers, %.1f MB: unchanged %.3f s, %d rows changed %.3f s, baseline (read and split) %.3f s",
                median.workers, Double(median.fileBytes) / 1e6, median.unchangedSeconds, median.changedRows, median.changedSeconds,
                median.baselineSeconds))
        }
        if let report { try write(results, median: median, into: report) }
    }

    func measure() throws -> Figures {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bench-ingest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let journal = try Journal(path: scratch + "/journal", createIfMissing: true)
        let ingestor = Ingestor(journal: journal, store: ReceivedFileStore(directory: scratch + "/received"))
        var feed = FeedConfiguration(name: "nightly", kind: .csvSnapshot)
        feed.locationTimeZones = Dictionary(uniqueKeysWithValues: Names.locations.map { ($0.code, $0.zone) })
        var company = GeneratedCompany(size: workers, today: LocalDate(year: 2026, month: 11, day: 2)!, seed: 42)
        var history = WorkforceHistory()
        let night0 = company.snapshot()
        guard case .applied = try ingestor.ingest(night0, file: "night-0.csv", feed: feed, history: &history) else {
            throw ValidationError("the first night did not apply")
        }

        // Unchanged: the same rows, in another order: a new file with nothing new in it.
        var lines = night0.split(separator: 0x0A, omittingEmptySubsequences: false)
        let header = lines.removeFirst()
        if lines.last?.isEmpty == true { lines.removeLast() }
        var generator = SplitMix64(seed: 7)
        lines.shuffle(using: &generator)
        let unchanged = Array(([header] + lines).joined(separator: [0x0A])) + [0x0A]
        let clock = ContinuousClock()
        var start = clock.now
        guard case .applied(_, let quiet, _) = try ingestor.ingest(unchanged, file: "night-1.csv", feed: feed, history: &history),
            quiet == BatchCounts()
        else { throw ValidationError("the unchanged night changed something") }
        let unchangedTime = clock.now - start

        // Baseline: read the same file and split every row into fields, no diff.
        start = clock.now
        let table = try CSVReader.read(unchanged)
        let baselineTime = clock.now - start
        guard table.records.count == workers else { throw ValidationError("the baseline read \(table.records.count) rows") }

        // 10% changed: promotions and transfers across the company.
        let count = company.changeRows(fraction: 0.1, seed: 11)
        let night2 = company.snapshot()
        let headBefore = journal.head
        start = clock.now
        guard case .applied = try ingestor.ingest(night2, file: "night-2.csv", feed: feed, history: &history) else {
            throw ValidationError("the changed night did not apply")
        }
        let changedTime = clock.now - start
        return Figures(
            workers: workers, fileBytes: unchanged.count, unchangedSeconds: unchangedTime.seconds, changedSeconds: changedTime.seconds,
            changedRows: count, baselineSeconds: baselineTime.seconds, eventsJournaled: Int(journal.head.rawValue - headBefore.rawValue))
    }

    func write(_ results: [Figures], median: Figures, into path: String) throws {
        func row(_ label: String, _ figures: Figures) -> String {
            String(
                format: "| %@ | %.3f | %.3f | %.3f | %.2f | %.2f | %d |", label, figures.unchangedSeconds, figures.changedSeconds,
                figures.baselineSeconds, figures.unchangedSeconds / figures.baselineSeconds, figures.changedSeconds / figures.baselineSeconds,
                figures.eventsJournaled)
        }
        let command = "roster-bench ingest --workers \(median.workers) --runs \(results.count)"
        var lines = [
            "; the file is " + String(format: "%.1f MB", Double(median.fileBytes) / 1e6) + ", \(median.changedRows) rows changed in the second.",
            "",
            "| run | unchanged (s) | 10% changed (s) | baseline: read and split (s) | unchanged / baseline | changed / baseline | events journaled |",
            "|---|---|---|---|---|---|---|",
        ]
        for (index, figures) in results.enumerated() { lines.append(row("\(index + 1)", figures)) }
        if results.count > 1 { lines.append(row("median", median)) }
        try ReportFile.write(lines, name: "ingest", command: command, into: path)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

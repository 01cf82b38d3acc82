import Foundation
import Journal
import LMDBKit

/// `roster-journal bench`: appends realistic HR events in batches, reads them back, and measures
/// plain liblmdb making the same puts in the same run, as the baseline.
public enum JournalBenchmark {
    /// The figures of one run. Rates are events per second; sizes are bytes per event.
    public struct Result: Codable, Sendable {
        public var events: Int
        public var batchSize: Int
        public var population: Int
        public var appenders: Int
        public var eventsPerSecond: Double
        public var baselineEventsPerSecond: Double
        public var ratio: Double
        public var rawBytesPerEvent: Double
        public var storedBytesPerEvent: Double
        public var diskBytesPerEvent: Double
        public var readEventsPerSecond: Double
        public var appendSeconds: Double
        public var baselineSeconds: Double
        public var dictionaries: Int

        enum CodingKeys: String, CodingKey {
            case events
            case batchSize = "batch_size"
            case population
            case appenders
            case eventsPerSecond = "events_per_s"
            case baselineEventsPerSecond = "baseline_events_per_s"
            case ratio
            case rawBytesPerEvent = "raw_bytes_per_event"
            case storedBytesPerEvent = "stored_bytes_per_event"
            case diskBytesPerEvent = "disk_bytes_per_event"
            case readEventsPerSecond = "read_events_per_s"
            case appendSeconds = "append_seconds"
            case baselineSeconds = "baseline_seconds"
            case dictionaries
        }
    }

    /// Runs the benchmark. The journal goes to `journalPath` (kept) or a temporary directory (removed).
    ///
    /// `appenders` threads append batches concurrently, as the daemon's feeds do; each append is
    /// atomic and durable when it returns. The run goes in rounds of ten batches per appender: the
    /// journal appends a round, then plain liblmdb makes the same puts, commit by commit, so both
    /// measurements share the machine's load.
    public static func run(
        events: Int,
        batchSize: Int = 10_000,
        population: Int = 100_000,
        appenders: Int = 2,
        journalPath: String? = nil,
        progress: (String) -> Void = { _ in }
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("roster-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let path = journalPath ?? scratch + "/journal"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if journalPath != nil, FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw JournalError(.invalidEvent, "\(path) already holds a journal; bench writes a new one, so give a new directory")
        }

        // The baseline environment: the journal's databases, bare.
        var configuration = Environment.Configuration(path: scratch + "/baseline")
        configuration.databases = Journal.databaseNames
        configuration.initialMapSize = 64 << 20
        try FileManager.default.createDirectory(atPath: configuration.path, withIntermediateDirectories: true)
        let baseline = try Environment(configuration)
        let handles = Dictionary(uniqueKeysWithValues: Journal.databaseNames.map { ($0, baseline.database($0)) })

        var workforce = SyntheticWorkforce(population: population)
        let journal = try Journal(path: path, createIfMissing: true)
        let clock = ContinuousClock()
        var appendTime = Duration.zero
        var baselineTime = Duration.zero
        var seenTypes = Set<UInt32>()
        var seenDictionaries = Set<UInt32>()
        var written = 0
        let appenders = max(1, appenders)
        while written < events {
            // 1. A round of batches, generated before the clock starts.
            var batches: [[ProposedEvent]] = []
            var planned = written
            while planned < events, batches.count < 10 * appenders {
                let batch = workforce.nextBatch(min(batchSize, events - planned))
                planned += batch.count
                batches.append(batch)
            }

            // 2. The journal appends the round from `appenders` threads.
            let round = AppendRound(journal: journal, batches: batches)
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: appenders) { _ in round.appendUntilDone() }
            appendTime += clock.now - start
            let results = try round.results()
            written = planned

            // 3. Plain liblmdb makes the same puts, commit by commit in commit order.
            for result in results.sorted(by: { $0.first < $1.first }) {
                let commit = try journal.read { snapshot in
                    try snapshot.storedCommit(first: result.first, last: result.last, seenTypes: &seenTypes, seenDictionaries: &seenDictionaries)
                }
                let puts = commit.puts.map { (handles[$0.database]!, $0.key, $0.value, $0.append ? PutFlags.append : []) }
                let baselineStart = clock.now
                try baseline.write { txn in
                    for (database, key, value, flags) in puts {
                        try txn.put(database, key: key, value: value, flags: flags)
                    }
                }
                baselineTime += clock.now - baselineStart
            }
            progress("appended \(written) events")
        }

        // 4. Read everything back, decoding and decompressing.
        var readCount = 0
        let readStart = clock.now
        try journal.read { snapshot in
            try snapshot.forEachEvent { event in
                readCount += event.payload.isEmpty ? 0 : 1
                return true
            }
        }
        let readTime = clock.now - readStart
        guard readCount == events else {
            throw JournalError(.corrupt, "read back \(readCount) events of \(events) written")
        }
        let statistics = try journal.statistics()

        let append = appendTime.seconds
        let base = baselineTime.seconds
        let eventsPerSecond = Double(events) / append
        let baselinePerSecond = Double(events) / base
        return Result(
            events: events,
            batchSize: batchSize,
            population: population,
            appenders: appenders,
            eventsPerSecond: eventsPerSecond,
            baselineEventsPerSecond: baselinePerSecond,
            ratio: eventsPerSecond / baselinePerSecond,
            rawBytesPerEvent: statistics.rawBytesPerEvent,
            storedBytesPerEvent: statistics.storedBytesPerEvent,
            diskBytesPerEvent: statistics.diskBytesPerEvent,
            readEventsPerSecond: Double(events) / readTime.seconds,
            appendSeconds: append,
            baselineSeconds: base,
            dictionaries: statistics.dictionaries.count
        )
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// One round of the benchmark: appending threads take the next batch until none is left.
final class AppendRound: @unchecked Sendable {
    private let journal: Journal
    private let batches: [[ProposedEvent]]
    private let lock = NSLock()
    private var next = 0
    private var appended: [AppendResult] = []
    private var failure: (any Error)?

    init(journal: Journal, batches: [[ProposedEvent]]) {
        self.journal = journal
        self.batches = batches
    }

    func appendUntilDone() {
        while true {
            let index: Int? = lock.withLock {
                guard next < batches.count, failure == nil else { return nil }
                next += 1
                return next - 1
            }
            guard let index else { return }
            do {
                let result = try journal.append(batches[index])
                lock.withLock { appended.append(result) }
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    func results() throws -> [AppendResult] {
        try lock.withLock {
            if let failure { throw failure }
            return appended
        }
    }
}

import Foundation
import Journal

/// Writes benchmark figures into a markdown file, between `<!-- bench:journal:start -->` and
/// `<!-- bench:journal:end -->`, so `docs/benchmarks.md` always shows the last measured run.
enum BenchmarkReport {
    static let start = "<!-- bench:journal:start -->"
    static let end = "<!-- bench:journal:end -->"

    /// The run with the median ratio.
    static func median(_ results: [JournalBenchmark.Result]) -> JournalBenchmark.Result {
        results.sorted { $0.ratio < $1.ratio }[results.count / 2]
    }

    static func markdown(_ results: [JournalBenchmark.Result]) -> String {
        let median = median(results)
        var utsname = utsname()
        uname(&utsname)
        let machine = withUnsafeBytes(of: utsname.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        func row(_ label: String, _ result: JournalBenchmark.Result) -> String {
            String(
                format: "| %@ | %.0f | %.0f | **%.2f** | %.0f | %.1f | %.1f | %.1f |",
                label, result.eventsPerSecond, result.baselineEventsPerSecond, result.ratio, result.readEventsPerSecond,
                result.rawBytesPerEvent, result.storedBytesPerEvent, result.diskBytesPerEvent
            )
        }
        var lines = [
            "Measured \(Timestamp.now().iso8601.prefix(10)) on \(ProcessInfo.processInfo.activeProcessorCount) cores (\(machine)): "
                + "`roster-journal bench --events \(median.events) --batch-size \(median.batchSize) "
                + "--population \(median.population) --appenders \(median.appenders) --runs \(results.count)`.",
            "",
            "| run | events/s | plain liblmdb events/s | ratio | read events/s | raw B/event | stored B/event | disk B/event |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for (index, result) in results.enumerated() {
            lines.append(row("\(index + 1)", result))
        }
        if results.count > 1 { lines.append(row("median", median)) }
        return lines.joined(separator: "\n")
    }

    /// Replaces the marked section of `path` with the figures of `results`.
    static func write(_ results: [JournalBenchmark.Result], into path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JournalError(.notFound, "cannot read \(path); give the markdown file that holds the benchmark section")
        }
        guard let lower = text.range(of: start), let upper = text.range(of: end), lower.upperBound <= upper.lowerBound else {
            throw JournalError(.invalidEvent, "\(path) lacks the markers \(start) and \(end); add them where the figures go")
        }
        let updated = text[..<lower.upperBound] + "\n" + markdown(results) + "\n" + text[upper.lowerBound...]
        do {
            try String(updated).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw JournalError(.permissionDenied, "cannot write \(path): \(error)")
        }
    }
}

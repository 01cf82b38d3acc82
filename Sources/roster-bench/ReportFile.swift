import ArgumentParser
import Foundation
import Journal

/// A markdown file with figures between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`.
enum ReportFile {
    /// Replaces what is between the `name` markers of the file at `path` with `lines`, after a
    /// line saying when and on how many cores they were measured and by which `command`.
    static func write(_ lines: [String], name: String, command: String, into path: String) throws {
        let start = "<!-- bench:\(name):start -->"
        let end = "<!-- bench:\(name):end -->"
        guard var text = try? String(contentsOfFile: path, encoding: .utf8), let lower = text.range(of: start), let upper = text.range(of: end) else {
            throw ValidationError("\(path) lacks the markers \(start) and \(end)")
        }
        let heading = "Measured \(Timestamp.now().iso8601.prefix(10)) on \(ProcessInfo.processInfo.activeProcessorCount) cores: `\(command)`"
        text.replaceSubrange(lower.upperBound..<upper.lowerBound, with: "\n" + ([heading + lines[0]] + lines.dropFirst()).joined(separator: "\n") + "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

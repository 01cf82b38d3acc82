import ArgumentParser
import Journal

/// `roster-journal verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain, the gap-free sequence and every index against the events.",
        discussion: "Exits 0 when the journal is sound, 1 naming the first bad event otherwise."
    )

    @OptionGroup var options: JournalOption

    func run() throws {
        let report = try reportingErrors {
            try Journal.openReadOnly(path: options.journal).verify()
        }
        print(Self.describe(report, path: options.journal))
        if !report.isSound { throw ExitStatus.unsound }
    }

    static func describe(_ report: VerificationReport, path: String) -> String {
        if report.isSound {
            return "journal \(path) is sound: \(report.events) events, \(report.commits) appends, "
                + "\(report.subjects) subjects, \(report.dictionaries) \(report.dictionaries == 1 ? "dictionary" : "dictionaries"); head hash \(report.headHash.hex)"
        }
        var lines: [String] = []
        if let first = report.firstBadPosition {
            lines.append("journal \(path) is damaged: the first bad event is \(first)")
        } else {
            lines.append("journal \(path) is damaged")
        }
        lines += problemLines(report.problems)
        lines.append("restore the journal from a backup (roster-journal backup) taken before the damage")
        return lines.joined(separator: "\n")
    }

    /// The problems, a line each, except that the events a damaged block leader takes with it
    /// are said once, as a range.
    static func problemLines(_ problems: [VerificationReport.Problem]) -> [String] {
        var lines: [String] = []
        var index = problems.startIndex
        while index < problems.endIndex {
            let problem = problems[index]
            guard let first = problem.position, let leader = problem.damagedBlockLeader else {
                // The journal's advice to run verify, which this is.
                let advice = "; run roster-journal verify"
                let text = problem.description
                lines.append("  " + (text.hasSuffix(advice) ? String(text.dropLast(advice.count)) : text))
                index += 1
                continue
            }
            var last = first
            var end = index + 1
            while end < problems.endIndex, let position = problems[end].position, position.rawValue == last.rawValue + 1,
                problems[end].damagedBlockLeader == leader
            {
                last = position
                end += 1
            }
            let events = first == last ? "event \(first)" : "events \(first)-\(last)"
            lines.append("  \(events) (\(problem.database)): unreadable, in the same compressed block as damaged event \(leader)")
            index = end
        }
        return lines
    }
}

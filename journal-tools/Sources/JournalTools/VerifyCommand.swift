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
                + "\(report.subjects) subjects, \(report.dictionaries) dictionaries; head hash \(report.headHash.hex)"
        }
        var lines: [String] = []
        if let first = report.firstBadPosition {
            lines.append("journal \(path) is damaged: the first bad event is \(first)")
        } else {
            lines.append("journal \(path) is damaged")
        }
        for problem in report.problems { lines.append("  \(problem)") }
        lines.append("restore the journal from a backup (roster-journal backup) taken before the damage")
        return lines.joined(separator: "\n")
    }
}

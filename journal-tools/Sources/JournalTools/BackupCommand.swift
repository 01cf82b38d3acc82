import ArgumentParser
import Journal

/// `roster-journal backup`.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, compacted hot copy of the journal, then verify the copy.",
        discussion: "Safe while the daemon appends. The target must not exist or be an empty directory."
    )

    @OptionGroup var options: JournalOption

    @Option(name: .customLong("to"), help: ArgumentHelp("The new directory for the copy.", valueName: "DIR"))
    var target: String

    func run() throws {
        let report = try reportingErrors {
            try Journal.openReadOnly(path: options.journal).backup(to: target)
        }
        if report.isSound {
            print("backup of \(report.events) events written to \(target) and verified; head hash \(report.headHash.hex)")
        } else {
            print(VerifyCommand.describe(report, path: target))
            throw ExitStatus.unsound
        }
    }
}

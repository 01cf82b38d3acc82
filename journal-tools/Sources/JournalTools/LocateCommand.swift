import ArgumentParser
import Journal

/// `roster-journal locate`: where an event's bytes lie in the data file, for forensics.
struct LocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locate",
        abstract: "Print the byte offset and length of an event's stored record in data.mdb.",
        discussion: "For forensics: to compare a damaged file with a backup, or to rehearse damage on a copy."
    )

    @OptionGroup var options: JournalOption

    @Option(help: "The event's position.")
    var position: UInt64

    func run() throws {
        let location = try reportingErrors {
            try Journal.openReadOnly(path: options.journal).storedRecordLocation(at: JournalPosition(position))
        }
        guard let location else {
            StandardError.write("roster-journal: there is no event \(position) in \(options.journal)\n")
            throw ExitStatus.failed
        }
        print("event \(position): offset \(location.offset), length \(location.length) in \(options.journal)/data.mdb")
    }
}

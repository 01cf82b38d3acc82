import ArgumentParser
import Foundation
import Journal

/// `roster-journal`: inspect, check, back up and measure a Roster journal.
public struct RosterJournalCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "roster-journal",
        abstract: "Inspect, verify, back up and benchmark a Roster journal.",
        discussion: """
            Exit codes: 0 success; 1 the journal (or its copy) failed verification; \
            2 the command could not run (bad arguments, missing or locked journal).
            """,
        subcommands: [
            VerifyCommand.self, DumpCommand.self, StatsCommand.self, BackupCommand.self,
            TrainDictionaryCommand.self, BenchCommand.self, LocateCommand.self,
        ]
    )

    public init() {}
}

/// The `--journal DIR` option every subcommand takes.
struct JournalOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The journal directory.", valueName: "DIR"))
    var journal: String
}

/// Exit codes of roster-journal.
enum ExitStatus {
    static let unsound = ExitCode(1)
    static let failed = ExitCode(2)
}

/// Runs `body`, turning journal errors into a message on standard error and exit status 2.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as JournalError {
        StandardError.write("roster-journal: \(error.description)\n")
        throw ExitStatus.failed
    }
}

/// Unbuffered writes to standard error, buffered writes to standard output.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

final class OutputBuffer {
    private var buffer: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

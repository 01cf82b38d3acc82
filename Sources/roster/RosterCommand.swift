import ArgumentParser
import Configuration
import Foundation
import Ingestion
import Journal
import RosterKit

/// `roster`: HR feeds into the journal, and the admin's decisions on held batches.
@main
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Keep an LMS in step with the HRIS: ingest HR feeds, review held batches, see and explain what the LMS should hold.",
        discussion: """
            Exit codes: 0 success; 2 the command could not run (configuration, arguments, journal); \
            for ingest, 3 applied with rows quarantined, 4 held by a safety threshold, 5 rejected; for sync, 6 a delivery failed; for reconcile, 7 the LMS drifted.
            """,
        subcommands: [
            IngestCommand.self, BatchesCommand.self, ApproveCommand.self, RejectCommand.self, WorkersCommand.self, AuditCommand.self,
            StateCommand.self, HistoryCommand.self, WhyCommand.self, TickCommand.self, RestoreCommand.self, RebuildCommand.self,
            PlanCommand.self, SyncCommand.self, OutboxCommand.self, ReconcileCommand.self, ServeCommand.self,
        ]
    )
}

/// `--config roster.yml`, shared by every subcommand.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "FILE"))
    var config: String = "roster.yml"

    func load() throws -> RosterConfiguration {
        try failing { try RosterConfiguration.load(path: config) }
    }

    /// The configured journal, for reading: beside a running daemon (which holds it for writing),
    /// read-only.
    func readingJournal(_ configuration: RosterConfiguration) throws -> Journal {
        try failing { try RosterApp(readingBeside: configuration).journal }
    }

    /// The configured journal, for writing; created on first use.
    func journal(_ configuration: RosterConfiguration) throws -> Journal {
        try failing { try Journal(path: configuration.journalPath, createIfMissing: true) }
    }

    /// The composition root on the configured journal; read-only beside a running daemon.
    func app() throws -> RosterApp {
        let configuration = try load()
        let app = try failing { try RosterApp(readingBeside: configuration) }
        if let warning = try failing({ try app.rulesFileWarning() }) { warn(warning) }
        return app
    }

    func ingestor(_ configuration: RosterConfiguration) throws -> Ingestor {
        Ingestor(journal: try journal(configuration), store: ReceivedFileStore(directory: configuration.receivedPath), thresholds: configuration.safety)
    }
}

/// Checks `--by`: the journal keeps who decided, so it cannot be blank.
func requireActor(_ by: String) throws {
    guard !by.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ValidationError("--by is empty; say who decides (a name or an email address): the journal keeps it")
    }
}

enum Exit {
    static let failed = ExitCode(2)
    static let quarantined = ExitCode(3)
    static let held = ExitCode(4)
    static let rejected = ExitCode(5)
    static let deliveryFailed = ExitCode(6)
    static let drifted = ExitCode(7)
}

/// Runs `body`; an error becomes one line on standard error and exit status 2.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as JournalError where error.code == .readOnly {
        FileHandle.standardError.write(Data(
            "roster: another process holds the journal for writing (roster serve?); use its admin API, or stop it and run this again (\(error.message))\n".utf8))
        throw Exit.failed
    } catch {
        FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
        throw Exit.failed
    }
}

func printJSON(_ value: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

import ArgumentParser
import Foundation
import Ingestion
import Journal
import RosterKit
import Workforce

/// `roster batches`.
struct BatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batches", abstract: "List received batches with their counts and state.")

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let history = try failing { try WorkforceHistory.load(try options.readingJournal(configuration)) }
        let batches = history.order.compactMap { history.batches[$0] }
        if json {
            printJSON(batches.map(JSONView.batch))
            return
        }
        if batches.isEmpty { print("no batches yet") }
        for batch in batches {
            print("\(batch.id)  \(batch.state.rawValue.uppercased())  \(batch.receipt.feed)  \(batch.receipt.file)  \(batch.receipt.rows) rows  received \(batch.recordedAt.iso8601)")
            if let counts = batch.counts { print("  " + IngestCommand.describe(counts)) }
            for reason in batch.reasons { print("  \(reason)") }
        }
    }
}

/// `roster approve`.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a held batch: its file is compared again with what is known now, and journaled.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The batch, as `roster batches` shows it.")
    var batch: String

    @Option(help: "Who approves (recorded with the decision).")
    var by: String = ProcessInfo.processInfo.environment["USER"] ?? "admin"

    func validate() throws { try requireActor(by) }

    func run() throws {
        let configuration = try options.load()
        let ingestor = try options.ingestor(configuration)
        let counts = try failing { try ingestor.approve(batch: batch, by: by, feeds: configuration.feeds) }
        print("batch \(batch) approved by \(by) and applied: \(IngestCommand.describe(counts))")
    }
}

/// `roster reject`.
struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a held batch: nothing of it takes effect.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The batch, as `roster batches` shows it.")
    var batch: String

    @Option(help: "Who rejects (recorded with the decision).")
    var by: String = ProcessInfo.processInfo.environment["USER"] ?? "admin"

    func validate() throws { try requireActor(by) }

    func run() throws {
        let configuration = try options.load()
        let ingestor = try options.ingestor(configuration)
        try failing { try ingestor.reject(batch: batch, by: by) }
        print("batch \(batch) rejected by \(by); nothing of it took effect")
    }
}

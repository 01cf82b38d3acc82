import ArgumentParser
import Foundation
import Ingestion
import RosterKit
import Workforce

/// `roster ingest`.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Journal what changed in HR files of a feed: one atomic batch per file.",
        discussion: """
            Each file is kept byte for byte, read, compared with what is known, and journaled unless \
            a safety threshold holds it. The same file content ingested twice changes nothing the second time.
            """
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "The feed the files belong to, as named in the configuration.")
    var feed: String

    @Argument(help: ArgumentHelp("The files to ingest, in order.", valueName: "FILE"))
    var files: [String]

    func run() throws {
        let configuration = try options.load()
        let feed = try failing { try configuration.feed(self.feed) }
        let ingestor = try options.ingestor(configuration)
        var status: Int32 = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("roster: cannot read \(file); check the path\n".utf8))
                throw Exit.failed
            }
            let name = URL(fileURLWithPath: file).lastPathComponent
            let outcome = try failing { try ingestor.ingest(Array(data), file: name, feed: feed) }
            switch outcome {
            case .applied(let batch, let counts, let quarantined):
                print("\(name): applied as batch \(batch): \(Self.describe(counts))")
                for row in quarantined { print("  quarantined \(name), \(row)") }
                if !quarantined.isEmpty { status = max(status, Exit.quarantined.rawValue) }
            case .duplicate(let batch, let earlier):
                print("\(name): already ingested as batch \(batch)\(earlier.map { " (\($0.rawValue))" } ?? ""); nothing changed")
            case .held(let batch, let reasons, let counts):
                print("\(name): HELD as batch \(batch): \(Self.describe(counts)); nothing took effect")
                for reason in reasons { print("  \(reason)") }
                print("  review it, then `roster approve \(batch)` or `roster reject \(batch)`")
                status = max(status, Exit.held.rawValue)
            case .rejected(let batch, let error):
                print("\(name): REJECTED as batch \(batch); nothing took effect")
                print("  \(error)")
                status = max(status, Exit.rejected.rawValue)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    static func describe(_ counts: BatchCounts) -> String {
        EventText.counts(counts)
    }
}

import ArgumentParser
import Foundation
import Ingestion
import Workforce

/// `roster workers`.
struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workers", abstract: "Show the current state of workers, as the HR feeds told it.")

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Only this employee ID.")
    var id: String?

    func run() throws {
        let configuration = try options.load()
        let history = try failing { try WorkforceHistory.load(try options.readingJournal(configuration)) }
        var workers = history.state.workers.values.sorted { $0.id < $1.id }
        if let id {
            workers = workers.filter { $0.id.rawValue == id }
            if workers.isEmpty {
                FileHandle.standardError.write(Data("roster: no worker \(id)\n".utf8))
                throw Exit.failed
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let records = workers.map { worker -> Record in
                Record(worker: worker, absentFrom: history.state.absent[worker.id], feed: history.state.feeds[worker.id])
            }
            print(String(decoding: try encoder.encode(records), as: UTF8.self))
            return
        }
        for worker in workers {
            var line = "\(worker.id)  \(worker.displayFirstName) \(worker.displayLastName)  \(worker.status.rawValue)"
            line += "  \(worker.employmentType.rawValue)"
            if let title = worker.jobTitle { line += "  \(title)" }
            if let location = worker.location { line += "  \(location) (\(worker.timeZone))" }
            if let email = worker.email { line += "  \(email)" }
            if let feed = history.state.absent[worker.id] { line += "  ABSENT from \(feed)" }
            print(line)
        }
        if workers.isEmpty { print("no workers yet") }
    }

    struct Record: Encodable {
        var worker: Worker
        var absentFrom: String?
        var feed: String?

        enum CodingKeys: String, CodingKey {
            case worker
            case absentFrom = "absent_from"
            case feed
        }
    }
}

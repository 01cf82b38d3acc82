import ArgumentParser
import Foundation
import Journal
import Projections
import RosterKit
import Workforce

/// `roster history`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event about a worker, and every LMS fact derived from it, with its source, rule and rule-set version."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The employee ID.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let app = try options.app()
        guard let history = try failing({ try app.history(of: EmployeeID(rawValue: id)) }) else {
            warn("no worker \(id); `roster workers` lists them")
            throw Exit.failed
        }
        if let notice = history.rules.notice { warn(notice) }
        let (events, derived, projection, rules) = (history.events, history.derived, history.projection, history.rules)
        if json {
            printJSON(JSONView.history(history))
            return
        }
        for event in events {
            var line = "#\(event.position)  \(event.recordedAt)  \(event.type)"
            if let effective = event.effectiveAt { line += "  effective \(effective)" }
            if event.subject != id { line += "  (\(event.subject))" }
            print(line)
            print("    \(EventText.summary(event))")
            print("    source: \(EventText.source(event))")
            for entry in derived[event.position] ?? [] {
                for change in entry.changes { print("    -> \(entry.at)  LMS: \(ChangeText.describe(change))") }
            }
        }
        if let user = projection?.user {
            print("now: \(user.status.rawValue) [\(user.statusProvenance.rule)], rules \(rules.rules.shortVersion)")
        } else {
            print("now: no LMS user (out of scope, or not started yet)")
        }
    }
}


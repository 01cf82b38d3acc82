import ArgumentParser
import Foundation
import Ingestion

/// `roster audit`.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The duplicate-user audit to run on a feed's file before turning sync on. Changes nothing.",
        discussion: "Exit 0 when the file is clean, 1 when the audit found something to fix."
    )

    @OptionGroup var options: ConfigOption

    @Option(help: "The feed the file belongs to.")
    var feed: String

    @Argument(help: ArgumentHelp("The file to audit.", valueName: "FILE"))
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let feed = try failing { try configuration.feed(self.feed) }
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("roster: cannot read \(file); check the path\n".utf8))
            throw Exit.failed
        }
        let name = URL(fileURLWithPath: file).lastPathComponent
        let read = try failing { try FeedReader(feed: feed).read(Array(data), file: name) }
        let audit = FeedAudit(read)
        if json {
            func rows(_ errors: [RowError]) -> [[String: Any]] {
                errors.map { ["line": $0.line, "column": $0.column as Any, "employee_id": $0.employeeID as Any, "reason": $0.reason] }
            }
            printJSON([
                "file": name, "rows": audit.rows, "usable": audit.usable, "clean": audit.isClean,
                "duplicate_ids": rows(audit.duplicateIDs),
                "shared_emails": audit.sharedEmails.map { ["email": $0.email, "employee_ids": $0.ids, "lines": $0.lines] },
                "likely_duplicates": audit.likelyDuplicates.map { ["name": $0.name, "employee_ids": $0.ids, "lines": $0.lines, "sharing": $0.sharing] },
                "missing_fields": rows(audit.missingFields), "invalid_emails": rows(audit.invalidEmails), "other_problems": rows(audit.otherProblems),
            ])
        } else {
            print("audit of \(name) (feed \(feed.name)): \(audit.rows) rows, \(audit.usable) usable")
            func section(_ title: String, _ lines: [String]) {
                print("\n\(title): \(lines.isEmpty ? "none" : String(lines.count))")
                for line in lines { print("  \(line)") }
            }
            section("duplicate employee IDs", audit.duplicateIDs.map(\.description))
            section("emails shared by several IDs", audit.sharedEmails.map { "\($0.email): \($0.ids.joined(separator: ", ")) (lines \($0.lines.map(String.init).joined(separator: ", ")))" })
            section(
                "likely duplicates (same name, different IDs)",
                audit.likelyDuplicates.map { "\($0.name): \($0.ids.joined(separator: " and ")) (lines \($0.lines.map(String.init).joined(separator: ", "))), same \($0.sharing.joined(separator: ", "))" })
            section("missing required fields", audit.missingFields.map(\.description))
            section("invalid emails", audit.invalidEmails.map(\.description))
            section("other row problems", audit.otherProblems.map(\.description))
            print(audit.isClean ? "\nclean: nothing to fix before turning sync on" : "\nfix these in the HRIS before turning sync on")
        }
        if !audit.isClean { throw ExitCode(1) }
    }
}

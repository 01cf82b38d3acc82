import ArgumentParser
import Daemon
import Foundation

/// `roster serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Roster as a service: the scheduler, LMS delivery and the admin API, until SIGTERM or SIGINT.",
        discussion: "See docs/operations.md (running under systemd) and docs/openapi.yaml (the admin API)."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        do {
            try await Daemon(configuration: configuration).run()
        } catch {
            FileHandle.standardError.write(Data("roster: \(error)\n".utf8))
            throw Exit.failed
        }
    }
}

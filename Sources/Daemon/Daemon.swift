import Configuration
import FlyingFox
import FlyingSocks
import Foundation
import HRISClients
import Inbox
import Journal
import Logging
import RosterKit
import ServiceLifecycle

/// `roster serve`: Roster as a long-running service. One service group, started in dependency
/// order (the journal and the projections are opened and caught up first, then the journal
/// watcher, the scheduler, outbox delivery, the feeds and HTTP) and stopped in reverse on SIGTERM
/// or SIGINT: HTTP stops taking requests, the feeds stop taking files, the delivery round in
/// flight finishes and journals its answers, and the process exits 0 with the journal consistent.
public struct Daemon {
    public let configuration: RosterConfiguration

    public init(configuration: RosterConfiguration) {
        self.configuration = configuration
    }

    /// Why the daemon cannot start, and what to do.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public func run() async throws {
        let serve = configuration.serve
        let logger = Self.logger(serve)
        guard let token = serve.adminToken() else {
            throw StartError(
                description: serve.tokenEnvironmentVariable.map { "\(configuration.path): serve.token_env names \($0), which is not set; export the admin token in it" }
                    ?? "\(configuration.path): the admin API needs a bearer token; set serve.token_env (or serve.token)")
        }
        let address: sockaddr_in
        do {
            address = try .inet(ip4: serve.host == "localhost" ? "127.0.0.1" : serve.host, port: UInt16(serve.port))
        } catch {
            throw StartError(description: "\(configuration.path): serve.listen host \(serve.host) is not an IPv4 address")
        }
        let app = try RosterApp(configuration: configuration)
        if let warning = try app.rulesFileWarning() { logger.warning("\(warning)") }
        let metrics = DaemonMetrics()
        let engine = RosterEngine(app: app, groupCommitted: metrics.groupCommitted)
        // The rules in force and the live store, caught up before any service starts.
        let head = try await engine.run { app -> JournalPosition in
            let rules = try app.rulesInForce()
            _ = try app.store(for: rules.rules).catchUp(app.journal)
            return app.journal.head
        }
        // The workforce and each feed's last batch, read once: the first webhook does not wait for
        // it, and feed lag is known from the start.
        let (lastBatches, held) = try await engine.loadWorkforce()
        metrics.batchesHeld(held)
        logger.notice("started", metadata: ["journal": "\(configuration.journalPath)", "head": "\(head.rawValue)"])
        let readiness = Readiness()
        let webhooks = try WebhookRoutes.make(
            configuration: configuration.feeds, defaultMaxBodyBytes: serve.maxBodyBytes, engine: engine, logger: logger, metrics: metrics)
        let pollers = try configuration.feeds.filter { $0.polling != nil }.map { feed in (feed: feed, poller: try FeedPollers.poller(for: feed)) }
        let inboxes = try configuration.inboxes.sorted { $0.key < $1.key }.map { name, inbox in
            (feed: try configuration.feed(name), folder: try DropFolder(path: inbox.path, rule: Self.rule(inbox)))
        }
        let services: [any Service] = [
            JournalWatcher(journal: app.journal, path: configuration.journalPath, logger: logger, metrics: metrics, lastBatch: lastBatches),
            SchedulerService(engine: engine, logger: logger, metrics: metrics),
            DeliveryService(engine: engine, logger: logger, metrics: metrics),
            InboxService(engine: engine, inboxes: inboxes, logger: logger),
            PollingService(engine: engine, pollers: pollers, logger: logger),
            AdminServer(
                engine: engine, address: address, token: token, logger: logger, metrics: metrics, readiness: readiness,
                extraRoutes: [webhooks.route]),
        ]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.notice("stopped", metadata: ["head": "\(app.journal.head.rawValue)"])
    }

    static func rule(_ inbox: InboxConfiguration) -> CompletionRule {
        switch inbox.completion {
        case .renamed: .renamedIntoPlace
        case .marker: .doneMarker
        case .stable: .sizeStable(.seconds(inbox.stableSeconds))
        }
    }

    /// A logger writing one line per event, as text or JSON.
    static func logger(_ serve: ServeConfiguration) -> Logger {
        let level = Logger.Level(rawValue: serve.logLevel) ?? .info
        var logger = Logger(label: "roster") { label in
            switch serve.logFormat {
            case .json: JSONLogHandler(label: label)
            case .text: TextLogHandler(label: label)
            }
        }
        logger.logLevel = level
        return logger
    }
}

import Configuration
import Foundation
import Journal
import Projections
import Provisioning
import SCIM
import Workforce

extension RosterApp {
    /// The configured LMS connector.
    public func connector() throws -> any LMSConnector {
        switch configuration.lms.connector {
        case .csvExport(let directory, let formats):
            return CSVExportConnector(directory: directory, formats: formats.map { CSVExportConnector.Format(rawValue: $0.rawValue)! }, now: now)
        case .scim(let settings):
            guard let url = URL(string: settings.url) else { throw Failure("\(configuration.path): lms.url \(settings.url) is not a URL") }
            var token = settings.token
            if let variable = settings.tokenEnvironmentVariable {
                guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                    throw Failure("\(configuration.path): lms.token_env names \(variable), which is not set; export the LMS's bearer token in it")
                }
                token = value
            }
            return SCIMConnector(
                client: SCIMClient(baseURL: url, bearerToken: token, timeout: .seconds(settings.timeoutSeconds)),
                courseGroupPrefix: settings.courseGroupPrefix, concurrency: settings.concurrency)
        }
    }

    /// Delivers the live projection store's outbox to the configured LMS: the store of the rules
    /// in force at each step, so an adoption while it runs switches it (blue/green).
    @available(*, noasync, message: "the first use adopts rules, appending to the journal synchronously")
    public func provisioner() throws -> Provisioner {
        // The first use adopts roster.yml's rules (an append): here, not in a delivery step.
        _ = try rulesInForce()
        let delivery = configuration.lms.delivery
        return Provisioner(
            journal: journal, storeInForce: { [self] in try store(for: try rulesInForce().rules) }, connector: try connector(),
            policy: DeliveryPolicy(
                maxAttempts: delivery.maxAttempts, backoffSeconds: Double(delivery.backoffSeconds), maxBackoffSeconds: Double(delivery.maxBackoffSeconds)),
            now: now)
    }

    /// The exact LMS operations a sync would send now, and those waiting (a backoff, a dead letter).
    @available(*, noasync, message: "reads and writes the projection store synchronously")
    public func plan() throws -> [LMSCommand] {
        try provisioner().outbox()
    }

    /// Delivers what is due once and returns what happened.
    public func sync() async throws -> Provisioner.Summary {
        try await makeProvisioner().sync()
    }

    /// Reads the LMS back and reports how it differs from what Roster believes; `fix` journals
    /// what it really holds, so the next sync corrects it.
    public func reconcile(fix: Bool) async throws -> (drift: [Drift], unmanaged: [String]) {
        try await makeProvisioner().reconcile(fix: fix)
    }

    /// ``provisioner()`` from async code (it may adopt rules, which appends synchronously).
    private func makeProvisioner() throws -> Provisioner {
        try provisioner()
    }
}

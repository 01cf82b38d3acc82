import Foundation
import Ingestion

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a feed's poller or webhook could not be set up from its configuration.
public struct HRISSetupError: Error, CustomStringConvertible, Sendable {
    /// The feed's name.
    public let feed: String
    /// What is missing, and where to set it.
    public let message: String

    /// An error about `feed`.
    public init(feed: String, message: String) {
        self.feed = feed
        self.message = message
    }

    /// `feed NAME: message`.
    public var description: String { "feed \(feed): \(message)" }
}

/// The poller a feed's configuration asks for.
public enum FeedPollers {
    /// The poller for `feed` (`bamboohr-api` or `json` with `poll:`), its credential read from
    /// `environment`.
    public static func poller(
        for feed: FeedConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        session: URLSession? = nil
    ) throws(HRISSetupError) -> any FeedPoller {
        guard let polling = feed.polling else {
            throw HRISSetupError(feed: feed.name, message: "the feed has no `poll:` settings, so it is not polled")
        }
        var credential: String?
        if let variable = polling.credentialVariable {
            guard let value = environment[variable], !value.isEmpty else {
                throw HRISSetupError(
                    feed: feed.name, message: "the environment variable \(variable) (poll.credential_env) is not set")
            }
            credential = value
        }
        switch feed.kind {
        case .bamboohrAPI:
            guard let credential else {
                throw HRISSetupError(
                    feed: feed.name,
                    message: "BambooHR needs an API key: name its environment variable in poll.credential_env")
            }
            let client = BambooHRClient(baseURL: polling.url, apiKey: credential, session: session)
            return BambooHRPoller(client: client, fields: BambooHRClient.fields(for: feed), start: polling.start)
        case .json:
            return GenericJSONPoller(
                url: polling.url, sinceParameter: polling.sinceParameter, markPath: polling.markPath,
                recordsPath: feed.recordsPath,
                start: polling.start, bearerToken: credential, session: session)
        case .csvSnapshot, .csvDelta:
            throw HRISSetupError(
                feed: feed.name, message: "a \(feed.kind.rawValue) feed arrives as files, not by polling")
        }
    }
}

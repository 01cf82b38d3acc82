import Digest
import Foundation
import Ingestion

/// Receives BambooHR's webhook deliveries for one feed (`POST /hooks/{feed}`): refuses what is
/// too large, unsigned, wrongly signed, stale or unreadable, and turns the rest into a
/// ``WebhookDelivery``.
///
/// The checks run cheapest and least revealing first: size, headers, signature, timestamp, and
/// only then the body's JSON.
public struct BambooHRWebhook: Sendable {
    /// The key, headers and freshness window deliveries are verified with.
    public var signature: WebhookSignature
    /// Bodies larger than this are refused (413). The daemon should stop reading at one byte more.
    public var maxBodyBytes: Int
    /// A header naming each delivery, when the sender sends one (BambooHR does not).
    public var deliveryIDHeader: String?

    /// A receiver for deliveries signed with `privateKey` (the `privateKey` BambooHR returned once).
    public init(privateKey: [UInt8], maxBodyBytes: Int = 1 << 20, deliveryIDHeader: String? = nil) {
        signature = WebhookSignature(key: privateKey)
        self.maxBodyBytes = maxBodyBytes
        self.deliveryIDHeader = deliveryIDHeader
    }

    /// The receiver `feed`'s `webhook:` settings describe, its key read from `environment`.
    /// `defaultMaxBodyBytes` is the daemon's limit, for a feed that sets none.
    public init(
        feed: FeedConfiguration, defaultMaxBodyBytes: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(HRISSetupError) {
        guard let webhook = feed.webhook else {
            throw HRISSetupError(
                feed: feed.name, message: "the feed has no `webhook:` settings, so it takes no webhooks")
        }
        guard let key = environment[webhook.secretVariable], !key.isEmpty else {
            throw HRISSetupError(
                feed: feed.name,
                message: "the environment variable \(webhook.secretVariable) (webhook.secret_env) is not set")
        }
        self.init(
            privateKey: Array(key.utf8), maxBodyBytes: webhook.maxBodyBytes ?? defaultMaxBodyBytes,
            deliveryIDHeader: webhook.deliveryIDHeader)
    }

    /// The refusal for a body of `length` bytes (from `Content-Length`), before reading it.
    public func refusal(forLength length: Int) -> WebhookRefusal? {
        guard length > maxBodyBytes else { return nil }
        return WebhookRefusal(.tooLarge, "the body is \(length) bytes, more than the \(maxBodyBytes) this feed accepts")
    }

    /// Verifies and reads one delivery received at `now`.
    public func receive(body: [UInt8], headers: [String: String], now: Date) -> Result<WebhookDelivery, WebhookRefusal>
    {
        if let refusal = refusal(forLength: body.count) { return .failure(refusal) }
        let verified: WebhookSignature.Verified
        switch signature.verify(body: body, headers: headers, now: now) {
        case .success(let value): verified = value
        case .failure(let refusal): return .failure(refusal)
        }
        let id =
            deliveryIDHeader.flatMap { WebhookSignature.header($0, in: headers) }
            ?? Self.deliveryID(verified, body: body)
        // A form post (BambooHR's other encoding) is read as the JSON document it encodes.
        var document = body
        if Self.isForm(body, headers: headers) {
            do {
                document = try FormBody.json(body)
            } catch {
                return .failure(WebhookRefusal(.malformedBody, "the form body cannot be read: \(error)"))
            }
        }
        switch Self.payload(document) {
        case .success(let (shape, changes)):
            let records = shape == .fieldBased ? document : nil
            return .success(
                WebhookDelivery(id: id, sentAt: verified.sentAt, shape: shape, changes: changes, records: records))
        case .failure(let refusal):
            return .failure(refusal)
        }
    }

    /// Whether `body` is a form post: said by its content type, or, with none, a body that does
    /// not start as JSON does.
    static func isForm(_ body: [UInt8], headers: [String: String]) -> Bool {
        if let type = WebhookSignature.header("Content-Type", in: headers) {
            return type.lowercased().hasPrefix("application/x-www-form-urlencoded")
        }
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first != nil && first != UInt8(ascii: "{") && first != UInt8(ascii: "[")
    }

    /// SHA-256 of signature, timestamp and body, each line-separated. BambooHR sends no delivery
    /// ID; a replay repeats all three exactly, while two real deliveries differ at least in their
    /// signed timestamp or body.
    static func deliveryID(_ verified: WebhookSignature.Verified, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(Array("\(verified.signature)\n\(verified.timestamp)\n".utf8))
        hasher.update(body)
        return hasher.finalize().hex
    }
}

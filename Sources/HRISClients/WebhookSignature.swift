import Digest
import Foundation

/// BambooHR's webhook signature scheme: `X-BambooHR-Signature` is the lower-case hex
/// HMAC-SHA256, under the webhook's private key, of the raw body followed by the
/// `X-BambooHR-Timestamp` header's value (Unix seconds), with no separator. Deliveries whose
/// timestamp is more than ``tolerance`` from now, either way, are refused, which bounds how long
/// a captured delivery can be replayed.
public struct WebhookSignature: Sendable {
    let key: [UInt8]
    /// The header carrying the signature's hex.
    public var signatureHeader = "X-BambooHR-Signature"
    /// The header carrying the signing time in Unix seconds, signed after the body.
    public var timestampHeader = "X-BambooHR-Timestamp"
    /// How far the timestamp may be from now: five minutes, past or future (clocks drift).
    public var tolerance: Duration = .seconds(5 * 60)

    /// A verifier for deliveries signed with `key`.
    public init(key: [UInt8]) {
        self.key = key
    }

    /// What a verified delivery's headers said.
    public struct Verified: Sendable, Equatable {
        /// The signature as sent (lower-cased).
        public var signature: String
        /// The timestamp header as sent.
        public var timestamp: String
        /// The timestamp as an instant.
        public var sentAt: Date
    }

    /// Checks `body` against `headers` (names in any case) at `now`: the headers are there and
    /// readable, the signature is the body's, and the timestamp is fresh. The signature is
    /// compared in constant time.
    public func verify(body: [UInt8], headers: [String: String], now: Date) -> Result<Verified, WebhookRefusal> {
        guard let signature = Self.header(signatureHeader, in: headers) else {
            return .failure(
                WebhookRefusal(
                    .missingSignature, "the \(signatureHeader) header is missing; the delivery is not signed"))
        }
        guard let timestamp = Self.header(timestampHeader, in: headers) else {
            return .failure(WebhookRefusal(.missingTimestamp, "the \(timestampHeader) header is missing"))
        }
        guard let sent = Self.bytes(of: signature) else {
            return .failure(
                WebhookRefusal(
                    .malformedSignature, "the \(signatureHeader) header is not the 64 hex digits of an HMAC-SHA256"))
        }
        var authenticator = HMACSHA256(key: key)
        authenticator.update(body)
        authenticator.update(Array(timestamp.utf8))
        guard ConstantTime.equals(authenticator.finalize(), sent) else {
            return .failure(
                WebhookRefusal(
                    .badSignature,
                    "the signature does not match the body and timestamp; check the webhook's private key"))
        }
        guard timestamp.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int64(timestamp) else {
            return .failure(WebhookRefusal(.malformedTimestamp, "the \(timestampHeader) header is not Unix seconds"))
        }
        let sentAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        let age = now.timeIntervalSince(sentAt)
        let limit = TimeInterval(tolerance.components.seconds)
        if age > limit {
            return .failure(
                WebhookRefusal(
                    .stale,
                    "the delivery was signed \(Int(age)) s ago, more than \(Int(limit)) s; a replay, or the clocks disagree"
                ))
        }
        if -age > limit {
            return .failure(
                WebhookRefusal(
                    .fromTheFuture,
                    "the delivery is dated \(Int(-age)) s ahead, more than \(Int(limit)) s; check the clocks"))
        }
        return .success(Verified(signature: signature.lowercased(), timestamp: timestamp, sentAt: sentAt))
    }

    /// The value of header `name`, matched ignoring case and trimmed.
    static func header(_ name: String, in headers: [String: String]) -> String? {
        let wanted = name.lowercased()
        guard let value = headers.first(where: { $0.key.lowercased() == wanted })?.value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The 32 bytes a signature header spells, or nil.
    static func bytes(of signature: String) -> [UInt8]? {
        guard let bytes = Hex.decode(signature), bytes.count == 32 else { return nil }
        return bytes
    }
}

import Digest

/// A SHA-256 digest in the journal's hash chain, held inline (no allocation per decoded event).
public struct EventHash: Hashable, Sendable, CustomStringConvertible {
    let digest: SHA256Digest

    /// Wraps 32 digest bytes.
    public init(bytes: [UInt8]) {
        guard let digest = SHA256Digest(bytes: bytes) else { preconditionFailure("a SHA-256 digest is 32 bytes") }
        self.digest = digest
    }

    /// Wraps the 32 digest bytes stored in a record.
    init(stored bytes: UnsafeRawBufferPointer) {
        guard let digest = SHA256Digest(bytes: bytes) else { preconditionFailure("a SHA-256 digest is 32 bytes") }
        self.digest = digest
    }

    init(_ digest: SHA256Digest) {
        self.digest = digest
    }

    /// The hash before the first event: 32 zero bytes.
    public static let genesis = EventHash(SHA256Digest())

    /// The 32 digest bytes.
    public var bytes: [UInt8] { digest.bytes }

    /// Lower-case hex.
    public var hex: String { digest.hex }

    public var description: String { hex }
}

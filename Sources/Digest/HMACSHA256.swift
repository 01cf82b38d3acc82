/// HMAC-SHA256 (RFC 2104 over FIPS 180-4): the message authentication code webhook senders sign
/// their deliveries with. Built on ``SHA256``, so the hashing is libcrypto's.
///
/// Incremental, so a signed message in parts (a webhook's body, then its timestamp header) is
/// authenticated without joining them first.
public struct HMACSHA256 {
    /// The hash of `key ⊕ ipad ‖ message`, fed as the message arrives.
    private var inner = SHA256()
    /// The hash state after `key ⊕ opad`, ready to take the inner digest.
    private var outer = SHA256()

    /// SHA-256's block size: keys are padded (or first hashed) to it.
    private static let blockSize = 64

    /// An authenticator keyed with `key`, which may be any length: a longer key than a block is
    /// hashed first, as RFC 2104 §2 says.
    public init(key: [UInt8]) {
        var block = key.count > Self.blockSize ? SHA256.hash(key).bytes : key
        block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5c })
    }

    /// Feeds `bytes` of the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        inner.update(bytes)
    }

    /// Feeds `bytes` of the message.
    public mutating func update(_ bytes: [UInt8]) {
        inner.update(bytes)
    }

    /// The code for everything fed. The authenticator must not be used afterwards.
    public mutating func finalize() -> SHA256Digest {
        let innerDigest = inner.finalize()
        innerDigest.withUnsafeBytes { outer.update($0) }
        return outer.finalize()
    }

    /// The code of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> SHA256Digest {
        var authenticator = HMACSHA256(key: key)
        authenticator.update(message)
        return authenticator.finalize()
    }
}

import CCryptoDigest

/// SHA-256 (FIPS 180-4), computed by OpenSSL's libcrypto.
///
/// A value type with no allocation: the journal hashes every event twice on its write path.
public struct SHA256 {
    private var state = roster_sha256()

    /// A hasher with nothing fed yet.
    public init() {
        roster_sha256_init(&state)
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        roster_sha256_update(&state, base, bytes.count)
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything fed. The hasher must not be used afterwards.
    public mutating func finalize() -> SHA256Digest {
        var digest = SHA256Digest()
        withUnsafeMutableBytes(of: &digest.storage) { out in
            roster_sha256_final(&state, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return digest
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }
}

/// A 32-byte SHA-256 digest, stored inline.
public struct SHA256Digest: Hashable, Sendable, Sequence {
    var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// All zero bytes.
    public init() {}

    /// The digest whose bytes are `bytes`, which must be 32.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
    }

    /// The digest whose bytes are `bytes`, which must be 32.
    public init?(bytes: [UInt8]) {
        guard let digest = bytes.withUnsafeBytes({ SHA256Digest(bytes: $0) }) else { return nil }
        self = digest
    }

    /// Runs `body` with the 32 bytes.
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }

    /// Lower-case hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        withUnsafeBytes { raw in
            for byte in raw {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }
}

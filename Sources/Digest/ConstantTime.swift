import CCryptoDigest

/// Comparisons of secrets (signatures, tokens) that take the same time wherever the bytes
/// differ, so an attacker timing the answers cannot guess a valid signature byte by byte.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. The time depends on the lengths only; lengths
    /// are not secret (every HMAC-SHA256 is 32 bytes), so different lengths return at once.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                roster_constant_time_compare(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }

    /// True when `digest` holds the bytes `bytes`.
    public static func equals(_ digest: SHA256Digest, _ bytes: [UInt8]) -> Bool {
        equals(digest.bytes, bytes)
    }
}

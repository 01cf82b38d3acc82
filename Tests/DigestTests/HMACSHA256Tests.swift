import Digest
import Testing

/// RFC 4231's test vectors for HMAC-SHA256, and the comparison signatures are checked with.
@Suite struct HMACSHA256Tests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// RFC 4231 §4.2–4.8: key, data, HMAC-SHA256 (test case 5 is truncated to 128 bits there).
    static let vectors: [(key: [UInt8], data: [UInt8], mac: String)] = [
        (
            [UInt8](repeating: 0x0b, count: 20), bytes("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            bytes("Jefe"), bytes("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            Array(1...25), [UInt8](repeating: 0xcd, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        ([UInt8](repeating: 0x0c, count: 20), bytes("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"),
        (
            [UInt8](repeating: 0xaa, count: 131), bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            [UInt8](repeating: 0xaa, count: 131),
            bytes(
                "This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test(arguments: 0..<7) func matchesRFC4231(_ index: Int) {
        let vector = Self.vectors[index]
        let mac = HMACSHA256.authenticationCode(for: vector.data, key: vector.key).hex
        #expect(mac.hasPrefix(vector.mac), "RFC 4231 test case \(index + 1)")
    }

    @Test func feedingInPartsEqualsFeedingAtOnce() {
        let key = Self.bytes("a webhook's private key")
        let body = Self.bytes(#"{"type":"employee.updated"}"#)
        var authenticator = HMACSHA256(key: key)
        authenticator.update(body)
        authenticator.update(Self.bytes("1658248023"))
        #expect(
            authenticator.finalize() == HMACSHA256.authenticationCode(for: body + Self.bytes("1658248023"), key: key))
    }

    @Test func anExactBlockSizedKeyIsUsedAsItIs() {
        let key = [UInt8](repeating: 0x42, count: 64)
        let hashed = SHA256.hash(key).bytes
        #expect(
            HMACSHA256.authenticationCode(for: [1], key: key) != HMACSHA256.authenticationCode(for: [1], key: hashed))
    }
}

@Suite struct ConstantTimeTests {
    @Test func equalBytesAreEqualAndAnyDifferenceIsNot() {
        let mac = HMACSHA256.authenticationCode(for: [1, 2, 3], key: [9]).bytes
        #expect(ConstantTime.equals(mac, mac))
        for index in mac.indices {
            var other = mac
            other[index] ^= 0x01
            #expect(!ConstantTime.equals(mac, other))
        }
        #expect(!ConstantTime.equals(mac, Array(mac.dropLast())))
        #expect(ConstantTime.equals([], []))
    }

    @Test func hexRoundTripsAndRefusesGarbage() {
        let bytes: [UInt8] = [0x00, 0x7f, 0x80, 0xff, 0xab]
        #expect(Hex.encode(bytes) == "007f80ffab")
        #expect(Hex.decode("007F80FFab") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }
}

@testable import Digest
import Testing

@Suite struct SHA256Tests {
    @Test func matchesTheFIPSExamples() {
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hash(twoBlocks).hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func feedingInPiecesEqualsFeedingAtOnce() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256()
        hasher.update(Array(bytes[0..<7]))
        hasher.update(Array(bytes[7..<500]))
        hasher.update(Array(bytes[500...]))
        #expect(hasher.finalize() == SHA256.hash(bytes))
    }

    @Test func digestsRoundTripThroughBytes() {
        let digest = SHA256.hash(Array("roster".utf8))
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(SHA256Digest(bytes: [1, 2, 3]) == nil)
    }
}

@Suite struct CRC32CTests {
    /// The processor's instruction (used where there is one) and the tables give the same
    /// checksum for every length up to a few words and every alignment.
    @Test func theInstructionAndTheTablesAgree() {
        #if arch(x86_64)
        #expect(CRC32C.inHardware, "every x86-64 processor since 2008 has SSE 4.2")
        #endif
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 197 &+ 11) }
        bytes.withUnsafeBytes { raw in
            for start in 0..<9 {
                for end in start...min(raw.count, start + 80) {
                    let part = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    #expect(CRC32C.update(0x1234_5678, part) == CRC32C.updateFromTables(0x1234_5678, part))
                }
            }
        }
    }

    @Test func matchesTheStandardCheckValues() {
        // RFC 3720, appendix B.4, and the common "123456789" check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xff, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func continuingEqualsComputingAtOnce() {
        let bytes = (0..<777).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        let split = bytes.withUnsafeBytes { raw in
            CRC32C.update(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<100])), UnsafeRawBufferPointer(rebasing: raw[100...]))
        }
        #expect(split == CRC32C.checksum(bytes))
    }

    @Test func everySingleBitFlipChangesTheChecksum() {
        var bytes = (0..<150).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let clean = CRC32C.checksum(bytes)
        for index in bytes.indices {
            for bit in 0..<8 {
                bytes[index] ^= 1 << bit
                #expect(CRC32C.checksum(bytes) != clean)
                bytes[index] ^= 1 << bit
            }
        }
    }
}

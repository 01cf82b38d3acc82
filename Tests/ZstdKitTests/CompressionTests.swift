import Foundation
import Testing
import ZstdKit

@Suite struct CompressionTests {
    static let samples: [[UInt8]] = (0..<3000).map { index in
        Array("{\"employee_id\":\"E\(100_000 + index * 7)\",\"field\":\"job_title\",\"old\":\"Analyst \(index % 13)\",\"new\":\"Senior Analyst \(index % 17)\",\"location\":\"\(["LON", "NYC", "SYD", "BER"][index % 4])\"}".utf8)
    }

    @Test func roundTripsWithoutADictionary() throws {
        let compressor = try Compressor()
        let decompressor = try Decompressor()
        let input = Array(String(repeating: "roster journal ", count: 40).utf8)
        let frame = try compressor.compress(input, dictionary: nil)
        #expect(frame.count < input.count / 4)
        let output = try frame.withUnsafeBytes { try decompressor.decompress($0, originalSize: input.count, dictionary: nil) }
        #expect(output == input)
    }

    @Test func aTrainedDictionaryCarriesItsIDAndShrinksSmallRecords() throws {
        let bytes = try DictionaryTrainer.train(samples: Self.samples, capacity: 8 * 1024, id: 40_000)
        let dictionary = try CompressionDictionary(id: 40_000, bytes: bytes)
        #expect(dictionary.embeddedID == 40_000)
        let compressor = try Compressor()
        let decompressor = try Decompressor()
        let record = Array("{\"employee_id\":\"E999999\",\"field\":\"job_title\",\"old\":\"Analyst 3\",\"new\":\"Senior Analyst 5\",\"location\":\"SYD\"}".utf8)
        let plain = try compressor.compress(record, dictionary: nil)
        let trained = try compressor.compress(record, dictionary: dictionary)
        #expect(trained.count < plain.count / 2)
        let output = try trained.withUnsafeBytes { try decompressor.decompress($0, originalSize: record.count, dictionary: dictionary) }
        #expect(output == record)
    }

    @Test func aFrameDecodedWithTheWrongSizeOrDictionaryFails() throws {
        let bytes = try DictionaryTrainer.train(samples: Self.samples, capacity: 8 * 1024, id: 40_001)
        let dictionary = try CompressionDictionary(id: 40_001, bytes: bytes)
        let compressor = try Compressor()
        let decompressor = try Decompressor()
        let record = Self.samples[42]
        let frame = try compressor.compress(record, dictionary: dictionary)
        #expect(throws: CompressionError.self) {
            _ = try frame.withUnsafeBytes { try decompressor.decompress($0, originalSize: record.count + 1, dictionary: dictionary) }
        }
        let withoutDictionary = try? frame.withUnsafeBytes { try decompressor.decompress($0, originalSize: record.count, dictionary: nil) }
        #expect(withoutDictionary != record)
    }

    @Test func aNewVersionCompressedAgainstTheOldIsSmallAndNeedsTheOldToDecompress() throws {
        // Two versions of the same thousand records (each with a token of its own, as names and
        // emails are), one in ten changed.
        var state: UInt64 = 42
        let records: [[UInt8]] = (0..<1000).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Array("{\"employee_id\":\"E\(index)\",\"token\":\"\(String(state, radix: 36))\",\"title\":\"Senior Analyst\"}".utf8)
        }
        let old = Array(records.joined())
        let new = Array(records.enumerated().map { index, record in
            index % 10 == 0 ? Array(String(decoding: record, as: UTF8.self).replacingOccurrences(of: "Senior", with: "Lead").utf8) : record
        }.joined())
        let compressor = try Compressor(level: 1)
        let decompressor = try Decompressor()
        func frame(_ compress: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) throws -> Int) throws -> [UInt8] {
            try new.withUnsafeBytes { input in
                try [UInt8](unsafeUninitializedCapacity: Compressor.bound(input.count)) { output, count in
                    count = try compress(input, UnsafeMutableRawBufferPointer(output))
                }
            }
        }
        let alone = try frame { try compressor.compress($0, into: $1, dictionary: nil) }
        let against = try frame { input, output in try old.withUnsafeBytes { try compressor.compress(input, into: output, prefix: $0) } }
        #expect(against.count * 3 < alone.count)
        var output = [UInt8](repeating: 0, count: new.count)
        try against.withUnsafeBytes { frame in
            try old.withUnsafeBytes { prefix in
                try output.withUnsafeMutableBytes { try decompressor.decompress(frame, into: $0, prefix: prefix) }
            }
        }
        #expect(output == new)
        // Without the old version (or with another), the frame does not give the new one back.
        let other = Array(Self.samples.suffix(1000).joined())
        let wrong = try? against.withUnsafeBytes { frame in
            try other.withUnsafeBytes { prefix in
                try output.withUnsafeMutableBytes { try decompressor.decompress(frame, into: $0, prefix: prefix) }
            }
            return output
        }
        #expect(wrong != new)
        // The compressor is itself again after: a frame alone is what it was, and one with a
        // dictionary decompresses with it.
        #expect(try frame { try compressor.compress($0, into: $1, dictionary: nil) } == alone)
        let dictionary = try CompressionDictionary(id: 40_003, bytes: try DictionaryTrainer.train(samples: Self.samples, capacity: 8 * 1024, id: 40_003))
        let record = Self.samples[7]
        let trained = try compressor.compress(record, dictionary: dictionary)
        #expect(try trained.withUnsafeBytes { try decompressor.decompress($0, originalSize: record.count, dictionary: dictionary) } == record)
    }

    @Test func trainingOnTooFewSamplesIsAClearError() {
        let error = #expect(throws: CompressionError.self) {
            _ = try DictionaryTrainer.train(samples: Array(Self.samples.prefix(3)), capacity: 4096, id: 40_002)
        }
        #expect(error?.message.contains("too few") == true)
    }
}

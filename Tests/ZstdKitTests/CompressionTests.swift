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

    @Test func trainingOnTooFewSamplesIsAClearError() {
        let error = #expect(throws: CompressionError.self) {
            _ = try DictionaryTrainer.train(samples: Array(Self.samples.prefix(3)), capacity: 4096, id: 40_002)
        }
        #expect(error?.message.contains("too few") == true)
    }
}

import Foundation
import Testing

@testable import Workforce

/// The payload reader's string scanning, which goes eight bytes a step, and its matching of
/// enumerations' raw values on bytes.
@Suite struct JSONReaderTests {
    func read<T>(_ json: String, _ body: (inout JSONReader) throws -> T) throws -> T {
        try Array(json.utf8).withUnsafeBytes { bytes in
            var reader = JSONReader(bytes)
            let value = try body(&reader)
            try reader.end()
            return value
        }
    }

    @Test func stringsEndAtTheirQuoteWhereverItFallsInAWord() throws {
        for length in 0...25 {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            #expect(try read("\"\(text)\"") { try $0.string() } == text)
            #expect(try read("{\"\(text)\":\"é\(text)\"}") { reader in
                var found: [String] = []
                try reader.object { reader, key in found += [key.string, try reader.string()] }
                return found
            } == [text, "é" + text])
            // An escape at every place, and non-ASCII bytes (high bits set) before it.
            for place in 0...length {
                let escaped = text.prefix(place) + "\\n" + text.dropFirst(place)
                #expect(try read("\"ü\(escaped)\"") { try $0.string() } == "ü" + text.prefix(place) + "\n" + text.dropFirst(place))
            }
        }
        #expect(throws: JSONReader.Malformed.self) { try read("\"unterminated string of some length") { try $0.string() } }
    }

    @Test func rawValuesMatchOnBytesAndThroughEscapes() throws {
        for field in WorkerField.allCases {
            #expect(try read("\"\(field.rawValue)\"") { try $0.rawValue(of: WorkerField.self) } == field)
        }
        #expect(try read(#""job\u005ftitle""#) { try $0.rawValue(of: WorkerField.self) } == .jobTitle)
        #expect(try read(#""job_titles""#) { try $0.rawValue(of: WorkerField.self) } == nil)
        #expect(try read(#""""#) { try $0.rawValue(of: WorkerStatus.self) } == nil)
        #expect(try read(#" "on_leave" "#) { try $0.rawValue(of: WorkerStatus.self) } == .onLeave)
        #expect(throws: JSONReader.Malformed.self) { try read(#""active"#) { try $0.rawValue(of: WorkerStatus.self) } }
    }
}

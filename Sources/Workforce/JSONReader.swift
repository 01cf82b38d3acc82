import Foundation

/// Reads the JSON that event payloads hold, straight from their bytes: objects, strings, null,
/// and (to skip them) numbers, booleans and arrays. What ``JSONWriter`` writes, and what any
/// conforming encoder writes for the same shapes (any key order, whitespace, escapes).
///
/// Replays decode millions of payloads; `JSONDecoder` costs tens of microseconds each, this a
/// fraction of one.
struct JSONReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Where strings without escapes are found again rather than made (a replay's reader).
    var strings: StringTable?

    /// Where the payload is not the JSON expected.
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let expected: String
        var description: String { "payload JSON: expected \(expected) at byte \(offset)" }
    }

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // The small steps are inlined into the decoders: a replay takes them tens of millions of times.
    @inline(__always) mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    @inline(__always) mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { throw Malformed(offset: index, expected: what) }
        index += 1
    }

    /// Calls `body` with each key of an object, positioned at its value; `body` must read it.
    mutating func object(_ body: (inout JSONReader, JSONKey) throws -> Void) throws {
        try expect(0x7B, "{")
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
            return
        }
        while true {
            let key = try self.key()
            try expect(0x3A, ":")
            try body(&self, key)
            skipSpace()
            guard index < bytes.count else { throw Malformed(offset: index, expected: ", or }") }
            let byte = bytes[index]
            index += 1
            if byte == 0x7D { return }
            guard byte == 0x2C else { throw Malformed(offset: index - 1, expected: ", or }") }
        }
    }

    /// An object's key: its bytes in the payload when it has no escapes (nearly always), so
    /// matching it makes no string.
    mutating func key() throws -> JSONKey {
        skipSpace()
        let start = index + 1
        guard index < bytes.count, bytes[index] == 0x22 else { throw Malformed(offset: index, expected: "a key") }
        let end = quoteOrEscape(from: start)
        if end < bytes.count, bytes[end] == 0x22 {
            index = end + 1
            return JSONKey(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
        return JSONKey(text: try string())
    }

    /// True, consuming them, when the next bytes are exactly `literal`'s (no space skipped):
    /// for a decoder to read the form Roster writes without matching keys one by one.
    @inline(__always) mutating func consume(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    /// True, consuming it, when the next value is `null`.
    @inline(__always) mutating func null() -> Bool {
        skipSpace()
        guard index + 4 <= bytes.count, bytes[index] == 0x6E, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x6C
        else { return false }
        index += 4
        return true
    }

    mutating func optionalString() throws -> String? {
        try null() ? nil : string()
    }

    /// ``optionalString()`` of a value that repeats across a workforce (`shared`: looked for in
    /// ``strings``) or one that rarely does (``optionalUniqueString()``).
    mutating func optionalString(shared: Bool) throws -> String? {
        try shared ? optionalString() : optionalUniqueString()
    }

    /// ``optionalString()`` of a value that rarely repeats (an ID, an email, a name): made, never
    /// looked for in ``strings`` nor kept there, where it would take the place of one that repeats.
    mutating func optionalUniqueString() throws -> String? {
        let strings = self.strings
        self.strings = nil
        defer { self.strings = strings }
        return try optionalString()
    }

    mutating func string() throws -> String {
        try expect(0x22, "a string")
        let start = index
        index = quoteOrEscape(from: start)
        guard index < bytes.count else { throw Malformed(offset: index, expected: "the closing quote of a string") }
        if bytes[index] == 0x5C { return try escapedString(from: start) }
        defer { index += 1 }
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        if let strings { return strings.string(text) }
        return String(utf8: text)
    }

    /// The case of `T` the next string names, matched on the string's bytes so no string is made
    /// (most events name a field or a status); nil for a string naming none.
    mutating func rawValue<T: WireNamed>(of _: T.Type) throws -> T? {
        try expect(0x22, "a string")
        let start = index
        index = quoteOrEscape(from: start)
        guard index < bytes.count else { throw Malformed(offset: index, expected: "the closing quote of a string") }
        if bytes[index] == 0x5C { return T(rawValue: try escapedString(from: start)) }
        let name = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        index += 1
        return T.wireNames.match(name)
    }

    /// The offset of the first `"` or `\` at or after `start`, or the end of the bytes: where a
    /// string ends or needs unescaping. Eight bytes a step, since the strings of a replay's
    /// payloads add up to most of their bytes.
    @inline(__always) func quoteOrEscape(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var offset = start
        while offset + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // `quotes` and `escapes` have a zero byte where `word` holds the byte sought, and
            // `(x - ones) & ~x & highs` sets the high bit of x's first zero byte (of later bytes
            // too, never of earlier ones), so the lowest bit set marks the first match.
            let quotes = word ^ (ones &* 0x22)
            let escapes = word ^ (ones &* 0x5C)
            let found = ((quotes &- ones) & ~quotes | (escapes &- ones) & ~escapes) & highs
            if found != 0 { return offset + found.trailingZeroBitCount / 8 }
            offset += 8
        }
        while offset < bytes.count, bytes[offset] != 0x22, bytes[offset] != 0x5C { offset += 1 }
        return offset
    }

    /// The rest of a string that has escapes, from its start.
    private mutating func escapedString(from start: Int) throws -> String {
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x22 { return String(decoding: utf8, as: UTF8.self) }
            guard byte == 0x5C else {
                utf8.append(byte)
                continue
            }
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case 0x22, 0x5C, 0x2F: utf8.append(escape)
            case 0x62: utf8.append(0x08)
            case 0x66: utf8.append(0x0C)
            case 0x6E: utf8.append(0x0A)
            case 0x72: utf8.append(0x0D)
            case 0x74: utf8.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
                    index += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default:
                throw Malformed(offset: index - 1, expected: "an escape")
            }
        }
        throw Malformed(offset: index, expected: "the closing quote of a string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Malformed(offset: index, expected: "four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x37
            case 0x61...0x66: digit = byte - 0x57
            default: throw Malformed(offset: index - 1, expected: "a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Skips one value of any kind.
    mutating func skipValue() throws {
        skipSpace()
        guard index < bytes.count else { throw Malformed(offset: index, expected: "a value") }
        switch bytes[index] {
        case 0x22: _ = try string()
        case 0x7B: try object { reader, _ in try reader.skipValue() }
        case 0x5B:
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == 0x5D {
                index += 1
                return
            }
            while true {
                try skipValue()
                skipSpace()
                guard index < bytes.count else { throw Malformed(offset: index, expected: ", or ]") }
                let byte = bytes[index]
                index += 1
                if byte == 0x5D { return }
                guard byte == 0x2C else { throw Malformed(offset: index - 1, expected: ", or ]") }
            }
        default:
            // A number, true, false or null: up to the next delimiter.
            while index < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }
    }

    /// Throws unless only whitespace is left.
    mutating func end() throws {
        skipSpace()
        guard index == bytes.count else { throw Malformed(offset: index, expected: "the end of the payload") }
    }
}

/// An enumeration written in payloads by its raw value, with a table of its cases' names.
protocol WireNamed: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// Made once (`static let wireNames = WireNames<Self>()`).
    static var wireNames: WireNames<Self> { get }
}

/// The cases of an enumeration by their names' UTF-8, made once per type: `allCases` makes a new
/// array at each call, and reading each case's name made it again (a tenth of decoding a change).
final class WireNames<T: WireNamed>: Sendable {
    private let names: [(utf8: [UInt8], value: T)]

    init() {
        names = T.allCases.map { (Array($0.rawValue.utf8), $0) }
    }

    /// The case named by `name`'s bytes, or nil.
    func match(_ name: UnsafeRawBufferPointer) -> T? {
        for entry in names where entry.utf8.count == name.count {
            if entry.utf8.withUnsafeBytes({ memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 }) { return entry.value }
        }
        return nil
    }
}

/// A key of a JSON object, compared with the names a decoder knows without making a string.
struct JSONKey {
    let bytes: UnsafeRawBufferPointer?
    let text: String?

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.text = nil
    }

    init(text: String) {
        self.bytes = nil
        self.text = text
    }

    /// The key as text.
    var string: String { text ?? String(decoding: bytes!, as: UTF8.self) }

    // Inlined so each name's length is a constant: a decoder's `switch` over a dozen names then
    // compares lengths inline and calls `memcmp` only for the names as long as the key.
    @inline(__always) static func ~= (name: StaticString, key: JSONKey) -> Bool {
        key == name
    }

    @inline(__always) static func == (key: JSONKey, name: StaticString) -> Bool {
        let wanted = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        if let bytes = key.bytes { return bytes.count == wanted.count && memcmp(bytes.baseAddress!, wanted.baseAddress!, wanted.count) == 0 }
        return key.text!.utf8.elementsEqual(wanted)
    }
}

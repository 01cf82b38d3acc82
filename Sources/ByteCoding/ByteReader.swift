/// Reads what ``ByteWriter`` writes; every read checks bounds and throws on truncation.
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public var offset = 0

    @inlinable public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    public struct Truncated: Error {
        public init() {}
    }

    @inlinable public var remaining: Int { buffer.count - offset }

    @inlinable public mutating func u8() throws -> UInt8 {
        guard offset < buffer.count else { throw Truncated() }
        defer { offset += 1 }
        return buffer[offset]
    }

    // Big-endian numbers are loaded as one word and swapped: byte by byte, each with its bounds
    // checked, a replay's million records spent sixty instructions on each timestamp.
    @inlinable public mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw Truncated() }
        defer { offset += 4 }
        return UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable public mutating func u64() throws -> UInt64 {
        guard remaining >= 8 else { throw Truncated() }
        defer { offset += 8 }
        return UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inlinable public mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    @inlinable public mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64 else { throw Truncated() }
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    @inlinable public mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw Truncated() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    /// A length-prefixed string; throws unless its bytes are UTF-8.
    @inlinable public mutating func string() throws -> String {
        let count = try varint()
        guard count <= UInt64(remaining) else { throw Truncated() }
        let raw = try bytes(Int(count))
        // `String(validating:as:)` is generic and looks its encoding up at run time, under a lock
        // (a fifth of decoding a projection snapshot on two cores). `String(decoding:as:)` is not,
        // but repairs what is not UTF-8: ASCII needs no repair, and other text that comes back
        // with other bytes was not UTF-8.
        var text = String(decoding: raw, as: UTF8.self)
        guard Self.isASCII(raw) || text.withUTF8({ UnsafeRawBufferPointer($0).elementsEqual(raw) }) else { throw Truncated() }
        return text
    }

    /// Whether every byte is below 0x80, eight at a time.
    @inlinable static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            guard bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 else { return false }
            index += 8
        }
        while index < bytes.count {
            guard bytes[index] < 0x80 else { return false }
            index += 1
        }
        return true
    }

    @inlinable public mutating func rest() -> UnsafeRawBufferPointer {
        defer { offset = buffer.count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset...])
    }
}

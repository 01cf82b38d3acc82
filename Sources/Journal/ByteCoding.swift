/// Appends the journal's binary encodings to a byte array.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// LEB128: 7 bits a byte, low first.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A varint length, then the bytes.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }
}

/// Reads the journal's binary encodings; every read checks bounds and throws on truncation.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    struct Truncated: Error {}

    var remaining: Int { buffer.count - offset }

    mutating func u8() throws -> UInt8 {
        guard offset < buffer.count else { throw Truncated() }
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw Truncated() }
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(buffer[offset]); offset += 1 }
        return value
    }

    mutating func u64() throws -> UInt64 {
        guard remaining >= 8 else { throw Truncated() }
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(buffer[offset]); offset += 1 }
        return value
    }

    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    mutating func varint() throws -> UInt64 {
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

    mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw Truncated() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func string() throws -> String {
        let count = try varint()
        guard count <= UInt64(remaining) else { throw Truncated() }
        let raw = try bytes(Int(count))
        guard let text = String(validating: raw, as: UTF8.self) else { throw Truncated() }
        return text
    }

    mutating func rest() -> UnsafeRawBufferPointer {
        defer { offset = buffer.count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset...])
    }
}

extension UInt64 {
    /// The 8 big-endian bytes, so byte order is numeric order.
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 8)
        var value: UInt64 = 0
        for byte in buffer { value = value << 8 | UInt64(byte) }
        self = value
    }
}

extension UInt32 {
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 4)
        var value: UInt32 = 0
        for byte in buffer { value = value << 8 | UInt32(byte) }
        self = value
    }
}

extension Timestamp {
    /// A key that sorts in time order, negative instants included (sign bit flipped).
    var sortableKey: [UInt8] {
        (UInt64(bitPattern: rawValue) ^ (1 << 63)).bigEndianBytes
    }

    init(sortableKey buffer: UnsafeRawBufferPointer) {
        self.init(rawValue: Int64(bitPattern: UInt64(bigEndianBytes: buffer) ^ (1 << 63)))
    }
}

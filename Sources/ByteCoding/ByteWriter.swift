/// Appends binary encodings (fixed-width big-endian integers, LEB128 varints, length-prefixed
/// strings) to a byte array.
public struct ByteWriter {
    public var bytes: [UInt8]

    @inlinable public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func u8(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// LEB128: 7 bits a byte, low first.
    @inlinable public mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A varint length, then the bytes.
    @inlinable public mutating func string(_ value: String) {
        // A native string lends its bytes as they are; only a bridged one is copied first
        // (`withUTF8` wants a mutable copy, and the copy cost a retain and a release a string).
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        guard written == nil else { return }
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    @inlinable public mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }
}

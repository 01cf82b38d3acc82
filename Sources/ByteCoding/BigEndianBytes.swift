extension UInt64 {
    /// The 8 big-endian bytes, so byte order is numeric order.
    @inlinable public var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    @inlinable public init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 8)
        var value: UInt64 = 0
        for byte in buffer { value = value << 8 | UInt64(byte) }
        self = value
    }
}

extension UInt32 {
    @inlinable public var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    @inlinable public init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 4)
        var value: UInt32 = 0
        for byte in buffer { value = value << 8 | UInt32(byte) }
        self = value
    }
}

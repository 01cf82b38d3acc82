import ByteCoding

extension Timestamp {
    /// A key that sorts in time order, negative instants included (sign bit flipped).
    var sortableKey: [UInt8] {
        (UInt64(bitPattern: rawValue) ^ (1 << 63)).bigEndianBytes
    }

    init(sortableKey buffer: UnsafeRawBufferPointer) {
        self.init(rawValue: Int64(bitPattern: UInt64(bigEndianBytes: buffer) ^ (1 << 63)))
    }
}

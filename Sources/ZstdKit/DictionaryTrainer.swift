import CZstd

/// Trains zstd dictionaries from sample records.
public enum DictionaryTrainer {
    /// Trains a dictionary of at most `capacity` bytes from `samples` and stamps it with `id`.
    ///
    /// zstd wants a few thousand samples, together about a hundred times the capacity; with too
    /// few, or samples too alike or too small to help, training fails.
    /// - Parameter id: written into the dictionary header; zstd reserves ids below 32768 and
    ///   from 2^31, so pass one in between.
    /// - Throws: ``CompressionError`` when training fails, with zstd's reason.
    public static func train(samples: [[UInt8]], capacity: Int, id: UInt32) throws -> [UInt8] {
        guard samples.count >= 8 else {
            throw CompressionError(
                operation: "train dictionary",
                message: "\(samples.count) samples are too few; a dictionary needs thousands"
            )
        }
        precondition((32768..<(1 << 31)).contains(id), "dictionary id \(id) is in a range zstd reserves")
        var joined = [UInt8]()
        joined.reserveCapacity(samples.reduce(0) { $0 + $1.count })
        var sizes = [Int]()
        sizes.reserveCapacity(samples.count)
        for sample in samples {
            joined.append(contentsOf: sample)
            sizes.append(sample.count)
        }
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let size = try dictionary.withUnsafeMutableBytes { out in
            try joined.withUnsafeBytes { input in
                try checkZstd(
                    ZDICT_trainFromBuffer(out.baseAddress, out.count, input.baseAddress, sizes, UInt32(sizes.count)),
                    "train dictionary"
                )
            }
        }
        dictionary.removeSubrange(size...)
        // A trained dictionary starts with its magic number and a little-endian id
        // (zstd_compression_format.md, "Dictionary format"): stamp ours there.
        guard size >= 8, ZSTD_getDictID_fromDict(dictionary, size) != 0 else {
            throw CompressionError(operation: "train dictionary", message: "zstd returned a dictionary without a header")
        }
        for byte in 0..<4 {
            dictionary[4 + byte] = UInt8(truncatingIfNeeded: id >> (8 * UInt32(byte)))
        }
        return dictionary
    }
}

/// The character encoding of a received file.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-16 when the file starts with a UTF-16 byte order mark, otherwise UTF-8 (with or
    /// without its byte order mark). What HR systems write unless told otherwise.
    case automatic = "auto"
    /// UTF-8; a leading byte order mark is skipped.
    case utf8 = "utf-8"
    /// UTF-16, with a byte order mark saying which byte order.
    case utf16 = "utf-16"
    /// Windows-1252 (the Western European code page older exports use).
    case windows1252 = "windows-1252"

    /// Decodes `bytes` to UTF-8, reporting the first byte that is not valid in the encoding.
    public func decode(_ bytes: [UInt8]) throws(CSVError) -> [UInt8] {
        switch self {
        case .automatic:
            if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
                return try TextEncoding.utf16.decode(bytes)
            }
            return try TextEncoding.utf8.decode(bytes)
        case .utf8:
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            try Self.validateUTF8(body)
            return body
        case .utf16:
            return try Self.decodeUTF16(bytes)
        case .windows1252:
            return try Self.decodeWindows1252(bytes)
        }
    }

    /// Throws at the first invalid UTF-8 sequence, naming its line and column. ASCII is checked
    /// eight bytes at a time; lines and columns are counted only when something is wrong.
    static func validateUTF8(_ bytes: [UInt8]) throws(CSVError) {
        let asciiPrefix = bytes.withUnsafeBytes { raw -> Int in
            var index = 0
            while index + 8 <= raw.count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            return index
        }
        if asciiPrefix == bytes.count { return }
        if String(validating: bytes[asciiPrefix...], as: UTF8.self) != nil { return }
        try locateInvalidUTF8(bytes)
    }

    /// Finds the first invalid UTF-8 sequence and throws with its line and column.
    static func locateInvalidUTF8(_ bytes: [UInt8]) throws(CSVError) {
        var line = 1
        var column = 1
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: length = 0; minimum = 0; scalar = 0
            }
            var valid = length > 0 && index + length <= count
            if valid {
                for offset in 1..<length {
                    let continuation = bytes[index + offset]
                    if continuation & 0xC0 != 0x80 {
                        valid = false
                        break
                    }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
            }
            if valid, scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { valid = false }
            guard valid else {
                throw CSVError(
                    .undecodable, line: line, column: column,
                    "byte 0x\(String(byte, radix: 16, uppercase: true)) is not valid UTF-8; "
                        + "export the file as UTF-8, or set the feed's encoding (windows-1252 for older exports)")
            }
            index += length
            column += 1
        }
    }

    static func decodeUTF16(_ bytes: [UInt8]) throws(CSVError) -> [UInt8] {
        let littleEndian: Bool
        if bytes.starts(with: [0xFF, 0xFE]) {
            littleEndian = true
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            littleEndian = false
        } else {
            throw CSVError(.undecodable, line: 1, column: 1, "a UTF-16 file must start with a byte order mark; export it with one, or as UTF-8")
        }
        guard bytes.count % 2 == 0 else {
            throw CSVError(.undecodable, line: 1, column: 1, "the UTF-16 file has an odd number of bytes: it was cut short; send it again")
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index < bytes.count {
            let a = UInt16(bytes[index])
            let b = UInt16(bytes[index + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            index += 2
        }
        var output: [UInt8] = []
        output.reserveCapacity(units.count)
        var line = 1
        var column = 1
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                UTF8.encode(scalar) { output.append($0) }
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break loop
            case .error:
                throw CSVError(.undecodable, line: line, column: column, "an unpaired UTF-16 surrogate; the file is damaged, so export it again")
            }
        }
        return output
    }

    /// Windows-1252's bytes 0x80...0x9F, where it differs from Latin-1 (nil: undefined).
    static let windows1252High: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]

    static func decodeWindows1252(_ bytes: [UInt8]) throws(CSVError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var line = 1
        var column = 1
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                continue
            }
            let value: UInt32
            if byte < 0xA0 {
                guard let mapped = windows1252High[Int(byte - 0x80)] else {
                    throw CSVError(
                        .undecodable, line: line, column: column,
                        "byte 0x\(String(byte, radix: 16, uppercase: true)) is undefined in Windows-1252; check the feed's encoding")
                }
                value = mapped
            } else {
                value = UInt32(byte)
            }
            UTF8.encode(Unicode.Scalar(value)!) { output.append($0) }
            column += 1
        }
        return output
    }
}

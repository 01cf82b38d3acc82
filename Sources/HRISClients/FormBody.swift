import Ingestion

/// A body posted as an HTML form (`application/x-www-form-urlencoded`) with bracketed names, as
/// BambooHR's "Form Post" encoding sends a webhook: `data[employeeId]=67890`,
/// `data[changedFields][0]=firstName`, `employees[0][fields][firstName][value]=Ada`. Read into
/// the JSON document the same delivery has in the JSON encoding, so one reader serves both.
///
/// Names nest by their brackets; a level whose keys are 0, 1, 2... (or `[]`, appending) is an
/// array. Every value is a string: a form has no other type.
enum FormBody {
    /// Why a form body cannot be read.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The JSON text of the document the form encodes.
    static func json(_ body: [UInt8]) throws(Malformed) -> [UInt8] {
        let root = Node()
        var index = 0
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            index += 1
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0], field: index)
            let value = parts.count > 1 ? try decode(parts[1], field: index) : ""
            let path = try self.path(name, field: index)
            try root.insert(value, at: path[...], name: name)
        }
        var output: [UInt8] = []
        root.write(into: &output)
        return output
    }

    /// `employees[0][fields]` as `["employees", "0", "fields"]`; `[]` as an empty step (append).
    static func path(_ name: String, field: Int) throws(Malformed) -> [String] {
        guard let open = name.firstIndex(of: "[") else {
            guard !name.isEmpty else { throw Malformed(description: "form field \(field) has no name") }
            return [name]
        }
        var steps = [String(name[..<open])]
        guard !steps[0].isEmpty else { throw Malformed(description: "form field \(field) (\(name)) has no name before its brackets") }
        var rest = name[open...]
        while let first = rest.first {
            guard first == "[", let close = rest.firstIndex(of: "]") else {
                throw Malformed(description: "form field \(field) (\(name)): brackets must pair, as in data[employeeId]")
            }
            steps.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return steps
    }

    /// Percent-decoding, with `+` for a space.
    static func decode(_ bytes: ArraySlice<UInt8>, field: Int) throws(Malformed) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexDigit(bytes[index + 1]), let low = hexDigit(bytes[index + 2]) else {
                    throw Malformed(description: "form field \(field): a % not followed by two hex digits")
                }
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw Malformed(description: "form field \(field) is not UTF-8 once decoded")
        }
        return text
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A level of the document: a value, or named members in the order they came.
    final class Node {
        var value: String?
        var keys: [String] = []
        var members: [String: Node] = [:]

        init(value: String? = nil) { self.value = value }

        func insert(_ value: String, at path: ArraySlice<String>, name: String) throws(Malformed) {
            guard self.value == nil else {
                throw Malformed(description: "form field \(name) nests under a name that already has a value")
            }
            let key = path.first!.isEmpty ? String(keys.count) : path.first!
            if path.count == 1 {
                guard members[key] == nil else { throw Malformed(description: "form field \(name) is given twice") }
                keys.append(key)
                members[key] = Node(value: value)
            } else if let member = members[key] {
                try member.insert(value, at: path.dropFirst(), name: name)
            } else {
                let member = Node()
                keys.append(key)
                members[key] = member
                try member.insert(value, at: path.dropFirst(), name: name)
            }
        }

        /// JSON text: a level whose keys are 0, 1, 2... in order is an array.
        func write(into output: inout [UInt8]) {
            if let value {
                output += JSONText.quoted(value).utf8
                return
            }
            let isArray = !keys.isEmpty && keys.enumerated().allSatisfy { $0.element == String($0.offset) }
            output.append(isArray ? UInt8(ascii: "[") : UInt8(ascii: "{"))
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if !isArray {
                    output += JSONText.quoted(key).utf8
                    output.append(UInt8(ascii: ":"))
                }
                members[key]!.write(into: &output)
            }
            output.append(isArray ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        }
    }
}

import Foundation

/// A fresh inbox directory under the temporary folder, removed when the test's reference goes.
final class ScratchInbox: Sendable {
    /// The inbox's path.
    let path: String

    /// Creates `roster-inbox-tests/<name>-<random>`.
    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "/roster-inbox-tests/\(safe)-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the inbox, dated `modified` when given, and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String = "employee_id,email\n1,a@example.com\n", modified: Date? = nil) throws
        -> String
    {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if let modified {
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file)
        }
        return file
    }

    /// Appends `text` to the file `name`, as a sender still uploading would.
    func append(_ name: String, _ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/" + name))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// The names in the inbox subfolder `folder` (or the inbox itself), sorted.
    func names(in folder: String? = nil) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.map { path + "/" + $0 } ?? path).sorted()
    }

    /// The text of the file at `file`.
    func text(at file: String) throws -> String {
        try String(contentsOfFile: file, encoding: .utf8)
    }
}

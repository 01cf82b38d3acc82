import Foundation
import JournalTestSupport

extension SFTPDropServer {
    /// How a sender delivers a file, following the conventions drop folders recognise.
    public enum UploadStyle: Sendable {
        /// `put` under the final name: a reader sees the file grow in place.
        case inPlace
        /// `put` under the final name plus `suffix` (`.part`), then `rename` to the final name.
        /// OpenSSH's `rename` uses the atomic posix-rename extension.
        case renamedIntoPlace(suffix: String)
        /// `put` under the final name, then an empty marker under the final name plus `suffix`
        /// (`.done`).
        case withMarker(suffix: String)
    }

    /// Uploads the local file at `localFile` as `name` in the drop directory, with the real
    /// `sftp` client in batch mode, delivered in `style`, at most `kilobitsPerSecond` fast when
    /// given (`sftp -l`: a slow upload that a test can watch in progress).
    public func upload(
        localFile: String,
        as name: String,
        style: UploadStyle = .inPlace,
        kilobitsPerSecond: Int? = nil
    ) async throws {
        switch style {
        case .inPlace:
            try await runBatch(["put \(quoted(localFile)) \(quoted(name))"], kilobitsPerSecond: kilobitsPerSecond)
        case .renamedIntoPlace(let suffix):
            try await runBatch(
                [
                    "put \(quoted(localFile)) \(quoted(name + suffix))",
                    "rename \(quoted(name + suffix)) \(quoted(name))",
                ], kilobitsPerSecond: kilobitsPerSecond)
        case .withMarker(let suffix):
            try await runBatch(
                [
                    "put \(quoted(localFile)) \(quoted(name))",
                    "put \(quoted(workPath + "/empty")) \(quoted(name + suffix))",
                ], kilobitsPerSecond: kilobitsPerSecond)
        }
    }

    /// Renames `name` to `newName` in the drop directory over SFTP (posix-rename: atomic, and it
    /// replaces an existing `newName`).
    public func rename(_ name: String, to newName: String) async throws {
        try await runBatch(["rename \(quoted(name)) \(quoted(newName))"])
    }

    /// Runs `commands` as an sftp batch (`sftp -b`) logged in as the drop account, and returns
    /// sftp's output. Batch mode stops at the first failing command. sftp runs on a thread of
    /// its own, so a slow upload holds up no other task.
    ///
    /// - Throws: ``DropServerError`` with sftp's output and the end of sshd's log when sftp
    ///   fails or takes longer than 30 seconds.
    @discardableResult
    public func runBatch(_ commands: [String], kilobitsPerSecond: Int? = nil) async throws -> String {
        let batch = workPath + "/batch-\(UInt64.random(in: 0...UInt64.max))"
        try (commands.joined(separator: "\n") + "\n").write(toFile: batch, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: batch) }
        // Small requests, two in flight: otherwise sftp's 2 MB window sends a small file in one
        // burst before the limit applies.
        let limit = kilobitsPerSecond.map { ["-l", String($0), "-B", "8192", "-R", "2"] } ?? []
        let arguments =
            limit + [
                "-b", batch, "-P", String(port), "-i", workPath + "/client_ed25519",
                "-F", "/dev/null",  // root's own ssh_config must not change the test
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                // The default post-quantum hybrid key exchange costs about 0.3 s a session here.
                "-o", "KexAlgorithms=curve25519-sha256",
                "\(user)@127.0.0.1",
            ]
        let result = try await onOwnThread { try SpawnedProcess.run("/usr/bin/sftp", arguments) }
        guard result.status == 0 else {
            throw DropServerError(
                "sftp exited with status \(result.status) running \(commands); output:\n\(result.output)\n"
                    + "sshd log:\n\(logTail())")
        }
        return result.output
    }

    /// `text` in double quotes for an sftp batch line, with `"` and `\` escaped.
    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Runs the blocking `body` on a new thread and returns its result.
    private func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}

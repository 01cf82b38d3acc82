#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files written so that a crash leaves them whole or absent, never half written: the writes
/// of received HR files, of a rejected inbox file's reason, and of an LMS export all go through
/// here, rather than through three versions of the same system calls.
public enum DurableFile {
    /// A system call that failed: what was being done, to which path, and `errno`.
    public struct Failure: Error, CustomStringConvertible {
        public let operation: String
        public let path: String
        public let errorNumber: Int32

        public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errorNumber)))" }
    }

    /// Writes `bytes` to `path` in a temporary file of its own beside it (a random name, created
    /// exclusively: two writers of one path never share one), syncs it and renames it over
    /// `path`. On failure the temporary file is removed and `path` is as it was.
    public static func replace(_ path: String, with bytes: [UInt8], permissions: mode_t) throws(Failure) {
        let temporary = path + ".partial-\(getpid())-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: temporary, errorNumber: errno) }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlink(temporary) }
        }
        try writeAll(bytes, to: descriptor, path: temporary)
        guard fsync(descriptor) == 0 else { throw Failure(operation: "sync", path: temporary, errorNumber: errno) }
        guard rename(temporary, path) == 0 else { throw Failure(operation: "rename into place", path: path, errorNumber: errno) }
        renamed = true
    }

    /// Writes `bytes` to `path` (created, or emptied first) and syncs it: for a file in a folder
    /// that is itself renamed into place once whole.
    public static func writeSynced(_ bytes: [UInt8], to path: String, permissions: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: path, errorNumber: errno) }
        defer { close(descriptor) }
        try writeAll(bytes, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw Failure(operation: "sync", path: path, errorNumber: errno) }
    }

    /// Syncs a directory, so the names created or renamed in it last (a file system that cannot
    /// sync directories, EINVAL, is taken as done).
    public static func syncDirectory(_ path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, errorNumber: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 || errno == EINVAL else { throw Failure(operation: "sync", path: path, errorNumber: errno) }
    }

    /// Writes every byte, however many calls that takes; a full disk is an error, not a loop.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Failure(operation: "write", path: path, errorNumber: count == 0 ? ENOSPC : errno) }
            written += count
        }
    }
}

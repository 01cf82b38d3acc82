import Foundation

/// A directory even this process cannot write in: mode 0555 for an ordinary user, and for root
/// (whom modes do not stop) the immutable attribute, set with `chattr +i`.
struct UnwritableDirectory {
    /// The directory's path.
    let path: String

    /// Whether one can be made here: probes once with a throwaway directory.
    static let isPossible: Bool = {
        let probe = NSTemporaryDirectory() + "/roster-unwritable-probe-\(getpid())"
        guard let directory = try? UnwritableDirectory(probe) else { return false }
        defer {
            directory.release()
            try? FileManager.default.removeItem(atPath: probe)
        }
        return mkdir(probe + "/x", 0o755) != 0
    }()

    /// Creates the directory at `path` and makes it unwritable.
    init(_ path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if geteuid() == 0 {
            guard Self.chattr("+i", path) else { throw CocoaError(.fileWriteNoPermission) }
        } else {
            chmod(path, 0o555)
        }
    }

    /// Makes the directory writable again, so it can be removed.
    func release() {
        if geteuid() == 0 { _ = Self.chattr("-i", path) } else { chmod(path, 0o755) }
    }

    private static func chattr(_ flag: String, _ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

import Foundation

/// A fresh directory under the system's temporary folder, removed by ``remove()`` or when the
/// last reference to it goes (a suite's instance ends with its test).
public final class TestDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates `roster-tests/<name>-<random>`.
    public init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("roster-tests")
            .appendingPathComponent("\(safe)-\(UInt64.random(in: 0...UInt64.max))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// A path inside the directory.
    public func child(_ name: String) -> String { path + "/" + name }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Where the package's executables were built: beside the test bundle.
public enum BuiltProducts {
    /// The path of the executable product `name` built with the tests.
    public static func executable(_ name: String) -> String {
        let test = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: test).deletingLastPathComponent()
        // On macOS the tests run inside a .xctest bundle; on Linux the runner sits beside the products.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        preconditionFailure("the executable \(name) was not built with the tests")
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a directory with `opendir`/`readdir`, so that a failure keeps its `errno` and becomes
/// an ``InboxError`` that says what to do.
enum DirectoryListing {
    /// The names in the directory at `path`, without `.` and `..`, in no particular order.
    static func names(in path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            throw InboxError.failed("list", path: path, errorNumber: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { field in
                field.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: field.pointee)) {
                    String(cString: $0)
                }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}

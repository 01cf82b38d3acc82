import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process a test starts, reads line by line with deadlines, and kills.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let input = Pipe()
    /// Standard output read so far and not yet taken as lines; guarded by `received`.
    private var buffer: [UInt8] = []
    private var outputEnded = false
    private let received = NSCondition()

    /// Why a child did not answer.
    public struct Timeout: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable` with `arguments`, and `environment` added to this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        startReading()
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// The next line of standard output, waiting at most `timeout`; nil at end of output.
    public func readLine(timeout: Duration = .seconds(30)) throws -> String? {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        received.lock()
        defer { received.unlock() }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if outputEnded {
                if buffer.isEmpty { return nil }
                let line = String(decoding: buffer, as: UTF8.self)
                buffer.removeAll()
                return line
            }
            guard received.wait(until: deadline) else {
                throw Timeout(description: "no line from \(process.executableURL?.lastPathComponent ?? "child") within \(timeout)")
            }
        }
    }

    /// Reads the child's standard output as it comes, on a thread of its own, so a child that
    /// writes much is never blocked on a full pipe while the test does something else.
    private func startReading() {
        let fd = output.fileHandleForReading.fileDescriptor
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                received.lock()
                if count <= 0 {
                    outputEnded = true
                } else {
                    buffer.append(contentsOf: chunk[0..<count])
                }
                received.broadcast()
                received.unlock()
                if count <= 0 { return }
            }
        }
        thread.start()
    }

    /// Reads lines until one satisfies `predicate`, and returns it.
    public func readLine(until predicate: (String) -> Bool, timeout: Duration = .seconds(30)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            guard let line = try readLine(timeout: max(remaining, .milliseconds(1))) else {
                throw Timeout(description: "the child's output ended before the expected line; stderr: \(standardError())")
            }
            if predicate(line) { return line }
        }
    }

    /// Sends `signal` (SIGKILL by default) and waits for the child to exit.
    public func kill(_ signal: Int32 = SIGKILL) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Closes the child's standard input, which the holding modes take as the signal to exit.
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Waits for the child to exit and returns its status.
    @discardableResult
    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Whatever the child wrote to standard error (read once it has exited).
    public func standardError() -> String {
        if process.isRunning { return "" }
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// Runs `executable` to completion and returns its status and output.
public func runCommand(_ executable: String, _ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errorData = Data()
    group.enter()
    DispatchQueue.global().async {
        errorData = errors.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self)
    )
}

/// Runs `body` on a thread outside Swift's concurrency pool and returns its result: an async test
/// that waits for child processes must not hold one of the pool's few threads (two on a two-core
/// machine) while it does, or every other async test stalls behind it.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

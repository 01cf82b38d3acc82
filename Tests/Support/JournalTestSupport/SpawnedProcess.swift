import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn, its signal mask cleared and the usual signals at
/// their default action.
///
/// Foundation's `Process` hands the child the spawning thread's signal mask, and the threads of
/// a Swift test runner block almost every signal: a server (scim2-server, sshd) started that way
/// ignores SIGINT and SIGTERM and can only be killed. This spawner gives the child a clean mask.
public final class SpawnedProcess: @unchecked Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`, standard input from /dev/null and standard output
    /// and error appended to the file at `outputPath`.
    public init(_ executable: String, _ arguments: [String], outputPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw SpawnError("could not start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// Runs `executable` to completion and returns its exit status and combined output. Kills it
    /// and throws if it is still running after `deadline`.
    public static func run(_ executable: String, _ arguments: [String], deadline: Duration = .seconds(30)) throws -> (
        status: Int32, output: String
    ) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("roster-spawn-\(UInt64.random(in: 0...UInt64.max)).log").path
        defer { unlink(outputPath) }
        let child = try SpawnedProcess(executable, arguments, outputPath: outputPath)
        let status = child.wait(deadline: deadline)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard let status else {
            throw SpawnError(
                "\(executable) \(arguments.joined(separator: " ")) did not finish within \(deadline); output:\n\(output)"
            )
        }
        return (status, output)
    }

    /// Whether the child has not exited yet. Reaps it once it has.
    public var isRunning: Bool { status == nil }

    /// The child's exit status (or 128 + the signal that ended it), or nil while it runs.
    public var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                let signal = raw & 0x7F
                exitStatus = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            }
        }
        return exitStatus
    }

    /// Waits up to `deadline` for the child to exit, polling every millisecond; kills it if it
    /// has not and returns nil.
    public func wait(deadline: Duration) -> Int32? {
        let end = ContinuousClock.now + deadline
        while isRunning, ContinuousClock.now < end { usleep(1_000) }
        if let status { return status }
        kill(pid, SIGKILL)
        while isRunning { usleep(1_000) }
        return nil
    }

    /// Sends `signal` to the child unless it has already exited.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal`, waits up to `deadline` for the child to exit, then kills it.
    public func stop(_ signal: Int32, deadline: Duration) {
        if isRunning { kill(pid, signal) }
        _ = wait(deadline: deadline)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            while isRunning { usleep(1_000) }
        }
    }
}

/// Why a child process could not be started or did not finish.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

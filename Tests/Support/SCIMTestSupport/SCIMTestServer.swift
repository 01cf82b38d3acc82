import Foundation
import JournalTestSupport
import SCIM

#if canImport(Glibc)
import Glibc
#endif

/// A real SCIM server for tests: scim2-server 0.8.3 from PyPI, run as a child process on a free
/// loopback port with a bearer token, holding its users and groups in memory.
///
/// The server comes from the virtual environment named by `ROSTER_SCIM_VENV`, or `.venv-scim` at
/// the package root; `Tests/Support/SCIMTestSupport/setup-venv.sh` creates it.
///
/// - Important: Each instance is its own empty server. Call ``stop()`` (or drop the last
///   reference) when done; the child is stopped with SIGINT, then SIGKILL after a deadline, and
///   the calling thread blocks until it has exited (tens of milliseconds). A test process that
///   crashes leaves its servers running.
public final class SCIMTestServer: @unchecked Sendable {
    /// The server's SCIM base URL, `http://127.0.0.1:<port>/v2`.
    public let baseURL: URL
    /// The token the server accepts.
    public let bearerToken: String
    /// The loopback port the server listens on.
    public let port: UInt16
    private let process: SpawnedProcess
    private let logPath: String
    private let lock = NSLock()
    private var stopped = false

    /// The package root, found from this file's path: Tests/Support/SCIMTestSupport/ is three levels down.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Where the harness looks for the virtual environment holding scim2-server.
    public static var environmentPath: String {
        ProcessInfo.processInfo.environment["ROSTER_SCIM_VENV"] ?? packageRoot + "/.venv-scim"
    }

    private init(process: SpawnedProcess, port: UInt16, bearerToken: String, logPath: String) {
        self.process = process
        self.port = port
        self.bearerToken = bearerToken
        self.logPath = logPath
        baseURL = URL(string: "http://127.0.0.1:\(port)/v2")!
    }

    /// Starts a server from the virtual environment `environment` and returns once it answers an
    /// authenticated request, or throws when it has not within `timeout` (generous: several
    /// servers may start at once on a small machine).
    public static func start(
        bearerToken: String = "roster-\(UInt64.random(in: 0...UInt64.max))", timeout: Duration = .seconds(60),
        environment: String = environmentPath
    ) async throws -> SCIMTestServer {
        let executable = environment + "/bin/scim2-server"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError(
                """
                scim2-server is not installed at \(executable). From the package root, create the virtual \
                environment with `python3 -m venv .venv-scim && .venv-scim/bin/pip install scim2-server==0.8.3` \
                (or run Tests/Support/SCIMTestSupport/setup-venv.sh), or set ROSTER_SCIM_VENV to a virtual \
                environment that has it.
                """)
        }
        let deadline = ContinuousClock.now + timeout
        // The free port may be taken by someone else before the server binds it: try a few.
        var attempt = 1
        while true {
            let server = try launch(executable, port: try LoopbackSocket.freePort(), bearerToken: bearerToken)
            do {
                try await server.waitUntilAnswering(deadline: deadline)
                return server
            } catch {
                guard attempt < 3, server.log().contains("Address already in use") else { throw error }
                server.stop()
                attempt += 1
            }
        }
    }

    private static func launch(_ executable: String, port: UInt16, bearerToken: String) throws -> SCIMTestServer {
        let logPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("roster-scim-server-\(port)-\(UInt32.random(in: 0...UInt32.max)).log").path
        // A file, not a pipe: the server logs every request, and nobody reads a pipe while tests run.
        let process = try SpawnedProcess(
            executable, ["--hostname", "127.0.0.1", "--port", "\(port)", "--bearer-token", bearerToken],
            outputPath: logPath)
        return SCIMTestServer(process: process, port: port, bearerToken: bearerToken, logPath: logPath)
    }

    /// Polls the discovery endpoint until the server answers it, the child exits, or `deadline` passes.
    private func waitUntilAnswering(deadline: ContinuousClock.Instant) async throws {
        let probe = client(timeout: .seconds(2))
        while true {
            if let status = process.status {
                throw HarnessError("scim2-server exited with status \(status) before answering: \(log())")
            }
            if (try? await probe.serviceProviderConfiguration()) != nil { return }
            guard ContinuousClock.now < deadline else {
                let output = log()
                stop()
                throw HarnessError("scim2-server did not answer on port \(port) in time: \(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A client for this server, with its token unless told otherwise.
    public func client(bearerToken: String? = nil, timeout: Duration = .seconds(10)) -> SCIMClient {
        SCIMClient(baseURL: baseURL, bearerToken: bearerToken ?? self.bearerToken, timeout: timeout)
    }

    /// What the server has written to its standard output and error so far: one line per request.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Stops the server: SIGINT, as the server expects, then SIGKILL if it has not exited within
    /// `deadline`. Waits for the child to exit. Calling it again does nothing.
    public func stop(deadline: Duration = .seconds(5)) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        process.stop(SIGINT, deadline: deadline)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    deinit { stop() }
}

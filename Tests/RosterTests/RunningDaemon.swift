import Foundation
import JournalTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `roster serve` started as the real executable for a test (its roster.yml must log JSON): the
/// child, the address it said it listens on, and requests to it with the admin token.
struct RunningDaemon: Sendable {
    let child: ChildProcess
    let base: URL
    let token: String

    /// Starts the daemon and waits, with a deadline, until it says where it listens.
    static func start(config: String, token: String, environment: [String: String] = [:]) async throws -> RunningDaemon {
        let child = try ChildProcess(BuiltProducts.executable("roster"), ["serve", "--config", config], environment: environment)
        let line = try await blocking { try child.readLine(until: { $0.contains("\"message\":\"listening\"") }, timeout: .seconds(60)) }
        let address = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["address"] as? String)
        return RunningDaemon(child: child, base: try #require(URL(string: address + "/")), token: token)
    }

    var pid: Int32 { child.pid }

    /// Which bearer token a request carries.
    enum Token {
        case admin, none
        case other(String)
        /// The admin token, behind the scheme written thus (`bearer`).
        case scheme(String)
    }

    /// A request, with the admin token unless told otherwise.
    func request(_ method: String, _ path: String, token: Token = .admin, body: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!, timeoutInterval: 30)
        request.httpMethod = method
        switch token {
        case .admin: request.setValue("Bearer \(self.token)", forHTTPHeaderField: "Authorization")
        case .other(let other): request.setValue("Bearer \(other)", forHTTPHeaderField: "Authorization")
        case .scheme(let scheme): request.setValue("\(scheme) \(self.token)", forHTTPHeaderField: "Authorization")
        case .none: break
        }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    func json(_ path: String) async throws -> [String: Any] {
        let (status, data) = try await request("GET", path)
        #expect(status == 200, "\(path): \(String(decoding: data, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func text(_ path: String) async throws -> String {
        String(decoding: try await request("GET", path).1, as: UTF8.self)
    }

    /// SIGTERM, then the exit status once it has stopped.
    func stop() async throws -> Int32 {
        kill(child.pid, SIGTERM)
        let child = self.child
        return try await blocking { child.wait() }
    }
}

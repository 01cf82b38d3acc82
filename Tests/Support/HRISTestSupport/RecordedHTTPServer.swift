import Foundation
import JournalTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server on a free loopback port that answers with recorded payloads by method,
/// path and query, records every request with its headers, and fails requests on demand (500,
/// 429 or 503 with `Retry-After`): an HRIS's API without the HRIS.
///
/// - Important: One request per connection (it answers `Connection: close`), each on its own
///   thread. Request bodies must come with `Content-Length`. Call ``stop()`` (or drop the last
///   reference) to close the listening socket.
public final class RecordedHTTPServer: @unchecked Sendable {
    /// A recorded answer.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]

        public init(status: Int = 200, headers: [String: String] = ["Content-Type": "application/json"], body: [UInt8])
        {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// `http://127.0.0.1:<port>`.
    public let baseURL: URL
    public let port: UInt16
    private let listener: Int32
    private let state = State()

    /// What the accepting threads share with the server: routes, queued failures, requests.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var routes: [String: Answer] = [:]
        var failures: [String: [Answer]] = [:]
        var received: [RecordedRequest] = []
        var stopped = false
    }

    /// Starts listening on 127.0.0.1, on a port the kernel picks.
    public init() throws {
        (listener, port) = try LoopbackSocket.listen()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        let thread = Thread { [listener, state] in Self.acceptLoop(listener, state) }
        thread.name = "RecordedHTTPServer :\(port)"
        thread.start()
    }

    deinit { stop() }

    /// Answers `method` `target` with `answer`. A target with a query (`/v1/x?since=…`) matches
    /// only those parameters, in any order and however encoded; one without matches any query.
    public func serve(_ method: String, _ target: String, _ answer: Answer) {
        state.lock.withLock { state.routes[Self.key(method, target)] = answer }
    }

    /// Answers `method` `target` with the JSON file `file`.
    public func serve(_ method: String, _ target: String, file: URL, status: Int = 200) throws {
        serve(method, target, Answer(status: status, body: Array(try Data(contentsOf: file))))
    }

    /// Fails the next `times` requests to `method` `target` with `status` (and `Retry-After`),
    /// before its recorded answer is served again.
    public func fail(_ method: String, _ target: String, status: Int, retryAfter: String? = nil, times: Int = 1) {
        var headers = ["Content-Type": "text/plain"]
        if let retryAfter { headers["Retry-After"] = retryAfter }
        let answer = Answer(status: status, headers: headers, body: Array("injected failure \(status)".utf8))
        state.lock.withLock {
            state.failures[Self.key(method, target), default: []] += Array(repeating: answer, count: times)
        }
    }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] {
        state.lock.withLock { state.received }
    }

    /// Stops accepting connections.
    public func stop() {
        let wasStopped = state.lock.withLock {
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        // Only the accepting thread closes the socket, once `accept` fails: closing it here could
        // let another server reuse the descriptor while that thread is about to accept on it.
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// A route's key: method, decoded path, and decoded parameters sorted.
    static func key(_ method: String, _ target: String) -> String {
        let (path, query) = RecordedRequest.split(target)
        let parameters = query.map { "\($0.name)=\($0.value)" }.sorted().joined(separator: "&")
        return "\(method) \(path)" + (target.contains("?") ? "?" + parameters : "")
    }

    private static func acceptLoop(_ listener: Int32, _ state: State) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            let thread = Thread {
                handle(connection, state)
                close(connection)
            }
            thread.start()
        }
    }

    private static func handle(_ connection: Int32, _ state: State) {
        LoopbackSocket.setReceiveTimeout(connection, .seconds(10))
        guard let (request, method, target) = HTTPRequestReader.read(connection) else { return }
        let answer = state.lock.withLock { () -> Answer in
            state.received.append(request)
            let exact = key(method, target)
            let any = "\(method) \(request.path)"
            for route in [exact, any] {
                if var queued = state.failures[route], !queued.isEmpty {
                    let failure = queued.removeFirst()
                    state.failures[route] = queued
                    return failure
                }
            }
            return state.routes[exact] ?? state.routes[any]
                ?? Answer(
                    status: 404, headers: ["Content-Type": "text/plain"], body: Array("no recording for \(exact)".utf8))
        }
        LoopbackSocket.send(connection, serialize(answer))
    }

    static func serialize(_ answer: Answer) -> [UInt8] {
        var head = "HTTP/1.1 \(answer.status) \(HTTPURLResponse.localizedString(forStatusCode: answer.status))\r\n"
        for (name, value) in answer.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(answer.body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + answer.body
    }
}

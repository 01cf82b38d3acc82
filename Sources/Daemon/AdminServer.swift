import Configuration
import FlyingFox
import FlyingSocks
import Foundation
import Ingestion
import Journal
import Logging
import Projections
import RosterKit
import Rules
import ServiceLifecycle
import Synchronization
import Workforce

/// The admin API and the metrics endpoint, over HTTP on the configured address (loopback by
/// default). Every endpoint but `/healthz` needs the admin bearer token; docs/openapi.yaml
/// describes them.
final class AdminServer: Service, Sendable {
    let engine: RosterEngine
    let server: HTTPServer
    let token: String
    let logger: Logger
    let metrics: DaemonMetrics
    let readiness: Readiness
    /// One rules plan or adoption at a time (see ``RulesChange``).
    let rulesChange = RulesChange()
    /// Extra routes (the webhooks) another part of the daemon adds.
    let extraRoutes: [(HTTPRoute, @Sendable (HTTPRequest) async throws -> HTTPResponse)]
    /// The routes added, as `METHOD /path/:parameter`, to answer a request none matches.
    private let patterns = Mutex<[String]>([])

    init(
        engine: RosterEngine, address: some SocketAddress, token: String, logger: Logger, metrics: DaemonMetrics, readiness: Readiness,
        extraRoutes: [(HTTPRoute, @Sendable (HTTPRequest) async throws -> HTTPResponse)] = []
    ) {
        self.engine = engine
        self.token = token
        self.logger = logger
        self.metrics = metrics
        self.readiness = readiness
        self.extraRoutes = extraRoutes
        server = HTTPServer(address: address, timeout: 30, logger: SwiftLogBridge(logger: logger))
    }

    func run() async throws {
        await addRoutes()
        let stopping = Readiness()
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.server.run() }
                    let address = try await waitUntilListening()
                    logger.notice("listening", metadata: ["address": "http://\(address)"])
                    readiness.markReady()
                    try await group.waitForAll()
                }
            } onGracefulShutdown: {
                stopping.markReady()
                // Requests in flight get a few seconds to finish; the listener then ends by cancellation.
                Task { await self.server.stop(timeout: 3) }
            }
        } catch where stopping.isReady {
            // The listener ends by cancellation or a closed socket once stopping began: that is the stop.
            logger.notice("http stopped", metadata: ["by": "\(error)"])
        }
    }

    /// The address the server listens on, once it does.
    func waitUntilListening() async throws -> String {
        try await server.waitUntilListening(timeout: 30)
        guard let address = await server.listeningAddress else { return "?" }
        switch address {
        case .ip4(let host, let port):
            NoDelay.setOnListener(port: port)
            return "\(host):\(port)"
        case .ip6(let host, let port):
            NoDelay.setOnListener(port: port)
            return "[\(host)]:\(port)"
        default: return "\(address)"
        }
    }

    private func addRoutes() async {
        await route("GET /healthz", authenticated: false) { _ in .text("ok\n") }
        await route("GET /readyz", authenticated: false) { [readiness] _ in
            readiness.isReady ? .text("ready\n") : .text("starting\n", status: .serviceUnavailable)
        }
        await route("GET /metrics") { [metrics] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: Data(metrics.exposition()))
        }
        await route("GET /v1/workers/:id") { [engine] request in
            let id = EmployeeID(rawValue: request.routeParameters["id"] ?? "")
            try Self.check(request, takes: ["as_of"])
            let asOf = try request.query["as_of"].map { try Self.instant($0, "as_of") }
            return try await engine.run { app -> HTTPResponse in
                let (projection, rules) = try app.worker(id, asOf: asOf)
                guard let projection else {
                    return .problem(.notFound, asOf.map { "Roster knew no worker \(id) as of \($0)" } ?? "no worker \(id)")
                }
                var object: [String: Any] = [
                    "employee_id": id.rawValue, "as_of": asOf?.iso8601 as Any,
                    "worker": (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(projection.worker))) as Any,
                    "user": projection.user.map(JSONView.user) as Any,
                    "no_user_reason": projection.whyNoUser(under: rules.rules) as Any,
                    "next_due": projection.nextDue(under: rules.rules).map(JSONView.due) as Any,
                    "absence": JSONView.absence(of: projection, rules: rules.rules) as Any,
                    "lms": projection.lms.map { JSONView.account(id, $0) } as Any,
                ]
                object["outbox"] = projection.commands.map(JSONView.command)
                return .json(object)
            }
        }
        await route("GET /v1/workers/:id/history") { [engine] request in
            let id = EmployeeID(rawValue: request.routeParameters["id"] ?? "")
            return try await engine.run { app in
                guard let history = try app.history(of: id) else { return .problem(.notFound, "no worker \(id)") }
                return .json(JSONView.history(history))
            }
        }
        await route("GET /v1/state") { [engine] request in
            try Self.check(request, takes: ["as_of", "effective_at"])
            let asOf = try request.query["as_of"].map { try Self.instant($0, "as_of") }
            let effectiveAt = try request.query["effective_at"].map { try Self.date($0, "effective_at") }
            return try await engine.run { app in
                let replay = Replay(asOf: asOf, effectiveAt: effectiveAt, now: app.now())
                let (state, rules) = try app.desiredState(replay)
                return .json(JSONView.state(state, users: state.users.values.sorted { $0.employeeID < $1.employeeID }, rules: rules, replay: replay))
            }
        }
        await route("GET /v1/plan") { [engine] _ in
            try await engine.run { app in
                let now = app.now()
                return .json(["now": now.iso8601, "commands": try app.plan().filter { $0.isDue(at: now) }.map(JSONView.command)])
            }
        }
        await route("GET /v1/outbox") { [engine] _ in
            try await engine.run { app in .json(["now": app.now().iso8601, "commands": try app.plan().map(JSONView.command)]) }
        }
        await route("GET /v1/batches") { [engine] _ in
            try await engine.run { _ in
                let history = try engine.currentWorkforce()
                return .json(["batches": history.order.compactMap { history.batches[$0] }.map(JSONView.batch)])
            }
        }
        await route("POST /v1/batches/:id/approve") { [engine] request in
            let id = request.routeParameters["id"] ?? ""
            let by = try await Self.actor(of: request)
            return try await engine.run { app in
                let counts = try app.approve(batch: id, by: by, history: try engine.currentWorkforce())
                return .json(["batch": id, "state": "applied", "counts": JSONView.counts(counts)])
            }
        }
        await route("POST /v1/batches/:id/reject") { [engine] request in
            let id = request.routeParameters["id"] ?? ""
            let by = try await Self.actor(of: request)
            return try await engine.run { app in
                try app.reject(batch: id, by: by, history: try engine.currentWorkforce())
                return .json(["batch": id, "state": "rejected"])
            }
        }
        await route("POST /v1/workers/:id/restore") { [engine] request in
            let id = EmployeeID(rawValue: request.routeParameters["id"] ?? "")
            let by = try await Self.actor(of: request)
            let given = try await Self.body(of: request)["reason"]
            guard given == nil || given is String else { throw RequestError(status: .badRequest, message: "`reason` must be text") }
            let reason = (given as? String) ?? "restored through the admin API"
            return try await engine.run { app in .json(["restored": JSONView.user(try app.restore(id, by: by, reason: reason))]) }
        }
        await route("GET /v1/rules") { [engine] request in
            try Self.check(request, takes: [])
            return try await engine.run { app in
                let rules = try app.rulesInForce()
                var object = JSONView.rules(rules)
                object["source"] = rules.adopted.adoption.source
                object["text"] = rules.rules.text
                return .json(object)
            }
        }
        await route("POST /v1/rules/plan") { [engine, rulesChange] request in
            let candidate = try Self.candidate(in: try await Self.body(of: request))
            return try await rulesChange.one {
                // Blue/green: the candidate's store is built beside the engine, which goes on
                // serving from the live one; the plan then folds what was journaled meanwhile.
                _ = try await engine.beside { app in try app.buildStore(for: candidate) }
                return try await engine.run { app in .json(JSONView.plan(try app.planFromStore(candidate: candidate))) }
            }
        }
        await route("POST /v1/rules/adopt") { [engine, rulesChange] request in
            let body = try await Self.body(of: request)
            let candidate = try Self.candidate(in: body)
            let by = try Self.actor(in: body)
            guard body["confirm"] == nil || Self.boolean(body["confirm"]!) != nil else {
                throw RequestError(status: .badRequest, message: "`confirm` must be true or false")
            }
            guard body["source"] == nil || body["source"] is String else { throw RequestError(status: .badRequest, message: "`source` must be text") }
            let confirmed = body["confirm"].flatMap(Self.boolean) ?? false
            let source = body["source"] as? String ?? "admin API (POST /v1/rules/adopt)"
            return try await rulesChange.one {
                _ = try await engine.beside { app in try app.buildStore(for: candidate) }
                return try await engine.run { app in
                    let before = try app.rulesInForce().adopted
                    do {
                        let (plan, adopted) = try app.adopt(candidate, source: source, by: by, confirmed: confirmed)
                        return .json([
                            "plan": JSONView.plan(plan), "adopted": adopted.position != before.position,
                            "rules": ["version": adopted.rules.version, "adopted_at": adopted.recordedAt.iso8601, "adopted_by": adopted.adoption.adoptedBy],
                        ])
                    } catch let refused as RosterApp.AdoptionRefused {
                        // A problem answer that carries the plan, for the person who confirms.
                        return .problem(
                            .conflict, "\(refused); review the plan, then send \"confirm\": true to adopt them anyway",
                            more: ["plan": JSONView.plan(refused.plan)])
                    }
                }
            }
        }
        for (route, handler) in extraRoutes {
            await server.appendRoute(route) { request in try await handler(request) }
        }
        // Anything else: a problem answer (the server's own is an empty 404), or 405 with the
        // methods the path takes.
        let patterns = self.patterns.withLock { $0 }
        await server.appendRoute(HTTPRoute("/*")) { [metrics] request in
            let response = Self.unmatched(request, patterns: patterns)
            metrics.request(route: "unmatched", status: response.statusCode.code)
            return response
        }
    }

    /// The answer to a request no route takes.
    static func unmatched(_ request: HTTPRequest, patterns: [String]) -> HTTPResponse {
        let path = request.path.split(separator: "/")
        let methods = patterns.compactMap { pattern -> String? in
            let parts = pattern.split(separator: " ", maxSplits: 1)
            let segments = parts[1].split(separator: "/")
            guard segments.count == path.count, zip(segments, path).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) else { return nil }
            return String(parts[0])
        }
        guard !methods.isEmpty else {
            return .problem(.notFound, "there is no \(request.method.rawValue) \(request.path); docs/openapi.yaml lists the endpoints")
        }
        var response = HTTPResponse.problem(.methodNotAllowed, "\(request.path) takes \(methods.joined(separator: ", ")), not \(request.method.rawValue)")
        response.headers[HTTPHeader("Allow")] = methods.joined(separator: ", ")
        return response
    }

    /// Adds `route`, behind the bearer token unless `authenticated` is false; failures become
    /// problem answers with the reason, and every answer is counted.
    private func route(_ route: String, authenticated: Bool = true, _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) async {
        let name = route
        patterns.withLock { $0.append(route) }
        await server.appendRoute(HTTPRoute(stringLiteral: route)) { [token, metrics, logger] request in
            let response: HTTPResponse
            if authenticated, !BearerToken.matches(request.headers[.authorization], token: token) {
                response = HTTPResponse(
                    statusCode: .unauthorized, headers: [.contentType: "application/problem+json", HTTPHeader("WWW-Authenticate"): "Bearer realm=\"roster\""],
                    body: JSONView.data(
                        [
                            "title": "Unauthorized", "status": 401,
                            "detail": request.headers[.authorization] == nil
                                ? "a bearer token is required (Authorization: Bearer TOKEN)" : "the bearer token is not the admin token",
                        ], pretty: false))
            } else {
                do {
                    response = try await handler(request)
                } catch let error as RequestError {
                    response = .problem(error.status, error.message)
                } catch let error as RosterApp.Failure where error.notFound {
                    response = .problem(.notFound, error.message)
                } catch let error as Ingestor.DecisionError where error.notFound {
                    response = .problem(.notFound, error.message)
                } catch {
                    response = .problem(.unprocessableContent, "\(error)")
                }
            }
            metrics.request(route: name, status: response.statusCode.code)
            logger.debug("http", metadata: ["route": "\(name)", "path": "\(request.path)", "status": "\(response.statusCode.code)"])
            return response
        }
    }

    /// The JSON object of the request's body; empty when there is no body.
    static func body(of request: HTTPRequest) async throws -> [String: Any] {
        let body = try await request.bodyData
        guard !body.isEmpty else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw RequestError(status: .badRequest, message: "the body must be a JSON object, e.g. {\"by\": \"ops@example.com\"}")
        }
        return object
    }

    /// The candidate rules in the JSON body's `rules`: the text of a rules file (docs/rules.md).
    static func candidate(in body: [String: Any]) throws -> RuleSet {
        guard let text = body["rules"] as? String, !text.isEmpty else {
            throw RequestError(status: .badRequest, message: "`rules` must hold the candidate rules file's text (docs/rules.md)")
        }
        do {
            return try RuleSetParser.parse(text, path: "rules")
        } catch {
            throw RequestError(status: .unprocessableContent, message: "\(error)")
        }
    }

    /// Who acts, from the JSON body's `by` (default: `admin-api`): the journal keeps it, so it is
    /// text and not blank.
    static func actor(of request: HTTPRequest) async throws -> String {
        try actor(in: try await body(of: request))
    }

    /// ``actor(of:)`` from a body already read.
    static func actor(in body: [String: Any]) throws -> String {
        guard let by = body["by"] else { return "admin-api" }
        guard let text = by as? String, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RequestError(status: .badRequest, message: "`by` must name who decides (a name or an email address): the journal keeps it")
        }
        return text
    }

    /// A JSON `true` or `false`; nil for anything else (JSONSerialization reads 0 and 1 as
    /// `Bool` too, and a safety override must be said as `true`).
    static func boolean(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else { return nil }
        return number.boolValue
    }

    /// Refuses query parameters the route does not take: a misspelt `as_of` must not answer for now.
    static func check(_ request: HTTPRequest, takes names: Set<String>) throws {
        if let unknown = request.query.first(where: { !names.contains($0.name) }) {
            let taken = names.sorted().joined(separator: ", ")
            throw RequestError(status: .badRequest, message: "unknown query parameter \(unknown.name); this endpoint takes \(taken.isEmpty ? "none" : taken)")
        }
    }

    static func instant(_ text: String, _ name: String) throws -> Timestamp {
        guard let instant = Timestamp(iso8601: text) else {
            throw RequestError(status: .badRequest, message: "\(name)=\(text) is not an instant; write RFC 3339 (2026-11-29T09:00:00Z) or a date")
        }
        return instant
    }

    static func date(_ text: String, _ name: String) throws -> LocalDate {
        guard let date = LocalDate(exactly: text) else {
            throw RequestError(status: .badRequest, message: "\(name)=\(text) is not a date; write yyyy-MM-dd")
        }
        return date
    }
}

/// The one rules plan or adoption the admin API runs at a time. Another at the same time is
/// refused (409): an adoption removes the stores of candidates never adopted, and must not
/// remove one a second request is building.
final class RulesChange: Sendable {
    private let busy = Mutex(false)

    func one(_ body: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        guard busy.withLock({ busy in defer { busy = true }; return !busy }) else {
            throw RequestError(status: .conflict, message: "another rules plan or adoption is in progress; send this one again once it has answered")
        }
        defer { busy.withLock { $0 = false } }
        return try await body()
    }
}

/// A request the API refuses, and why.
struct RequestError: Error {
    var status: HTTPStatusCode
    var message: String
}

/// Whether the daemon has caught up and started every service.
final class Readiness: @unchecked Sendable {
    private let lock = NSLock()
    private var ready = false
    var isReady: Bool { lock.withLock { ready } }
    func markReady() { lock.withLock { ready = true } }
}

/// The admin token check, in constant time.
enum BearerToken {
    static func matches(_ header: String?, token: String) -> Bool {
        // The scheme is case-insensitive (RFC 9110, 11.1).
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.dropFirst("Bearer ".count).utf8)
        let expected = Array(token.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<max(given.count, expected.count) {
            difference |= (index < given.count ? given[index] : 0) ^ (index < expected.count ? expected[index] : 0)
        }
        return difference == 0
    }
}

extension HTTPResponse {
    static func json(_ object: Any, status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: JSONView.data(object))
    }

    static func text(_ text: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"], body: Data(text.utf8))
    }

    /// An RFC 9457 problem answer.
    static func problem(_ status: HTTPStatusCode, _ detail: String, more: [String: Any] = [:]) -> HTTPResponse {
        HTTPResponse(
            statusCode: status, headers: [.contentType: "application/problem+json"],
            body: JSONView.data(more.merging(["title": status.phrase, "status": status.code, "detail": detail]) { $1 }, pretty: false))
    }
}

extension Array where Element == HTTPRequest.QueryItem {
    subscript(_ name: String) -> String? { first { $0.name == name }?.value }
}

/// FlyingFox's own log lines, through swift-log.
struct SwiftLogBridge: FlyingSocks.Logging {
    let logger: Logger
    func logDebug(_ debug: @autoclosure () -> String) { logger.trace("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.error("\(error())") }
    func logCritical(_ critical: @autoclosure () -> String) {
        // The listener's end at shutdown comes as a cancellation: not worth an alarm.
        let message = critical()
        if message.contains("CancellationError") { logger.debug("\(message)") } else { logger.critical("\(message)") }
    }
}

import FlyingFox
import Foundation
import HRISClients
import Ingestion
import Logging
import RosterKit
import Workforce

/// `POST /hooks/{feed}`: HR changes pushed by the HRIS (the BambooHR scheme). A delivery is
/// answered 413 when its declared size is over the feed's limit (before the body is read), 401
/// when its signature or timestamp does not verify, 400 when its body is malformed; nothing of a
/// refused delivery is journaled. An accepted one is ingested like a file of the feed (kept byte
/// for byte, validated, diffed, held by the safety thresholds) and answered 2xx only once it is
/// journaled. A delivery sent again is acknowledged and changes nothing (the journal knows its
/// content). Event-style deliveries, which name employees without their fields, are read from the
/// feed's API (`poll:`) first.
struct WebhookRoutes {
    let engine: RosterEngine
    let receivers: [String: (feed: FeedConfiguration, webhook: BambooHRWebhook, reader: BambooHRPoller?)]
    let logger: Logger
    let metrics: DaemonMetrics

    /// The receivers of every feed with `webhook:` settings.
    static func make(
        configuration: [FeedConfiguration], defaultMaxBodyBytes: Int, engine: RosterEngine, logger: Logger, metrics: DaemonMetrics
    ) throws -> WebhookRoutes {
        var receivers: [String: (feed: FeedConfiguration, webhook: BambooHRWebhook, reader: BambooHRPoller?)] = [:]
        for feed in configuration where feed.webhook != nil {
            let webhook = try BambooHRWebhook(feed: feed, defaultMaxBodyBytes: defaultMaxBodyBytes)
            let reader = feed.polling == nil ? nil : try FeedPollers.poller(for: feed) as? BambooHRPoller
            receivers[feed.name] = (feed, webhook, reader)
        }
        return WebhookRoutes(engine: engine, receivers: receivers, logger: logger, metrics: metrics)
    }

    var route: (HTTPRoute, @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        ("POST /hooks/:feed", { request in await self.receive(request) })
    }

    func receive(_ request: HTTPRequest) async -> HTTPResponse {
        let name = request.routeParameters["feed"] ?? ""
        let response = await answer(request, feed: name)
        // Counted by the configured feed's name: a name nobody configured (anyone may send one,
        // before any signature is checked) would add a series each.
        metrics.request(route: receivers[name] == nil ? "POST /hooks/:feed" : "POST /hooks/\(name)", status: response.statusCode.code)
        return response
    }

    func answer(_ request: HTTPRequest, feed name: String) async -> HTTPResponse {
        guard let receiver = receivers[name] else {
            return .problem(.notFound, "no feed named \(name) takes webhooks; give it `webhook:` settings in roster.yml")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), let refusal = receiver.webhook.refusal(forLength: length) {
            return refused(refusal, feed: name)
        }
        let body: [UInt8]
        do {
            body = Array(try await request.bodyData)
        } catch {
            return .problem(.badRequest, "the body could not be read: \(error)")
        }
        var headers: [String: String] = [:]
        for (header, value) in request.headers { headers[header.rawValue] = value }
        let delivery: WebhookDelivery
        switch receiver.webhook.receive(body: body, headers: headers, now: Date()) {
        case .success(let received): delivery = received
        case .failure(let refusal): return refused(refusal, feed: name)
        }
        // The fields: carried by the delivery, or read from the HRIS for the employees it names.
        var document = delivery.records
        if document == nil, !delivery.changes.isEmpty {
            guard let reader = receiver.reader else {
                return .problem(.badRequest, "this delivery names employees without their fields; give the feed `poll:` settings so Roster can read them")
            }
            do {
                document = try await reader.client.read(delivery.changes, fields: reader.fields).document
            } catch {
                logger.error("webhook: reading the changed employees failed", metadata: ["feed": "\(name)", "error": "\(error)"])
                return .problem(.serviceUnavailable, "the HRIS could not be read for the changed employees; send the delivery again")
            }
        }
        guard let document else { return .json(["received": delivery.id, "changes": 0]) }
        let feed = receiver.feed
        let file = "webhook \(delivery.id.prefix(16))"
        do {
            let outcome = try await engine.ingest(document, file: file, feed: feed)
            logger.info("webhook", metadata: ["feed": "\(name)", "delivery": "\(delivery.id)", "batch": "\(outcome.batch)"])
            switch outcome {
            case .applied(let batch, let counts, let quarantined):
                return .json(["batch": batch, "state": "applied", "counts": JSONView.counts(counts), "quarantined": quarantined.count])
            case .held(let batch, let reasons, _):
                return .json(["batch": batch, "state": "held", "reasons": reasons], status: .accepted)
            case .duplicate(let batch, let earlier):
                // Sent again (a sender retrying): answered as the first time, so a delivery refused
                // then is not taken for a success now.
                switch earlier {
                case .rejected?:
                    return .json(["batch": batch, "state": "rejected", "duplicate": true], status: .unprocessableContent)
                case .held?:
                    return .json(["batch": batch, "state": "held", "duplicate": true], status: .accepted)
                default:
                    return .json(["batch": batch, "state": "duplicate"])
                }
            case .rejected(let batch, let error):
                return .json(["batch": batch, "state": "rejected", "reason": error.description], status: .unprocessableContent)
            }
        } catch {
            logger.error("webhook not journaled", metadata: ["feed": "\(name)", "error": "\(error)"])
            return .problem(.serviceUnavailable, "the delivery was not journaled (\(error)); send it again")
        }
    }

    func refused(_ refusal: WebhookRefusal, feed: String) -> HTTPResponse {
        logger.warning("webhook refused", metadata: ["feed": "\(feed)", "reason": "\(refusal.reason.rawValue)", "message": "\(refusal.message)"])
        return .problem(HTTPStatusCode(refusal.status, phrase: refusal.reason.rawValue), refusal.message)
    }
}

import ArgumentParser
import Foundation
import Journal

/// `roster-journal stats`.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Event counts by type, raw and stored bytes, compression ratio and dictionaries."
    )

    @OptionGroup var options: JournalOption

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let statistics = try reportingErrors { try Journal.openReadOnly(path: options.journal).statistics() }
        if json {
            print(Self.json(statistics))
        } else {
            print(Self.text(statistics, path: options.journal))
        }
    }

    static func json(_ s: JournalStatistics) -> String {
        var object: [String: Any] = [
            "events": s.events,
            "events_by_type": s.eventsByType,
            "events_by_codec": s.eventsByCodec,
            "subjects": s.subjects,
            "appends": s.commits,
            "idempotency_keys": s.idempotencyKeys,
            "raw_bytes": s.rawBodyBytes,
            "stored_bytes": s.storedBodyBytes,
            "record_bytes": s.recordBytes,
            "file_bytes": s.fileBytes,
            "raw_bytes_per_event": rounded(s.rawBytesPerEvent),
            "stored_bytes_per_event": rounded(s.storedBytesPerEvent),
            "disk_bytes_per_event": rounded(s.diskBytesPerEvent),
            "compression_ratio": rounded(s.compressionRatio),
            "dictionaries": s.dictionaries.map { use in
                [
                    "id": Int(use.info.id),
                    "bytes": use.info.size,
                    "samples": use.info.sampleCount,
                    "created_at": use.info.createdAt.iso8601,
                    "sha256": use.info.checksum.hex,
                    "events": use.events,
                    "compression_ratio": rounded(use.storedBytes == 0 ? 0 : Double(use.rawBytes) / Double(use.storedBytes)),
                ] as [String: Any]
            },
        ]
        object["active_dictionary"] = s.activeDictionary.map { Int($0) } ?? NSNull()
        object["first_recorded_at"] = s.firstRecordedAt?.iso8601 ?? NSNull()
        object["last_recorded_at"] = s.lastRecordedAt?.iso8601 ?? NSNull()
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    static func text(_ s: JournalStatistics, path: String) -> String {
        func bytes(_ count: Int) -> String {
            count >= 1 << 20 ? String(format: "%.1f MiB", Double(count) / 1_048_576) : String(format: "%.1f KiB", Double(count) / 1024)
        }
        var lines = [
            "journal       \(path)",
            "events        \(s.events) in \(s.commits) appends, \(s.subjects) subjects, \(s.idempotencyKeys) idempotency keys",
        ]
        if let first = s.firstRecordedAt, let last = s.lastRecordedAt {
            lines.append("recorded      \(first) to \(last)")
        }
        lines += [
            String(
                format: "per event     raw %.1f B, stored %.1f B (ratio %.2f), record %.1f B, on disk %.1f B",
                s.rawBytesPerEvent, s.storedBytesPerEvent, s.compressionRatio,
                s.events == 0 ? 0 : Double(s.recordBytes) / Double(s.events), s.diskBytesPerEvent
            ),
            "total         raw \(bytes(s.rawBodyBytes)), stored \(bytes(s.storedBodyBytes)), file \(bytes(s.fileBytes))",
            "codecs        raw \(s.eventsByCodec["raw"] ?? 0), zstd \(s.eventsByCodec["zstd"] ?? 0), "
                + "zstd+dictionary \(s.eventsByCodec["zstd-dictionary"] ?? 0), "
                + "zstd blocks \(s.eventsByCodec["zstd-block"] ?? 0)",
        ]
        if s.dictionaries.isEmpty {
            lines.append("dictionaries  none yet")
        } else {
            lines.append("dictionaries")
            for use in s.dictionaries {
                let ratio = use.storedBytes == 0 ? 0 : Double(use.rawBytes) / Double(use.storedBytes)
                lines.append(
                    String(
                        format: "  %u  %d B from %d samples, trained %@, %d events, ratio %.2f%@",
                        use.info.id, use.info.size, use.info.sampleCount, use.info.createdAt.iso8601, use.events, ratio,
                        use.info.id == s.activeDictionary ? " (active)" : ""
                    )
                )
            }
        }
        lines.append("types")
        let width = s.eventsByType.keys.map(\.count).max() ?? 0
        for (type, count) in s.eventsByType.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  " + type.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count)")
        }
        return lines.joined(separator: "\n")
    }
}

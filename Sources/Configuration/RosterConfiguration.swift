import CSV
import Foundation
import Ingestion
import Rules
import Workforce
import Yams

/// `roster.yml`: where Roster keeps its data, its feeds and safety thresholds, and its rules.
///
/// ```yaml
/// data: ./data                 # journal/ and received/ go here (relative to this file)
/// default_time_zone: Europe/London
/// locations: { LON: Europe/London, NYC: America/New_York }
/// safety:
///   terminations: { absolute: 10, percent: 5 }
///   absences: { absolute: 10, percent: 5 }
///   row_drop_percent: 10
/// feeds:
///   - name: bamboohr
///     kind: csv-snapshot        # or csv-delta
///     preset: bamboohr          # generic, bamboohr, workday, adp, successfactors, ukg
///     columns: { employee_id: "Emp #" }
///     status_codes: { "Garden Leave": on_leave }
///     employment_type_codes: { Seasonal: temporary }
///     custom_columns: { union_member: "Union Member" }
///     date_format: yyyy-MM-dd   # MM/dd/yyyy, dd/MM/yyyy, dd.MM.yyyy, yyyyMMdd
///     delimiter: auto           # ",", ";", "|", "\t"
///     encoding: auto            # utf-8, utf-16, windows-1252
///   - name: bamboohr-live
///     kind: bamboohr-api        # JSON over HTTP, changed employees only (preset bamboohr by default)
///     poll:                     # changed-since polling; see docs/feeds.md
///       url: https://api.bamboohr.com/api/gateway.php/acme
///       credential_env: BAMBOOHR_API_KEY
///       interval: 15m           # 90s, 15m, 1h; backoff while BambooHR fails, up to max_backoff
///       max_backoff: 1h
///       start: "2026-01-01T00:00:00Z"
///     webhook: { secret_env: BAMBOOHR_WEBHOOK_KEY, max_body_bytes: 1048576 }
///   - name: people-api
///     kind: json                # any JSON endpoint: records at records_path, mapped by `columns`
///     records_path: data.people
///     poll: { url: "https://hr.example.com/api/people", since_parameter: updated_since, mark_path: meta.latest }
/// rules: rules.yml              # a rules file (relative to this file), or the rules inline:
/// # rules:
/// #   scope: { exclude: { employment_type: [contractor] } }
/// #   triggers: [{ id: onboarding, on: hire, course: Onboarding_Path, due_days: 14 }]
/// ```
/// Unknown keys are errors (a misspelt key would otherwise be silently ignored).
public struct RosterConfiguration: Sendable {
    /// The configuration file's path.
    public var path: String
    /// The data directory, absolute.
    public var dataDirectory: String
    public var feeds: [FeedConfiguration]
    public var safety: SafetyThresholds
    /// The rules (`rules:`), read from their file or written inline; nil when roster.yml has none,
    /// or when they cannot be read (``rulesProblem``). See docs/rules.md.
    public var rules: RuleSet?
    /// Why the configured rules cannot be read, when they cannot. Only the first use of Roster
    /// needs them (it adopts them); after that they are a candidate, edited in place and adopted
    /// with `roster rebuild --apply`, so a mistake in them must not stop the rules in force (a
    /// termination's deactivation, a first day) from applying. Commands warn instead.
    public var rulesProblem: ConfigurationError?
    /// The rules file, absolute; nil when the rules are inline or absent.
    public var rulesPath: String?
    /// The LMS to provision (`lms:`); by default, a CSV export under the data directory.
    public var lms: LMSConfiguration
    /// How `roster serve` listens and logs (`serve:`).
    public var serve = ServeConfiguration()
    /// The drop folder of each CSV feed that has one (`inbox:`), by feed name.
    public var inboxes: [String: InboxConfiguration] = [:]

    /// The journal directory.
    public var journalPath: String { dataDirectory + "/journal" }
    /// Where received files are kept.
    public var receivedPath: String { dataDirectory + "/received" }

    /// The configured rules, or why they cannot be read: nil when roster.yml names none.
    public func configuredRules() throws -> RuleSet? {
        if let rulesProblem { throw rulesProblem }
        return rules
    }

    /// The feed named `name`.
    public func feed(_ name: String) throws -> FeedConfiguration {
        guard let feed = feeds.first(where: { $0.name == name }) else {
            throw ConfigurationError(
                file: path, key: "feeds",
                "there is no feed named \"\(name)\"; the feeds are \(feeds.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        }
        return feed
    }

    /// Reads and checks the configuration at `path`.
    public static func load(path: String) throws -> RosterConfiguration {
        try parse(
            try ConfigurationError.text(
                of: path, unreadable: "cannot read the configuration file; check the path given to --config",
                notUTF8: "the configuration file is not UTF-8 text"),
            path: path)
    }

    /// Parses configuration `text`, read from `path` (relative paths in it are relative to that file).
    public static func parse(_ text: String, path: String) throws -> RosterConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: path, "the configuration file is empty; see docs/configuration.md")
            }
            root = node
        } catch let error as YamlError {
            throw ConfigurationError(file: path, "not valid YAML: \(error)")
        }
        let reader = NodeReader(file: path)
        let top = try reader.mapping(
            root, at: "", keys: ["data", "default_time_zone", "locations", "safety", "feeds", "rules", "lms", "serve"])
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let data = try top["data"].map { try reader.string($0, at: "data") } ?? "./data"
        let dataDirectory = data.hasPrefix("/") ? data : base.appendingPathComponent(data).standardizedFileURL.path

        let defaultZone = try top["default_time_zone"].map { try reader.timeZone($0, at: "default_time_zone") } ?? "UTC"
        var locations: [String: String] = [:]
        if let node = top["locations"] {
            for (code, zone) in try reader.mapping(node, at: "locations") {
                locations[code] = try reader.timeZone(zone, at: "locations.\(code)")
            }
        }
        var safety = SafetyThresholds()
        if let node = top["safety"] {
            let fields = try reader.mapping(node, at: "safety", keys: ["creates", "changes", "terminations", "absences", "row_drop_percent"])
            for (name, keyPath) in [
                ("creates", \SafetyThresholds.creates), ("changes", \.changes), ("terminations", \.terminations), ("absences", \.absences),
            ] {
                guard let limit = fields[name] else { continue }
                let parts = try reader.mapping(limit, at: "safety.\(name)", keys: ["absolute", "percent"])
                safety[keyPath: keyPath] = SafetyThresholds.Limit(
                    absolute: try parts["absolute"].map { try reader.integer($0, at: "safety.\(name).absolute") },
                    percent: try parts["percent"].map { try reader.percent($0, at: "safety.\(name).percent") })
            }
            if let drop = fields["row_drop_percent"] { safety.rowDropPercent = try reader.percent(drop, at: "safety.row_drop_percent") }
        }
        guard let feedsNode = top["feeds"], case .sequence(let sequence) = feedsNode, !sequence.isEmpty else {
            throw ConfigurationError(
                file: path, line: root.mark.map(\.line), key: "feeds", "no feeds are configured; add at least one under `feeds:`")
        }
        var feeds: [FeedConfiguration] = []
        var inboxes: [String: InboxConfiguration] = [:]
        for (index, node) in sequence.enumerated() {
            let feed = try reader.feed(node, at: "feeds[\(index)]", locations: locations, defaultZone: defaultZone)
            if feeds.contains(where: { $0.name == feed.name }) {
                throw reader.error(node, "feeds[\(index)].name", "two feeds are named \"\(feed.name)\"; feed names must differ")
            }
            if let inbox = try reader.mapping(node, at: "feeds[\(index)]")["inbox"] {
                inboxes[feed.name] = try reader.inbox(inbox, at: "feeds[\(index)].inbox", base: base)
            }
            feeds.append(feed)
        }
        var configuration = RosterConfiguration(
            path: path, dataDirectory: dataDirectory, feeds: feeds, safety: safety, lms: .csvExport(dataDirectory: dataDirectory))
        if let node = top["rules"] {
            do {
                (configuration.rules, configuration.rulesPath) = try RuleSetParser.configured(node, reader: reader, base: base)
            } catch let problem as ConfigurationError {
                configuration.rulesProblem = problem
                configuration.rulesPath = RuleSetParser.path(node, base: base)
            }
        }
        if let node = top["lms"] {
            configuration.lms = try reader.lms(node, base: base, dataDirectory: dataDirectory)
        }
        if let node = top["serve"] { configuration.serve = try reader.serve(node) }
        configuration.inboxes = inboxes
        return configuration
    }
}

/// Reads YAML nodes with errors that name the line, column and key.
struct NodeReader {
    let file: String
    /// Put before every key that errors name: `rules` for the rules written inside roster.yml.
    var keyPrefix = ""

    func error(_ node: Node, _ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(
            file: file, line: node.mark.map(\.line), column: node.mark.map(\.column), key: path(key), message)
    }

    /// `key` as errors name it: under the prefix, and `(top level)` for the document itself.
    func path(_ key: String) -> String {
        let full = [keyPrefix, key].filter { !$0.isEmpty }.joined(separator: ".")
        return full.isEmpty ? "(top level)" : full
    }

    /// A mapping's entries; with `keys`, any other key is an error.
    func mapping(_ node: Node, at key: String, keys allowed: [String]? = nil) throws -> [String: Node] {
        var result: [String: Node] = [:]
        for entry in try entries(node, at: key) {
            if let allowed, !allowed.contains(entry.name) {
                throw unknownKey(entry.keyNode, entry.name, at: key, allowed: allowed)
            }
            result[entry.name] = entry.value
        }
        return result
    }

    /// A mapping's entries in the order written. A key written twice is an error: YAML would
    /// silently keep only one of the two values.
    func entries(_ node: Node, at key: String) throws -> [(name: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, key, "expected a mapping of keys to values")
        }
        var result: [(name: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else { throw error(keyNode, key, "keys must be text") }
            if result.contains(where: { $0.name == name }) {
                throw error(keyNode, Self.join(key, name), "\"\(name)\" is written twice here; keep one")
            }
            result.append((name, keyNode, value))
        }
        return result
    }

    /// The error for a key that is not one of `allowed`, with the closest allowed key as a hint.
    func unknownKey(_ keyNode: Node, _ name: String, at key: String, allowed: [String]) -> ConfigurationError {
        let hint = Self.suggestion(for: name, among: allowed).map { "; did you mean \"\($0)\"?" } ?? "."
        return error(
            keyNode, Self.join(key, name),
            "unknown key \"\(name)\"\(hint) Allowed here: \(allowed.joined(separator: ", "))")
    }

    /// `parent.name`, or `name` at the top level.
    static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : "\(parent).\(name)"
    }

    /// The candidate closest to `name`, when it is close enough to be the one meant.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        guard let closest = candidates.min(by: { distance($0, name) < distance($1, name) }) else { return nil }
        return distance(closest, name) <= 3 ? closest : nil
    }

    func string(_ node: Node, at key: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw error(node, key, "expected a text value") }
        return scalar.string
    }

    /// Text that must not be empty (nor YAML's null: an unquoted `~` or `null`).
    func text(_ node: Node, at key: String) throws -> String {
        let text = try string(node, at: key)
        let isNull = node.scalar?.style == .plain && node.null != nil
        guard !isNull, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(node, key, "expected a value here, but it is empty")
        }
        return text
    }

    func integer(_ node: Node, at key: String, minimum: Int = 0) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            throw error(node, key, "expected a whole number, \(minimum) or more")
        }
        return value
    }

    /// One of `allowed`; the error lists them and suggests the closest. `what` names the kind of
    /// value, with its article: "a name policy".
    func choice(_ node: Node, at key: String, among allowed: [String], what: String) throws -> String {
        let text = try string(node, at: key)
        guard allowed.contains(text) else {
            let hint = Self.suggestion(for: text, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw error(node, key, "\"\(text)\" is not \(what)\(hint); use \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A case of `Value`, written as its raw value.
    func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, at key: String, what: String) throws -> Value
    where Value.RawValue == String {
        Value(rawValue: try choice(node, at: key, among: Value.allCases.map(\.rawValue), what: what))!
    }

    func percent(_ node: Node, at key: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), (0...100).contains(value) else {
            throw error(node, key, "expected a percentage from 0 to 100")
        }
        return value
    }

    func timeZone(_ node: Node, at key: String) throws -> String {
        let name = try string(node, at: key)
        guard TimeZone(identifier: name) != nil else {
            throw error(node, key, "\"\(name)\" is not a time zone; use an IANA name such as Europe/London or America/New_York")
        }
        return name
    }

    func feed(_ node: Node, at key: String, locations: [String: String], defaultZone: String) throws -> FeedConfiguration {
        let fields = try mapping(
            node, at: key,
            keys: [
                "name", "kind", "preset", "columns", "status_codes", "employment_type_codes", "custom_columns", "date_format",
                "delimiter", "encoding", "default_time_zone", "hire_cutoff", "termination_cutoff", "records_path", "poll", "webhook", "inbox",
            ])
        guard let nameNode = fields["name"] else { throw error(node, key, "a feed needs a `name`") }
        let name = try string(nameNode, at: "\(key).name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw error(nameNode, "\(key).name", "a feed name is letters, digits, '-' and '_'")
        }
        guard let kindNode = fields["kind"] else {
            throw error(node, key, "feed \"\(name)\" needs a `kind`: csv-snapshot, csv-delta, bamboohr-api or json")
        }
        let kindText = try string(kindNode, at: "\(key).kind")
        guard let kind = FeedConfiguration.Kind(rawValue: kindText) else {
            throw error(
                kindNode, "\(key).kind",
                "\"\(kindText)\" is not a feed kind; use csv-snapshot (the whole population), csv-delta (changed rows), "
                    + "bamboohr-api (BambooHR's API and webhooks) or json (another JSON endpoint)")
        }
        // Without a preset, the kind's own: a BambooHR API feed speaks BambooHR's field names.
        var preset: FeedPreset?
        if let presetNode = fields["preset"] {
            let presetName = try string(presetNode, at: "\(key).preset")
            guard let found = FeedPreset.all[presetName] else {
                throw error(presetNode, "\(key).preset", "no preset \"\(presetName)\"; presets: \(FeedPreset.all.keys.sorted().joined(separator: ", "))")
            }
            preset = found
        }
        var feed = FeedConfiguration(name: name, kind: kind, preset: preset)
        feed.locationTimeZones = locations
        feed.defaultTimeZone = try fields["default_time_zone"].map { try timeZone($0, at: "\(key).default_time_zone") } ?? defaultZone
        if let columns = fields["columns"] {
            for (canonical, header) in try mapping(columns, at: "\(key).columns", keys: CanonicalColumn.allCases.map(\.rawValue)) {
                feed.columns[CanonicalColumn(rawValue: canonical)!] = try string(header, at: "\(key).columns.\(canonical)")
            }
        }
        if let codes = fields["status_codes"] {
            for (code, value) in try mapping(codes, at: "\(key).status_codes") {
                let text = try string(value, at: "\(key).status_codes.\(code)")
                guard let status = WorkerStatus(rawValue: text) else {
                    throw error(value, "\(key).status_codes.\(code)", "\"\(text)\" is not a status; use \(WorkerStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                feed.statusCodes[code] = status
            }
        }
        if let codes = fields["employment_type_codes"] {
            for (code, value) in try mapping(codes, at: "\(key).employment_type_codes") {
                let text = try string(value, at: "\(key).employment_type_codes.\(code)")
                guard let type = EmploymentType(rawValue: text) else {
                    throw error(
                        value, "\(key).employment_type_codes.\(code)",
                        "\"\(text)\" is not an employment type; use \(EmploymentType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                feed.employmentTypeCodes[code] = type
            }
        }
        if let custom = fields["custom_columns"] {
            for (attribute, header) in try mapping(custom, at: "\(key).custom_columns") {
                feed.customColumns[attribute] = try string(header, at: "\(key).custom_columns.\(attribute)")
            }
        }
        if let formatNode = fields["date_format"] {
            let text = try string(formatNode, at: "\(key).date_format")
            guard let format = DateFormat(rawValue: text) else {
                throw error(formatNode, "\(key).date_format", "\"\(text)\" is not a date format; use \(DateFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            feed.dateFormat = format
        }
        if let delimiterNode = fields["delimiter"] {
            let text = try string(delimiterNode, at: "\(key).delimiter")
            guard let delimiter = CSVFormat.Delimiter(rawValue: text == "\\t" || text == "tab" ? "\t" : text) else {
                throw error(delimiterNode, "\(key).delimiter", "\"\(text)\" is not a separator; use auto, \",\", \";\", \"|\" or tab")
            }
            feed.format.delimiter = delimiter
        }
        for (name, keyPath) in [("hire_cutoff", \FeedConfiguration.hireCutoff), ("termination_cutoff", \.terminationCutoff)] {
            guard let node = fields[name] else { continue }
            let text = try string(node, at: "\(key).\(name)")
            guard let time = LocalTime(text) else {
                throw error(node, "\(key).\(name)", "\"\(text)\" is not a time of day; write HH:mm, e.g. 17:00")
            }
            feed[keyPath: keyPath] = time
        }
        if let encodingNode = fields["encoding"] {
            let text = try string(encodingNode, at: "\(key).encoding")
            guard let encoding = TextEncoding(rawValue: text.lowercased()) else {
                throw error(encodingNode, "\(key).encoding", "\"\(text)\" is not an encoding; use auto, utf-8, utf-16 or windows-1252")
            }
            feed.format.encoding = encoding
        }
        try feedSources(fields, into: &feed, at: key)
        return feed
    }

    /// `records_path`, `poll` and `webhook`: where a JSON feed's records are and how they arrive.
    func feedSources(_ fields: [String: Node], into feed: inout FeedConfiguration, at key: String) throws {
        let csvOnly = ["delimiter", "encoding"].filter { fields[$0] != nil }
        let jsonOnly = ["records_path", "poll", "webhook"].filter { fields[$0] != nil }
        if feed.kind.isJSON, let name = csvOnly.first {
            throw error(fields[name]!, "\(key).\(name)", "`\(name)` is for CSV feeds; feed \"\(feed.name)\" is \(feed.kind.rawValue)")
        }
        if !feed.kind.isJSON, let name = jsonOnly.first {
            throw error(
                fields[name]!, "\(key).\(name)", "`\(name)` is for JSON feeds (bamboohr-api, json); feed \"\(feed.name)\" is \(feed.kind.rawValue)")
        }
        if let node = fields["records_path"] { feed.recordsPath = try dottedPath(node, at: "\(key).records_path") }
        if let node = fields["poll"] {
            let parts = try mapping(
                node, at: "\(key).poll",
                keys: ["url", "credential_env", "interval", "max_backoff", "start", "since_parameter", "mark_path"])
            guard let urlNode = parts["url"] else { throw error(node, "\(key).poll", "polling needs the HRIS's `url`") }
            let text = try self.text(urlNode, at: "\(key).poll.url")
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw error(urlNode, "\(key).poll.url", "\"\(text)\" is not an http or https URL")
            }
            var polling = FeedConfiguration.Polling(url: url)
            polling.credentialVariable = try parts["credential_env"].map { try self.text($0, at: "\(key).poll.credential_env") }
            if let node = parts["interval"] { polling.interval = try pollDuration(node, at: "\(key).poll.interval") }
            if let node = parts["max_backoff"] { polling.maximumBackoff = try pollDuration(node, at: "\(key).poll.max_backoff") }
            polling.start = try parts["start"].map { try self.text($0, at: "\(key).poll.start") }
            if let node = parts["since_parameter"] { polling.sinceParameter = try self.text(node, at: "\(key).poll.since_parameter") }
            if let node = parts["mark_path"] { polling.markPath = try dottedPath(node, at: "\(key).poll.mark_path") }
            if feed.kind == .json, polling.markPath.isEmpty {
                throw error(node, "\(key).poll", "a json feed's poll needs `mark_path`: where in each answer the next `since` value is")
            }
            feed.polling = polling
        }
        if let node = fields["webhook"] {
            let parts = try mapping(node, at: "\(key).webhook", keys: ["secret_env", "max_body_bytes", "delivery_id_header"])
            guard let secret = parts["secret_env"] else {
                throw error(node, "\(key).webhook", "a webhook needs `secret_env`: the environment variable holding its signing key")
            }
            var webhook = FeedConfiguration.Webhook(secretVariable: try text(secret, at: "\(key).webhook.secret_env"))
            webhook.maxBodyBytes = try parts["max_body_bytes"].map { try integer($0, at: "\(key).webhook.max_body_bytes", minimum: 1) }
            webhook.deliveryIDHeader = try parts["delivery_id_header"].map { try text($0, at: "\(key).webhook.delivery_id_header") }
            feed.webhook = webhook
        }
    }

    /// `data.people` as its steps.
    func dottedPath(_ node: Node, at key: String) throws -> [String] {
        let steps = try text(node, at: key).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !steps.contains(where: \.isEmpty) else { throw error(node, key, "write the path as names joined by '.', e.g. data.people") }
        return steps
    }

    /// `90s`, `15m`, `1h`, `1h30m`, or whole seconds; at least one second.
    func pollDuration(_ node: Node, at key: String) throws -> Duration {
        let text = try self.text(node, at: key).trimmingCharacters(in: .whitespaces)
        var seconds: Int64 = 0
        var number: Int64?
        var valid = !text.isEmpty
        for character in text where valid {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0) * 10 + Int64(digit)
                valid = number! < 1_000_000_000
                continue
            }
            let unit: Int64? = ["s": 1, "m": 60, "h": 3600][character]
            guard let unit, let value = number else { valid = false; break }
            seconds += value * unit
            number = nil
        }
        if let number {
            valid = valid && seconds == 0
            seconds += number
        }
        guard valid, seconds >= 1 else { throw error(node, key, "\"\(text)\" is not a duration; write e.g. 90s, 15m, 1h or 1h30m") }
        return .seconds(seconds)
    }

    /// Levenshtein distance, for "did you mean" hints.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}

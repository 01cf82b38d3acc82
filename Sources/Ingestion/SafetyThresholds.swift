import Workforce

/// When a batch is held for an admin instead of taking effect: per action, an absolute and a
/// percent limit (of the feed's current population), and a drop in row count against the
/// feed's previous snapshot. A truncated or empty nightly file must never deactivate the company.
public struct SafetyThresholds: Sendable, Equatable {
    /// A limit on one action. The batch is held when the count is above every limit set: a
    /// handful of changes in a small company, or a routine day in a large one, pass.
    public struct Limit: Sendable, Equatable {
        public var absolute: Int?
        public var percent: Double?

        public init(absolute: Int? = nil, percent: Double? = nil) {
            self.absolute = absolute
            self.percent = percent
        }

        /// True when `count` is above every limit set, against `population`.
        public func isCrossed(by count: Int, population: Int) -> Bool {
            guard absolute != nil || percent != nil else { return false }
            if let absolute, count <= absolute { return false }
            if let percent, Double(count) <= percent / 100 * Double(population) { return false }
            return true
        }

        /// The limits in words.
        public func describe() -> String {
            [absolute.map { "\($0)" }, percent.map { "\(Self.format($0))% of the population" }].compactMap { $0 }.joined(separator: " and ")
        }

        static func format(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
    }

    public var creates = Limit()
    public var changes = Limit()
    public var terminations = Limit(absolute: 10, percent: 5)
    public var absences = Limit(absolute: 10, percent: 5)
    /// Hold a snapshot whose row count fell by more than this percent against the previous one.
    public var rowDropPercent: Double? = 10

    public init() {}

    static func leavers(_ count: Int) -> String {
        "\(count) \(count == 1 ? "leaver" : "leavers") past their termination date"
    }

    /// The thresholds `counts` crosses, in words; empty when the batch may take effect.
    /// `departed` of the absences are leavers whose termination date had taken effect: they
    /// count neither as absences nor as missing rows.
    public func crossed(by counts: BatchCounts, population: Int, rows: Int, previousRows: Int?, departed: Int = 0) -> [String] {
        var reasons: [String] = []
        for (name, count, limit) in [
            ("creates", counts.creates, creates), ("changes", counts.changes, changes),
            ("terminations", counts.terminations, terminations), ("absences", counts.absences - departed, absences),
        ] where limit.isCrossed(by: count, population: population) {
            let excluded = name == "absences" && departed > 0 ? "; \(Self.leavers(departed)) not counted" : ""
            reasons.append("\(name): \(count) exceeds \(limit.describe()) (population \(population)\(excluded))")
        }
        if let rowDropPercent, let previousRows, previousRows > 0,
            Double(rows + departed) < Double(previousRows) * (1 - rowDropPercent / 100)
        {
            let excluded = departed > 0 ? " (\(Self.leavers(departed)) not counted as missing)" : ""
            reasons.append(
                "rows: \(rows) against \(previousRows) in the previous snapshot\(excluded), a drop of more than \(Limit.format(rowDropPercent))%")
        }
        return reasons
    }
}

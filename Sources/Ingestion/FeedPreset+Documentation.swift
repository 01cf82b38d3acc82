/// docs/feeds.md's preset tables, rendered from the presets themselves so they cannot drift.
extension FeedPreset {
    /// The order presets are documented in.
    public static let documented: [FeedPreset] = [generic, bamboohr, workday, adp, successfactors, ukg]

    static let sources: [String: String] = [
        "generic": "Roster's own names; what `roster-generate` writes by default.",
        "bamboohr": "A BambooHR custom report saved as CSV, with field names (`fd=yes`) or field ids as headers.",
        "workday": "A Workday custom report (RaaS or EIB outbound) as CSV; the headers are the report's XML aliases, which differ per tenant, so map yours under `columns`.",
        "adp": "An ADP Workforce Now custom report as CSV; US dates.",
        "successfactors": "A SAP SuccessFactors Employee Central export (Report Center or Integration Center) as CSV; often UTF-16.",
        "ukg": "A UKG Pro (UltiPro) BI or export report as CSV; which org level is the department or cost center is tenant-defined.",
    ]

    /// The markdown for every preset.
    public static func documentation() -> String {
        var lines: [String] = []
        for preset in documented {
            lines += ["", "### `\(preset.name)`", "", sources[preset.name] ?? "", "", "Dates: `\(preset.dateFormat.rawValue)`.", ""]
            lines += ["| canonical column | header names (first match wins) |", "|---|---|"]
            for column in CanonicalColumn.allCases {
                guard let names = preset.columns[column] else { continue }
                let required = CanonicalColumn.required.contains(column) ? " (required)" : ""
                lines.append("| `\(column.rawValue)`\(required) | \(names.map { "`\($0)`" }.joined(separator: ", ")) |")
            }
            lines += ["", "Status codes: " + preset.statusCodes.sorted { $0.key < $1.key }.map { "`\($0.key)` → \($0.value.rawValue)" }.joined(separator: ", ") + "."]
            lines += ["", "Employment-type codes: " + preset.employmentTypeCodes.sorted { $0.key < $1.key }.map { "`\($0.key)` → \($0.value.rawValue)" }.joined(separator: ", ") + "."]
            if !preset.notEmploymentTypes.isEmpty {
                lines += ["", "Values in the employment-type column that say nothing about the type (the worker keeps theirs): "
                    + preset.notEmploymentTypes.sorted().map { "`\($0)`" }.joined(separator: ", ") + "."]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

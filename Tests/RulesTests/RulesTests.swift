import Rules
import Testing
import Workforce

@Suite struct RulesTests {
    let worker = Worker(
        id: EmployeeID(rawValue: "E1"), legalFirstName: "Ada", legalLastName: "Lovelace", jobTitle: "  Engineering MANAGER ",
        departmentName: "Información Técnica", location: "LON", employmentType: .partTime, custom: ["union": "Yes"])

    /// ASCII text is folded byte by byte: the same as trimming Unicode whitespace and lowering.
    @Test func asciiFoldsAsUnicodeWouldForEveryByte() {
        func unicodeFold(_ text: String) -> String {
            let scalars = text.unicodeScalars
            guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
            else { return "" }
            return String(scalars[start...end]).lowercased()
        }
        for byte in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(byte))
            for text in [character, "\(character)Ab", "Ab\(character)", "\(character) Mixed Case \(character)", "\(character)\(character)"] {
                #expect(WorkerCondition.fold(text) == unicodeFold(text), "byte \(byte)")
            }
        }
        #expect(WorkerCondition.fold(" \t New York City Office Location \r\n") == "new york city office location")
    }

    /// Two values compared folded without folding them agree with folding both, for every
    /// ASCII byte in every place and for text that is not ASCII.
    @Test func sameFoldedAgreesWithComparingFoldedValues() {
        var samples = ["NYC", "nyc", " nyc\t", "NYC ", "NY", "NYCX", "", "   ", "New York", "new  york", "ÉCOLE", "école", " école ", "\u{00A0}NYC"]
        for byte in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(byte))
            samples += ["\(character)Ny", "nY\(character)", "\(character)"]
        }
        for first in samples {
            for second in samples {
                #expect(
                    WorkerCondition.sameFolded(first, second) == (WorkerCondition.fold(first) == WorkerCondition.fold(second)),
                    "\(Array(first.utf8)) \(Array(second.utf8))")
            }
        }
    }

    @Test func valuesCompareIgnoringCaseAndSurroundingSpace() throws {
        #expect(WorkerCondition.fold("Full_Time") == "full_time")
        #expect(WorkerCondition.fold("\u{00A0} Información Técnica\t") == "información técnica")
        #expect(WorkerCondition.fold("ÉCOLE") == "école")
        #expect(WorkerCondition.fold("   ") == "")
        #expect(WorkerCondition(.field(.jobTitle), .oneOf(["engineering manager"])).holds(for: worker))
        #expect(WorkerCondition(.field(.departmentName), .oneOf(["INFORMACIÓN TÉCNICA"])).holds(for: worker))
        #expect(WorkerCondition(.custom("union"), .oneOf(["yes"])).holds(for: worker))
        #expect(!WorkerCondition(.custom("missing"), .oneOf(["yes"])).holds(for: worker))
        #expect(WorkerCondition(.field(.jobTitle), .pattern(try ValuePattern("manager$|director"))).holds(forValue: "Sales Manager"))
        #expect(!WorkerCondition(.field(.jobTitle), .pattern(try ValuePattern("^manager"))).holds(forValue: "Sales Manager"))
    }

    @Test func scopeTakesWhatEveryIncludeAndNoExcludeHolds() {
        let scope = Scope(
            include: [WorkerCondition(.employmentType, .oneOf(["full_time", "part_time"]))],
            exclude: [WorkerCondition(.field(.location), .oneOf(["NYC"]))])
        #expect(scope.admits(worker))
        var contractor = worker
        contractor.employmentType = .contractor
        #expect(!scope.admits(contractor))
        #expect(scope.exclusion(of: contractor)?.contains("employment_type is contractor") == true)
        var newYork = worker
        newYork.location = "nyc"
        #expect(scope.exclusion(of: newYork) == "scope.exclude: location in [NYC]")
        #expect(Scope().admits(contractor))
    }

    @Test func aConditionOnTheEmploymentTypeAnswersAsItsTextDoes() throws {
        // Such conditions answer a worker from a table of the types, made once; the text is the truth.
        var conditions = [
            WorkerCondition(.employmentType, .oneOf([" Full_Time ", "INTERN"])),
            WorkerCondition(.employmentType, .pattern(try ValuePattern("time$"))),
            WorkerCondition(.employmentType, .oneOf([])),
        ]
        var changed = WorkerCondition(.field(.jobTitle), .oneOf(["contractor"]))
        changed.attribute = .employmentType
        conditions.append(changed)
        var rematched = WorkerCondition(.employmentType, .oneOf(["full_time"]))
        rematched.matcher = .oneOf(["temporary", "contractor"])
        conditions.append(rematched)
        for condition in conditions {
            for type in EmploymentType.allCases {
                var someone = worker
                someone.employmentType = type
                #expect(condition.holds(for: someone) == condition.holds(forValue: type.rawValue), "\(condition) for \(type)")
            }
        }
        var contractor = worker
        contractor.employmentType = .contractor
        #expect(changed.holds(for: contractor))
        #expect(rematched.holds(for: contractor))
        #expect(!rematched.holds(for: worker))
    }

    @Test func mappingTablesReportWhatTheyDoNotList() {
        let departments = GroupMapping(id: "d", attribute: .field(.departmentName), table: ["información técnica": "IT Dept"])
        #expect(departments.outcome(for: worker) == .group("IT Dept"))
        var finance = worker
        finance.departmentName = "Finance"
        #expect(departments.outcome(for: finance) == .unmapped("Finance"))
        finance.departmentName = nil
        #expect(departments.outcome(for: finance) == GroupMapping.Outcome.none)
        let offices = GroupMapping(id: "o", attribute: .field(.location), table: [:], unmapped: .useValue, prefix: "Office ")
        #expect(offices.outcome(for: worker) == .group("Office LON"))
    }
}

import Foundation
import Journal
import Rules
import Workforce

extension WorkerProjection {
    /// The hire triggers on a user's first activation; on a rehire's, the rehire triggers and
    /// the hire triggers that say to assign again.
    mutating func fireHireTriggers(_ step: Step, rehire: Bool) {
        let isNewHire = isWithinNewHireWindow(step)
        // By index: a `for` loop copies each trigger (its condition and strings retained).
        let triggers = step.rules.triggers
        for index in triggers.indices {
            switch triggers[index].event {
            case .hire(let reassign):
                guard isNewHire else { continue }
                if !rehire { assign(triggers[index], step, replacing: false) } else if reassign { assign(triggers[index], step, replacing: true) }
            case .rehire:
                if rehire { assign(triggers[index], step, replacing: true) }
            case .change, .transfer, .conversion:
                break
            }
        }
    }

    /// True when the step is at most the rules' new-hire window after the hire date (local).
    func isWithinNewHireWindow(_ step: Step) -> Bool {
        guard let window = step.rules.newHireWindowDays, let hired = worker.hireDate else { return true }
        let zone = Zones.namedOrUTC(worker.timeZone)
        return LocalDate.at(step.moment, in: zone).daysSinceEpoch - hired.daysSinceEpoch <= window
    }

    /// The triggers `event` fires for a worker whose user is active after it. What changed is
    /// read from the event itself (its old and new values), so no copy of the worker is kept.
    mutating func fireTriggers(for event: WorkerEvent, step: Step) {
        guard let attribute = Self.changedAttribute(event), step.rules.triggersRead(attribute) else { return }
        guard user?.status == .active else { return }
        let triggers = step.rules.triggers
        for index in triggers.indices {
            switch triggers[index].event {
            case .change(let condition):
                guard let (old, new) = Self.change(of: condition.attribute, in: event), old != new else { continue }
                // The new value first: it rarely matches, and then the old one need not be asked about.
                if condition.holds(forValue: new), !condition.holds(forValue: old) { assign(triggers[index], step, replacing: false) }
            case .transfer(let locations):
                guard case .changed(.location, let old, let new) = event, let new, old != new else { continue }
                if locations.contains(where: { WorkerCondition.sameFolded($0, new) }) { assign(triggers[index], step, replacing: false) }
            case .conversion(let from, let to):
                guard case .converted(let old, let new) = event, to.contains(new) else { continue }
                if from == nil || from!.contains(old) { assign(triggers[index], step, replacing: false) }
            case .hire, .rehire:
                break
            }
        }
    }

    /// The attribute `event` changes, as change, transfer and conversion triggers see it.
    static func changedAttribute(_ event: WorkerEvent) -> WorkerAttribute? {
        switch event {
        case .changed(let field, _, _): .field(field)
        case .attributeChanged(let name, _, _): .custom(name)
        case .converted: .employmentType
        case .terminated: .field(.status)
        case .hired, .rehired, .emailChanged, .nameChanged, .absent, .returned, .emailConflict: nil
        }
    }

    /// The old and new values `event` gives `attribute`; nil when it does not change it.
    static func change(of attribute: WorkerAttribute, in event: WorkerEvent) -> (old: String?, new: String?)? {
        switch (event, attribute) {
        case (.changed(let field, let old, let new), .field(let wanted)) where field == wanted: (old, new)
        case (.attributeChanged(let name, let old, let new), .custom(let wanted)) where name == wanted: (old, new)
        case (.converted(let from, let to), .employmentType): (from.rawValue, to.rawValue)
        case (.terminated(_, let previous), .field(.status)): (previous.rawValue, WorkerStatus.terminated.rawValue)
        default: nil
        }
    }

    /// Assigns `trigger`'s course, due `dueDays` after the step's local date in the worker's zone.
    mutating func assign(_ trigger: AssignmentTrigger, _ step: Step, replacing: Bool) {
        // Moved out and back, without `defer`: put back from a `defer`, the user was copied
        // (every string and map retained) and the moved-out one destroyed.
        guard var current = user.take() else { return }
        if replacing || current.assignments[trigger.course] == nil {
            let due = trigger.dueDays.map { LocalDate.at(step.moment, in: Zones.namedOrUTC(worker.timeZone)).adding(days: $0) }
            current.assignments[trigger.course] = Assignment(course: trigger.course, due: due, provenance: step.provenance(trigger.id))
        }
        user = consume current
    }
}

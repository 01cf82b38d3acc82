import Foundation
import Journal
import Rules
import Workforce

extension WorkerProjection {
    /// The hire triggers on a user's first activation; on a rehire's, the rehire triggers and
    /// the hire triggers that say to assign again.
    mutating func fireHireTriggers(_ step: Step, rehire: Bool) {
        let isNewHire = isWithinNewHireWindow(step)
        for trigger in step.rules.triggers {
            switch trigger.event {
            case .hire(let reassign):
                guard isNewHire else { continue }
                if !rehire { assign(trigger, step, replacing: false) } else if reassign { assign(trigger, step, replacing: true) }
            case .rehire:
                if rehire { assign(trigger, step, replacing: true) }
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

    /// The triggers `event` fires for a worker whose user is active after it.
    mutating func fireTriggers(for event: WorkerEvent, before: Worker, step: Step) {
        guard user?.status == .active else { return }
        for trigger in step.rules.triggers {
            switch trigger.event {
            case .change(let condition):
                let old = condition.attribute.value(in: before)
                let new = condition.attribute.value(in: worker)
                if old != new, !condition.holds(forValue: old), condition.holds(forValue: new), Self.touches(event, condition.attribute) {
                    assign(trigger, step, replacing: false)
                }
            case .transfer(let locations):
                guard case .changed(.location, _, let new) = event, let new, before.location != new else { continue }
                if locations.contains(where: { WorkerCondition.fold($0) == WorkerCondition.fold(new) }) {
                    assign(trigger, step, replacing: false)
                }
            case .conversion(let from, let to):
                guard case .converted(let old, let new) = event, to.contains(new) else { continue }
                if from == nil || from!.contains(old) { assign(trigger, step, replacing: false) }
            case .hire, .rehire:
                break
            }
        }
    }

    /// True when `event` is the kind of event that changes `attribute`.
    static func touches(_ event: WorkerEvent, _ attribute: WorkerAttribute) -> Bool {
        switch (event, attribute) {
        case (.changed(let field, _, _), .field(let wanted)): field == wanted
        case (.attributeChanged(let name, _, _), .custom(let wanted)): name == wanted
        case (.converted, .employmentType): true
        case (.terminated, .field(.status)), (.terminated, .field(.terminationDate)): true
        default: false
        }
    }

    /// Assigns `trigger`'s course, due `dueDays` after the step's local date in the worker's zone.
    mutating func assign(_ trigger: AssignmentTrigger, _ step: Step, replacing: Bool) {
        guard user != nil else { return }
        if user!.assignments[trigger.course] != nil, !replacing { return }
        let zone = Zones.namedOrUTC(worker.timeZone)
        let due = trigger.dueDays.map { LocalDate.at(step.moment, in: zone).adding(days: $0) }
        user!.assignments[trigger.course] = Assignment(course: trigger.course, due: due, provenance: step.provenance(trigger.id))
    }
}

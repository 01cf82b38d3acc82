import Ingestion

extension BambooHRWebhook {
    /// The employees an event-based or field-based body names, or why it cannot be read.
    static func payload(_ body: [UInt8]) -> Result<(WebhookDelivery.Shape, [ChangedEmployee]), WebhookRefusal> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            return .failure(
                WebhookRefusal(
                    .malformedBody, "the body is not JSON (\(error)); send JSON, or a form post with its Content-Type"))
        }
        if let type = document["type"]?.text {
            return eventBased(document, type: type)
        }
        if let employees = document["employees"]?.items {
            return fieldBased(employees)
        }
        return .failure(
            WebhookRefusal(
                .malformedBody, "the body is neither an event (`type`, `data`) nor a field-based delivery (`employees`)"
            ))
    }

    /// `employee.created`, `employee.updated` and `employee.deleted` name one employee in
    /// `data.employeeId`; other event types name none and are acknowledged with nothing to do.
    static func eventBased(
        _ document: JSONValue, type: String
    ) -> Result<(WebhookDelivery.Shape, [ChangedEmployee]), WebhookRefusal> {
        let actions: [String: ChangedEmployee.Action] = [
            "employee.created": .inserted, "employee.updated": .updated, "employee.deleted": .deleted,
        ]
        guard let action = actions[type] else { return .success((.eventBased(type: type), [])) }
        guard let id = document["data"]?["employeeId"]?.text, !id.isEmpty else {
            return .failure(WebhookRefusal(.malformedBody, "the \(type) event has no data.employeeId"))
        }
        return .success(
            (
                .eventBased(type: type),
                [ChangedEmployee(id: id, action: action, lastChanged: document["timestamp"]?.text)]
            ))
    }

    /// Each employee's `id` and `action`; the records stay in the body for the ingest.
    static func fieldBased(
        _ employees: [JSONValue]
    ) -> Result<(WebhookDelivery.Shape, [ChangedEmployee]), WebhookRefusal> {
        var changes: [ChangedEmployee] = []
        for (index, employee) in employees.enumerated() {
            guard let id = employee["id"]?.text, !id.isEmpty else {
                return .failure(WebhookRefusal(.malformedBody, "employee \(index + 1) of the delivery has no id"))
            }
            changes.append(
                ChangedEmployee(
                    id: id, action: ChangedEmployee.Action(bambooHR: employee["action"]?.text ?? ""),
                    lastChanged: employee["timestamp"]?.text))
        }
        return .success((.fieldBased, changes))
    }
}

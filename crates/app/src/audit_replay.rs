//! The governance records replayed against the audit log: every approval, decision, change
//! record, checklist item state and risk override must be what an audit event says it is.
//! A row changed with plain SQL (no use case, so no event) is reported naming its table and
//! row. Rows the demo loaded are checked against the demo rebuilt from its `demo.load`
//! event (the demo is generated from that moment alone).

use serde_json::Value;
use std::collections::HashMap;
use switchyard_core::{demo, AuditEvent, Document, Id, Timestamp};

/// Two times the same record took: equal, or within a second (the demo of a workspace from
/// before `load_demo` used one moment for its records and its event).
fn same_time(a: &Timestamp, b: &Timestamp) -> bool {
    (*a - *b).num_milliseconds().abs() <= 1000
}

fn ts_of(v: &Value) -> Option<Timestamp> {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

/// Events by action, in log order.
struct Log<'a> {
    by_action: HashMap<&'a str, Vec<&'a AuditEvent>>,
}

impl<'a> Log<'a> {
    fn new(events: &'a [AuditEvent]) -> Self {
        let mut by_action: HashMap<&str, Vec<&AuditEvent>> = HashMap::new();
        for e in events {
            by_action.entry(e.action.as_str()).or_default().push(e);
        }
        Log { by_action }
    }

    fn of(&self, action: &str) -> impl Iterator<Item = &'a AuditEvent> + '_ {
        self.by_action.get(action).into_iter().flatten().copied()
    }

    /// The last event of `action` whose `after[key]` is `id`.
    fn by_after_id(&self, action: &str, key: &str, id: Id) -> Option<&'a AuditEvent> {
        self.of(action)
            .filter(|e| e.after.as_ref().and_then(|a| a[key].as_i64()) == Some(id))
            .last()
    }

    fn about(&self, actions: &[&str], entity: &str, id: Id) -> Vec<&'a AuditEvent> {
        let id = id.to_string();
        let mut out: Vec<&AuditEvent> = actions
            .iter()
            .flat_map(|a| self.of(a))
            .filter(|e| e.entity == entity && e.entity_id.as_deref() == Some(id.as_str()))
            .collect();
        out.sort_by_key(|e| e.id);
        out
    }
}

/// Every governance row of `doc` that its audit log does not explain, as sentences naming
/// the table and the row.
pub fn unexplained(doc: &Document) -> Vec<String> {
    let log = Log::new(&doc.audit_events);
    let base = log
        .of("demo.load")
        .next()
        .map(|e| demo::generate(e.at))
        .unwrap_or_else(Document::empty);
    let mut out = Vec::new();
    release_approvals(doc, &base, &log, &mut out);
    decisions(doc, &base, &log, &mut out);
    change_records(doc, &base, &log, &mut out);
    checklist_items(doc, &base, &log, &mut out);
    risk_overrides(doc, &base, &log, &mut out);
    out
}

fn release_approvals(doc: &Document, base: &Document, log: &Log, out: &mut Vec<String>) {
    for a in &doc.release_approvals {
        let name = format!(
            "release_approvals row {} ({} by {} for release {})",
            a.id, a.role, a.approver, a.release_id
        );
        let ok = if let Some(e) = log.by_after_id("gonogo.approve", "approval_id", a.id) {
            let after = e.after.as_ref().unwrap_or(&Value::Null);
            e.entity_id.as_deref() == Some(a.release_id.to_string().as_str())
                && text(&after["role"]) == Some(a.role.as_str())
                && text(&after["approver"]) == Some(a.approver.as_str())
                && after["person_id"].as_i64() == a.recorded.person_id
                && text(&after["os_user"]) == a.recorded.os_user.as_deref()
                && text(&after["os_host"]) == a.recorded.os_host.as_deref()
                && same_time(&e.at, &a.approved_at)
        } else if let Some(b) = base.release_approvals.iter().find(|b| b.id == a.id) {
            b.release_id == a.release_id
                && b.role == a.role
                && b.approver == a.approver
                && b.recorded == a.recorded
                && same_time(&b.approved_at, &a.approved_at)
        } else {
            out.push(format!("{name} has no audit event"));
            continue;
        };
        if !ok {
            out.push(format!("{name} is not what the audit log recorded"));
        }
    }
}

/// A decision as JSON with its times read back, for comparing with tolerance.
fn decision_matches(row: &Value, recorded: &Value) -> bool {
    match (row, recorded) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| decision_matches(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| decision_matches(v, w))
        }
        (Value::String(_), Value::String(_)) => match (ts_of(row), ts_of(recorded)) {
            (Some(x), Some(y)) => same_time(&x, &y),
            _ => row == recorded,
        },
        _ => row == recorded,
    }
}

fn decisions(doc: &Document, base: &Document, log: &Log, out: &mut Vec<String>) {
    for d in &doc.decisions {
        let row = serde_json::to_value(d).unwrap_or(Value::Null);
        let recorded = match log.by_after_id("gonogo.decide", "id", d.id) {
            Some(e) => e.after.clone().unwrap_or(Value::Null),
            None => match base.decisions.iter().find(|b| b.id == d.id) {
                Some(b) => serde_json::to_value(b).unwrap_or(Value::Null),
                None => {
                    out.push(format!(
                        "decisions row {} (release {}) has no audit event",
                        d.id, d.release_id
                    ));
                    continue;
                }
            },
        };
        if decision_matches(&row, &recorded) {
            continue;
        }
        let strip = |mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("approvals");
            }
            v
        };
        if !decision_matches(&strip(row.clone()), &strip(recorded.clone())) {
            out.push(format!(
                "decisions row {} (release {}) is not what the audit log recorded",
                d.id, d.release_id
            ));
        } else {
            out.push(format!(
                "approvals of decision {} (release {}) are not what the audit log recorded",
                d.id, d.release_id
            ));
        }
    }
}

fn change_records(doc: &Document, base: &Document, log: &Log, out: &mut Vec<String>) {
    for c in &doc.change_records {
        let name = format!("change_records row {} ({})", c.id, c.title);
        let created = log
            .about(&["change_record.create"], "change_record", c.id)
            .first()
            .and_then(|e| e.after.clone());
        let mut expected: switchyard_core::ChangeRecord = match created {
            Some(v) => match serde_json::from_value(v) {
                Ok(r) => r,
                Err(_) => {
                    out.push(format!("{name}: its audit event cannot be read"));
                    continue;
                }
            },
            None => match base.change_records.iter().find(|b| b.id == c.id) {
                Some(b) => b.clone(),
                None => {
                    out.push(format!("{name} has no audit event"));
                    continue;
                }
            },
        };
        for e in log.about(
            &["change_record.approve", "change_record.reject"],
            "change_record",
            c.id,
        ) {
            let after = e.after.as_ref().unwrap_or(&Value::Null);
            if let Ok(s) = serde_json::from_value(after["status"].clone()) {
                expected.status = s;
            }
            if e.action == "change_record.approve" {
                expected.approvals.push(switchyard_core::Approval {
                    role: text(&after["role"]).unwrap_or_default().to_owned(),
                    approver: text(&after["approver"]).unwrap_or_default().to_owned(),
                    approved_at: e.at,
                    recorded: Default::default(),
                });
            }
        }
        let same_approvals = c.approvals.len() == expected.approvals.len()
            && c.approvals
                .iter()
                .zip(&expected.approvals)
                .all(|(a, b)| a.role == b.role && a.approver == b.approver);
        if !same_approvals {
            out.push(format!(
                "change_record_approvals of change record {} are not what the audit log recorded",
                c.id
            ));
        }
        let same = c.release_id == expected.release_id
            && c.title == expected.title
            && c.kind == expected.kind
            && c.status == expected.status
            && c.window_start == expected.window_start
            && c.window_end == expected.window_end
            && c.risk_class == expected.risk_class
            && c.rollback_plan == expected.rollback_plan
            && c.evidence == expected.evidence
            && c.created_by == expected.created_by;
        if !same {
            out.push(format!("{name} is not what the audit log recorded"));
        }
    }
}

fn checklist_items(doc: &Document, base: &Document, log: &Log, out: &mut Vec<String>) {
    let base_items: HashMap<Id, &switchyard_core::ChecklistItem> = base
        .checklists
        .iter()
        .flat_map(|c| c.items.iter().map(|i| (i.id, i)))
        .collect();
    for cl in &doc.checklists {
        for item in &cl.items {
            // (state, evidence_url, note, owner) as far as the log or the demo tells them.
            let mut state = Value::String("pending".into());
            let mut evidence: Option<Value> = None;
            let mut note: Option<Value> = None;
            let mut owner: Option<Value> = None;
            if let Some(b) = base_items.get(&item.id) {
                state = serde_json::to_value(b.state).unwrap_or(Value::Null);
                evidence = Some(serde_json::to_value(&b.evidence_url).unwrap_or(Value::Null));
                note = Some(Value::String(b.note.clone()));
                owner = Some(serde_json::to_value(&b.owner).unwrap_or(Value::Null));
            }
            for e in log.about(
                &["checklist.evaluate", "checklist.set"],
                "checklist_item",
                item.id,
            ) {
                let after = e.after.as_ref().unwrap_or(&Value::Null);
                state = after["state"].clone();
                for (key, slot) in [
                    ("evidence_url", &mut evidence),
                    ("note", &mut note),
                    ("owner", &mut owner),
                ] {
                    if !after[key].is_null() {
                        *slot = Some(after[key].clone());
                    }
                }
            }
            let row_state = serde_json::to_value(item.state).unwrap_or(Value::Null);
            let mut wrong = Vec::new();
            if row_state != state {
                wrong.push("state");
            }
            if evidence.is_some_and(|v| {
                v != serde_json::to_value(&item.evidence_url).unwrap_or(Value::Null)
            }) {
                wrong.push("evidence_url");
            }
            if note.is_some_and(|v| v != Value::String(item.note.clone())) {
                wrong.push("note");
            }
            if owner.is_some_and(|v| v != serde_json::to_value(&item.owner).unwrap_or(Value::Null))
            {
                wrong.push("owner");
            }
            if !wrong.is_empty() {
                out.push(format!(
                    "checklist_items row {} ({}): its {} is not what the audit log recorded",
                    item.id,
                    item.title,
                    wrong.join(", ")
                ));
            }
        }
    }
}

fn risk_overrides(doc: &Document, base: &Document, log: &Log, out: &mut Vec<String>) {
    for a in &doc.risk_assessments {
        let name = format!("risk_assessments row {} (release {})", a.id, a.release_id);
        let overridden = log.by_after_id("risk.override", "assessment_id", a.id);
        let assessed = log.by_after_id("risk.assess", "assessment_id", a.id);
        let ok = if let Some(e) = overridden {
            let after = e.after.as_ref().unwrap_or(&Value::Null);
            text(&after["computed_class"]) == Some(a.class.as_str())
                && text(&after["override_class"]) == a.override_class.map(|c| c.as_str())
                && text(&after["reason"]) == a.override_reason.as_deref()
        } else if let Some(e) = assessed {
            let after = e.after.as_ref().unwrap_or(&Value::Null);
            a.override_class.is_none()
                && text(&after["class"]) == Some(a.class.as_str())
                && after["score"].as_f64() == Some(a.score)
        } else if let Some(b) = base.risk_assessments.iter().find(|b| b.id == a.id) {
            b.class == a.class
                && b.override_class == a.override_class
                && b.override_reason == a.override_reason
        } else if a.override_class.is_some() {
            out.push(format!("{name}: its risk override has no audit event"));
            continue;
        } else {
            // An assessment without an override and without an event: written before
            // assessments had events, nothing to compare.
            continue;
        };
        if !ok {
            out.push(format!("{name} is not what the audit log recorded"));
        }
    }
}

//! Readiness: checklist templates chosen by risk class and release type, rules evaluated
//! against synced data, and the share of applicable items done.

use crate::model::{Checklist, ChecklistItem, Id, Timestamp};
use crate::risk::RiskClass;
use crate::vocab::{ItemKind, ItemState, ReleaseType};

/// One item of a template: a title and, for a rule item, the rule's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateItem {
    pub title: &'static str,
    pub rule: Option<&'static str>,
}

const fn manual(title: &'static str) -> TemplateItem {
    TemplateItem { title, rule: None }
}

const fn rule(title: &'static str, rule: &'static str) -> TemplateItem {
    TemplateItem {
        title,
        rule: Some(rule),
    }
}

pub const RULES: [&str; 4] = [
    "all_issues_done",
    "ci_green",
    "no_open_blocker",
    "change_record_approved",
];

/// The template for a release: its name (`<class>-<type>`, or `hotfix`/`emergency` for the
/// expedited path) and items.
pub fn template(class: RiskClass, release_type: ReleaseType) -> (String, Vec<TemplateItem>) {
    match release_type {
        // The expedited path: a reduced checklist.
        ReleaseType::Hotfix => (
            ReleaseType::Hotfix.to_string(),
            vec![
                rule("CI green on the release commit", "ci_green"),
                rule("No open blocker", "no_open_blocker"),
                manual("Rollback plan reviewed"),
                rule("Change record approved", "change_record_approved"),
            ],
        ),
        ReleaseType::Emergency => (
            ReleaseType::Emergency.to_string(),
            vec![
                rule("CI green on the release commit", "ci_green"),
                manual("Rollback plan reviewed"),
                rule("Change record approved", "change_record_approved"),
            ],
        ),
        other @ (ReleaseType::Regular | ReleaseType::Major) => {
            let mut items = vec![
                manual("Release notes drafted"),
                rule("All issues in the release done", "all_issues_done"),
                rule("CI green on the release commit", "ci_green"),
                rule("No open blocker", "no_open_blocker"),
                manual("Rollback plan reviewed"),
            ];
            if other == ReleaseType::Major {
                items.push(manual("Customer communication drafted"));
            }
            if class >= RiskClass::High {
                items.push(manual("SRE sign-off"));
                items.push(rule("Change record approved", "change_record_approved"));
            }
            if class == RiskClass::Critical {
                items.push(manual("Change board review held"));
            }
            (format!("{}-{other}", class.as_str()), items)
        }
    }
}

/// What rule items are evaluated against.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleFacts {
    pub issues_total: usize,
    /// Titles of the release's issues not done.
    pub issues_open: Vec<String>,
    /// CI on the release commit: `None` when there is no run to look at.
    pub ci_green: Option<bool>,
    pub ci_detail: String,
    /// Open blockers: releases it depends on that have not shipped, blocker work items.
    pub open_blockers: Vec<String>,
    pub change_record_approved: Option<bool>,
}

/// Whether a work item blocks its release while it is open: priority Blocker or Highest, or
/// a `blocker` label (any case).
pub fn is_blocker(priority: Option<&str>, labels: &[String]) -> bool {
    matches!(priority, Some("Blocker" | "Highest"))
        || labels.iter().any(|l| l.eq_ignore_ascii_case("blocker"))
}

/// CI on a release from the verdict of each of its services (`(what, green)`): green only
/// when every one is, with the words the checklist shows; `None` with nothing to look at.
pub fn ci_verdict(results: &[(String, bool)]) -> Option<(bool, String)> {
    if results.is_empty() {
        return None;
    }
    let red: Vec<&str> = results
        .iter()
        .filter(|(_, green)| !green)
        .map(|(n, _)| n.as_str())
        .collect();
    Some(if red.is_empty() {
        let all: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
        (true, format!("CI green on {}", all.join(", ")))
    } else {
        (false, format!("CI failed on {}", red.join(", ")))
    })
}

/// The state a rule gives (done, pending or blocked) and why; `None` for an unknown rule
/// (left as it is).
pub fn evaluate(rule: &str, f: &RuleFacts) -> Option<(ItemState, String)> {
    use ItemState::{Blocked, Done, Pending};
    Some(match rule {
        "all_issues_done" => {
            if f.issues_open.is_empty() {
                (Done, format!("all {} issue(s) done", f.issues_total))
            } else {
                (
                    Pending,
                    format!(
                        "{} of {} issue(s) not done",
                        f.issues_open.len(),
                        f.issues_total
                    ),
                )
            }
        }
        "ci_green" => match f.ci_green {
            Some(true) => (Done, f.ci_detail.clone()),
            Some(false) => (Blocked, f.ci_detail.clone()),
            None => (Pending, "no CI run for the release commit yet".into()),
        },
        "no_open_blocker" => {
            if f.open_blockers.is_empty() {
                (Done, "no open blocker".into())
            } else {
                (Blocked, format!("open: {}", f.open_blockers.join(", ")))
            }
        }
        "change_record_approved" => match f.change_record_approved {
            Some(true) => (Done, "change record approved".into()),
            Some(false) => (Pending, "change record not approved yet".into()),
            None => (Pending, "no change record".into()),
        },
        _ => return None,
    })
}

/// Share (0..100) of the applicable items (not `not_applicable`) that are done; 100 when
/// nothing applies.
pub fn percent_ready(items: &[ChecklistItem]) -> f64 {
    let applicable = items
        .iter()
        .filter(|i| i.state != ItemState::NotApplicable)
        .count();
    if applicable == 0 {
        return 100.0;
    }
    let done = items.iter().filter(|i| i.state == ItemState::Done).count();
    (done as f64 * 1000.0 / applicable as f64).round() / 10.0
}

/// A release's checklist as it stands now, the one every reader shows (the window, the CLI,
/// the reports and the evidence pack), so they cannot disagree:
/// - without a stored checklist, the template's items for the class in force, pending;
/// - with one, what people set on it, plus the items of a larger template when the class
///   rose since it was made (appended, pending; nothing is removed when it falls);
/// - unless the release has shipped or was cancelled, every rule item's state derived from
///   `facts` with the facts as its note, stamped `now` where it changed (an item marked not
///   applicable stays so). A shipped release's checklist is the record of its go/no-go and
///   is returned as stored.
///
/// Items not stored yet have id 0.
pub fn checklist_now(
    stored: Option<&Checklist>,
    release_id: Id,
    class: RiskClass,
    release_type: ReleaseType,
    closed: bool,
    facts: &RuleFacts,
    now: Timestamp,
) -> Option<Checklist> {
    if closed {
        return stored.cloned();
    }
    let (name, wanted) = template(class, release_type);
    let mut list = stored.cloned().unwrap_or_else(|| Checklist {
        id: 0,
        release_id,
        template: name.clone(),
        created_at: now,
        items: vec![],
    });
    let mut position = list.items.iter().map(|i| i.position).max().unwrap_or(0);
    let mut grew = false;
    for w in &wanted {
        if list.items.iter().any(|i| i.title == w.title) {
            continue;
        }
        position += 1;
        grew = true;
        list.items.push(ChecklistItem {
            id: 0,
            position,
            title: w.title.into(),
            kind: if w.rule.is_some() {
                ItemKind::Rule
            } else {
                ItemKind::Manual
            },
            rule: w.rule.map(String::from),
            owner: None,
            state: ItemState::Pending,
            evidence_url: None,
            note: String::new(),
            updated_at: now,
        });
    }
    if grew {
        list.template = name;
    }
    for item in &mut list.items {
        let (Some(rule), true) = (&item.rule, item.state != ItemState::NotApplicable) else {
            continue;
        };
        if let Some((state, why)) = evaluate(rule, facts) {
            if item.state != state || item.note != why {
                item.state = state;
                item.note = why;
                item.updated_at = now;
            }
        }
    }
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemState::{Blocked, Done, NotApplicable, Pending};
    use ReleaseType::{Emergency, Hotfix, Major, Regular};

    #[test]
    fn blockers_and_ci_by_one_rule() {
        assert!(is_blocker(Some("Blocker"), &[]));
        assert!(is_blocker(Some("Highest"), &[]));
        assert!(is_blocker(Some("Low"), &["BLOCKER".into()]));
        assert!(!is_blocker(Some("High"), &["frontend".into()]));
        assert!(!is_blocker(None, &[]));
        assert_eq!(ci_verdict(&[]), None);
        let green = [
            ("web@abc1234".to_string(), true),
            ("api #12".to_string(), true),
        ];
        assert_eq!(
            ci_verdict(&green),
            Some((true, "CI green on web@abc1234, api #12".into()))
        );
        let red = [
            ("web@abc1234".to_string(), true),
            ("api #12".to_string(), false),
        ];
        assert_eq!(
            ci_verdict(&red),
            Some((false, "CI failed on api #12".into()))
        );
    }
    use chrono::{TimeZone, Utc};

    fn item(state: ItemState) -> ChecklistItem {
        ChecklistItem {
            id: 1,
            position: 1,
            title: "x".into(),
            kind: ItemKind::Manual,
            rule: None,
            owner: None,
            state,
            evidence_url: None,
            note: String::new(),
            updated_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn percent_ready_ignores_items_that_do_not_apply() {
        assert_eq!(percent_ready(&[]), 100.0);
        let v = [item(Done), item(Pending), item(NotApplicable)];
        assert_eq!(percent_ready(&v), 50.0);
        let v = [item(Done), item(Pending), item(Blocked)];
        assert_eq!(percent_ready(&v), 33.3);
    }

    #[test]
    fn templates_grow_with_the_class_and_shrink_for_the_expedited_path() {
        let (name, low) = template(RiskClass::Low, Regular);
        assert_eq!(name, "low-regular");
        let (_, high) = template(RiskClass::High, Regular);
        let (_, crit) = template(RiskClass::Critical, Major);
        assert!(low.len() < high.len() && high.len() < crit.len());
        let (name, hotfix) = template(RiskClass::Critical, Hotfix);
        assert_eq!(name, "hotfix");
        assert!(hotfix.len() < low.len());
        for (_, items) in [
            template(RiskClass::Critical, Major),
            template(RiskClass::Low, Emergency),
        ] {
            for i in items {
                assert!(i.rule.is_none_or(|r| RULES.contains(&r)));
            }
        }
    }

    #[test]
    fn rules_read_the_facts() {
        let mut f = RuleFacts {
            issues_total: 2,
            issues_open: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(evaluate("all_issues_done", &f).unwrap().0, Pending);
        f.issues_open.clear();
        assert_eq!(evaluate("all_issues_done", &f).unwrap().0, Done);
        assert_eq!(evaluate("ci_green", &f).unwrap().0, Pending);
        f.ci_green = Some(false);
        assert_eq!(evaluate("ci_green", &f).unwrap().0, Blocked);
        assert_eq!(evaluate("no_open_blocker", &f).unwrap().0, Done);
        assert_eq!(evaluate("change_record_approved", &f).unwrap().0, Pending);
        assert!(evaluate("astrology", &f).is_none());
    }

    #[test]
    fn the_checklist_now_derives_rules_keeps_what_people_set_and_grows_with_the_class() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 0, 0).unwrap();
        let (name, low) = template(RiskClass::Low, Regular);
        let items: Vec<ChecklistItem> = low
            .iter()
            .enumerate()
            .map(|(n, t)| ChecklistItem {
                id: n as Id + 1,
                position: n as i64 + 1,
                title: t.title.into(),
                kind: if t.rule.is_some() {
                    ItemKind::Rule
                } else {
                    ItemKind::Manual
                },
                rule: t.rule.map(String::from),
                // Stored: every item done, the rules included.
                ..item(Done)
            })
            .collect();
        let stored = Checklist {
            id: 7,
            release_id: 3,
            template: name,
            created_at: now,
            items,
        };
        let facts = RuleFacts {
            issues_total: 5,
            issues_open: vec!["#3".into(), "#4".into(), "#5".into()],
            ci_green: Some(true),
            ..Default::default()
        };
        // Open issues contradict the stored "done": the rule says pending, with its facts.
        let open = checklist_now(
            Some(&stored),
            3,
            RiskClass::Low,
            Regular,
            false,
            &facts,
            now,
        )
        .unwrap();
        let issues = open
            .items
            .iter()
            .find(|i| i.rule.as_deref() == Some("all_issues_done"))
            .unwrap();
        assert_eq!(
            (issues.state, issues.note.as_str()),
            (Pending, "3 of 5 issue(s) not done")
        );
        assert_eq!(issues.updated_at, now);
        assert_eq!(percent_ready(&open.items), 80.0);
        // Manual items stay as people set them.
        assert!(open
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Manual)
            .all(|i| i.state == Done));
        // A shipped release keeps its record.
        let shipped =
            checklist_now(Some(&stored), 3, RiskClass::Low, Regular, true, &facts, now).unwrap();
        assert_eq!(shipped, stored);
        // A class that rose brings the larger template's items, pending, after the others.
        let crit = checklist_now(
            Some(&stored),
            3,
            RiskClass::Critical,
            Regular,
            false,
            &facts,
            now,
        )
        .unwrap();
        assert_eq!(crit.template, "critical-regular");
        assert_eq!(
            &crit.items[..low.len()]
                .iter()
                .map(|i| &i.title)
                .collect::<Vec<_>>(),
            &open.items.iter().map(|i| &i.title).collect::<Vec<_>>()
        );
        assert!(crit.items[low.len()..]
            .iter()
            .all(|i| i.id == 0 && i.state != Done));
        // No checklist yet: the template, as it would be created.
        let fresh = checklist_now(None, 3, RiskClass::Low, Regular, false, &facts, now).unwrap();
        assert_eq!(fresh.items.len(), low.len());
        assert!(checklist_now(None, 3, RiskClass::Low, Regular, true, &facts, now).is_none());
    }
}

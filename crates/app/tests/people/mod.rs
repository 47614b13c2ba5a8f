//! The roster and the people behind approvals: unknown people refused, roles held,
//! segregation of duties by linked identity, the empty roster's old behaviour, and the OS
//! user and host recorded with every approval and decision.

use super::clock;
use serde_json::Value;
use switchyard_app::core::DecisionOutcome;
use switchyard_app::people::{os_identity, ListEdit, PersonEdit, PersonForm};
use switchyard_app::{ErrorCode, Workspace};

fn demo() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open_first_start(&dir.path().join("ws.sqlite3"), &clock()).unwrap();
    (dir, ws)
}

fn doc(ws: &Workspace) -> Value {
    serde_json::to_value(ws.export().unwrap()).unwrap()
}

/// A release not shipped yet that carries a pull request by `login`: (release name,
/// the PR's `owner/repo#N`).
fn release_with_change_by(doc: &Value, login: &str) -> (String, String) {
    let releases = doc["releases"].as_array().unwrap();
    for w in doc["work_items"].as_array().unwrap() {
        if w["kind"] != "pull_request" || w["author"] != login {
            continue;
        }
        for rid in w["release_ids"].as_array().unwrap() {
            let r = releases.iter().find(|r| &r["id"] == rid).unwrap();
            if r["released"] == false && r["status"] != "cancelled" {
                let url = w["url"].as_str().unwrap();
                let parts: Vec<&str> = url.split('/').collect();
                let n = parts.len();
                let key = format!("{}/{}#{}", parts[n - 4], parts[n - 3], parts[n - 1]);
                return (r["name"].as_str().unwrap().to_string(), key);
            }
        }
    }
    panic!("no release in flight with a change by {login}");
}

fn approvals(ws: &Workspace) -> usize {
    ws.export().unwrap().release_approvals.len()
}

#[test]
fn the_demo_roster_matches_the_authors_of_its_pull_requests() {
    let (_dir, ws) = demo();
    let d = doc(&ws);
    let people = ws.people().unwrap();
    assert_eq!(people.len(), 8);
    let authors: std::collections::BTreeSet<&str> = d["work_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "pull_request")
        .filter_map(|w| w["author"].as_str())
        .collect();
    let coders: Vec<&str> = people
        .iter()
        .filter(|p| p.github.iter().any(|g| authors.contains(g.as_str())))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        coders,
        ["Amara Okafor", "Chen Wei", "Grace Lin", "Kavya Rao"]
    );
    // People who author nothing hold every role the default policy asks for.
    for role in ["sre", "change_board", "release_manager", "qa"] {
        assert!(
            people.iter().any(|p| p.roles.iter().any(|r| r == role)
                && !p.github.iter().any(|g| authors.contains(g.as_str()))),
            "{role}"
        );
    }
}

#[test]
fn an_approver_must_be_in_the_roster_and_hold_the_role() {
    let (_dir, ws) = demo();
    let (release, _) = release_with_change_by(&doc(&ws), "chen.wei");
    let before = approvals(&ws);

    let e = ws
        .approve_release(&release, "sre", &clock(), "Zed Outsider")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownPerson);
    assert!(e.message.contains("\"Zed Outsider\""), "{}", e.message);
    assert!(e.message.contains("people list"), "{}", e.message);
    let e = ws
        .decide(
            &release,
            DecisionOutcome::NoGo,
            "",
            &clock(),
            "Zed Outsider",
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownPerson);

    let e = ws
        .approve_release(&release, "change_board", &clock(), "Omar Haddad")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("role"));
    assert!(e.message.contains("their roles: sre"), "{}", e.message);
    assert_eq!(approvals(&ws), before, "a refusal writes nothing");
}

#[test]
fn segregation_of_duties_compares_linked_identities_and_names_the_change() {
    let (_dir, ws) = demo();
    let (release, key) = release_with_change_by(&doc(&ws), "chen.wei");
    let before = approvals(&ws);
    // Typed in another case: the roster's name is found, and its GitHub login matched.
    let e = ws
        .approve_release(&release, "sre", &clock(), "chen wei")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SodViolation);
    assert!(
        e.message.contains("GitHub login chen.wei authored"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains(&release),
        "names the release: {}",
        e.message
    );
    // The change is named by repository and number; with several changes by the same
    // login, the first one is named.
    assert!(e.message.contains('#'), "{}", e.message);
    let _ = key;
    assert_eq!(approvals(&ws), before);

    // A login linked later counts too: Omar takes over chen.wei's login.
    ws.edit_person(
        "Chen Wei",
        &PersonEdit {
            github: ListEdit {
                remove: vec!["chen.wei".into()],
                ..Default::default()
            },
            ..Default::default()
        },
        &clock(),
        "admin",
    )
    .unwrap();
    ws.approve_release(&release, "sre", &clock(), "Chen Wei")
        .expect("without the login Chen Wei is no author");
    ws.edit_person(
        "Omar Haddad",
        &PersonEdit {
            github: ListEdit {
                add: vec!["Chen.Wei".into()],
                ..Default::default()
            },
            ..Default::default()
        },
        &clock(),
        "admin",
    )
    .unwrap();
    let e = ws
        .approve_release(&release, "sre", &clock(), "Omar Haddad")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SodViolation);
    assert!(
        e.message.starts_with("Omar Haddad may not approve"),
        "{}",
        e.message
    );
}

#[test]
fn approvals_and_decisions_record_the_person_the_os_user_and_the_host() {
    let (_dir, ws) = demo();
    let (release, _) = release_with_change_by(&doc(&ws), "chen.wei");
    let omar = ws.roster_person("omar haddad").unwrap().unwrap();
    let status = ws
        .approve_release(&release, "sre", &clock(), "omar haddad")
        .unwrap();
    let a = status.approvals.last().unwrap();
    assert_eq!(a.approver, "Omar Haddad", "the roster's spelling");
    assert_eq!(a.recorded.person_id, Some(omar.id));
    let (user, host) = os_identity();
    assert!(host.as_deref().is_some_and(|h| !h.is_empty()));
    assert_eq!(a.recorded.os_user, user);
    assert_eq!(a.recorded.os_host, host);

    let rita = ws.roster_person("Rita Alvarez").unwrap().unwrap();
    let d = ws
        .decide(
            &release,
            DecisionOutcome::NoGo,
            "not yet",
            &clock(),
            "Rita Alvarez",
        )
        .unwrap();
    assert_eq!(d.decided_by, "Rita Alvarez");
    assert_eq!(d.recorded.person_id, Some(rita.id));
    assert_eq!(
        (d.recorded.os_user.clone(), d.recorded.os_host.clone()),
        (user.clone(), host.clone())
    );
    assert_eq!(d.approvals[0].recorded.person_id, Some(omar.id));

    // As stored, and in the readiness report.
    let stored = ws.export().unwrap();
    let last = stored.decisions.last().unwrap();
    assert_eq!(last.recorded, d.recorded);
    assert_eq!(last.approvals[0].recorded.os_host, host);
    let json = serde_json::to_value(stored.release_approvals.last().unwrap()).unwrap();
    assert_eq!(json["person_id"], omar.id);
    assert_eq!(json["os_host"], host.unwrap());
}

#[test]
fn with_an_empty_roster_a_typed_name_is_compared_with_the_logins() {
    let (_dir, ws) = demo();
    let (release, _) = release_with_change_by(&doc(&ws), "chen.wei");
    for p in ws.people().unwrap() {
        ws.remove_person(&p.name, &clock(), "admin").unwrap();
    }
    assert!(ws.people().unwrap().is_empty());
    assert!(ws.roster_person("anyone").unwrap().is_none());
    let e = ws
        .approve_release(&release, "sre", &clock(), "chen.wei")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SodViolation);
    assert!(
        e.message.contains("chen.wei authored a change"),
        "{}",
        e.message
    );
    let s = ws
        .approve_release(&release, "sre", &clock(), "zed.outsider")
        .unwrap();
    let a = s.approvals.last().unwrap();
    assert_eq!(a.approver, "zed.outsider");
    assert_eq!(a.recorded.person_id, None);
    assert_eq!(a.recorded.os_host, os_identity().1);
}

#[test]
fn people_are_added_edited_and_removed_with_audit_events() {
    let (_dir, ws) = demo();
    let form = |name: &str, github: &[&str]| PersonForm {
        name: name.into(),
        roles: vec!["SRE".into(), "Change board".into(), "sre".into()],
        github: github.iter().map(|s| s.to_string()).collect(),
        jira: vec!["tess@acme.example".into()],
    };
    let p = ws
        .add_person(&form("Tess Ng", &["@tess-ng"]), &clock(), "admin")
        .unwrap();
    assert_eq!(p.roles, ["sre", "change_board"], "normalised, once each");
    assert_eq!(p.github, ["tess-ng"]);

    let refused = |f: PersonForm, field: &str| {
        let n = ws.export().unwrap().audit_events.len();
        let e = ws.add_person(&f, &clock(), "admin").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
        assert_eq!(e.field.as_deref(), Some(field), "{}", e.message);
        assert_eq!(ws.export().unwrap().audit_events.len(), n);
        e.message
    };
    assert!(refused(form("tess ng", &[]), "name").contains("already in the roster"));
    assert!(refused(form("", &[]), "name").contains("needs a name"));
    assert!(refused(form("Other", &["TESS-NG"]), "github").contains("belongs to Tess Ng"));
    assert!(refused(form("Other", &["has space"]), "github").contains("not a GitHub login"));
    let mut bad_role = form("Other", &[]);
    bad_role.roles = vec!["sre!".into()];
    refused(bad_role, "roles");

    let edited = ws
        .edit_person(
            "TESS NG",
            &PersonEdit {
                rename: Some("Tess Nguyen".into()),
                roles: ListEdit {
                    add: vec!["qa".into()],
                    remove: vec!["change-board".into()],
                    ..Default::default()
                },
                jira: ListEdit {
                    set: Some(vec!["712020:abc".into()]),
                    ..Default::default()
                },
                ..Default::default()
            },
            &clock(),
            "admin",
        )
        .unwrap();
    assert_eq!(edited.name, "Tess Nguyen");
    assert_eq!(edited.roles, ["sre", "qa"]);
    assert_eq!(edited.jira, ["712020:abc"]);
    assert_eq!(edited.id, p.id);
    let e = ws
        .edit_person(
            "Tess Nguyen",
            &PersonEdit {
                roles: ListEdit {
                    remove: vec!["security".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
            &clock(),
            "admin",
        )
        .unwrap_err();
    assert!(
        e.message.contains("has no role \"security\""),
        "{}",
        e.message
    );

    ws.remove_person("tess nguyen", &clock(), "admin").unwrap();
    assert_eq!(
        ws.remove_person("Tess Nguyen", &clock(), "admin")
            .unwrap_err()
            .code,
        ErrorCode::UnknownPerson
    );
    let events: Vec<(String, Option<String>)> = ws
        .export()
        .unwrap()
        .audit_events
        .iter()
        .filter(|e| e.entity == "person")
        .map(|e| (e.action.clone(), e.entity_id.clone()))
        .collect();
    let id = Some(p.id.to_string());
    assert_eq!(
        events,
        [
            ("person.add".to_string(), id.clone()),
            ("person.edit".to_string(), id.clone()),
            ("person.remove".to_string(), id)
        ]
    );
    assert_eq!(ws.people().unwrap().len(), 8);
}

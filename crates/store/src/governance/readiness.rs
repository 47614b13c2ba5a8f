//! Readiness: checklists, item history, the facts rule items are evaluated from.

use super::*;

/// The release's newest checklist.
pub fn checklist_of(conn: &Connection, release: Id) -> Result<Option<Checklist>> {
    let head: Option<(Id, String, Timestamp)> = conn
        .prepare_cached(
            "SELECT id, template, created_at FROM checklists WHERE release_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([release], |r| Ok((r.get(0)?, r.get(1)?, get_ts(r, 2)?)))
        .optional()?;
    let Some((id, template, created_at)) = head else {
        return Ok(None);
    };
    let items = rows::checklist_items(conn, Some(id))?
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    Ok(Some(Checklist {
        id,
        release_id: release,
        template,
        created_at,
        items,
    }))
}

/// Creates a checklist with `items` (title, rule, owner) all pending; returns its id.
pub fn create_checklist(
    conn: &Connection,
    release: Id,
    template: &str,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO checklists (release_id, template, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![release, template, ts(&at)])?;
    let cid = conn.last_insert_rowid();
    insert_items(conn, cid, 1, items, at, actor)?;
    Ok(cid)
}

/// Appends `items` to a checklist (after its last item) and names its new template: a
/// release whose risk class rose gets the larger template's items; nothing is removed.
pub fn grow_checklist(
    conn: &Connection,
    checklist: Id,
    template: &str,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let last: i64 = conn
        .prepare_cached(
            "SELECT coalesce(max(position), 0) FROM checklist_items WHERE checklist_id = ?1",
        )?
        .query_row([checklist], |r| r.get(0))?;
    conn.prepare_cached("UPDATE checklists SET template = ?2 WHERE id = ?1")?
        .execute(params![checklist, template])?;
    insert_items(conn, checklist, last + 1, items, at, actor)
}

pub(super) fn insert_items(
    conn: &Connection,
    checklist: Id,
    first_position: i64,
    items: &[(String, Option<String>, Option<String>)],
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    for (pos, (title, rule, owner)) in (first_position..).zip(items) {
        conn.prepare_cached(
            "INSERT INTO checklist_items (checklist_id, position, title, kind, rule, owner, state, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            checklist,
            pos,
            title,
            if rule.is_some() {
                ItemKind::Rule
            } else {
                ItemKind::Manual
            }
            .as_str(),
            rule,
            owner,
            ItemState::Pending.as_str(),
            ts(&at)
        ])?;
        insert_item_event(
            conn,
            conn.last_insert_rowid(),
            ItemState::Pending,
            None,
            "",
            at,
            actor,
        )?;
    }
    Ok(())
}

pub(super) fn insert_item_event(
    conn: &Connection,
    item: Id,
    state: ItemState,
    evidence_url: Option<&str>,
    note: &str,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO checklist_item_events (item_id, state, evidence_url, note, at, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        item,
        state.as_str(),
        evidence_url,
        note,
        ts(&at),
        actor
    ])?;
    Ok(())
}

/// Sets an item's state (and evidence, note, owner when given) and records the change in
/// the item's history.
#[allow(clippy::too_many_arguments)]
pub fn set_item(
    conn: &Connection,
    item: &ChecklistItem,
    state: ItemState,
    evidence_url: Option<&str>,
    note: Option<&str>,
    owner: Option<&str>,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    let evidence = evidence_url.or(item.evidence_url.as_deref());
    let note = note.unwrap_or(&item.note);
    let owner = owner.or(item.owner.as_deref());
    conn.prepare_cached(
        "UPDATE checklist_items SET state = ?2, evidence_url = ?3, note = ?4, owner = ?5, updated_at = ?6
          WHERE id = ?1",
    )?
    .execute(params![
        item.id,
        state.as_str(),
        evidence,
        note,
        owner,
        ts(&at)
    ])?;
    insert_item_event(conn, item.id, state, evidence, note, at, actor)
}

/// Item history, oldest first; all of it, or that of the items of one checklist.
pub fn item_events(conn: &Connection, checklist: Option<Id>) -> Result<Vec<ChecklistItemEvent>> {
    all(
        conn,
        "SELECT e.id, e.item_id, e.state, e.evidence_url, e.note, e.at, e.actor
           FROM checklist_item_events e JOIN checklist_items i ON i.id = e.item_id
          WHERE ?1 IS NULL OR i.checklist_id = ?1 ORDER BY e.id",
        [checklist],
        |r| {
            Ok(ChecklistItemEvent {
                id: r.get(0)?,
                item_id: r.get(1)?,
                state: get_word(r, 2)?,
                evidence_url: r.get(3)?,
                note: r.get(4)?,
                at: get_ts(r, 5)?,
                actor: r.get(6)?,
            })
        },
    )
}

/// The data readiness rules read.
pub fn rule_facts(conn: &Connection, release: &ReleaseBrief) -> Result<RuleFacts> {
    rule_facts_of(conn, release, &release_changes(conn, release.id)?)
}

/// [`rule_facts`] over the release's changes read already.
pub fn rule_facts_of(
    conn: &Connection,
    release: &ReleaseBrief,
    linked: &ReleaseChanges,
) -> Result<RuleFacts> {
    let changes = linked.of(release.id);
    let issues: Vec<&Change> = changes
        .iter()
        .filter(|c| c.kind != "pull_request")
        .collect();
    let mut facts = RuleFacts {
        issues_total: issues.len(),
        issues_open: issues
            .iter()
            .filter(|c| c.status_category != StatusCategory::Done)
            .map(|c| c.title.clone())
            .collect(),
        ..Default::default()
    };
    // CI on the release commit: the newest deployment of the release per service; without
    // deployments, the newest merged pull request per service.
    let mut results: Vec<(String, bool)> = Vec::new();
    for (sid, name) in release.service_ids.iter().zip(&release.services) {
        let sha: Option<String> = conn
            .prepare_cached(
                "SELECT sha FROM deployments WHERE release_id = ?1 AND service_id = ?2
                  ORDER BY coalesce(time, created_at) DESC, id DESC LIMIT 1",
            )?
            .query_row(params![release.id, sid], |r| r.get(0))
            .optional()?;
        let verdict = match &sha {
            Some(sha) => ci_on_sha(conn, sha)?.map(|g| (format!("{name}@{}", short(sha)), g)),
            None => {
                let newest = changes
                    .iter()
                    .filter(|c| c.kind == "pull_request" && c.service == Some(*sid))
                    .filter_map(|c| c.merged_at.map(|m| (m, c)))
                    .max_by_key(|(m, _)| *m);
                match newest {
                    Some((m, c)) => ci_after_merge(conn, *sid, m)?.map(|g| {
                        (
                            format!("{name} {}", c.key.clone().unwrap_or(format!("#{}", c.id))),
                            g,
                        )
                    }),
                    None => None,
                }
            }
        };
        if let Some(v) = verdict {
            results.push(v);
        }
    }
    if let Some((green, detail)) = switchyard_core::readiness::ci_verdict(&results) {
        facts.ci_green = Some(green);
        facts.ci_detail = detail;
    }
    let mut blockers: Vec<String> = all(
        conn,
        "SELECT b.name FROM dependencies d JOIN releases b ON b.id = d.blocker_id
          WHERE d.kind = ?2 AND d.blocked_id = ?1 AND b.released = 0
            AND b.status NOT IN (?3, ?4) ORDER BY b.id",
        params![
            release.id,
            DepKind::Release.as_str(),
            ReleaseStatus::Released.as_str(),
            ReleaseStatus::Cancelled.as_str()
        ],
        |r| Ok(format!("release {}", r.get::<_, String>(0)?)),
    )?;
    for c in changes {
        let open = c.status_category != StatusCategory::Done;
        if open && switchyard_core::readiness::is_blocker(c.priority.as_deref(), &c.labels) {
            blockers.push(format!("blocker {}", c.title));
        }
    }
    facts.open_blockers = blockers;
    facts.change_record_approved = conn
        .prepare_cached(
            "SELECT status FROM change_records WHERE release_id = ?1 AND status <> ?2
              ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![release.id, ChangeStatus::Rejected.as_str()], |r| {
            get_word::<ChangeStatus>(r, 0)
        })
        .optional()?
        .map(|s| match s {
            ChangeStatus::Approved | ChangeStatus::Closed => true,
            ChangeStatus::Draft | ChangeStatus::Submitted | ChangeStatus::Rejected => false,
        });
    Ok(facts)
}

/// The first seven characters (an imported sha may be anything, not only hex digits).
pub(super) fn short(sha: &str) -> &str {
    sha.char_indices().nth(7).map_or(sha, |(i, _)| &sha[..i])
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn a_short_sha_is_seven_characters_of_whatever_the_sha_is() {
        assert_eq!(short("0123456789abcdef"), "0123456");
        assert_eq!(short("abc"), "abc");
        // An imported document may carry anything; this once sliced inside a character.
        assert_eq!(short("ünïcödé-sha"), "ünïcödé");
        assert_eq!(short("😀😀😀😀😀😀😀😀"), "😀😀😀😀😀😀😀");
    }
}

//! Segregation of duties: who wrote and who deployed a release's changes.

use super::*;

/// Authors of the pull requests linked to the release, and the creators of its deployments.
pub fn authors_and_deployers(conn: &Connection, release: Id) -> Result<(Vec<String>, Vec<String>)> {
    let authors = all(
        conn,
        "SELECT DISTINCT w.author FROM work_items w
           JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 AND w.kind = 'pull_request' AND w.author IS NOT NULL
          ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    let deployers = all(
        conn,
        "SELECT DISTINCT creator FROM deployments WHERE release_id = ?1 AND creator IS NOT NULL ORDER BY 1",
        [release],
        |r| r.get(0),
    )?;
    Ok((authors, deployers))
}

/// Every duty in the release's changes, for segregation of duties by identity: the authors
/// of its pull requests (GitHub logins), the reporters and assignees of its Jira issues
/// (Jira identities, as the sync recorded them) and the creators of its deployments (GitHub
/// logins), each with the change it concerns.
pub fn release_duties(
    conn: &Connection,
    release: Id,
) -> Result<Vec<switchyard_core::people::Duty>> {
    use switchyard_core::people::{Duty, IdentityKind};
    let mut duties = all(
        conn,
        "SELECT w.kind, w.source, w.author, w.assignee, w.source_key, w.title, w.url, w.id
           FROM work_items w JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 AND (w.author IS NOT NULL OR w.assignee IS NOT NULL)
          ORDER BY w.id",
        [release],
        |r| {
            let key: Option<String> = r.get(4)?;
            let url: Option<String> = r.get(6)?;
            let id: Id = r.get(7)?;
            let change = key
                .or_else(|| url.as_deref().and_then(pull_request_key))
                .unwrap_or_else(|| format!("work item {id}"));
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                change,
                r.get::<_, String>(5)?,
            ))
        },
    )?
    .into_iter()
    .flat_map(|(kind, source, author, assignee, change, title)| {
        let mut out = Vec::new();
        if kind == "pull_request" {
            if let Some(a) = author {
                out.push(Duty {
                    duty: "author",
                    kind: IdentityKind::Github,
                    who: a,
                    change,
                    title,
                });
            }
        } else if source.as_deref() == Some("jira") {
            for who in [author, assignee].into_iter().flatten() {
                out.push(Duty {
                    duty: "author",
                    kind: IdentityKind::Jira,
                    who,
                    change: change.clone(),
                    title: title.clone(),
                });
            }
        }
        out
    })
    .collect::<Vec<_>>();
    duties.extend(all(
        conn,
        "SELECT creator, coalesce(source_key, 'deployment ' || id), environment FROM deployments
          WHERE release_id = ?1 AND creator IS NOT NULL ORDER BY id",
        [release],
        |r| {
            Ok(Duty {
                duty: "deployer",
                kind: IdentityKind::Github,
                who: r.get(0)?,
                change: r.get(1)?,
                title: format!("deployment to {}", r.get::<_, String>(2)?),
            })
        },
    )?);
    Ok(duties)
}

/// `owner/repo#N` from a pull request's web address (`https://host/owner/repo/pull/N`).
fn pull_request_key(url: &str) -> Option<String> {
    let path = url.split("://").nth(1)?;
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        [_, owner, repo, "pull", n] if n.chars().all(|c| c.is_ascii_digit()) => {
            Some(format!("{owner}/{repo}#{n}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pull_request_is_named_by_its_repository_and_number() {
        assert_eq!(
            super::pull_request_key("https://github.com/acme/web/pull/123").as_deref(),
            Some("acme/web#123")
        );
        assert_eq!(
            super::pull_request_key("https://github.com/acme/web/issues/1"),
            None
        );
        assert_eq!(super::pull_request_key("not a url"), None);
    }
}

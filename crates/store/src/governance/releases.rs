//! Releases as governance reads them: briefs, the policy in force.

use super::*;

/// What the governance use cases need to know about a release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseBrief {
    pub id: Id,
    pub name: String,
    pub version: Option<String>,
    pub release_type: ReleaseType,
    pub status: ReleaseStatus,
    pub release_date: Option<NaiveDate>,
    pub released: bool,
    pub services: Vec<String>,
    pub service_ids: Vec<Id>,
}

/// Releases in flight: not shipped, not cancelled, not archived; by id.
pub fn open_release_ids(conn: &Connection) -> Result<Vec<Id>> {
    all(
        conn,
        "SELECT id FROM releases
          WHERE NOT released AND status NOT IN (?1, ?2) AND NOT archived
          ORDER BY id",
        [
            ReleaseStatus::Released.as_str(),
            ReleaseStatus::Cancelled.as_str(),
        ],
        |r| r.get(0),
    )
}

pub fn release_brief(conn: &Connection, id: Id) -> Result<ReleaseBrief> {
    let services = all(
        conn,
        "SELECT s.id, s.name FROM release_services rs JOIN services s ON s.id = rs.service_id
          WHERE rs.release_id = ?1 ORDER BY s.id",
        [id],
        |r| Ok((r.get::<_, Id>(0)?, r.get::<_, String>(1)?)),
    )?;
    conn.prepare_cached(
        "SELECT id, name, version, release_type, status, release_date, released FROM releases WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(ReleaseBrief {
            id: r.get(0)?,
            name: r.get(1)?,
            version: r.get(2)?,
            release_type: get_word(r, 3)?,
            status: get_word(r, 4)?,
            release_date: get_date_opt(r, 5)?,
            released: r.get(6)?,
            service_ids: services.iter().map(|(i, _)| *i).collect(),
            services: services.iter().map(|(_, n)| n.clone()).collect(),
        })
    })
    .optional()?
    .ok_or_else(|| crate::StoreError::NotFound(format!("release {id}")))
}

/// The name of the train release `id` runs on; `None` off-train.
pub fn train_name_of(conn: &Connection, id: Id) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT t.name FROM releases r JOIN trains t ON t.id = r.train_id WHERE r.id = ?1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Creates a local release (the hotfix path); returns its id.
pub fn insert_release(
    conn: &Connection,
    name: &str,
    release_type: ReleaseType,
    day: NaiveDate,
    description: &str,
    service_ids: &[Id],
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO releases (name, release_type, status, start_date, planned_date, release_date, description)
         VALUES (?1, ?2, ?5, ?3, ?3, ?3, ?4)",
    )?
    .execute(params![
        name,
        release_type.as_str(),
        date(&day),
        description,
        ReleaseStatus::InProgress.as_str()
    ])?;
    let id = conn.last_insert_rowid();
    for s in service_ids {
        conn.prepare_cached(
            "INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, s])?;
    }
    Ok(id)
}

pub fn service_id(conn: &Connection, name: &str) -> Result<Option<Id>> {
    Ok(conn
        .prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

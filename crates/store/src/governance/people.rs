//! The roster (schema step 6): people, their roles and their identities.

use super::*;
use switchyard_core::people::IdentityKind;

/// Every person, by id, with roles and identities in the order they were given.
pub fn people(conn: &Connection) -> Result<Vec<Person>> {
    people_where(conn, None)
}

/// The person with id `id`.
pub fn person(conn: &Connection, id: Id) -> Result<Option<Person>> {
    Ok(people_where(conn, Some(id))?.into_iter().next())
}

fn people_where(conn: &Connection, id: Option<Id>) -> Result<Vec<Person>> {
    let mut roles = group(all(
        conn,
        "SELECT person_id, role FROM person_roles WHERE ?1 IS NULL OR person_id = ?1
          ORDER BY person_id, position, role",
        [id],
        |r| Ok((r.get(0)?, r.get::<_, String>(1)?)),
    )?);
    let mut ids = group(all(
        conn,
        "SELECT person_id, kind, value FROM person_identities
          WHERE ?1 IS NULL OR person_id = ?1 ORDER BY person_id, kind, position, value",
        [id],
        |r| Ok((r.get(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?))),
    )?);
    all(
        conn,
        "SELECT id, name, created_at, updated_at FROM people WHERE ?1 IS NULL OR id = ?1
          ORDER BY id",
        [id],
        |r| {
            let id: Id = r.get(0)?;
            let idents = ids.remove(&id).unwrap_or_default();
            let of = |kind: &str| {
                idents
                    .iter()
                    .filter(|(k, _)| k == kind)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            Ok(Person {
                id,
                name: r.get(1)?,
                roles: roles.remove(&id).unwrap_or_default(),
                github: of("github"),
                jira: of("jira"),
                created_at: get_ts(r, 2)?,
                updated_at: get_ts(r, 3)?,
            })
        },
    )
}

/// How many people the roster has.
pub fn people_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM people", [], |r| r.get(0))?)
}

/// The id and name of the person called `name` (ignoring ASCII case).
pub fn person_named(conn: &Connection, name: &str) -> Result<Option<(Id, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM people WHERE name = ?1")?
        .query_row([name.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The person (id, name) an identity belongs to, ignoring ASCII case.
pub fn identity_owner(
    conn: &Connection,
    kind: IdentityKind,
    value: &str,
) -> Result<Option<(Id, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.name FROM person_identities i JOIN people p ON p.id = i.person_id
              WHERE i.kind = ?1 AND i.value = ?2",
        )?
        .query_row(params![kind.as_str(), value.trim()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Inserts `p` under its id (`Some`, as an import does) or a fresh one; answers the id.
pub fn insert_person(conn: &Connection, id: Option<Id>, p: &Person) -> rusqlite::Result<Id> {
    conn.prepare_cached(
        "INSERT INTO people (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, p.name, ts(&p.created_at), ts(&p.updated_at)])?;
    let id = conn.last_insert_rowid();
    insert_parts(conn, id, p)?;
    Ok(id)
}

/// Replaces the name, roles and identities of person `p.id`.
pub fn update_person(conn: &Connection, p: &Person) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE people SET name = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![p.id, p.name, ts(&p.updated_at)])?;
    conn.prepare_cached("DELETE FROM person_roles WHERE person_id = ?1")?
        .execute([p.id])?;
    conn.prepare_cached("DELETE FROM person_identities WHERE person_id = ?1")?
        .execute([p.id])?;
    insert_parts(conn, p.id, p)
}

/// Removes a person with their roles and identities. Approvals and decisions keep the id.
pub fn delete_person(conn: &Connection, id: Id) -> Result<()> {
    conn.prepare_cached("DELETE FROM people WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

fn insert_parts(conn: &Connection, id: Id, p: &Person) -> rusqlite::Result<()> {
    for (i, role) in p.roles.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO person_roles (person_id, position, role) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, i as i64, role])?;
    }
    for (kind, values) in [("github", &p.github), ("jira", &p.jira)] {
        for (i, v) in values.iter().enumerate() {
            conn.prepare_cached(
                "INSERT INTO person_identities (person_id, kind, position, value)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, kind, i as i64, v])?;
        }
    }
    Ok(())
}

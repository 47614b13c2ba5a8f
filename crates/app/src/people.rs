//! The roster: list, add, edit and remove people (`switchyard people ...`, the People
//! screen), and who an approval or decision is recorded by. Every change is one transaction
//! with its audit event; a refusal writes nothing.

use crate::audit::audit;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use serde::{Deserialize, Serialize};
use serde_json::json;
use switchyard_core::people::{
    normal_github_login, normal_jira_identity, normal_role, IdentityKind, KNOWN_ROLES,
};
use switchyard_core::{Id, Person, RecordedBy};
use switchyard_store::governance::{self as gov, Conn};
use ts_rs::TS;

/// A person as the form (and `people add`) gives them: the lists are taken whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonForm {
    pub name: String,
    pub roles: Vec<String>,
    pub github: Vec<String>,
    pub jira: Vec<String>,
}

/// A change to one of a person's lists (`people edit`): `set` replaces the list, then
/// `add` appends and `remove` takes away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEdit {
    pub set: Option<Vec<String>>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// What `people edit` changes; what it leaves out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonEdit {
    pub rename: Option<String>,
    pub roles: ListEdit,
    pub github: ListEdit,
    pub jira: ListEdit,
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

/// The one line of an unknown roster name.
pub fn unknown_person(name: &str) -> AppError {
    AppError::new(
        ErrorCode::UnknownPerson,
        format!(
            "no person named {:?} in the workspace's roster; `switchyard people list` or the People screen lists them",
            name.trim()
        ),
    )
}

/// The operating-system user running this process (`$USER`, `$LOGNAME`, or `%USERNAME%` on
/// Windows) and the host's name, recorded with each approval and decision.
pub fn os_identity() -> (Option<String>, Option<String>) {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|u| u.trim().to_string())
        .find(|u| !u.is_empty());
    let host = gethostname::gethostname()
        .into_string()
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    (user, host)
}

/// Who records an approval or decision as `actor`: the roster person of that name, and the
/// OS user and host. With people in the roster, `actor` must name one (`unknown_person`);
/// in a workspace without people the name stands as typed (`person` is `None`).
pub(crate) fn recorder(c: &Conn, actor: &str) -> Result<(Option<Person>, RecordedBy)> {
    let person = roster_person(c, actor)?;
    let (os_user, os_host) = os_identity();
    let recorded = RecordedBy {
        person_id: person.as_ref().map(|p| p.id),
        os_user,
        os_host,
    };
    Ok((person, recorded))
}

/// The roster person `name` names (ignoring case): `None` when the roster is empty,
/// `unknown_person` when it has people and none is called so.
pub(crate) fn roster_person(c: &Conn, name: &str) -> Result<Option<Person>> {
    if gov::people_count(c)? == 0 {
        return Ok(None);
    }
    match gov::person_named(c, name)? {
        Some((id, _)) => Ok(gov::person(c, id)?),
        None => Err(unknown_person(name)),
    }
}

/// Normalises and checks a whole form: a name, known-shaped roles and identities (repeats
/// dropped), no identity that belongs to another person, no name taken by another.
fn checked(c: &Conn, id: Option<Id>, form: &PersonForm) -> Result<PersonForm> {
    let name = form.name.trim().to_string();
    if name.is_empty() {
        return Err(invalid("a person needs a name").about("name"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("a name is one line").about("name"));
    }
    if let Some((other, other_name)) = gov::person_named(c, &name)? {
        if Some(other) != id {
            return Err(invalid(format!("{other_name} is already in the roster")).about("name"));
        }
    }
    fn list(
        values: &[String],
        norm: impl Fn(&str) -> std::result::Result<String, String>,
        field: &str,
    ) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for v in values.iter().filter(|v| !v.trim().is_empty()) {
            let n = norm(v).map_err(|e| invalid(e).about(field))?;
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
                out.push(n);
            }
        }
        Ok(out)
    }
    let roles = list(&form.roles, normal_role, "roles")?;
    let github = list(&form.github, normal_github_login, "github")?;
    let jira = list(&form.jira, normal_jira_identity, "jira")?;
    for (kind, values, field) in [
        (IdentityKind::Github, &github, "github"),
        (IdentityKind::Jira, &jira, "jira"),
    ] {
        for v in values {
            if let Some((owner, owner_name)) = gov::identity_owner(c, kind, v)? {
                if Some(owner) != id {
                    return Err(invalid(format!(
                        "{} {v} belongs to {owner_name} already",
                        kind.label()
                    ))
                    .about(field));
                }
            }
        }
    }
    Ok(PersonForm {
        name,
        roles,
        github,
        jira,
    })
}

fn person_by_name(c: &Conn, name: &str) -> Result<Person> {
    match gov::person_named(c, name)? {
        Some((id, _)) => gov::person(c, id)?.ok_or_else(|| unknown_person(name)),
        None => Err(unknown_person(name)),
    }
}

fn apply(list: &[String], edit: &ListEdit, what: &str, who: &str) -> Result<Vec<String>> {
    let mut out = edit.set.clone().unwrap_or_else(|| list.to_vec());
    out.extend(edit.add.iter().cloned());
    for r in &edit.remove {
        let before = out.len();
        let key = r
            .trim()
            .trim_start_matches('@')
            .to_lowercase()
            .replace(['-', ' '], "_");
        out.retain(|v| v.trim().to_lowercase().replace(['-', ' '], "_") != key);
        if out.len() == before {
            return Err(invalid(format!("{who} has no {what} {:?}", r.trim())));
        }
    }
    Ok(out)
}

impl Workspace {
    /// The roster, by name.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mut people = gov::people(self.store().conn())?;
        people.sort_by_key(|p| p.name.to_lowercase());
        Ok(people)
    }

    /// The roster person `name` names for `--as NAME`: `Ok(None)` when the workspace has no
    /// people (the name then stands as typed), `unknown_person` when it has and none is
    /// called so.
    pub fn roster_person(&self, name: &str) -> Result<Option<Person>> {
        roster_person(self.store().conn(), name)
    }

    /// Adds a person (`person` is `None`) or replaces a person's name, roles and identities
    /// (the window's form). Answers the person as stored.
    pub fn save_person(
        &self,
        person: Option<Id>,
        form: &PersonForm,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Person> {
        crate::governance::tx(self, |c| {
            let before = match person {
                Some(id) => Some(gov::person(c, id)?.ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("person {id} not found"))
                })?),
                None => None,
            };
            let f = checked(c, person, form)?;
            let now = clock.now();
            let mut p = Person {
                id: person.unwrap_or(0),
                name: f.name,
                roles: f.roles,
                github: f.github,
                jira: f.jira,
                created_at: before.as_ref().map(|b| b.created_at).unwrap_or(now),
                updated_at: now,
            };
            match &before {
                Some(_) => gov::update_person(c, &p).map_err(switchyard_store::StoreError::from)?,
                None => {
                    p.id = gov::insert_person(c, None, &p)
                        .map_err(switchyard_store::StoreError::from)?
                }
            }
            audit(
                c,
                clock,
                actor,
                if before.is_some() {
                    "person.edit"
                } else {
                    "person.add"
                },
                "person",
                p.id,
                before.map(|b| json!(b)),
                Some(json!(p)),
            )?;
            Ok(p)
        })
    }

    /// Adds a person.
    pub fn add_person(&self, form: &PersonForm, clock: &dyn Clock, actor: &str) -> Result<Person> {
        self.save_person(None, form, clock, actor)
    }

    /// Changes the person called `name`: renames, and sets, adds to or takes from their
    /// roles and identities. Taking away what they do not have is refused.
    pub fn edit_person(
        &self,
        name: &str,
        edit: &PersonEdit,
        clock: &dyn Clock,
        actor: &str,
    ) -> Result<Person> {
        let p = person_by_name(self.store().conn(), name)?;
        let form = PersonForm {
            name: edit.rename.clone().unwrap_or_else(|| p.name.clone()),
            roles: apply(&p.roles, &edit.roles, "role", &p.name)?,
            github: apply(&p.github, &edit.github, "GitHub login", &p.name)?,
            jira: apply(&p.jira, &edit.jira, "Jira identity", &p.name)?,
        };
        self.save_person(Some(p.id), &form, clock, actor)
    }

    /// Removes the person called `name`. Their approvals and decisions keep their name and
    /// id.
    pub fn remove_person(&self, name: &str, clock: &dyn Clock, actor: &str) -> Result<Person> {
        let p = person_by_name(self.store().conn(), name)?;
        self.remove_person_id(p.id, clock, actor)
    }

    /// Removes the person with id `id` (the window's list).
    pub fn remove_person_id(&self, id: Id, clock: &dyn Clock, actor: &str) -> Result<Person> {
        crate::governance::tx(self, |c| {
            let p = gov::person(c, id)?.ok_or_else(|| {
                AppError::new(ErrorCode::NotFound, format!("person {id} not found"))
            })?;
            gov::delete_person(c, p.id)?;
            audit(
                c,
                clock,
                actor,
                "person.remove",
                "person",
                p.id,
                Some(json!(p)),
                None,
            )?;
            Ok(p)
        })
    }

    /// The People screen: the roster by name, and the roles a form offers (the usual ones,
    /// then any other a person holds).
    pub fn people_view(&self) -> Result<PeopleView> {
        let people = self.people()?;
        let mut roles: Vec<String> = KNOWN_ROLES.iter().map(|r| r.to_string()).collect();
        for p in &people {
            for r in &p.roles {
                if !roles.contains(r) {
                    roles.push(r.clone());
                }
            }
        }
        Ok(PeopleView { people, roles })
    }
}

/// The People screen's data (`get_people`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PeopleView {
    /// By name.
    pub people: Vec<Person>,
    /// Role names to offer: engineering, qa, sre, security, product, change_board,
    /// release_manager, then any other a person holds.
    pub roles: Vec<String>,
}

//! The roster: role names as people type them, identities, and segregation of duties by a
//! person's linked identities.

use crate::gonogo::same_person;
use crate::model::Person;
use serde::Serialize;

/// A role as a person types it, normalised: trimmed, lower case, `-` and spaces as `_`
/// (`Change board` is `change_board`). Any word of letters, digits and `_` is a role.
pub fn normal_role(role: &str) -> Result<String, String> {
    let r = role.trim().to_lowercase().replace(['-', ' '], "_");
    if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("{role:?} is not a role name"));
    }
    Ok(r)
}

/// The roles the default risk policy and the readiness templates speak of, in the order a
/// form offers them.
pub const KNOWN_ROLES: &[&str] = &[
    "engineering",
    "qa",
    "sre",
    "security",
    "product",
    "change_board",
    "release_manager",
];

/// Where an identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Github,
    Jira,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Github => "github",
            IdentityKind::Jira => "jira",
        }
    }

    /// How a sentence names it.
    pub fn label(self) -> &'static str {
        match self {
            IdentityKind::Github => "GitHub login",
            IdentityKind::Jira => "Jira identity",
        }
    }
}

/// A GitHub login as typed: trimmed, a leading `@` dropped. Letters, digits, `-`, `_` and
/// `.` (GitHub's own logins use letters, digits and hyphens; Enterprise Server logins
/// mapped from a directory keep `_` and `.`), at most 39; `[bot]` accounts as they appear.
pub fn normal_github_login(login: &str) -> Result<String, String> {
    let l = login.trim().trim_start_matches('@').to_string();
    let core = l.strip_suffix("[bot]").unwrap_or(&l);
    if core.is_empty()
        || core.len() > 39
        || !core
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!("{login:?} is not a GitHub login"));
    }
    Ok(l)
}

/// A Jira account id or email as typed: trimmed, no spaces inside (display names are not
/// identities: two people can share one).
pub fn normal_jira_identity(id: &str) -> Result<String, String> {
    let v = id.trim().to_string();
    if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{id:?} is not a Jira account id or email (no spaces)"
        ));
    }
    Ok(v)
}

/// One duty someone had in a release's changes: who (as the synced data names them), what
/// they did and to which change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// `author` or `deployer`.
    pub duty: &'static str,
    /// Which identities can match `who`.
    pub kind: IdentityKind,
    pub who: String,
    /// The change's key (`acme/web#123`, `WEB-7`, a deployment's key) or `work item N`.
    pub change: String,
    pub title: String,
}

/// Why a roster person may not approve: one of their identities did a duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityViolation {
    pub person: String,
    pub identity: String,
    pub kind: IdentityKind,
    pub duty: &'static str,
    pub change: String,
    pub title: String,
}

impl std::fmt::Display for IdentityViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let did = match self.duty {
            "author" => "authored",
            _ => "deployed",
        };
        write!(
            f,
            "{} may not approve: their {} {} {did} {}",
            self.person,
            self.kind.label(),
            self.identity,
            self.change
        )?;
        if !self.title.trim().is_empty() {
            write!(f, " ({:?})", self.title.trim())?;
        }
        Ok(())
    }
}

/// Segregation of duties by identity: the first duty (authors first, in the order given)
/// done under one of `person`'s identities of the same kind, compared ignoring case.
pub fn check_person_sod(person: &Person, duties: &[Duty]) -> Result<(), IdentityViolation> {
    let mut ordered: Vec<&Duty> = duties.iter().filter(|d| d.duty == "author").collect();
    ordered.extend(duties.iter().filter(|d| d.duty != "author"));
    for d in ordered {
        let ids = match d.kind {
            IdentityKind::Github => &person.github,
            IdentityKind::Jira => &person.jira,
        };
        if let Some(id) = ids.iter().find(|i| same_person(i, &d.who)) {
            return Err(IdentityViolation {
                person: person.name.clone(),
                identity: id.clone(),
                kind: d.kind,
                duty: d.duty,
                change: d.change.clone(),
                title: d.title.clone(),
            });
        }
    }
    Ok(())
}

/// The person of `roster` called `name`, ignoring case and surrounding spaces.
pub fn find_person<'a>(roster: &'a [Person], name: &str) -> Option<&'a Person> {
    let n = name.trim();
    roster.iter().find(|p| p.name.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn person(github: &[&str], jira: &[&str]) -> Person {
        let t = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Person {
            id: 1,
            name: "Omar Haddad".into(),
            roles: vec!["sre".into()],
            github: github.iter().map(|s| s.to_string()).collect(),
            jira: jira.iter().map(|s| s.to_string()).collect(),
            created_at: t,
            updated_at: t,
        }
    }

    fn duty(duty: &'static str, kind: IdentityKind, who: &str, change: &str) -> Duty {
        Duty {
            duty,
            kind,
            who: who.into(),
            change: change.into(),
            title: "Retry checkout".into(),
        }
    }

    #[test]
    fn roles_are_normalised() {
        assert_eq!(normal_role(" Change board ").unwrap(), "change_board");
        assert_eq!(normal_role("QA").unwrap(), "qa");
        assert_eq!(normal_role("site-reliability").unwrap(), "site_reliability");
        assert!(normal_role("").is_err());
        assert!(normal_role("sre!").is_err());
    }

    #[test]
    fn identities_are_checked() {
        assert_eq!(normal_github_login(" @omar-h ").unwrap(), "omar-h");
        assert_eq!(
            normal_github_login("dependabot[bot]").unwrap(),
            "dependabot[bot]"
        );
        assert!(normal_github_login("omar h").is_err());
        assert!(normal_github_login("").is_err());
        assert_eq!(
            normal_jira_identity(" omar@example.com ").unwrap(),
            "omar@example.com"
        );
        assert!(normal_jira_identity("Omar Haddad").is_err());
    }

    #[test]
    fn a_linked_identity_names_the_change() {
        let p = person(&["Omar-H"], &["omar@example.com"]);
        let duties = [
            duty(
                "deployer",
                IdentityKind::Github,
                "omar-h",
                "acme/web/deployments/9",
            ),
            duty("author", IdentityKind::Github, "ann", "acme/web#11"),
            duty("author", IdentityKind::Github, "omar-h", "acme/web#12"),
        ];
        let v = check_person_sod(&p, &duties).unwrap_err();
        assert_eq!((v.duty, v.change.as_str()), ("author", "acme/web#12"));
        assert_eq!(v.identity, "Omar-H");
        let text = v.to_string();
        assert!(
            text.contains("GitHub login Omar-H authored acme/web#12"),
            "{text}"
        );
        assert!(text.contains("Retry checkout"), "{text}");
        // A Jira identity matches only Jira duties; the person's name is no identity.
        let jira = [
            duty(
                "author",
                IdentityKind::Github,
                "omar@example.com",
                "acme/web#1",
            ),
            duty("author", IdentityKind::Github, "Omar Haddad", "acme/web#2"),
        ];
        assert!(check_person_sod(&p, &jira).is_ok());
        let jira = [duty(
            "author",
            IdentityKind::Jira,
            "OMAR@example.com",
            "WEB-7",
        )];
        assert_eq!(check_person_sod(&p, &jira).unwrap_err().change, "WEB-7");
    }
}

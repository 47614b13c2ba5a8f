//! `switchyard people list|add|edit|remove`: the workspace's roster.

use clap::Subcommand;
use std::path::PathBuf;
use switchyard_app::core::Person;
use switchyard_app::people::{ListEdit, PersonEdit, PersonForm};
use switchyard_app::{AppError, ErrorCode, SystemClock};

#[derive(Subcommand)]
pub enum PeopleAction {
    /// The roster, by name: roles, GitHub logins and Jira identities.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a person.
    Add {
        /// Their name, as `--as NAME` and the window's approver list give it.
        name: String,
        /// A role (engineering, qa, sre, security, product, change_board, release_manager or
        /// any other word); repeat for more.
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        /// A GitHub login; repeat for more.
        #[arg(long = "github", value_name = "LOGIN")]
        github: Vec<String>,
        /// A Jira account id or email; repeat for more.
        #[arg(long = "jira", value_name = "ID_OR_EMAIL")]
        jira: Vec<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a person: `--role`/`--github`/`--jira` replace that list, `--add-*` and
    /// `--remove-*` change it item by item, `--rename` gives a new name.
    Edit {
        name: String,
        #[arg(long, value_name = "NEW_NAME")]
        rename: Option<String>,
        /// Replace the roles with these (repeat); conflicts with --add-role.
        #[arg(long = "role", value_name = "ROLE", conflicts_with = "add_roles")]
        roles: Vec<String>,
        #[arg(long = "add-role", value_name = "ROLE")]
        add_roles: Vec<String>,
        #[arg(long = "remove-role", value_name = "ROLE")]
        remove_roles: Vec<String>,
        /// Replace the GitHub logins with these (repeat).
        #[arg(long = "github", value_name = "LOGIN", conflicts_with = "add_github")]
        github: Vec<String>,
        #[arg(long = "add-github", value_name = "LOGIN")]
        add_github: Vec<String>,
        #[arg(long = "remove-github", value_name = "LOGIN")]
        remove_github: Vec<String>,
        /// Replace the Jira identities with these (repeat).
        #[arg(long = "jira", value_name = "ID_OR_EMAIL", conflicts_with = "add_jira")]
        jira: Vec<String>,
        #[arg(long = "add-jira", value_name = "ID_OR_EMAIL")]
        add_jira: Vec<String>,
        #[arg(long = "remove-jira", value_name = "ID_OR_EMAIL")]
        remove_jira: Vec<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove a person (their approvals and decisions keep their name).
    Remove {
        name: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

fn list_edit(set: Vec<String>, add: Vec<String>, remove: Vec<String>) -> ListEdit {
    ListEdit {
        set: (!set.is_empty()).then_some(set),
        add,
        remove,
    }
}

fn line(p: &Person) -> String {
    let or_none = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "{}  roles: {}  github: {}  jira: {}",
        p.name,
        or_none(&p.roles),
        or_none(&p.github),
        or_none(&p.jira)
    )
}

fn emit(json: bool, p: &Person, verb: &str) -> Result<(), AppError> {
    if json {
        let text = serde_json::to_string_pretty(p)
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        println!("{text}");
    } else {
        println!("{verb} {}", line(p));
    }
    Ok(())
}

/// The form's fields as this command's flags: `roles` is `--role`, the name is positional.
fn as_flags(mut e: AppError) -> AppError {
    e.field = match e.field.as_deref() {
        Some("roles") => Some("role".into()),
        Some("name") => None,
        _ => e.field,
    };
    e
}

pub fn run(db: Option<PathBuf>, action: PeopleAction) -> Result<(), AppError> {
    people(db, action).map_err(as_flags)
}

fn people(db: Option<PathBuf>, action: PeopleAction) -> Result<(), AppError> {
    let clock = SystemClock;
    let ws = &crate::open(db)?;
    match action {
        PeopleAction::List { json } => {
            let people = ws.people()?;
            if json {
                let text = serde_json::to_string_pretty(&people)
                    .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
                println!("{text}");
            } else if people.is_empty() {
                println!("The roster is empty: `switchyard people add NAME --role R --github LOGIN` adds a person.");
            } else {
                for p in &people {
                    println!("{}", line(p));
                }
            }
        }
        PeopleAction::Add {
            name,
            roles,
            github,
            jira,
            actor,
            json,
        } => {
            let who = crate::review::resolve_actor(ws, actor.as_deref())?;
            let p = ws.add_person(
                &PersonForm {
                    name,
                    roles,
                    github,
                    jira,
                },
                &clock,
                &who,
            )?;
            emit(json, &p, "Added")?;
        }
        PeopleAction::Edit {
            name,
            rename,
            roles,
            add_roles,
            remove_roles,
            github,
            add_github,
            remove_github,
            jira,
            add_jira,
            remove_jira,
            actor,
            json,
        } => {
            let who = crate::review::resolve_actor(ws, actor.as_deref())?;
            let edit = PersonEdit {
                rename,
                roles: list_edit(roles, add_roles, remove_roles),
                github: list_edit(github, add_github, remove_github),
                jira: list_edit(jira, add_jira, remove_jira),
            };
            let p = ws.edit_person(&name, &edit, &clock, &who)?;
            emit(json, &p, "Changed")?;
        }
        PeopleAction::Remove { name, actor } => {
            let who = crate::review::resolve_actor(ws, actor.as_deref())?;
            let p = ws.remove_person(&name, &clock, &who)?;
            println!("Removed {} from the roster.", p.name);
        }
    }
    Ok(())
}
